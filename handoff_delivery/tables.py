"""The `handoffs` table, how a record maps onto its row and back, and how to reach the database.

Kept apart from the store so that Alembic's `migrations/env.py` can import the schema and the
connection settings without the store's outbox and queries.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.pool import StaticPool

import settings
from headache_core.handoff.model import Contact, Handoff, HandoffRecord
from stores.conversations import sqlite_pragmas

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = f"sqlite:///{REPO_ROOT / 'run' / 'handoffs.sqlite3'}"
# A dedicated Alembic version table: the clinic may share its database with other tools.
VERSION_TABLE = "handoff_alembic_version"
CONNECT_TIMEOUT_S = 3  # an outage answers within seconds, so the patient is not kept waiting
BAD_URL = (
    "the handoff database URL (DATABASE_URL) is not usable; expected "
    "sqlite:///path/to/file.sqlite3 or postgresql://user:password@host:5432/database"
)


class UTCDateTime(sa.types.TypeDecorator):
    """Timezone-aware UTC in and out: SQLite keeps no offset (it returns naive datetimes,
    which are UTC because only UTC goes in) and PostgreSQL answers in the session's zone."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else as_utc(value)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else as_utc(value)


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


metadata = sa.MetaData()
# Mirrors migrations/versions/*: change both (and add a migration) together.
handoffs = sa.Table(
    "handoffs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ref", sa.Text, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("conversation_id", sa.Text, nullable=False, index=True),
    sa.Column("channel", sa.Text),
    sa.Column("triage_outcome", sa.Text),
    sa.Column("red_flags", sa.JSON, nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("criteria", sa.JSON, nullable=False),
    sa.Column("contact_name", sa.Text),
    sa.Column("contact_phone", sa.Text),
    sa.Column("contact_email", sa.Text),
    sa.Column("preferred_times", sa.Text),
    sa.Column("note", sa.Text),
    sa.Column("consent_at", UTCDateTime),
    sa.Column("transcript", sa.JSON, nullable=False),
    sa.Column("booking", sa.JSON(none_as_null=True)),
    sa.Column("created_at", UTCDateTime, nullable=False, index=True),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("claimed_by", sa.Text),
    sa.UniqueConstraint("ref", name="uq_handoffs_ref"),
)
# The columns an upsert refreshes: the record's own fields, never id, created_at, status or
# claimed_by (the front desk's work on a handoff survives a replay of the same record).
RECORD_COLUMNS = tuple(
    c.name
    for c in handoffs.columns
    if c.name not in ("id", "status", "created_at", "updated_at", "claimed_by")
)


def row_values(record: HandoffRecord) -> dict[str, Any]:
    """The record's own columns (`RECORD_COLUMNS`), ready for an insert or update."""
    return {
        "ref": record.ref,
        "kind": record.kind,
        "conversation_id": record.conversation_id,
        "channel": record.channel,
        "triage_outcome": record.triage_outcome,
        "red_flags": list(record.red_flags),
        "summary": record.summary or "",
        "criteria": dict(record.criteria),
        "contact_name": record.contact.name,
        "contact_phone": record.contact.phone,
        "contact_email": record.contact.email,
        "preferred_times": record.preferred_times,
        "note": record.note,
        "consent_at": record.consent_at,
        "transcript": list(record.transcript),
        "booking": record.booking,
    }


def handoff_from_row(row: Any) -> Handoff:
    """A stored handoff from its row; empty JSON columns come back as empty lists and dicts."""
    return Handoff(
        id=row.id,
        ref=row.ref,
        kind=row.kind,
        status=row.status,
        conversation_id=row.conversation_id,
        channel=row.channel,
        triage_outcome=row.triage_outcome,
        red_flags=list(row.red_flags or []),
        summary=row.summary or "",
        criteria=dict(row.criteria or {}),
        contact=Contact(name=row.contact_name, phone=row.contact_phone, email=row.contact_email),
        preferred_times=row.preferred_times,
        note=row.note,
        consent_at=row.consent_at,
        transcript=list(row.transcript or []),
        booking=row.booking,
        created_at=row.created_at,
        updated_at=row.updated_at,
        claimed_by=row.claimed_by,
    )


def database_url(url: str | None = None) -> URL:
    """The URL to use: the given one, else DATABASE_URL, else the SQLite file under run/.
    `postgres://` (as Heroku-style hosts hand it out) becomes `postgresql://`."""
    text = url or settings.DATABASE_URL.read() or DEFAULT_URL
    if text.startswith("postgres://"):
        text = "postgresql://" + text[len("postgres://") :]
    try:
        return make_url(text)
    except (sa.exc.ArgumentError, ValueError):
        # the message would repeat the URL, password included
        raise ValueError(f"{BAD_URL}: it cannot be parsed") from None


def make_engine(url: URL) -> Engine:
    """An engine that recovers from a restarted database (pre-ping) and fails fast when the
    database is down; parameters stay out of error messages (they hold personal data)."""
    options: dict[str, Any] = {"future": True, "pool_pre_ping": True, "hide_parameters": True}
    if url.get_backend_name() == "sqlite":
        if url.database in (None, "", ":memory:"):
            # one shared connection, or every connection would see its own empty database
            options["poolclass"] = StaticPool
            options["connect_args"] = {"check_same_thread": False}
        elif not url.database.startswith("file:"):
            Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    elif url.get_backend_name() == "postgresql" and url.get_driver_name() == "psycopg2":
        defaults = {
            "connect_timeout": CONNECT_TIMEOUT_S,
            # a vanished server (not a refused connection) is noticed within seconds too
            "keepalives": 1,
            "keepalives_idle": 5,
            "keepalives_interval": 2,
            "keepalives_count": 2,
        }
        # the URL's own settings win (connect_args would override them)
        options["connect_args"] = {k: v for k, v in defaults.items() if k not in url.query}
    try:
        engine = sa.create_engine(url, **options)
    except (sa.exc.ArgumentError, ImportError) as exc:  # NoSuchModuleError is an ArgumentError
        raise ValueError(f"{BAD_URL}: {url.drivername!r} cannot be used ({exc})") from None
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        # WAL, as the tracker store's file has: the insights' write of every turn (issue 29)
        # no longer waits for a journal's syncs, and readers do not block the writer
        sqlite_pragmas(engine)
    return engine


# -- insights and the review queue (issue 29; insights/) ------------------------------------
# Counts, not conversations: one row per conversation (its keyed hash, never the sender id),
# clinic day and count name (insights/tally.py names them), added to by upserts.
insight_counts = sa.Table(
    "insight_counts",
    metadata,
    sa.Column("conversation_key", sa.String(64), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True, index=True),
    sa.Column("name", sa.String(120), primary_key=True),
    sa.Column("value", sa.Integer, nullable=False),
)
# Messages the assistant was unsure of, redacted before they are stored.
review_items = sa.Table(
    "review_items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", UTCDateTime, nullable=False, index=True),
    sa.Column("conversation_key", sa.String(64), nullable=False, index=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("intent", sa.String(120)),
    sa.Column("confidence", sa.Float),
    sa.Column("reason", sa.String(20), nullable=False),
    sa.Column("label", sa.String(120)),
    sa.Column("labelled_by", sa.Text),
    sa.Column("labelled_at", UTCDateTime),
)
