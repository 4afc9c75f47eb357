"""Where handoffs live: one `handoffs` table (SQLite by default, PostgreSQL in production),
written in one transaction per handoff and upserted by `ref`, so a retry never duplicates one.

A patient who asked for a call-back must not be lost because the database was down for a
minute: when it cannot be reached, the record goes to an outbox directory (one JSON file per
ref, written atomically) and is written once the database answers again, by the next save,
by `flush_outbox()` or by the retry thread (`start_retry()`).

The schema belongs to Alembic (`migrations/`); the store never creates tables itself, it says
how to run the migrations when the table is missing. Logs name refs and conversation ids, never
a patient's name, phone, email or words.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields
from datetime import datetime, timedelta, timezone
from hashlib import sha256
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import StaticPool

from headache_core.handoff.model import (
    OUTCOME_RANK,
    STATUSES,
    Contact,
    Handoff,
    HandoffRecord,
    urgency_key,
    utcnow,
)

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_URL = f"sqlite:///{REPO_ROOT / 'run' / 'handoffs.sqlite3'}"
DEFAULT_OUTBOX = REPO_ROOT / "run" / "outbox"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# A dedicated Alembic version table: the clinic may share its database with other tools.
VERSION_TABLE = "handoff_alembic_version"
MIGRATE_HINT = "run migrations: python -m headache_core.handoff.migrate"
ORDERS = ("newest", "urgency")
CONNECT_TIMEOUT_S = 3  # an outage answers within seconds, so the patient is not kept waiting
BAD_URL = (
    "the handoff database URL (DATABASE_URL) is not usable; expected "
    "sqlite:///path/to/file.sqlite3 or postgresql://user:password@host:5432/database"
)
RECORD_FIELDS = tuple(f.name for f in fields(HandoffRecord))


class StoreUnavailable(Exception):
    """The database cannot be reached (or its table does not exist yet)."""


@dataclass(frozen=True)
class SaveResult:
    saved: bool  # written to the database
    id: int | None  # the handoff's id when saved
    queued: bool  # kept in the outbox, written when the database answers again


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


def database_url(url: str | None = None) -> URL:
    """The URL to use: the given one, else DATABASE_URL, else the SQLite file under run/.
    `postgres://` (as Heroku-style hosts hand it out) becomes `postgresql://`."""
    text = url or os.environ.get("DATABASE_URL") or DEFAULT_URL
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
        return sa.create_engine(url, **options)
    except (sa.exc.ArgumentError, ImportError) as exc:  # NoSuchModuleError is an ArgumentError
        raise ValueError(f"{BAD_URL}: {url.drivername!r} cannot be used ({exc})") from None


def _table_missing(exc: DBAPIError) -> bool:
    orig = getattr(exc, "orig", None)
    if getattr(orig, "pgcode", None) == "42P01":  # undefined_table
        return True
    return "no such table" in str(orig).lower()


def _unreachable(exc: DBAPIError) -> bool:
    return isinstance(exc, OperationalError) or bool(exc.connection_invalidated)


def _reason(exc: BaseException) -> str:
    """What went wrong, without the exception's text (it may quote the data)."""
    orig = getattr(exc, "orig", None)
    return type(orig).__name__ if orig is not None else type(exc).__name__


def _as_record(record: HandoffRecord) -> HandoffRecord:
    """The record's own fields (a stored `Handoff` passed back in loses id, status...)."""
    if type(record) is HandoffRecord:
        return record
    return HandoffRecord(**{name: getattr(record, name) for name in RECORD_FIELDS})


def _record_json(record: HandoffRecord) -> str:
    try:
        return json.dumps(record.to_json(), ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"handoff {record.ref} holds something that is not plain JSON: {exc}"
        ) from exc


def _values(record: HandoffRecord) -> dict[str, Any]:
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


def _handoff(row: Any) -> Handoff:
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


