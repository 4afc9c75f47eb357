"""Where Rasa keeps conversations: its own SQL tracker store, configured by one URL.

`make run` keeps them in a SQLite file under its run folder, so a restart loses nothing; the
cluster and production point `TRACKER_STORE_URL` at PostgreSQL. Three things are added to Rasa's
`SQLTrackerStore`:

- connections are checked before use (a restarted PostgreSQL costs no failed turn and no
  restart of ours);
- SQLite runs in WAL mode with a busy timeout (the retention job and the Rasa server may write
  at the same time);
- the trackers of recent conversations stay loaded. Rasa rebuilds the tracker from every event
  of the session on each message: measured here, 150 ms of a 270 ms turn at turn 60 of one
  conversation (616 events), and the main reason a turn's cost grew with the conversation. A
  loaded tracker is used only while the database still holds exactly what it was built from
  (same newest event id and count, one indexed query), so another replica's turn, a failed
  turn that was never saved, or a deleted conversation all lead to a fresh load.
"""

import json
import os
from collections import OrderedDict
from typing import Any, NamedTuple

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.engine import Engine

SQLITE_BUSY_MS = 5000
DEFAULT_CACHE_SIZE = 200  # conversations kept loaded per Rasa process (TRACKER_CACHE_SIZE)


class Stored(NamedTuple):
    """What the database holds of a conversation's latest session: how many events, the newest."""

    count: int
    newest_id: int | None


class LoadedTrackers:
    """The most recently used trackers, each with the database state it matches."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, tuple[DialogueStateTracker, Stored]] = OrderedDict()

    def get(self, sender_id: str, stored: Stored) -> DialogueStateTracker | None:
        item = self._items.get(sender_id)
        if item is None:
            return None
        tracker, known = item
        if known != stored or len(tracker.events) != stored.count:
            del self._items[sender_id]  # changed elsewhere, or changed here and never saved
            return None
        self._items.move_to_end(sender_id)
        return tracker

    def put(self, tracker: DialogueStateTracker, stored: Stored) -> None:
        if self.size <= 0:
            return
        self._items[tracker.sender_id] = (tracker, stored)
        self._items.move_to_end(tracker.sender_id)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def forget(self, sender_id: str) -> None:
        self._items.pop(sender_id, None)


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
    """An engine that survives a database restart (pre-ping) with Rasa's own pool settings.

    SQLAlchemy 1.4 gives a SQLite file no pool: every query opened the file afresh (and ran the
    pragmas), a quarter of the Rasa server's time under load. Here SQLite keeps a small pool;
    each session still has its connection to itself, so sharing it across threads is safe.
    """
    kwargs = create_engine_kwargs(url)
    if sa.engine.make_url(url).get_backend_name() == "sqlite":
        kwargs |= {"poolclass": sa.pool.QueuePool, "pool_size": 5, "max_overflow": 5}
        kwargs["connect_args"] = {"check_same_thread": False}
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
        # An event broker diffs the saved tracker against a retrieved one: they must differ.
        size = 0 if event_broker else int(os.environ.get("TRACKER_CACHE_SIZE", DEFAULT_CACHE_SIZE))
        self.loaded = LoadedTrackers(size)

    def _stored(self, sender_id: str) -> Stored:
        """Count and newest id of the latest session's events (the query Rasa's save uses)."""
        with self.session_scope() as session:
            query = self._event_query(session, sender_id, fetch_events_from_all_sessions=False)
            count, newest = (
                query.order_by(None)
                .with_entities(sa.func.count(self.SQLEvent.id), sa.func.max(self.SQLEvent.id))
                .one()
            )
        return Stored(int(count), newest)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        stored = self._stored(sender_id)
        tracker = self.loaded.get(sender_id, stored)
        if tracker is not None:
            return tracker
        tracker = await super().retrieve(sender_id)
        if tracker is not None:
            self.loaded.put(tracker, stored)
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's save (only the events not yet stored), noting what is stored afterwards."""
        await self.stream_events(tracker)
        with self.session_scope() as session:
            before = self._event_query(
                session, tracker.sender_id, fetch_events_from_all_sessions=False
            ).count()
            new = list(tracker.events)[before:]
            rows = [self._row(tracker.sender_id, event) for event in new]
            session.add_all(rows)
            session.flush()  # assigns the ids, read before commit expires the rows
            newest = rows[-1].id if rows else None
            session.commit()
        new_session = any(isinstance(event, SessionStarted) for event in new)
        if new and not new_session and before + len(new) == len(tracker.events):
            self.loaded.put(tracker, Stored(len(tracker.events), newest))
        else:  # nothing new, or a new session began: the next retrieve loads it afresh
            self.loaded.forget(tracker.sender_id)

    def _row(self, sender_id: str, event: Event) -> "SQLTrackerStore.SQLEvent":
        """One stored event, with the columns Rasa's own save fills."""
        data = event.as_dict()
        return self.SQLEvent(
            sender_id=sender_id,
            type_name=event.type_name,
            timestamp=data.get("timestamp"),
            intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            action_name=data.get("name"),
            data=json.dumps(data),
        )
