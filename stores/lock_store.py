"""One turn at a time per conversation across the Rasa replicas: Rasa's Redis lock store, with
one fix.

Rasa 3.6 queues turns with tickets that expire (`TICKET_LOCK_LIFETIME`, 60 s) so that a replica
that dies while answering does not block its conversation forever. But a waiting turn only
checks every second whether it is first in line, and its own ticket expires too: when a person
sends the next message within a second of the one the dead replica took (a widget resending
after an error does), both tickets expire between two checks, and the waiting turn is never
served (it waits until the client gives up). Here a turn goes ahead as soon as no live ticket is
ahead of its own, whether or not its own has expired meanwhile.
"""

import asyncio
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import RedisLockStore
from rasa.utils.endpoints import EndpointConfig


class ClinicLockStore(RedisLockStore):
    """`lock_store: type: stores.lock_store.ClinicLockStore` with Rasa's Redis settings."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

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
