"""Where Rasa keeps conversations: its own SQL tracker store, configured by one URL.

`make run` keeps them in a SQLite file under its run folder, so a restart loses nothing; the
cluster and production point `TRACKER_STORE_URL` at PostgreSQL. Added to Rasa's
`SQLTrackerStore`:

- connections are checked before use (a restarted PostgreSQL costs no restart of ours);
- a read or write that fails because the database is away is retried for a while
  (`TRACKER_STORE_RETRY_SECONDS`, default 20): the turn waits out a database restart instead of
  going on without the conversation. Rasa wraps every tracker store in `FailSafeTrackerStore`,
  which on an error answers from an empty conversation and keeps it in memory only; past the
  retry time that still happens, but a conversation that could not be read is never written
  back (its blank stand-in would be appended to the real one), so once the database is back the
  person continues where they were;
- SQLite runs in WAL mode with a busy timeout (the retention job and the Rasa server may write
  at the same time).
"""

import asyncio
import logging
import os
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import Engine

logger = logging.getLogger(__name__)

SQLITE_BUSY_MS = 5000
POSTGRES_CONNECT_TIMEOUT_S = 3
RETRY_FIRST_WAIT_S = 0.25
RETRY_MAX_WAIT_S = 2.0
T = TypeVar("T")
AWAY = (sa.exc.OperationalError, sa.exc.InterfaceError)  # the database is down or restarting


def retry_seconds() -> float:
    """How long a turn waits for the database before Rasa's fail-safe takes over."""
    return float(os.environ.get("TRACKER_STORE_RETRY_SECONDS", 20))


async def with_retries(work: Callable[[], Awaitable[T]], what: str, budget: float) -> T:
    """Run `work`, retrying on database errors (growing waits) until `budget` seconds pass."""
    deadline = time.monotonic() + budget
    wait = RETRY_FIRST_WAIT_S
    while True:
        try:
            return await work()
        except AWAY as error:
            if time.monotonic() + wait > deadline:
                raise
            logger.warning(f"tracker store: {what} failed ({error.orig}); retrying in {wait}s")
            await asyncio.sleep(wait)
            wait = min(wait * 2, RETRY_MAX_WAIT_S)


def sqlite_pragmas(engine: Engine) -> None:
    """WAL lets readers and a writer work at once; NORMAL sync is safe with WAL."""

    @sa.event.listens_for(engine, "connect")
    def _on_connect(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        cursor.close()


def make_engine(url: str) -> Engine:
    """An engine that survives a database restart (pre-ping) with Rasa's own pool settings."""
    kwargs: dict[str, Any] = dict(create_engine_kwargs(url))
    if url.startswith("postgresql"):
        kwargs["connect_args"] = {"connect_timeout": POSTGRES_CONNECT_TIMEOUT_S}
    engine = sa.create_engine(url, pool_pre_ping=True, **kwargs)
    if engine.dialect.name == "sqlite":
        sqlite_pragmas(engine)
    return engine


class ClinicTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store from `url:` (an SQLAlchemy URL, `${TRACKER_STORE_URL}`)."""

    def __init__(
        self,
        domain: Domain | None = None,
        host: str | None = None,
        event_broker: EventBroker | None = None,
        **kwargs: Any,
    ) -> None:
        if not host or "://" not in host:
            raise ValueError(
                "tracker_store needs url: an SQLAlchemy URL such as "
                "sqlite:///run/conversations.sqlite3 or postgresql://user@host/db "
                "(set TRACKER_STORE_URL)"
            )
        super().__init__(domain=domain, host=host, event_broker=event_broker, **kwargs)
        self.engine.dispose()
        self.engine = make_engine(host)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self.retry_seconds = retry_seconds()
        self.unreadable: set[str] = set()  # conversations whose last read failed

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return await self._read(sender_id, super().retrieve)

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        return await self._read(conversation_id, super().retrieve_full_tracker)

    async def _read(
        self, sender_id: str, read: Callable[[str], Awaitable[DialogueStateTracker | None]]
    ) -> DialogueStateTracker | None:
        try:
            tracker = await with_retries(lambda: read(sender_id), "read", self.retry_seconds)
        except AWAY:
            self.unreadable.add(sender_id)
            raise
        self.unreadable.discard(sender_id)
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        if tracker.sender_id in self.unreadable:
            raise RuntimeError(
                f"conversation {tracker.sender_id} could not be read from the database: "
                "its stand-in is not written over it"
            )
        await with_retries(lambda: super(ClinicTrackerStore, self).save(tracker), "write",
                           self.retry_seconds)  # fmt: skip
