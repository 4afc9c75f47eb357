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
  at the same time);
- "forget me" erases the conversation at save time (`save`, `_forgets`), and its insight counts
  and review items (insights/recorder.py: retried, and awaited);
- each saved turn's new events are counted for the insights (`insights.recorder`, INSIGHTS=on)
  on the recorder's background thread: the turn never waits for the insights database;
- the trackers of recent conversations stay loaded. Rasa rebuilds the tracker from every event
  of the session on each message: measured here, 150 ms of a 270 ms turn at turn 60 of one
  conversation (616 events), and the main reason a turn's cost grew with the conversation. A
  loaded tracker is used only while the database still holds exactly what it was built from
  (same newest event id and count, one indexed query). When another replica answered the turns
  since, only their events are read and applied (the newest loaded row checked to be still the
  same event); a failed turn that was never saved, a new session or a deleted conversation lead
  to a fresh load.
"""

import asyncio
import itertools
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, NamedTuple, TypeVar

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
    deserialise_events,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.engine import Engine

import settings
from headache_core.forget import FORGOTTEN_SLOT
from insights.recorder import recorder
from stores import conversations
from stores.conversations import delete_sender, sqlite_pragmas  # noqa: F401 - re-exported

logger = logging.getLogger(__name__)

POSTGRES_CONNECT_TIMEOUT_S = 3
RETRY_FIRST_WAIT_S = 0.25
RETRY_MAX_WAIT_S = 2.0
T = TypeVar("T")
AWAY = (sa.exc.OperationalError, sa.exc.InterfaceError)  # the database is down or restarting


def retry_seconds() -> float:
    """How long a turn waits for the database before Rasa's fail-safe takes over."""
    return settings.TRACKER_STORE_RETRY_SECONDS.read()


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


class Stored(NamedTuple):
    """What the database holds of a conversation's latest session: how many events, the newest."""

    count: int
    newest_id: int | None


class LoadedTrackers:
    """The most recently used trackers, each with the database state it matches."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, tuple[DialogueStateTracker, Stored]] = OrderedDict()

    def get(self, sender_id: str) -> tuple[DialogueStateTracker, Stored] | None:
        """The loaded tracker and the database state it was built from; None if there is none
        or it changed here and was never saved (a failed turn)."""
        item = self._items.get(sender_id)
        if item is None:
            return None
        tracker, known = item
        if len(tracker.events) != known.count:
            del self._items[sender_id]
            return None
        self._items.move_to_end(sender_id)
        return item

    def put(self, tracker: DialogueStateTracker, stored: Stored) -> None:
        if self.size <= 0:
            return
        self._items[tracker.sender_id] = (tracker, stored)
        self._items.move_to_end(tracker.sender_id)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def forget(self, sender_id: str) -> None:
        self._items.pop(sender_id, None)


def make_engine(url: str) -> Engine:
    """The engine of stores/conversations.py (pre-ping, SQLite pool and WAL), Rasa's pool sizes;
    PostgreSQL gives up connecting after a few seconds, so a retry can follow."""
    kwargs: dict[str, Any] = dict(create_engine_kwargs(url))
    if url.startswith("postgresql"):
        kwargs["connect_args"] = kwargs.get("connect_args", {}) | {
            "connect_timeout": POSTGRES_CONNECT_TIMEOUT_S
        }
    return conversations.make_engine(url, **kwargs)


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
        # An event broker diffs the saved tracker against a retrieved one: they must differ.
        size = 0 if event_broker else settings.TRACKER_CACHE_SIZE.read()
        self.loaded = LoadedTrackers(size)
        self.retry_seconds = retry_seconds()
        self.unreadable: set[str] = set()  # conversations whose last read failed

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return await self._read(sender_id, self._retrieve_current)

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

    async def _retrieve_current(self, sender_id: str) -> DialogueStateTracker | None:
        """The latest session: the loaded tracker while it is current, else from the rows."""
        with self.engine.connect() as connection:
            stored = _stored_on(connection, sender_id)
            item = self.loaded.get(sender_id)
            if item is not None:
                tracker, known = item
                if known == stored:
                    return tracker
                if _caught_up(connection, tracker, known, stored):
                    self.loaded.put(tracker, stored)
                    return tracker
                self.loaded.forget(sender_id)
        tracker = await super().retrieve(sender_id)
        if tracker is not None:
            self.loaded.put(tracker, stored)
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's save (only the events not yet stored), noting what is stored afterwards;
        except when this turn is the forget action's deletion: then every stored event of the
        sender (all sessions) is deleted and nothing is written.

        Why forgetting is here and not in the action: the action server cannot delete the
        conversation, because Rasa saves its in-memory tracker after the action, and counting
        the stored rows (then 0) would write the whole conversation back. The save is the one
        place that sees the final tracker. It runs while Rasa holds the conversation's lock (the
        lock store, Redis in the cluster); a replica that still has the tracker loaded sees the
        rows gone at its next read and loads nothing. Nothing is streamed to an event broker
        for a forgotten turn either.

        A conversation whose read failed (the database away past the retry time) is not
        written: what Rasa holds for it then is a blank stand-in."""
        if tracker.sender_id in self.unreadable:
            raise RuntimeError(
                f"conversation {tracker.sender_id} could not be read from the database: "
                "its stand-in is not written over it"
            )
        if self._forgets(tracker):
            self.loaded.forget(tracker.sender_id)
            await with_retries(
                lambda: self._delete(tracker.sender_id), "forget", self.retry_seconds
            )
            # its insight counts and review items too: after the turns queued before, retried,
            # awaited (the recorder's worker thread does it; the event loop serves on)
            await asyncio.wrap_future(recorder(retry_now=True).forget_later(tracker.sender_id))
            return
        await with_retries(lambda: self._write(tracker), "write", self.retry_seconds)

    async def _delete(self, sender_id: str) -> None:
        with self.engine.begin() as connection:
            delete_sender(connection, sender_id)

    async def _write(self, tracker: DialogueStateTracker) -> None:
        """Rasa's save in one transaction of plain statements: count what the latest session
        holds, insert the events after that, read back what is stored. (Rasa's ORM queries
        for the same cost a third of the server's time per message under load.)"""
        await self.stream_events(tracker)
        stored: Stored | None = None
        with self.engine.begin() as connection:
            before = _stored_on(connection, tracker.sender_id).count
            new = list(itertools.islice(tracker.events, before, None))
            data = [event.as_dict() for event in new]
            if new:
                connection.execute(
                    self.SQLEvent.__table__.insert(),
                    [_row(tracker.sender_id, e, d) for e, d in zip(new, data, strict=True)],
                )
                stored = _stored_on(connection, tracker.sender_id)
        if new:  # committed: queue the turn's counting for the insights (never waited for)
            recorder().record_turn(
                tracker.sender_id,
                tracker.get_latest_input_channel(),
                data,
            )
        new_session = any(isinstance(event, SessionStarted) for event in new)
        if stored is not None and not new_session and stored.count == len(tracker.events):
            self.loaded.put(tracker, stored)
        else:  # nothing new, or a new session began: the next retrieve loads it afresh
            self.loaded.forget(tracker.sender_id)

    @staticmethod
    def _forgets(tracker: DialogueStateTracker) -> bool:
        """This turn (the events after the latest user message) is the forget action's
        deletion: it sets `conversation_forgotten` (it does not when the answer to "delete?"
        was no clear yes). Such a turn is never stored, since its save deletes instead, so an
        older turn cannot have it."""
        for event in reversed(tracker.events):
            if isinstance(event, UserUttered):
                return False
            if isinstance(event, SlotSet) and event.key == FORGOTTEN_SLOT and event.value:
                return True
        return False


