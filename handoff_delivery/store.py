"""Where handoffs live: one `handoffs` table (SQLite by default, PostgreSQL in production),
written in one transaction per handoff and upserted by `ref`, so a retry never duplicates one.

A patient who asked for a call-back must not be lost because the database was down for a
minute: when it cannot be reached, the record goes to the outbox (`outbox.py`: one JSON file
per ref, written atomically) and is written once the database answers again, by the next save,
by `flush_outbox()` or by the retry thread (`start_retry()`). The table itself, and how to
reach the database, are in `tables.py`.

The schema belongs to Alembic (`migrations/`); the store never creates tables itself, it says
how to run the migrations when the table is missing. Logs name refs and conversation ids, never
a patient's name, phone, email or words.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, OperationalError

from handoff_delivery.outbox import (
    UNREADABLE,
    Outbox,
    RetryThread,
    outbox_directory,
    record_json,
)
from handoff_delivery.tables import (
    DEFAULT_URL,
    RECORD_COLUMNS,
    VERSION_TABLE,
    as_utc,
    database_url,
    handoff_from_row,
    handoffs,
    make_engine,
    row_values,
)
from headache_core.handoff.model import (
    KINDS,
    LEVEL_RANK,
    LEVELS,
    OUTCOME_RANK,
    STATUSES,
    Handoff,
    HandoffPage,
    HandoffQuery,
    HandoffRecord,
    urgency_key,
    utcnow,
)

# The names callers import from here; the table's and the URL's live in `tables.py`.
__all__ = [
    "DEFAULT_URL",
    "MIGRATE_HINT",
    "MIGRATIONS_DIR",
    "RECORD_FIELDS",
    "VERSION_TABLE",
    "HandoffStore",
    "SaveResult",
    "StoreUnavailable",
    "database_url",
]

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
MIGRATE_HINT = "run migrations: python -m handoff_delivery.migrate"
ORDERS = ("newest", "urgency")
RECORD_FIELDS = tuple(f.name for f in fields(HandoffRecord))


class StoreUnavailable(Exception):
    """The database cannot be reached (or its table does not exist yet)."""


@dataclass(frozen=True)
class SaveResult:
    saved: bool  # written to the database
    id: int | None  # the handoff's id when saved
    queued: bool  # kept in the outbox, written when the database answers again


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


# Where free-text search looks: who the patient is, which record, what it says.
SEARCHED = (
    "contact_name",
    "contact_phone",
    "contact_email",
    "ref",
    "conversation_id",
    "summary",
    "note",
)
PHONE_DIGITS = 6  # a search with at least this many digits also matches phones written otherwise
PHONE_TAIL = 9  # "07700 900123" and "+44 7700 900123" share their last nine digits


def _like(text: str) -> str:
    """A LIKE pattern that finds `text` anywhere, its own % and _ taken literally."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _text_filter(text: str) -> sa.sql.ColumnElement:
    """Free text over SEARCHED (case-insensitive); digits also match the phone however the
    patient wrote it; "#12" or "12" also matches the id."""
    pattern = _like(text)
    found = [sa.func.lower(handoffs.c[name]).like(pattern, escape="\\") for name in SEARCHED]
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= PHONE_DIGITS:
        found.append(handoffs.c.contact_phone.like(f"%{digits[-PHONE_TAIL:]}%"))
    bare = text.strip().lstrip("#")
    if bare.isascii() and bare.isdigit() and len(bare) <= 18:
        found.append(handoffs.c.id == int(bare))
    return sa.or_(*found)


def _sort(order: str, rank: sa.sql.ColumnElement) -> list[sa.sql.ColumnElement]:
    """ORDER BY for a query's order, ending in the id so every page is stable."""
    if order == "newest":
        return [handoffs.c.created_at.desc(), handoffs.c.id.desc()]
    if order == "oldest":
        return [handoffs.c.created_at, handoffs.c.id]
    done_last = sa.case((handoffs.c.status == "done", 1), else_=0)
    return [done_last, rank, handoffs.c.created_at, handoffs.c.id]


