"""Where Rasa keeps conversations: its own SQL tracker store, configured by one URL.

`make run` keeps them in a SQLite file under its run folder, so a restart loses nothing; the
cluster and production point `TRACKER_STORE_URL` at PostgreSQL. Two things are added to Rasa's
`SQLTrackerStore`: connections are checked before use (a restarted PostgreSQL costs no failed
turn and no restart of ours), and SQLite runs in WAL mode with a busy timeout (the retention job
and the Rasa server may write at the same time).
"""

from typing import Any

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from sqlalchemy.engine import Engine

SQLITE_BUSY_MS = 5000


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
    engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
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