def _urgency_rank() -> sa.sql.ColumnElement:
    """`urgency_key`'s rank in SQL, so `limit` cuts the least urgent rows, not arbitrary ones."""
    outcome = handoffs.c.triage_outcome
    return sa.case(
        (outcome == "red_flag_emergency", OUTCOME_RANK["red_flag_emergency"]),
        (outcome == "red_flag_urgent", OUTCOME_RANK["red_flag_urgent"]),
        (sa.func.json_array_length(handoffs.c.red_flags) > 0, OUTCOME_RANK["red_flag_urgent"]),
        *((outcome == name, rank) for name, rank in OUTCOME_RANK.items() if rank > 1),
        else_=len(OUTCOME_RANK),
    )


def _outbox_name(ref: str) -> str:
    """A safe, stable file name per ref: readable prefix plus a hash (refs hold any text)."""
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", ref)[:80]
    return f"{readable}-{sha256(ref.encode()).hexdigest()[:16]}.json"


class HandoffStore:
    """The handoff table plus its outbox. Safe to share between threads."""

    def __init__(
        self,
        url: str | None = None,
        outbox_dir: Path | None = None,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.url = database_url(url)
        env_outbox = os.environ.get("HANDOFF_OUTBOX")
        self.outbox_dir = Path(outbox_dir or env_outbox or DEFAULT_OUTBOX)
        self.engine = make_engine(self.url)
        self._clock = clock
        self._flush_lock = threading.Lock()
        self._retry_lock = threading.Lock()
        self._retry_stop = threading.Event()
        self._retry_thread: threading.Thread | None = None

    @property
    def where(self) -> str:
        """The database URL without its password, for messages."""
        return self.url.render_as_string(hide_password=True)

    def _now(self) -> datetime:
        return as_utc(self._clock())

    # -- schema --------------------------------------------------------------------------

    def migrate(self) -> None:
        """Create or upgrade the tables (alembic upgrade head) on this store's connection."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        # '%' is configparser's interpolation sign; env.py uses the connection anyway
        config.set_main_option("sqlalchemy.url", self.where.replace("%", "%%"))
        with self._connection(write=True) as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    @contextlib.contextmanager
    def _connection(self, *, write: bool = False) -> Iterator[Connection]:
        """A connection (in one transaction when writing) whose outage and missing-table
        errors come out as `StoreUnavailable`."""
        try:
            with self.engine.begin() if write else self.engine.connect() as connection:
                yield connection
        except DBAPIError as exc:
            if _table_missing(exc):
                raise StoreUnavailable(
                    f"the handoffs table does not exist: {MIGRATE_HINT}"
                ) from exc
            if _unreachable(exc):
                raise StoreUnavailable(
                    f"the handoff database cannot be reached ({_reason(exc)})"
                ) from exc
            raise

    # -- writing ---------------------------------------------------------------------------

    def save(self, record: HandoffRecord) -> SaveResult:
        """Write the record (upsert by ref, one transaction); when the database cannot be
        reached, keep it in the outbox. Raises StoreUnavailable only if the outbox cannot be
        written either, and ValueError for a record that is not plain JSON."""
        record = _as_record(record)
        _record_json(record)  # bad input fails here, before anything is written or queued
        if self._outbox_has_files():
            self._flush_if_idle()
        try:
            with self._connection(write=True) as connection:
                handoff_id = self._write(connection, record)
        except (DBAPIError, StoreUnavailable) as exc:
            self._keep_in_outbox(record)
            hint = f"; {MIGRATE_HINT}" if MIGRATE_HINT in str(exc) else ""
            logger.warning(
                "handoff %s (conversation %s) kept in the outbox: database unavailable (%s)%s",
                record.ref,
                record.conversation_id,
                _reason(exc),
                hint,
            )
            return SaveResult(saved=False, id=None, queued=True)
        # an older copy of this ref left in the outbox must not overwrite the new one later
        with contextlib.suppress(FileNotFoundError):
            (self.outbox_dir / _outbox_name(record.ref)).unlink()
        return SaveResult(saved=True, id=handoff_id, queued=False)

    def _write(self, connection: Connection, record: HandoffRecord) -> int:
        """Upsert by ref inside the caller's transaction; returns the row's id."""
        now = self._now()
        values = _values(record)
        dialect = connection.dialect.name
        if dialect in ("postgresql", "sqlite"):
            insert = (postgresql if dialect == "postgresql" else sqlite).insert(handoffs)
            insert = insert.values(**values, status="new", created_at=now, updated_at=now)
            refreshed = {name: insert.excluded[name] for name in RECORD_COLUMNS if name != "ref"}
            connection.execute(
                insert.on_conflict_do_update(
                    index_elements=[handoffs.c.ref],
                    set_={**refreshed, "updated_at": insert.excluded.updated_at},
                )
            )
        else:  # any other database: look, then update or insert, in the same transaction
            found = connection.execute(
                sa.select(handoffs.c.id).where(handoffs.c.ref == record.ref).with_for_update()
            ).scalar_one_or_none()
            if found is None:
                connection.execute(
                    handoffs.insert().values(**values, status="new", created_at=now, updated_at=now)
                )
            else:
                connection.execute(
                    handoffs.update().where(handoffs.c.id == found).values(**values, updated_at=now)
                )
        return self._id_for(connection, record.ref)

    def _id_for(self, connection: Connection, ref: str) -> int:
        return connection.execute(
            sa.select(handoffs.c.id).where(handoffs.c.ref == ref)
        ).scalar_one()

    # -- outbox ----------------------------------------------------------------------------

    def _outbox_files(self) -> list[Path]:
        """Outbox files, oldest first (temporary files and bad/ left out)."""
        found = []
        try:
            with os.scandir(self.outbox_dir) as entries:
                for entry in entries:
                    if entry.name.endswith(".json") and entry.name[0] != ".":
                        with contextlib.suppress(FileNotFoundError):  # flushed meanwhile
                            if entry.is_file():
                                found.append((entry.stat().st_mtime_ns, entry.name, entry.path))
        except FileNotFoundError:
            return []
        return [Path(path) for _, _, path in sorted(found)]

    def _outbox_has_files(self) -> bool:
        """The cheap check before every save: one directory read, stopping at the first file."""
        try:
            with os.scandir(self.outbox_dir) as entries:
                return any(e.name.endswith(".json") and e.name[0] != "." for e in entries)
        except FileNotFoundError:
            return False

    def pending(self) -> int:
        """Records waiting in the outbox."""
        return len(self._outbox_files())

    def _keep_in_outbox(self, record: HandoffRecord) -> Path:
        """Write the record atomically (temp file, fsync, rename): a crash leaves either the
        old file or the new one, never half a record. Readable by this user only."""
        target = self.outbox_dir / _outbox_name(record.ref)
        try:
            self.outbox_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=self.outbox_dir, prefix=".", suffix=".part")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(_record_json(record))
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temp, target)
            except BaseException:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temp)
                raise
            self._fsync_dir(self.outbox_dir)
        except OSError as exc:
            logger.error(
                "handoff %s (conversation %s) could not be stored nor kept in the outbox %s (%s)",
                record.ref,
                record.conversation_id,
                self.outbox_dir,
                type(exc).__name__,
            )
            raise StoreUnavailable(
                f"handoff {record.ref}: the database cannot be reached and the outbox "
                f"{self.outbox_dir} cannot be written ({type(exc).__name__})"
            ) from exc
        return target

    @staticmethod
    def _fsync_dir(directory: Path) -> None:
        """Make the rename itself durable (POSIX; a no-op where directories cannot be opened)."""
        try:
            fd = os.open(directory, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)

    def _flush_if_idle(self) -> None:
        """Flush before a save unless another thread is flushing already."""
        if self._flush_lock.acquire(blocking=False):
            try:
                self._flush()
            finally:
                self._flush_lock.release()

    def flush_outbox(self) -> int:
        """Write what the outbox holds (each file upserted, deleted only after its commit);
        returns how many were written. Stops quietly while the database is unavailable."""
        with self._flush_lock:
            return self._flush()

    def _flush(self) -> int:
        written = 0
        files = self._outbox_files()
        for index, path in enumerate(files):
            try:
                before = path.stat()
                record = HandoffRecord.from_json(json.loads(path.read_text(encoding="utf-8")))
                _record_json(record)
            except FileNotFoundError:
                continue  # written by another process meanwhile
            except (ValueError, TypeError, KeyError, AttributeError, UnicodeDecodeError) as exc:
                self._move_aside(path, exc)
                continue
            try:
                with self._connection(write=True) as connection:
                    self._write(connection, record)
            except StoreUnavailable as exc:
                logger.warning(
                    "outbox: database unavailable (%s); %d handoff(s) still waiting in %s",
                    _reason(exc.__cause__ or exc),
                    len(files) - index,
                    self.outbox_dir,
                )
                return written
            except DBAPIError as exc:  # this record is refused; keep it, try the others
                logger.error(
                    "outbox: handoff %s (conversation %s) refused by the database (%s); kept in %s",
                    record.ref,
                    record.conversation_id,
                    _reason(exc),
                    path,
                )
                continue
            written += 1
            logger.info(
                "outbox: handoff %s (conversation %s) written", record.ref, record.conversation_id
            )
            self._remove_if_unchanged(path, before)
        return written

    @staticmethod
    def _remove_if_unchanged(path: Path, before: os.stat_result) -> None:
        """Delete a flushed file unless a newer copy of the record replaced it meanwhile
        (an atomic replace gives it a new inode): that copy is written next time."""
        try:
            now = path.stat()
            if (now.st_ino, now.st_mtime_ns) == (before.st_ino, before.st_mtime_ns):
                path.unlink()
        except FileNotFoundError:
            pass

    def _move_aside(self, path: Path, exc: BaseException) -> None:
        """A file that cannot be read as a handoff goes to bad/ for a person to look at."""
        bad = self.outbox_dir / "bad"
        bad.mkdir(mode=0o700, exist_ok=True)
        target = bad / path.name
        if target.exists():
            target = bad / f"{path.stem}.{self._now():%Y%m%dT%H%M%S%f}{path.suffix}"
        try:
            os.replace(path, target)
        except FileNotFoundError:
            return
        logger.error(
            "outbox: %s is not a readable handoff (%s); moved to %s",
            path.name,
            type(exc).__name__,
            target,
        )

    def start_retry(self, interval_s: float = 30) -> threading.Thread:
        """A daemon thread that flushes the outbox every `interval_s` seconds, so kept
        handoffs reach the database once it is back even if no new handoff arrives."""
        if interval_s <= 0:
            raise ValueError(f"interval_s must be positive, not {interval_s!r}")
        with self._retry_lock:
            if self._retry_thread is not None and self._retry_thread.is_alive():
                return self._retry_thread
            self._retry_stop.clear()
            thread = threading.Thread(
                target=self._retry_loop, args=(interval_s,), name="handoff-outbox", daemon=True
            )
            thread.start()
            self._retry_thread = thread
            return thread

    def stop_retry(self, timeout_s: float = 5) -> None:
        self._retry_stop.set()
        thread = self._retry_thread
        if thread is not None:
            thread.join(timeout_s)

    def _retry_loop(self, interval_s: float) -> None:
        while not self._retry_stop.wait(interval_s):
            try:
                if self._outbox_has_files():
                    self.flush_outbox()
            except Exception as exc:  # the thread must outlive any single failure
                logger.error("outbox retry failed (%s); trying again later", type(exc).__name__)

    def close(self) -> None:
        """Stop the retry thread and close the database connections."""
        self.stop_retry()
        self.engine.dispose()

    # -- reading and the front desk's changes ------------------------------------------------

    def list(
        self,
        *,
        order: str = "newest",
        statuses: Iterable[str] | None = None,
        limit: int = 200,
    ) -> list[Handoff]:
        """Handoffs, newest first or most urgent first (`model.urgency_key`: red flags, then
        the screening outcome, then the longest wait; done ones last)."""
        if order not in ORDERS:
            raise ValueError(f"order must be one of {ORDERS}, not {order!r}")
        if limit < 1:
            raise ValueError(f"limit must be at least 1, not {limit!r}")
        query = sa.select(handoffs)
        if statuses is not None:
            wanted = [statuses] if isinstance(statuses, str) else sorted(set(statuses))
            unknown = [s for s in wanted if s not in STATUSES]
            if unknown:
                raise ValueError(f"statuses must be among {STATUSES}, not {unknown!r}")
            query = query.where(handoffs.c.status.in_(wanted))
        if order == "newest":
            query = query.order_by(handoffs.c.created_at.desc(), handoffs.c.id.desc())
        else:
            done_last = sa.case((handoffs.c.status == "done", 1), else_=0)
            query = query.order_by(done_last, _urgency_rank(), handoffs.c.created_at, handoffs.c.id)
        with self._connection() as connection:
            rows = connection.execute(query.limit(limit)).all()
        found = [_handoff(row) for row in rows]
        if order == "urgency":
            found.sort(key=urgency_key)  # the model's rule decides; SQL only chose the rows
        return found

    def get(self, handoff_id: int) -> Handoff | None:
        with self._connection() as connection:
            row = connection.execute(
                sa.select(handoffs).where(handoffs.c.id == handoff_id)
            ).one_or_none()
        return None if row is None else _handoff(row)

    def set_status(self, handoff_id: int, status: str, by: str | None = None) -> Handoff | None:
        """Claim (records who), finish or reopen a handoff; None if there is no such id."""
        if status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {status!r}")
        changes: dict[str, Any] = {"status": status, "updated_at": self._now()}
        if status == "claimed":
            changes["claimed_by"] = by
        elif status == "new":
            changes["claimed_by"] = None  # back in the queue, nobody holds it
        elif by is not None:
            changes["claimed_by"] = sa.func.coalesce(handoffs.c.claimed_by, by)
        with self._connection(write=True) as connection:
            done = connection.execute(
                handoffs.update().where(handoffs.c.id == handoff_id).values(**changes)
            )
            if done.rowcount == 0:
                return None
            row = connection.execute(sa.select(handoffs).where(handoffs.c.id == handoff_id)).one()
        return _handoff(row)

    def delete_conversation(self, conversation_id: str) -> int:
        """Erase a conversation's handoffs, stored or still waiting in the outbox (so a
        replay cannot bring them back); returns how many were deleted."""
        # under the flush lock, so a flush cannot write one back between the two steps
        with self._flush_lock:
            with self._connection(write=True) as connection:
                deleted = connection.execute(
                    handoffs.delete().where(handoffs.c.conversation_id == conversation_id)
                ).rowcount
            for path in self._outbox_files():
                try:
                    data = json.loads(path.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    continue
                if isinstance(data, dict) and data.get("conversation_id") == conversation_id:
                    with contextlib.suppress(FileNotFoundError):
                        path.unlink()
                        deleted += 1
        return deleted

    def delete_older_than(self, days: int) -> int:
        """Erase handoffs created more than `days` days ago (retention); returns the count."""
        if days < 0:
            raise ValueError(f"days must be zero or more, not {days!r}")
        cutoff = self._now() - timedelta(days=days)
        with self._connection(write=True) as connection:
            return connection.execute(
                handoffs.delete().where(handoffs.c.created_at < cutoff)
            ).rowcount

    def healthy(self) -> bool:
        """The database answers and the table exists."""
        try:
            with self._connection() as connection:
                connection.execute(sa.select(handoffs.c.id).limit(1)).all()
        except (StoreUnavailable, DBAPIError):
            return False
        return True
