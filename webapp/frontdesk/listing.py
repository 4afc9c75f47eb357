"""Reading a list request's query string (the API's and the console's) into a `HandoffQuery`,
with a 400 that names the parameter and what it accepts; and the link to the next page.

    limit=50  offset=0  order=newest|urgency|oldest  q=free text
    status=new,claimed,done (or open = new,claimed; or all)  kind=booking,human
    level=emergency,urgent,consistent,not_typical,none
    day=YYYY-MM-DD (the clinic's day)  since=/until= (ISO date or date-time; a date is the
    start of that clinic day; until excluded)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from starlette.datastructures import URL, QueryParams

from headache_core.handoff.model import (
    KINDS,
    LEVELS,
    MAX_PAGE,
    SORTS,
    STATUSES,
    HandoffPage,
    HandoffQuery,
    day_bounds,
)

MAX_TEXT = 200
MAX_OFFSET = 10_000_000
MAX_DIGITS = 9  # checked before int(): Python refuses to convert more than 4300 digits
STATUS_WORDS = {"open": ("new", "claimed"), "all": ()}


class BadQuery(ValueError):
    """A parameter the list cannot take; the message says which and what it accepts."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


@dataclass(frozen=True)
class Defaults:
    """What a caller gets without a parameter: the API keeps its old answer (200 newest)."""

    order: str = "newest"
    limit: int = 200
    statuses: tuple[str, ...] = ()


def _whole(params: QueryParams, name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if (
        not (raw.isascii() and raw.isdigit())
        or len(raw) > MAX_DIGITS
        or not low <= int(raw) <= high
    ):
        raise BadQuery(name, f"{name} must be a whole number from {low} to {high}.")
    return int(raw)


def _several(params: QueryParams, name: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    """Comma-separated and/or repeated values, each one of `allowed`."""
    values = [v.strip() for raw in params.getlist(name) for v in raw.split(",") if v.strip()]
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise BadQuery(name, f"{name} must be among {', '.join(allowed)}; not {unknown[0]!r}.")
    return tuple(dict.fromkeys(values))


def _statuses(params: QueryParams, default: tuple[str, ...]) -> tuple[str, ...]:
    if not params.get("status"):
        return default
    words = [v.strip() for raw in params.getlist("status") for v in raw.split(",")]
    if len(words) == 1 and words[0] in STATUS_WORDS:
        return STATUS_WORDS[words[0]]
    return _several(params, "status", STATUSES)


def _moment(params: QueryParams, name: str, zone: str) -> datetime | None:
    raw = params.get(name)
    if not raw:
        return None
    try:
        if len(raw) == 10:
            return day_bounds(date.fromisoformat(raw), zone)[0]
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise BadQuery(
            name, f"{name} must be a date (2026-12-06) or a date and time (2026-12-06T09:00Z)."
        ) from None
    if moment.tzinfo is None:  # a time without a zone is the clinic's
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.astimezone(timezone.utc)


def _range(params: QueryParams, zone: str) -> tuple[datetime | None, datetime | None]:
    day = params.get("day")
    if day:
        if params.get("since") or params.get("until"):
            raise BadQuery("day", "day cannot be combined with since or until: give one.")
        try:
            return day_bounds(date.fromisoformat(day), zone)
        except ValueError:
            raise BadQuery("day", "day must be a date like 2026-12-06.") from None
    since, until = _moment(params, "since", zone), _moment(params, "until", zone)
    if since and until and since >= until:
        raise BadQuery("until", "until must be after since.")
    return since, until


def read_query(
    params: QueryParams, zone: str, defaults: Defaults = Defaults(), **extra: Any
) -> HandoffQuery:
    """The query a request's parameters ask for; BadQuery for any value it cannot take."""
    order = params.get("order") or defaults.order
    if order not in SORTS:
        raise BadQuery("order", f"order must be one of {', '.join(SORTS)}.")
    text = params.get("q") or ""
    if len(text) > MAX_TEXT:
        raise BadQuery("q", f"q must be at most {MAX_TEXT} characters.")
    since, until = _range(params, zone)
    return HandoffQuery(
        statuses=_statuses(params, defaults.statuses),
        kinds=_several(params, "kind", KINDS),
        levels=_several(params, "level", LEVELS),
        since=since,
        until=until,
        text=text.strip(),
        order=order,
        limit=_whole(params, "limit", defaults.limit, 1, MAX_PAGE),
        offset=_whole(params, "offset", 0, 0, MAX_OFFSET),
        **extra,
    )


def page_headers(url: URL, page: HandoffPage) -> Mapping[str, str]:
    """X-Total-Count, and a Link to the next page (the same parameters, the next offset)."""
    headers = {"X-Total-Count": str(page.total)}
    if page.next_offset is not None:
        params = [(k, v) for k, v in QueryParams(url.query).multi_items() if k != "offset"]
        params.append(("offset", str(page.next_offset)))
        headers["Link"] = f'<{url.path}?{urlencode(params)}>; rel="next"'
    return headers