# The latest session of one conversation, as Rasa's `SQLTrackerStore._event_query` selects it:
# the events from the newest `session_started` on, or all of them if there is none.
_LATEST_SESSION = """
FROM events,
     (SELECT max(timestamp) AS session_start FROM events
      WHERE sender_id = :sender_id AND type_name = 'session_started') AS latest
WHERE events.sender_id = :sender_id
  AND (events.timestamp >= latest.session_start OR latest.session_start IS NULL)
"""
_STORED = sa.text("SELECT count(events.id), max(events.id)" + _LATEST_SESSION)


def _stored_on(connection: sa.engine.Connection, sender_id: str) -> Stored:
    count, newest = connection.execute(_STORED, {"sender_id": sender_id}).one()
    return Stored(int(count), newest)


_FROM = sa.text(
    "SELECT id, data FROM events WHERE sender_id = :sender_id AND id >= :first ORDER BY id"
)


def _caught_up(
    connection: sa.engine.Connection,
    tracker: DialogueStateTracker,
    known: Stored,
    stored: Stored,
) -> bool:
    """Bring a loaded tracker up to date with the turns another process saved since it was
    loaded (another Sanic worker or replica served them): apply only the newer events, as
    Rasa's own load applies all of them (`DialogueStateTracker.from_events`). False, with the
    tracker untouched, where that would not give what a fresh load gives: the newest row it was
    built from is gone or is another event (forgotten and begun again: SQLite reuses the ids of
    deleted rows), a new session began, or the rows after it are not exactly the missing ones."""
    if (
        known.newest_id is None
        or stored.newest_id is None
        or stored.count <= known.count
        or not tracker.events
    ):
        return False
    query = {"sender_id": tracker.sender_id, "first": known.newest_id}
    rows = connection.execute(_FROM, query).fetchall()
    if not rows or rows[0][0] != known.newest_id:
        return False
    if json.loads(rows[0][1]) != tracker.events[-1].as_dict():
        return False
    newer = deserialise_events([json.loads(data) for _, data in rows[1:]])
    if len(newer) != stored.count - known.count or any(
        isinstance(event, SessionStarted) for event in newer
    ):
        return False
    for event in newer:
        tracker.update(event)
    return True


def _row(sender_id: str, event: Event, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """One stored event (`data`: its dict, when made already), with the columns Rasa's own
    save fills."""
    data = event.as_dict() if data is None else data
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }
