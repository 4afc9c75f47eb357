"""Limits on what reaches the dialogue: message size, messages per sender per minute, origins.

Pure logic, no Rasa: the channels (channels/guard.py, channels/rest.py) apply it. The per-minute
count lives in Redis when a URL is configured, so every replica sees the same count; without
Redis, or while Redis is down, each process counts on its own (failing open: the service keeps
answering, one log line per outage says so).
"""

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import settings
from channels.shared import SharedOrLocal, connect, hashed
from channels.shared import redis_url as shared_redis_url

WINDOW_SECONDS = 60
KEY_PREFIX = "clinic:rate:"


@dataclass(frozen=True)
class Limits:
    """The configured limits (environment variables in brackets)."""

    # A message's text in UTF-8 bytes (MAX_MESSAGE_BYTES); the NLU reads only its first 2,000
    # characters anyway (InputCleaner), so a 10 KB message is still read and answered.
    max_message_bytes: int = 16_384
    # Messages per sender per minute (RATE_LIMIT_PER_MINUTE); 0 turns the limit off.
    per_minute: int = 30
    # Any HTTP request body to the Rasa server (RASA_REQUEST_MAX_BYTES); Sanic's default is 100 MB.
    request_max_bytes: int = 1_048_576
    # Where the per-minute counts are shared (RATE_LIMIT_REDIS_URL, else REDIS_URL); None: local.
    redis_url: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Limits":
        return cls(
            max_message_bytes=settings.MAX_MESSAGE_BYTES.read(env),
            per_minute=settings.RATE_LIMIT_PER_MINUTE.read(env),
            request_max_bytes=settings.RASA_REQUEST_MAX_BYTES.read(env),
            redis_url=settings.RATE_LIMIT_REDIS_URL.read(env) or shared_redis_url(env),
        )


def text_bytes(text: str) -> int:
    """Size of a message as it travels; lone surrogates (valid JSON, invalid UTF-8) count too."""
    return len(text.encode("utf-8", errors="surrogatepass"))


def too_long(text: str, limits: Limits) -> bool:
    return text_bytes(text) > limits.max_message_bytes


def loopback_origins(port: int | str) -> list[str]:
    """The web app on this machine under both names a person types for it: to a browser a page
    at http://127.0.0.1:8080 is another origin than http://localhost:8080. (Not [::1]: the
    development servers listen on IPv4 loopback only, so no page is ever served from there.)"""
    return [f"http://localhost:{port}", f"http://127.0.0.1:{port}"]


def cors_origins(env: Mapping[str, str] | None = None) -> list[str]:
    """Origins allowed to call Rasa from a browser (RASA_CORS_ORIGINS, comma-separated); by
    default the clinic web app's own origin. `*` is refused: any site could then drive the chat."""
    raw = settings.RASA_CORS_ORIGINS.read(env) or ""
    if not raw:
        return [f"http://localhost:{settings.WEB_PORT.read(env)}"]
    origins = [o.strip().rstrip("/") for o in raw.split(",") if o.strip()]
    if "*" in origins:
        raise ValueError("RASA_CORS_ORIGINS must name the allowed origins; '*' is not accepted")
    return origins


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int = 0  # seconds until the window resets (when refused)
    # The first refused message of this window: channels that cannot answer with a status code
    # tell the person once, then drop the rest quietly.
    first_refusal: bool = False


class Counter(Protocol):
    async def hit(self, key: str, window: int, now: float) -> int:
        """Count one message for `key` in the window starting at `window`; the new count."""
        ...


class MemoryCounter:
    """Fixed-window counts in this process; windows older than the current one are dropped."""

    def __init__(self) -> None:
        self._counts: dict[str, tuple[int, int]] = {}

    async def hit(self, key: str, window: int, now: float) -> int:
        start, count = self._counts.get(key, (window, 0))
        if start != window:
            start, count = window, 0
        self._counts[key] = (start, count + 1)
        if len(self._counts) > 10_000:
            self._counts = {k: v for k, v in self._counts.items() if v[0] == window}
        return count + 1


class RedisCounter:
    """Fixed-window counts shared by all replicas: INCR and EXPIRE in one transaction."""

    def __init__(self, url: str) -> None:
        self._redis = connect(url)

    async def hit(self, key: str, window: int, now: float) -> int:
        full_key = f"{KEY_PREFIX}{key}:{window}"
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(full_key)
            pipe.expire(full_key, WINDOW_SECONDS * 2)
            count, _ = await pipe.execute()
        return int(count)

    async def close(self) -> None:
        await self._redis.close()


def sender_key(sender: str) -> str:
    """Sender ids are hashed before they are counted, so Redis holds no ids a person could be
    traced by."""
    return hashed(sender)


class RateLimiter:
    """Messages per sender per minute, fixed one-minute windows."""

    def __init__(
        self,
        per_minute: int,
        shared: Counter | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.per_minute = per_minute
        self.shared = shared
        self.local = MemoryCounter()
        self.clock = clock
        self._store = SharedOrLocal("rate limit store", clock)

    async def _count(self, key: str, window: int, now: float) -> int:
        shared = self.shared
        return await self._store.run(
            (lambda: shared.hit(key, window, now)) if shared is not None else None,
            lambda: self.local.hit(key, window, now),
        )

    async def check(self, sender: str) -> Decision:
        """Count this message and say whether it may go on."""
        if self.per_minute <= 0:
            return Decision(True)
        now = self.clock()
        window = int(now // WINDOW_SECONDS)
        count = await self._count(sender_key(sender), window, now)
        if count <= self.per_minute:
            return Decision(True)
        retry_after = max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))
        return Decision(False, retry_after, first_refusal=count == self.per_minute + 1)


def build_limiter(limits: Limits) -> RateLimiter:
    shared: Any = RedisCounter(limits.redis_url) if limits.redis_url else None
    return RateLimiter(limits.per_minute, shared)
