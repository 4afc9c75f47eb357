"""Where Rasa keeps conversations: its own SQL tracker store, configured by one URL.

`make run` keeps them in a SQLite file under its run folder, so a restart loses nothing; the
cluster and production point `TRACKER_STORE_URL` at PostgreSQL. Added to Rasa's
`SQLTrackerStore`:

- connections are checked before use (a restarted PostgreSQL costs no failed turn and no
  restart of ours);
- SQLite runs in WAL mode with a busy timeout (the retention job and the Rasa server may write
  at the same time);
- "forget me" erases the conversation at save time (`save`, `_forgets`);
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
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.engine import Engine

from stores import conversations
from stores.conversations import delete_sender, sqlite_pragmas  # noqa: F401 - re-exported

# The custom action that erases a conversation (actions/privacy.py, ActionForgetMe).
FORGET_ACTION = "action_forget_me"
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


def make_engine(url: str) -> Engine:
    """The engine of stores/conversations.py (pre-ping, SQLite pool and WAL), Rasa's pool sizes."""
    return conversations.make_engine(url, **create_engine_kwargs(url))


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
        """Rasa's save (only the events not yet stored), noting what is stored afterwards;
        except when this turn ran the forget action: then every stored event of the sender
        (all sessions) is deleted and nothing is written.

        Why forgetting is here and not in the action: the action server cannot delete the
        conversation, because Rasa saves its in-memory tracker after the action, and counting
        the stored rows (then 0) would write the whole conversation back. The save is the one
        place that sees the final tracker. It runs while Rasa holds the conversation's lock (the
        lock store, Redis in the cluster); a replica that still has the tracker loaded sees the
        rows gone at its next read and loads nothing. Nothing is streamed to an event broker
        for a forgotten turn either."""
        if self._forgets(tracker):
            self.loaded.forget(tracker.sender_id)
            with self.engine.begin() as connection:
                delete_sender(connection, tracker.sender_id)
            return
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

    @staticmethod
    def _forgets(tracker: DialogueStateTracker) -> bool:
        """This turn (the events after the latest user message) ran the forget action. It is
        never stored, since its save deletes instead, so an older turn cannot have it."""
        for event in reversed(tracker.events):
            if isinstance(event, UserUttered):
                return False
            if isinstance(event, ActionExecuted) and event.action_name == FORGET_ACTION:
                return True
        return False

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
