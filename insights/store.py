"""Where insights and the review queue live: two tables in the handoff database (DATABASE_URL,
SQLite by default; handoff_delivery/tables.py, migration 0002).

`insight_counts` holds one row per conversation (its keyed hash), clinic day and count name;
a turn adds to its rows in one transaction, by upserts that add in the database (two Rasa
replicas may count the same conversation at once). `review_items` holds the redacted messages
staff label. Nothing here logs a row's content.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from handoff_delivery.tables import (
    as_utc,
    database_url,
    handoffs,
    insight_counts,
    make_engine,
    review_items,
)
from insights import summary
from insights.tally import REASONS

STATUSES = ("open", "labelled", "all")
MAX_DAYS = 366


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class NewReviewItem:
    """A review item ready to store: its text is the redactor's output, nothing else."""

    redacted_text: str
    intent: str | None
    confidence: float | None
    reason: str
    at: datetime


class InsightsStore:
    """Counts and review items on one engine (the handoff store's, in the web app)."""

    def __init__(
        self,
        engine: Engine,
        zone: ZoneInfo | str = "UTC",
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.engine = engine
        self.zone = ZoneInfo(zone) if isinstance(zone, str) else zone
        self._clock = clock

    @classmethod
    def from_url(cls, url: str | None = None, **kwargs: Any) -> InsightsStore:
        """On DATABASE_URL (else the SQLite file under run/), or `url`."""
        return cls(make_engine(database_url(url)), **kwargs)

    def now(self) -> datetime:
        return as_utc(self._clock())

    def today(self) -> date:
        return self.now().astimezone(self.zone).date()

    # -- writing -----------------------------------------------------------------------------

    def add(
        self,
        conversation_key: str,
        counts: Mapping[tuple[date, str], int],
        review: Iterable[NewReviewItem] = (),
    ) -> None:
        """Add a turn's counts and review items, in one transaction."""
        rows = [
            {"conversation_key": conversation_key, "day": day, "name": name[:120], "value": n}
            for (day, name), n in counts.items()
            if n
        ]
        items = [
            {
                "created_at": item.at,
                "conversation_key": conversation_key,
                "text": item.redacted_text,
                "intent": item.intent[:120] if item.intent else None,
                "confidence": item.confidence,
                "reason": item.reason if item.reason in REASONS else "unsure",
            }
            for item in review
        ]
        if not rows and not items:
            return
        with self.engine.begin() as connection:
            if rows:
                _add_counts(connection, rows)
            if items:
                connection.execute(review_items.insert(), items)

    def forget(self, conversation_key: str) -> int:
        """Delete a conversation's count rows and review items ("forget me"); how many."""
        with self.engine.begin() as connection:
            counted = connection.execute(
                insight_counts.delete().where(insight_counts.c.conversation_key == conversation_key)
            ).rowcount
            queued = connection.execute(
                review_items.delete().where(review_items.c.conversation_key == conversation_key)
            ).rowcount
        return counted + queued

    def delete_older_than(self, days: int) -> tuple[int, int]:
        """Retention: count rows of clinic days, and review items created, more than `days`
        days ago; returns (count rows, review items) deleted."""
        if days < 0:
            raise ValueError(f"days must be zero or more, not {days!r}")
        cutoff = self.now() - timedelta(days=days)
        with self.engine.begin() as connection:
            counted = connection.execute(
                insight_counts.delete().where(
                    insight_counts.c.day < cutoff.astimezone(self.zone).date()
                )
            ).rowcount
            queued = connection.execute(
                review_items.delete().where(review_items.c.created_at < cutoff)
            ).rowcount
        return counted, queued

    # -- insights ----------------------------------------------------------------------------

    def summary(self, days: int = 7) -> dict[str, Any]:
        """The counts of the last `days` clinic days, today included (interfaces: JSON).

        Counted in the database, so a year's window brings back a few thousand counts, not
        every row: sums per day and name, conversations per outcome/flag/channel name, and
        conversations per set of traits (the journeys' input, `_traits_query`). Measured with
        50 conversations a day for 366 days (113k rows): 0.57 s -> 0.35 s on SQLite, 0.47 s ->
        0.23 s on PostgreSQL (was: every conversation's names loaded into Python)."""
        if not 1 <= days <= MAX_DAYS:
            raise ValueError(f"days must be 1 to {MAX_DAYS}, not {days!r}")
        last = self.today()
        first = last - timedelta(days=days - 1)
        c = insight_counts.c
        window = c.day.between(first, last)
        # sums per day and name, and how many conversations had the name that day (a row is
        # one conversation, day and name)
        sums = (
            sa.select(c.day, c.name, sa.func.sum(c.value), sa.func.count())
            .where(window)
            .group_by(c.day, c.name)
        )
        people = (
            sa.select(c.name, sa.func.count(sa.distinct(c.conversation_key)))
            .where(
                window, sa.or_(*(c.name.startswith(p) for p in summary.PER_CONVERSATION_PREFIXES))
            )
            .group_by(c.name)
        )
        start = datetime.combine(first, time(0), self.zone).astimezone(timezone.utc)
        end = datetime.combine(last + timedelta(days=1), time(0), self.zone)
        handed = sa.select(handoffs.c.created_at, handoffs.c.kind, handoffs.c.status).where(
            handoffs.c.created_at >= start, handoffs.c.created_at < end.astimezone(timezone.utc)
        )
        with self.engine.connect() as connection:
            sum_rows = connection.execute(sums).all()
            day_traits = connection.execute(_traits_query(window, by_day=True)).all()
            total_traits = connection.execute(_traits_query(window, by_day=False)).all()
            people_rows = connection.execute(people).all()
            handoff_rows = connection.execute(handed).all()
        handoff_days = [
            (as_utc(at).astimezone(self.zone).date(), kind, status)
            for at, kind, status in handoff_rows
        ]
        return summary.build(
            first,
            last,
            str(self.zone.key),
            [(_as_date(d), name, int(v or 0), int(n)) for d, name, v, n in sum_rows],
            [(_as_date(d), _traits(mask), int(n)) for d, mask, n in day_traits],
            [(_traits(mask), int(n)) for mask, n in total_traits],
            {name: int(n) for name, n in people_rows},
            handoff_days,
        )

    # -- the review queue --------------------------------------------------------------------

    def review(
        self, status: str = "open", limit: int = 50, offset: int = 0
    ) -> tuple[list[dict[str, Any]], int]:
        """Review items newest first, and how many there are in all with that status."""
        if status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {status!r}")
        where = {
            "open": review_items.c.label.is_(None),
            "labelled": review_items.c.label.isnot(None),
            "all": sa.true(),
        }[status]
        query = (
            sa.select(review_items)
            .where(where)
            .order_by(review_items.c.created_at.desc(), review_items.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
            total = connection.execute(
                sa.select(sa.func.count()).select_from(review_items).where(where)
            ).scalar_one()
        return [item_json(row) for row in rows], int(total)

    def get(self, item_id: int) -> dict[str, Any] | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(review_items).where(review_items.c.id == item_id)
            ).one_or_none()
        return None if row is None else item_json(row)

    def label(self, item_id: int, label: str | None, by: str | None) -> dict[str, Any] | None:
        """Mark an item with the intent it should have had (or new_topic, ignore); None clears
        the mark. None when there is no such item. The caller checks the label."""
        changes: dict[str, Any] = {
            "label": label,
            "labelled_by": by if label else None,
            "labelled_at": self.now() if label else None,
        }
        with self.engine.begin() as connection:
            done = connection.execute(
                review_items.update().where(review_items.c.id == item_id).values(**changes)
            )
            if done.rowcount == 0:
                return None
        return self.get(item_id)

    def labelled(self) -> list[dict[str, Any]]:
        """Every labelled item, oldest first (the export)."""
        query = (
            sa.select(review_items)
            .where(review_items.c.label.isnot(None))
            .order_by(review_items.c.created_at, review_items.c.id)
        )
        with self.engine.connect() as connection:
            return [item_json(row) for row in connection.execute(query).all()]


TRAIT_NAMES = tuple(summary.TRAITS)


def _traits_query(window: Any, *, by_day: bool) -> sa.Select:
    """How many conversations have each set of traits (summary.TRAITS, as a bit mask), per day
    or over the window: the database reads every row, Python gets a few counts."""
    c = insight_counts.c
    bits = []
    for bit, (exact, prefixes) in enumerate(summary.TRAITS.values()):
        has = sa.or_(c.name.in_(exact), *(c.name.startswith(p) for p in prefixes))
        bits.append(sa.func.max(sa.case((has, 1 << bit), else_=0)))
    relevant = sa.or_(
        *(c.name.in_(exact) for exact, _ in summary.TRAITS.values() if exact),
        *(c.name.startswith(p) for _, prefixes in summary.TRAITS.values() for p in prefixes),
    )
    groups = [c.conversation_key, c.day] if by_day else [c.conversation_key]
    each = (
        sa.select(*groups[1:], sum(bits[1:], bits[0]).label("mask"))
        .where(window, relevant)
        .group_by(*groups)
        .subquery()
    )
    outer = [each.c.day] if by_day else []
    return sa.select(*outer, each.c.mask, sa.func.count()).group_by(*outer, each.c.mask)


_TRAIT_SETS: dict[int, frozenset[str]] = {}


def _traits(mask: int) -> frozenset[str]:
    found = _TRAIT_SETS.get(mask)
    if found is None:
        found = _TRAIT_SETS[mask] = frozenset(
            name for bit, name in enumerate(TRAIT_NAMES) if int(mask) >> bit & 1
        )
    return found


def _add_counts(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert the rows or add their values to the stored ones, atomically in the database."""
    dialect = connection.dialect.name
    if dialect in ("postgresql", "sqlite"):
        insert = (postgresql if dialect == "postgresql" else sqlite).insert(insight_counts)
        connection.execute(
            insert.values(rows).on_conflict_do_update(
                index_elements=["conversation_key", "day", "name"],
                set_={"value": insight_counts.c.value + insert.excluded.value},
            )
        )
        return
    c = insight_counts.c
    for row in rows:  # another database: add, else insert, row by row in this transaction
        same = sa.and_(
            c.conversation_key == row["conversation_key"],
            c.day == row["day"],
            c.name == row["name"],
        )
        done = connection.execute(
            insight_counts.update().where(same).values(value=c.value + row["value"])
        )
        if done.rowcount == 0:
            connection.execute(insight_counts.insert().values(**row))


def _as_date(value: Any) -> date:
    """SQLite may hand a date column back as text in raw queries."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def item_json(row: Any) -> dict[str, Any]:
    """A review item as the API shows it (interfaces): no conversation key."""
    return {
        "id": row.id,
        "created_at": as_utc(row.created_at).isoformat(),
        "text": row.text,
        "reading": {"intent": row.intent, "confidence": row.confidence},
        "reason": row.reason,
        "label": row.label,
        "labelled_by": row.labelled_by,
        "labelled_at": None if row.labelled_at is None else as_utc(row.labelled_at).isoformat(),
    }
