"""Several handoff details in one message: "Linda Park, 07700 900123, evenings are best".

A good receptionist writes down everything a caller says, not only the answer to the question
just asked. `read_details` splits a message into the name, the phone number or e-mail and the
preferred times it carries, each read by that question's own reader (`contact.py`), so the form
can fill every one of them and skip their questions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from headache_core.handoff.contact import (
    EMAIL_CANDIDATE_RE,
    PHONE_CANDIDATE_RE,
    ContactDetails,
    PreferredTimes,
    read_contact,
    read_name,
    read_preferred_times,
)
from headache_core.lexicon import alternatives

# Where one detail ends and the next starts: "Linda Park, 07700 900123 and evenings".
SEPARATORS = re.compile(rf"\s*(?:{alternatives('clause_breaks', 'detail_breaks')})\s*", re.I)
# A name said as a name: with these lead-ins a name is safe to read from a message that was not
# an answer to "what is your name?" ("I'd like to book, my name is Linda Park").
EXPLICIT_NAME = re.compile(rf"\b(?:{alternatives('name_stated')}|name'?s)\s+", re.I)
# Words that only say which detail follows: "my number is", "email:", "times:".
DETAIL_LEAD_IN = re.compile(
    r"\b(?:my\s+|the\s+|best\s+)?(?:(?:phone|mobile|cell|contact)\s*(?:number|no\.?)?|number|"
    r"e-?mail(?:\s+address)?)\s*(?:is|'s|:|-)?\s*$|^(?:you\s+can\s+)?(?:reach|call|text|email)"
    r"\s+me\s+(?:on|at)\s*$",
    re.I,
)

# Words that start a time, never a name: "any weekday after 5", "only mornings".
TIME_LEAD_WORDS = frozenset({
    "any", "anytime", "every", "only", "most", "some", "all", "after", "before", "from", "around",
    "at", "on", "in", "about", "early", "late", "mornings", "evenings", "afternoons", "weekdays",
    "weekends",
})  # fmt: skip


@dataclass(frozen=True)
class Details:
    name: str | None = None
    contact: ContactDetails | None = None
    times: PreferredTimes | None = None

    def __bool__(self) -> bool:
        return any((self.name, self.contact, self.times))


def _without_contact(text: str) -> str:
    """The message with phone numbers and e-mail addresses cut out (and the words introducing
    them), so they are not read as a name or a time."""
    rest = EMAIL_CANDIDATE_RE.sub(" , ", text)
    rest = PHONE_CANDIDATE_RE.sub(" , ", rest)
    parts = [DETAIL_LEAD_IN.sub("", p).strip() for p in rest.split(" , ")]
    return " , ".join(p for p in parts if p)


def _name_and_times(segment: str, today: date | None, names: bool) -> tuple[str | None, str | None]:
    """One stretch of words as a name, a time, or a name followed by a time ("Linda Park
    evenings"): the name is the words before the first one that reads as a time."""
    if read_preferred_times(segment, today=today) is None:
        return read_name(segment), None
    words = segment.split()
    if not names or words[0].lower() in TIME_LEAD_WORDS:
        return None, segment
    for cut in range(len(words) - 1, 0, -1):
        head, tail = " ".join(words[:cut]), " ".join(words[cut:])
        if read_preferred_times(head, today=today) is not None:
            continue  # "weekday" in "weekday evenings" is a time, not a name
        name = read_name(head)
        if name is not None and read_preferred_times(tail, today=today) is not None:
            return name, tail
        break
    return None, segment


def read_details(
    text: str, region: str | None, today: date | None = None, names: bool = True
) -> Details:
    """The name, contact details and preferred times `text` carries; `names=False` reads a name
    only when the message says it is one ("my name is ...")."""
    contact = read_contact(text, region)
    rest = _without_contact(text) if contact is not None else text
    name: str | None = None
    time_parts: list[str] = []
    for segment in (s for s in SEPARATORS.split(rest) if s and s.strip(" ,.")):
        found_name, found_times = _name_and_times(segment.strip(" ,."), today, names)
        if found_times:
            time_parts.append(found_times)
        if found_name and name is None:
            name = found_name
    if not names:
        explicit = EXPLICIT_NAME.search(rest)
        name = read_name(SEPARATORS.split(rest[explicit.end() :])[0]) if explicit else None
    times = read_preferred_times(", ".join(time_parts), today=today) if time_parts else None
    return Details(name=name, contact=contact, times=times)
