"""What a handoff's console card says, in words staff can act on (issue 29).

A red flag's record is not a request for a person: nobody asked to be called, the assistant
sent them to a doctor or the emergency number and asked no contact details. The card says so,
names the flags in the staff's words (`label` in red_flags.yml), quotes the advice the person
was given (from the conversation, else the same message the assistant sends for that level)
and says what consent there is. Pure: the console turns this into text nodes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from headache_core.clinic import Clinic, load_clinic
from headache_core.handoff.model import RED_FLAG_REF, Handoff, level_of
from headache_core.messages import render
from headache_core.red_flags.advice import advice
from headache_core.red_flags.rules import load_rules

KIND_TITLES = {"booking": "Booking request", "human": "Asked for a person"}
LEVEL_WORDS = {"emergency": "Emergency", "urgent": "Urgent"}
# The fixed routing messages a red flag gets: a bot line starting with one of their first
# sentences is the advice the person was given.
ADVICE_KEYS = (
    "red_flag_emergency",
    "red_flag_emergency_unspecified",
    "red_flag_urgent",
    "red_flag_urgent_unspecified",
    "red_flag_emergency_brief",
    "red_flag_urgent_brief",
)
ADVICE_FILLERS = {"reasons": "", "meanwhile": ""}


@dataclass(frozen=True)
class FlagWords:
    id: str
    label: str
    reason: str


@dataclass(frozen=True)
class CardWords:
    title: str
    origin: str  # "red_flag" (the assistant escalated), "booking" or "human" (a person asked)
    level: str  # headache_core.handoff.model.LEVELS
    flags: tuple[FlagWords, ...]
    reachable: bool  # a phone or e-mail is on the record
    contact: str  # whether there are contact details, and what that means for the call
    first_step: str  # what staff do first ("" when nothing is urgent)
    told: str  # what the assistant already told the person ("" when no red flag)
    told_source: str  # "conversation" (quoted) or "level" (the level's message; not in it)
    consent: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def card_words(handoff: Handoff, clinic: Clinic | None = None) -> CardWords:
    clinic = clinic or load_clinic()
    level = level_of(handoff)
    red_flag = handoff.ref.startswith(RED_FLAG_REF)
    flags = tuple(_flag_words(flag) for flag in handoff.red_flags)
    reachable = handoff.contact.is_reachable()
    escalated = level in LEVEL_WORDS
    told, told_source = _told(handoff, level, clinic) if escalated else ("", "")
    return CardWords(
        title=_title(handoff, level, red_flag, flags),
        origin="red_flag" if red_flag else handoff.kind,
        level=level,
        flags=flags,
        reachable=reachable,
        contact=_contact(handoff, red_flag),
        first_step=_first_step(level, reachable, clinic) if escalated else "",
        told=told,
        told_source=told_source,
        consent=_consent(handoff, red_flag, clinic),
    )


def _flag_words(flag_id: str) -> FlagWords:
    """A known flag by its label and reason; anything else (an older record's free text) as
    it is, so nothing is hidden."""
    rules = load_rules()
    if flag_id in {f.id for f in rules.flags}:
        flag = rules.flag(flag_id)
        return FlagWords(flag_id, flag.label, flag.reason)
    return FlagWords(flag_id, flag_id, "")


def _title(handoff: Handoff, level: str, red_flag: bool, flags: tuple[FlagWords, ...]) -> str:
    name = handoff.contact.name
    if not red_flag:
        return f"{KIND_TITLES.get(handoff.kind, handoff.kind)}: {name or 'name not given'}"
    what = "; ".join(f.label for f in flags) or "said yes or not sure to the warning signs"
    title = f"{LEVEL_WORDS.get(level, 'Urgent')} red flag: {what}"
    return f"{title} ({name})" if name else title


def _contact(handoff: Handoff, red_flag: bool) -> str:
    contact = handoff.contact
    given = [w for w, v in (("a phone number", contact.phone), ("an e-mail", contact.email)) if v]
    if given:
        return f"Contact details given: {' and '.join(given)}."
    if red_flag:
        return (
            "No phone or e-mail given: a red flag ends the chat with advice, so the assistant "
            "asked for none. There is nobody to call back."
        )
    return "No phone or e-mail given."


def _first_step(level: str, reachable: bool, clinic: Clinic) -> str:
    region = clinic.region
    if level == "emergency":
        if reachable:
            return (
                f"Call this patient first. If they are in danger now, tell them to call "
                f"{region.emergency_number}."
            )
        return (
            f"Nobody to call: the patient was told to call {region.emergency_number} now or go "
            f"to {region.emergency_place}. If they get in touch, make sure they did."
        )
    if reachable:
        return "Call this patient first: the assistant told them to see a doctor today."
    return (
        f"Nobody to call: the patient was told to see a doctor today ({region.urgent_route}). "
        "If they get in touch, make sure they did."
    )


def _advice_openings(clinic: Clinic) -> tuple[str, ...]:
    """The first sentence of every routing message, as this clinic's messages say it."""
    openings = []
    for key in ADVICE_KEYS:
        text = render(key, clinic, **ADVICE_FILLERS).text
        openings.append(text.split(". ")[0])
    return tuple(openings)


def _told(handoff: Handoff, level: str, clinic: Clinic) -> tuple[str, str]:
    """The last routing advice in the conversation, quoted; else (the record is written
    before its own advice reaches the transcript) the message the assistant sends for this
    level and these flags."""
    openings = _advice_openings(clinic)
    for line in reversed(handoff.transcript):
        text = " ".join(str(line.get("text") or "").split())
        if line.get("who") == "bot" and text.startswith(openings):
            return text, "conversation"
    return advice(level, list(handoff.red_flags), clinic=clinic).text, "level"


def _consent(handoff: Handoff, red_flag: bool, clinic: Clinic) -> str:
    if handoff.consent_at is not None:
        return f"Consent to be contacted: given {_clinic_time(handoff.consent_at, clinic)}."
    if red_flag and not handoff.contact.is_reachable():
        return (
            "No contact details were asked for, so there is no consent to contact: the "
            "assistant gave red-flag advice instead of taking a booking."
        )
    return "No consent to be contacted is recorded."


def _clinic_time(moment: datetime, clinic: Clinic) -> str:
    local = moment.astimezone(ZoneInfo(clinic.timezone))
    return f"{local.day} {local:%b %Y at %H:%M} ({local.tzname()})"
