"""A handoff: what the front desk needs to take over from the assistant.

`HandoffRecord` is what the assistant hands over; `Handoff` is a stored one with its id,
status and timestamps. `ref` is unique per record, so writing the same record twice (a retry,
an outbox replay, a second red flag in one conversation) updates it instead of duplicating it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

KINDS = ("booking", "human")
STATUSES = ("new", "claimed", "done")
# Most urgent first: red flags (emergency, then urgent), then the screening outcome, then none.
OUTCOME_RANK = {
    "red_flag_emergency": 0,
    "red_flag_urgent": 1,
    "consistent_with_cervicogenic": 2,
    "not_typical_cervicogenic": 3,
}
NO_OUTCOME_RANK = 4
# The urgency levels by name, most urgent first: a filter the front desk can pick. A flag named
# without an outcome set counts as urgent (as in `urgency_key`).
LEVELS = ("emergency", "urgent", "consistent", "not_typical", "none")
LEVEL_RANK = {name: rank for rank, name in enumerate(LEVELS)}
SORTS = ("urgency", "newest", "oldest")
RED_FLAG_REF = "red_flag:"  # the ref prefix of the records a red flag makes
MAX_PAGE = 500


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z, or None."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


@dataclass
class Contact:
    name: str | None = None
    phone: str | None = None  # E.164, e.g. +447700900123
    email: str | None = None

    def is_reachable(self) -> bool:
        return bool(self.phone or self.email)


@dataclass
class HandoffRecord:
    ref: str  # unique: "booking:<uuid>", "human:<uuid>", "red_flag:<conversation id>"
    kind: str  # one of KINDS
    conversation_id: str
    channel: str | None = None  # rest, socketio, slack, facebook, frontdesk
    triage_outcome: str | None = None
    red_flags: list[str] = field(default_factory=list)
    summary: str = ""  # plain-text screening summary (screening_summary slot)
    # the criteria behind the outcome: {"fitted": [...], "not_fitted": [...], "unknown": [...],
    # "clinic_only": [...]} as plain-language labels
    criteria: dict[str, list[str]] = field(default_factory=dict)
    contact: Contact = field(default_factory=Contact)
    preferred_times: str | None = None
    note: str | None = None
    consent_at: datetime | None = None
    # [{"who": "user" | "bot", "text": str, "at": ISO string or None}], oldest first
    transcript: list[dict[str, Any]] = field(default_factory=list)
    # None: the front desk calls back; else {"system": "cliniko", "appointment_id": str,
    # "start": ISO string, ...}
    booking: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {self.kind!r}")
        if not self.ref or not self.conversation_id:
            raise ValueError("a handoff needs a ref and a conversation id")

    def to_json(self) -> dict[str, Any]:
        """Plain JSON (for the outbox file); `from_json` reads it back."""
        data = asdict(self)
        data["consent_at"] = iso(self.consent_at)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> HandoffRecord:
        data = dict(data)
        data["contact"] = Contact(**(data.get("contact") or {}))
        consent = data.get("consent_at")
        data["consent_at"] = (
            datetime.fromisoformat(consent.replace("Z", "+00:00")) if consent else None
        )
        return cls(**data)


@dataclass
class Handoff(HandoffRecord):
    id: int = 0
    status: str = "new"
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)
    claimed_by: str | None = None

    def to_api(self) -> dict[str, Any]:
        """The contract's JSON (id, created_at, kind, triage_outcome, red_flags, summary,
        contact, status, conversation_id) and the rest the console shows."""
        return {
            "id": self.id,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
            "kind": self.kind,
            "status": self.status,
            "claimed_by": self.claimed_by,
            "conversation_id": self.conversation_id,
            "channel": self.channel,
            "triage_outcome": self.triage_outcome,
            "red_flags": list(self.red_flags),
            "summary": self.summary,
            "criteria": dict(self.criteria),
            "contact": asdict(self.contact),
            "preferred_times": self.preferred_times,
            "note": self.note,
            "consent_at": iso(self.consent_at),
            "transcript": list(self.transcript),
            "booking": self.booking,
        }


def urgency_key(handoff: Handoff) -> tuple[int, int, datetime]:
    """Sort key, most urgent first: red flags, then screening outcome, then the longest wait.
    Done handoffs go last."""
    rank = OUTCOME_RANK.get(handoff.triage_outcome or "", NO_OUTCOME_RANK)
    if handoff.red_flags and rank > OUTCOME_RANK["red_flag_urgent"]:
        rank = OUTCOME_RANK["red_flag_urgent"]  # a flag named without an outcome set: still first
    created = handoff.created_at
    if created.tzinfo is None:
        created = created.replace(tzinfo=timezone.utc)
    return (handoff.status == "done", rank, created)


def level_of(handoff: HandoffRecord) -> str:
    """The handoff's urgency level by name (one of LEVELS)."""
    rank = OUTCOME_RANK.get(handoff.triage_outcome or "", NO_OUTCOME_RANK)
    if handoff.red_flags and rank > OUTCOME_RANK["red_flag_urgent"]:
        rank = OUTCOME_RANK["red_flag_urgent"]
    return LEVELS[rank]


def day_bounds(day: date, zone: str) -> tuple[datetime, datetime]:
    """The clinic's calendar day as a UTC range [start, end): the day staff mean when they
    pick "6 December", not the server's UTC day."""
    tz = ZoneInfo(zone)
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def _choices(name: str, values: tuple[str, ...], allowed: tuple[str, ...]) -> None:
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValueError(f"{name} must be among {allowed}, not {unknown!r}")


@dataclass(frozen=True)
class HandoffQuery:
    """Which handoffs, in what order, which page. Empty tuples mean "any"; `since`/`until`
    bound `created_at` (until excluded); `text` searches name, phone, e-mail, ref, conversation
    id, summary and note; `done_days`: done ones last changed more than this many days ago
    leave the result (the working list), yet stay findable when it is None."""

    statuses: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    text: str = ""
    done_days: int | None = None
    order: str = "urgency"
    limit: int = 50
    offset: int = 0

    def __post_init__(self) -> None:
        _choices("statuses", self.statuses, STATUSES)
        _choices("kinds", self.kinds, KINDS)
        _choices("levels", self.levels, LEVELS)
        _choices("order", (self.order,), SORTS)
        if not 1 <= self.limit <= MAX_PAGE:
            raise ValueError(f"limit must be between 1 and {MAX_PAGE}, not {self.limit!r}")
        if self.done_days is not None and self.done_days < 0:
            raise ValueError(f"done_days must be zero or more, not {self.done_days!r}")
        if self.offset < 0:
            raise ValueError(f"offset must be zero or more, not {self.offset!r}")


@dataclass
class HandoffPage:
    """One page of a query, with the counts that say what else there is: `total` matches the
    whole query; `counts` per status, kind and level each count under the query's other
    filters (so a chip can say how many picking it would show); `aged_out`: done ones left out
    by `done_days` (findable with the status filter "done")."""

    items: list[Handoff]
    total: int
    offset: int
    limit: int
    counts: dict[str, dict[str, int]]
    aged_out: int = 0

    @property
    def next_offset(self) -> int | None:
        after = self.offset + len(self.items)
        return after if after < self.total else None
