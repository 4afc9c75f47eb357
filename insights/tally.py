"""What one turn adds to the insights, from the turn's Rasa events (dicts as `Event.as_dict()`
gives them). Pure: no database, no Rasa import; the recorder stores what this returns.

A turn adds counts, each on the clinic day of the event it comes from, under names such as
`messages`, `unsure`, `topic:ask_posture`, `outcome:red_flag_urgent`, `flag:thunderclap_onset`
(`insights/summary.py` reads them back), and the review items: messages the assistant was
unsure of, with their reading and the reason.

"Unsure" has one definition, `unsure_reason`: the message was read as `out_of_scope`, or the
unclear action (`action_handle_unclear`, the reply "not sure I understood") answered it, or it
was read as `nlu_fallback` or under the FallbackClassifier's threshold (config.yml).

An answer a form took (`answered_by_form`: "35" to "How old are you?", read as out_of_scope)
is a message but neither a topic nor unsure: the form asked for it and understood it. Counted
as unsure, screening answers made most of the review queue and of the unsure share. An answer
to the front desk's questions or a message while waiting for a person (`personal_answer`) is
only a message too, and never queued: it holds the person's details or words meant for staff.
The slots a new session carries over (actions/session.py) are no new outcome or red flag, and a
turn counts on the clinic day of its message.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

ROOT = Path(__file__).resolve().parents[1]
CONFIG_FILE = ROOT / "config.yml"
DOMAIN_FILE = ROOT / "domain.yml"

FALLBACK_INTENT = "nlu_fallback"
OUT_OF_SCOPE = "out_of_scope"
UNCLEAR_ACTION = "action_handle_unclear"  # RulePolicy's core fallback action too (config.yml)
SCREENING_FORM = "screening_form"  # domain.yml forms
# Forms whose answers are the person's own details or words meant for staff (a name, a phone
# number, a message while waiting for a person): counted as messages only, never queued for
# review, as the redactor cannot be the only barrier (a bare "sarah" is no detail it can see).
PERSONAL_FORMS = frozenset({"handoff_form", "human_handoff_form"})
OUTCOME_SLOT = "triage_outcome"
RED_FLAGS_SLOT = "red_flags"
RED_FLAG_OUTCOMES = {"red_flag_emergency": "emergency", "red_flag_urgent": "urgent"}
EXTERNAL_PREFIX = "EXTERNAL: "  # Rasa's text for an intent triggered from outside (not a person)
# Small talk, the clinic's own information and messages the assistant was unsure of: a
# conversation of these and education topics only is "education only" (insights/summary.py).
PLAIN_INTENTS = frozenset(
    {"greet", "goodbye", "affirm", "deny", "thank", "bot_challenge", "how_are_you",
     "pleasantry", "ask_clinic_info", "ask_privacy", "nlu_fallback", "out_of_scope"}
)  # fmt: skip
REASONS = ("unsure", "not_understood", "out_of_scope", "not_helpful")
NAME_RE = re.compile(r"^[A-Za-z0-9_]{1,80}$")  # an intent, slot value or channel as a count name

# The count names (insights/summary.py reads them)
MESSAGES = "messages"
UNSURE = "unsure"
EDUCATION = "education"  # messages read as an education topic (headache_core/content.py)
BEYOND_EDUCATION = "beyond_education"  # messages neither education, small talk nor clinic info
SCREENING_STARTED = "screening_started"
TOPIC = "topic:"
OUTCOME = "outcome:"
FLAG = "flag:"
LEVEL = "level:"
CHANNEL = "channel:"
HELPFUL = "helpful:"
NOT_HELPFUL = "not_helpful:"
NO_INTENT = "unknown"


@dataclass(frozen=True)
class ReviewItem:
    """A message for the review queue: its text as said (the recorder redacts it)."""

    text: str
    intent: str | None
    confidence: float | None
    reason: str
    at: datetime


@dataclass
class Tally:
    """What to add: counts per (clinic day, name), and the review items."""

    counts: Counter[tuple[date, str]] = field(default_factory=Counter)
    review: list[ReviewItem] = field(default_factory=list)

    def add(self, day: date, name: str, value: int = 1) -> None:
        self.counts[(day, name)] += value


@lru_cache(maxsize=4)
def fallback_threshold(path: Path = CONFIG_FILE) -> float:
    """The FallbackClassifier's `threshold` in config.yml: under it Rasa's reading is unsure."""
    config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for component in config.get("pipeline") or []:
        if component.get("name") == "FallbackClassifier":
            return float(component.get("threshold", 0.3))  # Rasa's default
    return 0.0


@lru_cache(maxsize=1)
def flag_levels() -> dict[str, str]:
    """Each red flag's level (emergency, urgent), as headache_core's red-flag rules give it."""
    from headache_core.red_flags.rules import load_rules

    return {flag.id: flag.level for flag in load_rules().flags}


@lru_cache(maxsize=1)
def form_slots(path: Path = DOMAIN_FILE) -> dict[str, frozenset[str]]:
    """Each form of domain.yml and the slots it asks for."""
    domain = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {
        name: frozenset((form or {}).get("required_slots") or [])
        for name, form in (domain.get("forms") or {}).items()
    }


def started_a_form(events: Sequence[Mapping[str, Any]], start: int) -> bool:
    """The user message at `start` started a form ("book me in", "check my headache"): the
    first loop change after it is a form's activation (a last answer's is the loop ending).
    Such a message is a request, a topic, even when the form took details from it at once."""
    for event in events[start + 1 :]:
        if event.get("event") == "user":
            return False
        if event.get("event") == "active_loop":
            return bool(event.get("name"))
    return False


def answered_by_form(events: Sequence[Mapping[str, Any]], start: int) -> bool:
    """The user message at `start` was taken as the answer to a form's question: a form ran
    after it, was not rejected, and then set one of its own slots to a value (a validator that
    refuses an answer sets it to None and asks again: that message stays unsure)."""
    if started_a_form(events, start):
        return False
    forms = form_slots()
    running, filled = None, False
    for event in events[start + 1 :]:
        kind = event.get("event")
        if kind == "user":
            break
        if kind == "action_execution_rejected":
            return False
        if kind == "action":
            running = event.get("name") if event.get("name") in forms else None
        elif kind == "slot" and running and event.get("value") is not None:
            filled = filled or event.get("name") in forms[running]
    return filled


def personal_answer(events: Sequence[Mapping[str, Any]], start: int) -> bool:
    """The user message at `start` answered one of the PERSONAL_FORMS: one of them ran after
    it, or Rasa filled one of their slots from it (before any form ran, rejected or not)."""
    if started_a_form(events, start):
        return False
    forms = form_slots()
    others = frozenset().union(*(s for name, s in forms.items() if name not in PERSONAL_FORMS))
    personal = frozenset().union(*(forms.get(name, ()) for name in PERSONAL_FORMS)) - others
    for event in events[start + 1 :]:
        kind = event.get("event")
        if kind == "user":
            return False
        if kind == "action" and event.get("name") in PERSONAL_FORMS:
            return True
        if kind == "slot" and event.get("name") in personal:
            return True
    return False


@lru_cache(maxsize=1)
def education_intents() -> frozenset[str]:
    from headache_core.content import education_intents as intents

    return frozenset(intents())


def unsure_reason(
    intent: str | None, confidence: float | None, unclear_answered: bool, threshold: float
) -> str | None:
    """Why the assistant was unsure of a message, or None when it was not: `out_of_scope`,
    `not_understood` (the unclear action answered it) or `unsure` (a fallback reading or a
    confidence under the threshold)."""
    if intent == OUT_OF_SCOPE:
        return "out_of_scope"
    if unclear_answered:
        return "not_understood"
    if intent in (None, FALLBACK_INTENT):
        return "unsure"
    if confidence is not None and confidence < threshold:
        return "unsure"
    return None


def clinic_day(timestamp: Any, zone: ZoneInfo) -> date:
    """The clinic's day of an event's epoch timestamp (now when it has none)."""
    if isinstance(timestamp, (int, float)):
        moment = datetime.fromtimestamp(timestamp, timezone.utc)
    else:
        moment = datetime.now(timezone.utc)
    return moment.astimezone(zone).date()


def count_name(prefix: str, value: Any) -> str:
    """`prefix` + value when the value is a plain identifier, else + "unknown" (a name never
    holds free text)."""
    text = str(value) if value is not None else ""
    return prefix + (text if NAME_RE.match(text) else NO_INTENT)


def is_person(event: Mapping[str, Any]) -> bool:
    """A user event a person sent (not an intent triggered from outside)."""
    if (event.get("metadata") or {}).get("is_external"):
        return False
    return not str(event.get("text") or "").startswith(EXTERNAL_PREFIX)


def _intent(event: Mapping[str, Any]) -> tuple[str | None, float | None]:
    intent = ((event.get("parse_data") or {}).get("intent")) or {}
    name = intent.get("name")
    confidence = intent.get("confidence")
    return (
        str(name) if name else None,
        float(confidence) if isinstance(confidence, (int, float)) else None,
    )


def _answered_unclear(events: Sequence[Mapping[str, Any]], start: int) -> bool:
    """The unclear action ran after the user message at `start`, before the next message."""
    for event in events[start + 1 :]:
        if event.get("event") == "user":
            return False
        if event.get("event") == "action" and event.get("name") == UNCLEAR_ACTION:
            return True
    return False


def _flag_ids(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if v]
    return []


def tally_turn(
    events: Sequence[Mapping[str, Any]],
    zone: ZoneInfo,
    *,
    threshold: float | None = None,
    levels: Mapping[str, str] | None = None,
    education: frozenset[str] | None = None,
    channel: str | None = None,
) -> Tally:
    """What a turn's new events add. Every user message: `messages`, its topic, `unsure` and
    a review item when unsure, `education` or `beyond_education`; the screening form's start;
    an outcome given; each red flag named and its level."""
    threshold = fallback_threshold() if threshold is None else threshold
    levels = flag_levels() if levels is None else levels
    education = education_intents() if education is None else education
    tally = Tally()
    turn_day = _turn_day(events, zone)
    carrying = False  # the slots a new session carries over: said before, not new facts
    for index, event in enumerate(events):
        kind = event.get("event")
        day = turn_day or clinic_day(event.get("timestamp"), zone)
        if kind == "session_started":
            carrying = True
        elif kind in ("user", "action"):
            carrying = False
        if carrying:
            continue
        if kind == "user" and is_person(event):
            _tally_message(tally, events, index, day, threshold, education)
            if channel or event.get("input_channel"):
                tally.counts[(day, count_name(CHANNEL, channel or event["input_channel"]))] = 1
        elif kind == "active_loop" and event.get("name") == SCREENING_FORM:
            tally.add(day, SCREENING_STARTED)
        elif kind == "slot" and event.get("name") == OUTCOME_SLOT and event.get("value"):
            value = event["value"]
            tally.add(day, count_name(OUTCOME, value))
            if value in RED_FLAG_OUTCOMES:
                tally.add(day, LEVEL + RED_FLAG_OUTCOMES[value])
        elif kind == "slot" and event.get("name") == RED_FLAGS_SLOT:
            for flag_id in _flag_ids(event.get("value")):
                tally.add(day, count_name(FLAG, flag_id))
                if flag_id in levels:
                    tally.add(day, LEVEL + levels[flag_id])
    return tally


def _turn_day(events: Sequence[Mapping[str, Any]], zone: ZoneInfo) -> date | None:
    """The clinic day of the turn's first message: a turn that runs past midnight counts on
    one day, with its message (else the day after would hold a red flag and no conversation)."""
    for event in events:
        if event.get("event") == "user" and isinstance(event.get("timestamp"), (int, float)):
            return clinic_day(event["timestamp"], zone)
    return None


def _tally_message(
    tally: Tally,
    events: Sequence[Mapping[str, Any]],
    index: int,
    day: date,
    threshold: float,
    education: frozenset[str],
) -> None:
    event = events[index]
    intent, confidence = _intent(event)
    tally.add(day, MESSAGES)
    if answered_by_form(events, index) or personal_answer(events, index):
        return  # an answer a form took, or one for the front desk: no topic, not unsure
    if intent and intent != FALLBACK_INTENT:
        tally.add(day, count_name(TOPIC, intent))
    if intent in education:
        tally.add(day, EDUCATION)
    elif intent not in PLAIN_INTENTS:  # None too: a message without a reading
        tally.add(day, BEYOND_EDUCATION)
    reason = unsure_reason(intent, confidence, _answered_unclear(events, index), threshold)
    if reason is None:
        return
    tally.add(day, UNSURE)
    text = str(event.get("text") or "").strip()
    if text:
        at = (
            datetime.fromtimestamp(event["timestamp"], timezone.utc)
            if isinstance(event.get("timestamp"), (int, float))
            else datetime.now(timezone.utc)
        )
        tally.review.append(ReviewItem(text, intent, confidence, reason, at))


def feedback_tally(helpful: bool, intent: str | None, day: date) -> Tally:
    """A thumbs up or down on an answer, counted under the topic it answered."""
    tally = Tally()
    tally.add(day, count_name(HELPFUL if helpful else NOT_HELPFUL, intent))
    return tally


@lru_cache(maxsize=1)
def domain_intents(path: Path = DOMAIN_FILE) -> tuple[str, ...]:
    """The intents domain.yml declares: what staff may label a review item with."""
    domain = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    names = []
    for item in domain.get("intents") or []:
        names.append(next(iter(item)) if isinstance(item, dict) else str(item))
    return tuple(names)
