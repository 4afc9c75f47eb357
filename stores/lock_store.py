"""One turn at a time per conversation across the Rasa replicas: Rasa's Redis lock store, with
one fix.

Rasa 3.6 queues turns with tickets that expire (`TICKET_LOCK_LIFETIME`, 60 s) so that a replica
that dies while answering does not block its conversation forever. But a waiting turn only
checks every second whether it is first in line, and its own ticket expires too: when a person
sends the next message within a second of the one the dead replica took (a widget resending
after an error does), both tickets expire between two checks, and the waiting turn is never
served (it waits until the client gives up). Here a turn goes ahead as soon as no live ticket is
ahead of its own, whether or not its own has expired meanwhile.

And like the tracker store, a turn waits out a Redis restart (`LOCK_STORE_RETRY_SECONDS`, 20)
instead of failing without a reply; releasing the lock after a turn that was answered never
turns into an error (its ticket expires by itself).
"""

import asyncio
import logging
import time
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

import settings

logger = logging.getLogger(__name__)
AWAY = (LockError, RedisConnectionError, RedisTimeoutError)


class ClinicLockStore(RedisLockStore):
    """`lock_store: type: stores.lock_store.ClinicLockStore` with Rasa's Redis settings."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)
        self.retry_seconds = settings.LOCK_STORE_RETRY_SECONDS.read()

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncGenerator[TicketLock, None]:
        ticket = await self._issue_ticket_waiting(conversation_id, lock_lifetime)
        try:
            yield await self._acquire_lock(conversation_id, ticket, wait_time_in_seconds)
        finally:
            try:
                self.cleanup(conversation_id, ticket)
            except AWAY as error:
                logger.warning(f"lock store: could not release {conversation_id}: {error}")

    async def _issue_ticket_waiting(self, conversation_id: str, lock_lifetime: float) -> int:
        deadline = time.monotonic() + self.retry_seconds
        wait = 0.25
        while True:
            try:
                return self.issue_ticket(conversation_id, lock_lifetime)
            except AWAY as error:
                if time.monotonic() + wait > deadline:
                    raise
                logger.warning(f"lock store: Redis away ({error}); retrying in {wait}s")
                await asyncio.sleep(wait)
                wait = min(wait * 2, 2.0)

    async def _acquire_lock(
        self, conversation_id: str, ticket: int, wait_time_in_seconds: float
    ) -> TicketLock:
        while True:
            lock = self.get_lock(conversation_id)
            if lock is None:  # deleted by the last turn served: nobody is ahead
                return self.create_lock(conversation_id)
            if not any(t.number < ticket and not t.has_expired() for t in lock.tickets):
                return lock
            await asyncio.sleep(wait_time_in_seconds)
            self.update_lock(conversation_id)
