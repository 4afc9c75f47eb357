"""What the handoff form asks, in which order, and how its answers are shown back.

The questions live in `knowledge/handoff.yml` (editable wording); the readers of the answers in
`contact.py`. A booking asks for times (and, with Cliniko, offers real free ones); a request for a
person asks only what the front desk needs to reach them.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from headache_core import KNOWLEDGE_DIR
from headache_core.handoff.contact import phone_for_people
from headache_core.lexicon import alternatives
from headache_core.screening.questions import Question, parse_questions

HANDOFF_FILE = KNOWLEDGE_DIR / "handoff.yml"
BOOKING_ORDER = (
    "contact_name",
    "contact_details",
    "preferred_times",
    "appointment_choice",
    "handoff_note",
    "handoff_consent",
)
HUMAN_ORDER = ("contact_name", "contact_details", "handoff_note", "handoff_consent")
# Asked only when a booking system offered real free times.
OFFER_SLOT = "appointment_choice"
CALL_BACK = "call_back"
NONE_RE = re.compile(
    r"\b(none|neither|no(ne)? of (these|those|them)|call me|ring me|phone me|other time|"
    r"don'?t suit|doesn'?t suit|not (these|those|them)|no thanks?)\b|^\W*no\W*$",
    re.I,
)
# "no i don't want to book", "i didn't ask for an appointment", "i'm not looking to talk to
# anyone": the handoff was not wanted (the classifier may have read a booking that was not one).
# Not "i don't want to book on a monday": that answers when to come.
NOT_WANTED_RE = re.compile(
    r"\bi(\s+do\s*n'?o?t|\s+did\s*n'?o?t|\s+am\s+not|'?m\s+not)\s+"
    r"(want(ing)?|need(ing)?|mean(ing)?|ask(ing)?|trying|looking)\s+(to\s+|for\s+)?"
    r"(book|make\s+an?\s+(booking|appointment)|an?\s+(booking|appointment)|"
    r"(talk|speak)\s+to\s+(any|some)(one|body))\b"
    r"(?!\s+(on|for|at|in|before|after|until|till|with|between|this|next|any\s*time|mornings?|"
    r"afternoons?|evenings?|today|tomorrow)\b)",
    re.I,
)
ORDINALS = {"first": 0, "1st": 0, "1": 0, "second": 1, "2nd": 1, "2": 1, "third": 2,
            "3rd": 2, "3": 2, "fourth": 3, "4th": 3, "4": 3}  # fmt: skip


@lru_cache(maxsize=2)
def _data(path: Path = HANDOFF_FILE) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=2)
def load_questions(path: Path = HANDOFF_FILE) -> dict[str, Question]:
    return parse_questions(_data(path)["questions"], path, BOOKING_ORDER)


BARE_NO_RE = re.compile(rf"^\W*({alternatives('bare_no', 'plain_no')})\W*$", re.I)


BARE_THANKS_RE = re.compile(
    r"^\W*((ok(ay)?|great|lovely|perfect|brilliant|cool)\W+)?"
    rf"({alternatives('thanks_phrases', 'thanks')})"
    r"(\s+(so|very)\s+much|\s+a\s+lot|\s+(for|4)\s+(that|the\s+\w+|your\s+help))?"
    r"(\W+(bye|goodbye|x+))?\W*$",
    re.I,
)
# "when will I hear back?", "how long till they call?": who answers and when, then the question.
WHEN_HEAR_RE = re.compile(
    r"\b(when|how\s+(long|soon|quickly))\b.{0,40}\b(hear|call|ring|contact|get\s+back|reply|"
    r"respond|text|e-?mail|be\s+in\s+touch|confirm)",
    re.I,
)


def is_bare_thanks(text: str) -> bool:
    """ "thank you very much", "ok thanks bye" and nothing else."""
    return bool(BARE_THANKS_RE.match(text or ""))


def asks_when_they_will_hear(text: str) -> bool:
    return bool(WHEN_HEAR_RE.search(text or ""))


def is_bare_no(text: str) -> bool:
    """ "no", "nope", "no thanks" and nothing else."""
    return bool(BARE_NO_RE.match(text or ""))


def is_not_wanted(text: str) -> bool:
    """The person says they did not want a booking or a person at all."""
    return bool(NOT_WANTED_RE.search(text or ""))


def required_slots(kind: str, offered: bool) -> list[str]:
    """The questions of a handoff of this kind, in order."""
    if kind == "human":
        return list(HUMAN_ORDER)
    return [s for s in BOOKING_ORDER if s != OFFER_SLOT or offered]


def time_label(start: datetime, timezone: str) -> str:
    """A free time as people say it, in the clinic's time zone: "Tue 2 Dec, 09:30"."""
    local = start.astimezone(ZoneInfo(timezone))
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"


def long_time_label(start: datetime, timezone: str) -> str:
    """ "Tuesday 2 December at 09:30", for the confirmation."""
    local = start.astimezone(ZoneInfo(timezone))
    return f"{local:%A} {local.day} {local:%B} at {local:%H:%M}"


def read_choice(text: str, offered: list[dict[str, str]]) -> str | None:
    """The ISO start of the offered time the person picked, CALL_BACK for none of them, or None.

    `offered` is [{"label": "Tue 2 Dec, 09:30", "start": ISO}]. A label typed or clicked, a
    unique day or time ("the Tuesday one", "9:30"), or an ordinal ("the second one") picks one.
    """
    said = " ".join(text.lower().split())
    if not said:
        return None
    for option in offered:
        if option["label"].lower() in said:
            return option["start"]
    words = set(re.findall(r"[a-z0-9:]+", said))
    for word, index in ORDINALS.items():
        if word in words and index < len(offered) and not re.search(r"\d:\d", said):
            return offered[index]["start"]
    matches = [o for o in offered if _mentions(said, o["label"])]
    if len(matches) == 1:
        return matches[0]["start"]
    if NONE_RE.search(said):
        return CALL_BACK
    return None


def _mentions(said: str, label: str) -> bool:
    """ "tuesday" or "tue" names the day of "Tue 2 Dec, 09:30"; "9:30" or "09:30" its time."""
    day, _, clock = label.partition(", ")
    short_day = day.split()[0].lower()
    hour, minute = clock.split(":")
    times = {f"{int(hour)}:{minute}", clock, f"{int(hour)}.{minute}"}
    return bool(re.search(rf"\b{short_day}", said)) or any(t in said for t in times)


def recap(patient: str | None, name: str | None, contact: dict[str, Any] | None,
          times: str | None, choice: str | None, note: str | None,
          region: str | None = None) -> str:  # fmt: skip
    """The details about to be passed on, in one line the person can check (a phone number as
    people write it in the clinic's `region`)."""
    parts = [f"for your {patient}"] if patient else []
    parts += [f"name {name}"] if name else []
    contact = contact or {}
    if contact.get("phone"):
        parts.append(f"phone {phone_for_people(contact['phone'], region)}")
    if contact.get("email"):
        parts.append(f"email {contact['email']}")
    if choice:
        parts.append(f"appointment {choice}")
    elif times:
        parts.append(f"times that suit you: {times}")
    if note:
        parts.append(f'note: "{note}"')
    return "; ".join(parts)
