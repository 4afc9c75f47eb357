"""The limits' pure logic (channels/limits.py): sizes, origins, the per-sender minute window in
one process and in Redis (the machine's, 127.0.0.1:6379: skipped when it does not answer, except
on CI), and failing open when Redis is down."""

import logging
import uuid

import pytest

from channels.limits import (
    KEY_PREFIX,
    Limits,
    RateLimiter,
    RedisCounter,
    cors_origins,
    sender_key,
    text_bytes,
    too_long,
)
from tests.private_services import free_port


class Clock:
    def __init__(self, now: float = 60 * 16_667 + 20.0) -> None:  # 20 s into a minute
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_defaults_and_environment():
    assert Limits.from_env({}) == Limits(16_384, 30, 1_048_576, None)
    env = {"MAX_MESSAGE_BYTES": "100", "RATE_LIMIT_PER_MINUTE": "0", "REDIS_URL": "redis://x"}
    assert Limits.from_env(env) == Limits(100, 0, 1_048_576, "redis://x")
    both = {"REDIS_URL": "redis://lock", "RATE_LIMIT_REDIS_URL": "redis://rate"}
    assert Limits.from_env(both).redis_url == "redis://rate"
    with pytest.raises(ValueError):
        Limits.from_env({"RATE_LIMIT_PER_MINUTE": "-1"})
    with pytest.raises(ValueError):
        Limits.from_env({"MAX_MESSAGE_BYTES": "16k"})


def test_a_ten_kilobyte_message_is_within_the_limit_and_sixteen_is_not():
    limits = Limits()
    assert not too_long("my neck hurts and " * 600, limits)  # issue 2's 10 KB message
    assert not too_long("a" * 16_384, limits)
    assert too_long("a" * 16_385, limits)
    assert too_long("é" * 8_193, limits)  # bytes, not characters: 16,386 bytes


def test_lone_surrogates_are_measured_not_raised():
    assert text_bytes("\ud800") == 3


def test_cors_origins_default_to_the_web_app_and_never_allow_all():
    assert cors_origins({}) == ["http://localhost:8080"]
    assert cors_origins({"WEB_PORT": "9000"}) == ["http://localhost:9000"]
    env = {"RASA_CORS_ORIGINS": "https://clinic.example/, https://www.clinic.example"}
    assert cors_origins(env) == ["https://clinic.example", "https://www.clinic.example"]
    with pytest.raises(ValueError):
        cors_origins({"RASA_CORS_ORIGINS": "https://clinic.example,*"})


async def test_the_limit_counts_per_sender_per_minute():
    clock = Clock()
    limiter = RateLimiter(3, clock=clock)
    assert [(await limiter.check("a")).allowed for _ in range(3)] == [True] * 3
    refused = await limiter.check("a")
    assert not refused.allowed and refused.first_refusal
    assert refused.retry_after == 40  # the window ends 40 s later
    again = await limiter.check("a")
    assert not again.allowed and not again.first_refusal  # told once per window
    assert (await limiter.check("b")).allowed  # another sender is not slowed down
    clock.now += 40
    assert (await limiter.check("a")).allowed  # a new minute


async def test_zero_turns_the_limit_off():
    limiter = RateLimiter(0, clock=Clock())
    assert all([(await limiter.check("a")).allowed for _ in range(100)])


def test_sender_ids_are_hashed_for_the_store():
    key = sender_key("patient@example.com")
    assert "patient" not in key and len(key) == 32
    assert key == sender_key("patient@example.com") != sender_key("other")
    assert sender_key("\udcff")  # lone surrogates from JSON do not raise


async def test_two_replicas_share_the_count_in_redis(redis_url):
    clock = Clock()
    sender = f"s-{uuid.uuid4().hex}"
    replica_1 = RateLimiter(4, RedisCounter(redis_url), clock=clock)
    replica_2 = RateLimiter(4, RedisCounter(redis_url), clock=clock)
    results = [await (replica_1 if i % 2 else replica_2).check(sender) for i in range(6)]
    assert [r.allowed for r in results] == [True] * 4 + [False, False]
    assert results[4].first_refusal and not results[5].first_refusal
    # the key expires by itself and names no sender
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = client.keys(f"{KEY_PREFIX}{sender_key(sender)}:*")
    assert len(keys) == 1 and 0 < client.ttl(keys[0]) <= 120
    assert sender.encode() not in keys[0]
    await replica_1.shared.close()
    await replica_2.shared.close()


async def test_redis_down_fails_open_with_one_log_line(caplog):
    clock = Clock()
    limiter = RateLimiter(2, RedisCounter(f"redis://127.0.0.1:{free_port()}/0"), clock=clock)
    with caplog.at_level(logging.WARNING, logger="channels.limits"):
        results = [await limiter.check("a") for _ in range(4)]
    # still answering, and still limited per process while Redis is away
    assert [r.allowed for r in results] == [True, True, False, False]
    warnings = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(warnings) == 1


async def test_redis_back_after_an_outage_is_used_again(redis_url, caplog):
    class Flaky:
        def __init__(self) -> None:
            self.real, self.up = RedisCounter(redis_url), False

        async def hit(self, key: str, window: int, now: float) -> int:
            if not self.up:
                raise ConnectionError("down")
            return await self.real.hit(key, window, now)

    clock, flaky = Clock(), Flaky()
    limiter = RateLimiter(100, flaky, clock=clock)
    sender = f"s-{uuid.uuid4().hex}"
    with caplog.at_level(logging.WARNING, logger="channels.limits"):
        assert (await limiter.check(sender)).allowed  # counted locally
        flaky.up = True
        clock.now += 1
        await limiter.check(sender)  # within the retry pause: still local
        clock.now += 5
        await limiter.check(sender)  # Redis again
    import redis

    client = redis.Redis.from_url(redis_url)
    assert client.get(f"{KEY_PREFIX}{sender_key(sender)}:{int(clock.now // 60)}") == b"1"
    assert any("reachable again" in r.getMessage() for r in caplog.records)
    await flaky.real.close()


def test_the_stack_never_runs_the_api_with_an_empty_token(monkeypatch, tmp_path):
    """Rasa compares `?token=` as given: an empty token would let `?token=` in."""
    from tooling.stack import DEV_TOKEN, Stack

    monkeypatch.setenv("RASA_API_TOKEN", "")
    assert Stack(model=tmp_path / "m.tar.gz").token == DEV_TOKEN
    with pytest.raises(ValueError):
        Stack(model=tmp_path / "m.tar.gz", token=" ", run_dir=tmp_path).start()
