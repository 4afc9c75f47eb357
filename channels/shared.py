"""What the Rasa processes of one assistant must agree on, kept in Redis when there is one.

Each Rasa process (a replica of the cluster or of Kubernetes) gets some of the same person's
webhooks: Slack sends a message twice (as a mention and as a channel message) and the two may
reach different replicas; a reply in a Slack thread reaches whichever replica the balancer
picks, which must know that the bot answers in that thread. A memory per process gets both
wrong as soon as there are two. With `REDIS_URL` set, the processes share it (Redis `SET NX`);
without it, or while Redis is down, each process keeps its own (failing open, as the rate limit
does: the service keeps answering, one log line per outage says so).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, TypeVar

import settings
from channels.recent import RecentIds

log = logging.getLogger(__name__)
T = TypeVar("T")

# After Redis fails, how long a process keeps to its own memory before trying Redis again
REDIS_RETRY_SECONDS = 5.0
REDIS_TIMEOUT_SECONDS = 0.5


def redis_url(env: Mapping[str, str] | None = None) -> str | None:
    """Where the processes share state (REDIS_URL); None: each process on its own."""
    return settings.REDIS_URL.read(env)


def hashed(key: str) -> str:
    """Keys are hashed before they go to Redis, so it holds no ids a person could be traced by."""
    return hashlib.sha256(key.encode("utf-8", errors="surrogatepass")).hexdigest()[:32]


def connect(url: str) -> Any:
    """An asyncio Redis client (Rasa's own dependency, its Redis lock store) with short
    timeouts: a Redis that is away costs a turn half a second, not a hang."""
    from redis import asyncio as aioredis

    return aioredis.Redis.from_url(
        url,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
    )


class SharedOrLocal:
    """Runs an operation on the shared store; after a failure, on the process's own stand-in
    for REDIS_RETRY_SECONDS, then tries the shared store again. `what` names it in the log."""

    def __init__(self, what: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.what = what
        self.clock = clock
        self._down_until = 0.0

    async def run(
        self,
        shared: Callable[[], Awaitable[T]] | None,
        local: Callable[[], Awaitable[T]],
    ) -> T:
        now = self.clock()
        if shared is not None and now >= self._down_until:
            try:
                result = await shared()
            except Exception as error:  # noqa: BLE001 - any Redis failure: this process alone
                if self._down_until == 0.0:
                    log.warning(
                        "%s unreachable (%s); each process on its own until it is back",
                        self.what,
                        type(error).__name__,
                    )
                self._down_until = now + REDIS_RETRY_SECONDS
            else:
                if self._down_until:
                    log.warning("%s reachable again", self.what)
                    self._down_until = 0.0
                return result
        return await local()


class SeenIds:
    """Ids seen lately (deliveries answered, threads the bot answers in), shared by the
    processes through Redis for `ttl_seconds`; the process's own `RecentIds` without it."""

    def __init__(
        self,
        namespace: str,
        ttl_seconds: int,
        url: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.prefix = f"clinic:{namespace}:"
        self.ttl_seconds = ttl_seconds
        self.local = RecentIds()
        self._redis = connect(url) if url else None
        self._store = SharedOrLocal(f"shared {namespace} store", clock)

    async def first_time(self, keys: Iterable[str | None]) -> bool:
        """True if none of `keys` (empty ones ignored) was seen before; remembers them all.
        Two processes asking at once: exactly one hears True (`SET NX` is atomic)."""
        present = [k for k in keys if k]

        async def shared() -> bool:
            async with self._redis.pipeline(transaction=False) as pipe:
                for key in present:
                    pipe.set(self.prefix + hashed(key), b"1", nx=True, ex=self.ttl_seconds)
                answers = await pipe.execute()
            for key in present:
                self.local.add(key)
            return all(answers)

        async def local() -> bool:
            return self.local.first_time(present)

        return await self._store.run(shared if self._redis else None, local)

    async def add(self, key: str) -> None:
        async def shared() -> None:
            await self._redis.set(self.prefix + hashed(key), b"1", ex=self.ttl_seconds)
            self.local.add(key)

        async def local() -> None:
            self.local.add(key)

        await self._store.run(shared if self._redis else None, local)

    async def contains(self, key: str) -> bool:
        async def shared() -> bool:
            return key in self.local or bool(await self._redis.exists(self.prefix + hashed(key)))

        async def local() -> bool:
            return key in self.local

        return await self._store.run(shared if self._redis else None, local)

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.close()