def _add_up(
    query: HandoffQuery, grouped: Iterable[Any]
) -> tuple[int, dict[str, dict[str, int]], int]:
    """(total, counts per facet, aged out) from the (status, kind, rank, aged, n) groups."""
    wanted = {
        "status": set(query.statuses or STATUSES),
        "kind": set(query.kinds or KINDS),
        "level": set(query.levels or LEVELS),
    }
    counts = {
        "status": dict.fromkeys(STATUSES, 0),
        "kind": dict.fromkeys(KINDS, 0),
        "level": dict.fromkeys(LEVELS, 0),
    }
    total = aged_out = 0
    for status, kind, rank, aged, n in grouped:
        values = {"status": status, "kind": kind, "level": LEVELS[int(rank)]}
        matches = {facet: values[facet] in wanted[facet] for facet in wanted}
        if aged:  # a done one out of the working list; picking the status "done" shows it
            aged_out += n if matches["kind"] and matches["level"] else 0
            continue
        if all(matches.values()):
            total += n
        for facet in counts:
            if all(ok for other, ok in matches.items() if other != facet):
                bucket = counts[facet]
                bucket[values[facet]] = bucket.get(values[facet], 0) + n
    return total, counts, aged_out


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
        self._outbox = Outbox(outbox_directory(outbox_dir), now=self._now)
        self.engine = make_engine(self.url)
        self._clock = clock
        # one flush at a time, and none between the two steps of `delete_conversation`
        self._flush_lock = threading.Lock()
        self._retry = RetryThread(flush=self.flush_outbox, has_work=self._outbox.has_files)

    @property
    def where(self) -> str:
        """The database URL without its password, for messages."""
        return self.url.render_as_string(hide_password=True)

    @property
    def outbox_dir(self) -> Path:
        """The outbox folder (`outbox_dir`, else HANDOFF_OUTBOX, else run/outbox)."""
        return self._outbox.directory

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
        record_json(record)  # bad input fails here, before anything is written or queued
        if self._outbox.has_files():
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
        self._outbox.discard(record.ref)
        return SaveResult(saved=True, id=handoff_id, queued=False)

    def _write(self, connection: Connection, record: HandoffRecord) -> int:
        """Upsert by ref inside the caller's transaction; returns the row's id."""
        now = self._now()
        values = row_values(record)
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

    def pending(self) -> int:
        """Records waiting in the outbox."""
        return self._outbox.pending()

    def _keep_in_outbox(self, record: HandoffRecord) -> Path:
        """Keep the record for later; StoreUnavailable if the outbox cannot be written
        either, as the record would otherwise be lost."""
        try:
            return self._outbox.keep(record)
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
        files = self._outbox.files()
        for index, path in enumerate(files):
            try:
                record, before = self._outbox.read(path)
            except FileNotFoundError:
                continue  # written by another process meanwhile
            except UNREADABLE as exc:
                self._outbox.move_aside(path, exc)
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
            self._outbox.remove_if_unchanged(path, before)
        return written

    def start_retry(self, interval_s: float = 30) -> threading.Thread:
        """A daemon thread that flushes the outbox every `interval_s` seconds, so kept
        handoffs reach the database once it is back even if no new handoff arrives."""
        return self._retry.start(interval_s)

    def stop_retry(self, timeout_s: float = 5) -> None:
        self._retry.stop(timeout_s)

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
        found = [handoff_from_row(row) for row in rows]
        if order == "urgency":
            found.sort(key=urgency_key)  # the model's rule decides; SQL only chose the rows
        return found

    def search(self, query: HandoffQuery) -> HandoffPage:
        """One page of the handoffs `query` asks for, with the counts that say what the page
        leaves out. Two statements: the page, and one GROUP BY (status, kind, level, aged
        out) under the query's day and text filters, from which every count is added up, so
        the counts cost the same at 5,000 rows as at 50."""
        rank = _urgency_rank()
        where = []
        if query.since is not None:
            where.append(handoffs.c.created_at >= query.since)
        if query.until is not None:
            where.append(handoffs.c.created_at < query.until)
        if query.text.strip():
            where.append(_text_filter(query.text.strip()))
        if query.done_days is not None:  # by the store's clock, as the statuses were set
            cutoff = self._now() - timedelta(days=query.done_days)
            aged = sa.and_(handoffs.c.status == "done", handoffs.c.updated_at < cutoff)
        else:
            aged = sa.false()
        page = sa.select(handoffs).where(*where, sa.not_(aged))
        if query.statuses:
            page = page.where(handoffs.c.status.in_(query.statuses))
        if query.kinds:
            page = page.where(handoffs.c.kind.in_(query.kinds))
        if query.levels:
            page = page.where(rank.in_([LEVEL_RANK[level] for level in query.levels]))
        page = page.order_by(*_sort(query.order, rank)).limit(query.limit).offset(query.offset)
        groups = (
            sa.select(
                handoffs.c.status,
                handoffs.c.kind,
                rank.label("rank"),
                sa.case((aged, 1), else_=0).label("aged"),
            )
            .where(*where)
            .subquery()
        )
        tally = sa.select(
            groups.c.status, groups.c.kind, groups.c.rank, groups.c.aged, sa.func.count()
        ).group_by(groups.c.status, groups.c.kind, groups.c.rank, groups.c.aged)
        with self._connection() as connection:
            rows = connection.execute(page).all()
            grouped = connection.execute(tally).all()
        total, counts, aged_out = _add_up(query, grouped)
        return HandoffPage(
            items=[handoff_from_row(row) for row in rows],
            total=total,
            offset=query.offset,
            limit=query.limit,
            counts=counts,
            aged_out=aged_out,
        )

    def get(self, handoff_id: int) -> Handoff | None:
        with self._connection() as connection:
            row = connection.execute(
                sa.select(handoffs).where(handoffs.c.id == handoff_id)
            ).one_or_none()
        return None if row is None else handoff_from_row(row)

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
        return handoff_from_row(row)

    def delete_conversation(self, conversation_id: str) -> int:
        """Erase a conversation's handoffs, stored or still waiting in the outbox (so a
        replay cannot bring them back); returns how many were deleted."""
        # under the flush lock, so a flush cannot write one back between the two steps
        with self._flush_lock:
            with self._connection(write=True) as connection:
                deleted = connection.execute(
                    handoffs.delete().where(handoffs.c.conversation_id == conversation_id)
                ).rowcount
            deleted += self._outbox.remove_conversation(conversation_id)
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
