"""Erasing conversations from Rasa's SQL tracker store: one person's ("forget me") or every
conversation older than the retention period.

Plain SQLAlchemy on Rasa's `events` table (sender_id, timestamp as epoch seconds), without
importing Rasa: the retention job runs as a small CronJob and must not load TensorFlow. The
engine settings (pre-ping, SQLite WAL and busy timeout) are the tracker store's own, so the job
and a running Rasa server can write the same SQLite file at once.
"""

import time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

import settings

SQLITE_BUSY_MS = 5000
# Rasa's SQLTrackerStore table (rasa/core/tracker_store.py, SQLEvent); only what we filter on.
EVENTS = sa.table("events", sa.column("sender_id", sa.String), sa.column("timestamp", sa.Float))
DAY_S = 86400


def sqlite_pragmas(engine: Engine) -> None:
    """WAL lets readers and a writer work at once; NORMAL sync is safe with WAL."""

    @sa.event.listens_for(engine, "connect")
    def _on_connect(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        cursor.close()


def make_engine(url: str, **options: Any) -> Engine:
    """An engine that survives a database server restart (pre-ping); SQLite in WAL mode. Parameters
    (sender ids) stay out of error messages.

    SQLAlchemy 1.4 gives a SQLite file no pool: every query opened the file afresh (and ran the
    pragmas), a quarter of the Rasa server's time under load. Here SQLite keeps a small pool;
    each session still has its connection to itself, so sharing it across threads is safe. A
    file has no connection to lose, so SQLite connections are not pinged before use.
    """
    sqlite = sa.engine.make_url(url).get_backend_name() == "sqlite"
    if sqlite:
        options = {"poolclass": sa.pool.QueuePool, "pool_size": 5, "max_overflow": 5} | options
        options["connect_args"] = {"check_same_thread": False} | options.get("connect_args", {})
    engine = sa.create_engine(url, pool_pre_ping=not sqlite, hide_parameters=True, **options)
    if engine.dialect.name == "sqlite":
        sqlite_pragmas(engine)
    return engine


def tracker_store_url(url: str | None = None) -> str:
    """The given URL, else TRACKER_STORE_URL (as endpoints.yml reads it)."""
    text = url or settings.TRACKER_STORE_URL.read()
    if not text:
        raise ValueError("set TRACKER_STORE_URL (or pass --tracker-store-url)")
    return text


def _has_events_table(connection: sa.engine.Connection) -> bool:
    return sa.inspect(connection).has_table("events")


def delete_sender(connection: sa.engine.Connection, sender_id: str) -> int:
    """Every stored event of one conversation, all sessions; returns the number of rows."""
    if not _has_events_table(connection):
        return 0
    return connection.execute(EVENTS.delete().where(EVENTS.c.sender_id == sender_id)).rowcount


def delete_older_than(engine: Engine, days: int, now: float | None = None) -> tuple[int, int]:
    """Conversations whose newest event is more than `days` days old, deleted whole (a
    conversation still in use keeps its early turns). Returns (conversations, events)."""
    if days < 0:
        raise ValueError(f"days must be zero or more, not {days!r}")
    cutoff = (time.time() if now is None else now) - days * DAY_S
    with engine.begin() as connection:
        if not _has_events_table(connection):
            return 0, 0
        stale = (
            sa.select(EVENTS.c.sender_id)
            .group_by(EVENTS.c.sender_id)
            .having(sa.func.max(EVENTS.c.timestamp) < cutoff)
        )
        # one DELETE with the condition inside: an event arriving meanwhile is not lost with
        # an old conversation it has just brought back to life
        senders = connection.execute(
            sa.select(sa.func.count()).select_from(stale.subquery())
        ).scalar_one()
        if not senders:
            return 0, 0
        events = connection.execute(EVENTS.delete().where(EVENTS.c.sender_id.in_(stale))).rowcount
    return senders, events
