"""Where Rasa keeps conversations: its own SQL tracker store, configured by one URL.

`make run` keeps them in a SQLite file under its run folder, so a restart loses nothing; the
cluster and production point `TRACKER_STORE_URL` at PostgreSQL. Three things are added to Rasa's
`SQLTrackerStore`: connections are checked before use (a restarted PostgreSQL costs no failed
turn and no restart of ours), SQLite runs in WAL mode with a busy timeout (the retention job and
the Rasa server may write at the same time), and "forget me" erases the conversation at save
time (`save`).
"""

from typing import Any

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import Engine

from stores import conversations
from stores.conversations import delete_sender, sqlite_pragmas  # noqa: F401 - re-exported

# The custom action that erases a conversation (actions/privacy.py, ActionForgetMe).
FORGET_ACTION = "action_forget_me"


def make_engine(url: str) -> Engine:
    """An engine that survives a database restart (pre-ping) with Rasa's own pool settings."""
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

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's save, except when this turn ran the forget action: then every stored event
        of the sender (all sessions) is deleted and nothing is written.

        Why here and not in the action: the action server cannot delete the conversation,
        because Rasa saves its in-memory tracker after the action, and `_additional_events`
        counts the stored rows (then 0) and would write the whole conversation back. The save
        is the one place that sees the final tracker. It runs while Rasa holds the
        conversation's lock (the lock store, Redis in the cluster), and no replica keeps a
        tracker between messages (each turn reads the store), so the next message on any
        replica finds no conversation and starts a fresh session. Nothing is streamed to an
        event broker for a forgotten turn either."""
        if self._forgets(tracker):
            with self.engine.begin() as connection:
                delete_sender(connection, tracker.sender_id)
            return
        await super().save(tracker)

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
