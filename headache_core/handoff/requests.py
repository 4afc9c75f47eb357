"""Requests the clinic gets that are not a new booking: cancel or move an appointment, running
late, bringing someone along, paperwork, a question for the physio (issue 27).

"I need to cancel my appt on Thursday" was read as a booking and opened a new-booking form. The
patterns and what each request gets live in `knowledge/handoff.yml` (`appointment_requests`);
this module only reads them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from headache_core.handoff.form import HANDOFF_FILE


@dataclass(frozen=True)
class AppointmentRequest:
    kind: str
    patterns: tuple[re.Pattern, ...]
    answer: str | None  # a message key: answered here, nothing passed on
    note: str | None  # for the front desk: what the request is
    ask: tuple[str, ...]  # the handoff questions it needs
    intro: str | None  # a message key said before the first question


@lru_cache(maxsize=2)
def load_requests(path: Path = HANDOFF_FILE) -> dict[str, AppointmentRequest]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))["appointment_requests"]
    found = {}
    for kind, spec in raw.items():
        if not spec.get("source"):
            raise ValueError(f"appointment_requests.{kind}: 'source' is missing")
        if bool(spec.get("answer")) == bool(spec.get("ask")):
            raise ValueError(f"appointment_requests.{kind}: give either 'answer' or 'ask'")
        found[kind] = AppointmentRequest(
            kind=kind,
            patterns=tuple(re.compile(p, re.I) for p in spec["patterns"]),
            answer=spec.get("answer"),
            note=spec.get("note"),
            ask=tuple(spec.get("ask") or ()),
            intro=spec.get("intro"),
        )
    return found


def read_appointment_request(text: str) -> AppointmentRequest | None:
    """The first request (in the file's order) whose pattern the message matches, or None."""
    said = " ".join((text or "").replace("\u2019", "'").split())
    for request in load_requests().values():
        if any(p.search(said) for p in request.patterns):
            return request
    return None
