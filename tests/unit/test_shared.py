"""What the Rasa processes share through Redis (channels/shared.py): ids seen lately, against the
machine's Redis (skipped when it does not answer, except on CI), and each process on its own
when there is no Redis or it is down."""

import logging
import uuid

import redis

from channels.shared import SeenIds, hashed
from tests.private_services import free_port


class Clock:
    """A monotonic clock the test moves."""

    now = 1000.0

    def __call__(self) -> float:
        return self.now


def key() -> str:
    return f"event:{uuid.uuid4().hex}"


async def test_without_redis_a_process_remembers_on_its_own():
    one, other = SeenIds("t", 60), SeenIds("t", 60)
    k = key()
    assert await one.first_time([k, None, ""])
    assert not await one.first_time([k])
    assert await other.first_time([k])  # nothing shared
    await one.add("C1:1.0")
    assert await one.contains("C1:1.0") and not await other.contains("C1:1.0")


async def test_two_replicas_see_one_delivery_once(redis_url):
    one, other = SeenIds("t", 60, redis_url), SeenIds("t", 60, redis_url)
    first, second = key(), key()
    assert await one.first_time([first])
    assert not await other.first_time([first])
    # one message, two ids (a mention and a channel message): the second id is not new either
    assert not await other.first_time([second, first])
    assert not await one.first_time([second])
    await one.close()
    await other.close()


async def test_a_thread_noted_by_one_replica_is_known_to_the_other(redis_url):
    one, other = SeenIds("t", 60, redis_url), SeenIds("t", 60, redis_url)
    thread = f"C1:{uuid.uuid4().hex}"
    assert not await other.contains(thread)
    await one.add(thread)
    assert await other.contains(thread)
    await one.close()
    await other.close()


async def test_keys_name_no_person_and_expire(redis_url):
    seen = SeenIds("t", 90, redis_url)
    psid = f"at:{uuid.uuid4().hex}:1700000000"
    await seen.first_time([psid])
    client = redis.Redis.from_url(redis_url)
    stored = client.keys("clinic:t:*")
    assert f"clinic:t:{hashed(psid)}".encode() in stored
    assert not [k for k in stored if psid.encode() in k]
    assert 0 < client.ttl(f"clinic:t:{hashed(psid)}") <= 90
    await seen.close()


async def test_redis_down_fails_open_with_one_log_line(caplog):
    clock = Clock()
    seen = SeenIds("t", 60, f"redis://127.0.0.1:{free_port()}/0", clock=clock)
    k = key()
    with caplog.at_level(logging.WARNING, logger="channels.shared"):
        answers = [await seen.first_time([k]) for _ in range(3)]
        clock.now += 10  # past the pause: Redis is tried again, and is still away
        await seen.add("C1:2.0")
        known = await seen.contains("C1:2.0")
    assert answers == [True, False, False]  # still each delivery once, in this process
    assert known
    assert len([r for r in caplog.records if "unreachable" in r.getMessage()]) == 1
    await seen.close()
