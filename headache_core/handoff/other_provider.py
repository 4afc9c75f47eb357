"""Whether a booking, a change to one, or a request for a person is meant for another business.

"cancel the grooming appointment for my poodle", "move my gym session to 7pm", "book a slot at
the tip", "can I talk to a real person at the airline": the request words are the clinic's, the
business is not, and these opened the booking form (issue 26, tuning set ood_final2). The
sentence encoder cannot tell them from "cancel my appt on thurs": the request's frame fills the
whole message's meaning. A person tells them apart by the one word that names the other
business, so this reads the places a booking names its business:

- what qualifies the appointment: "my ___ appointment" / "tomorrow's ___ session";
- what is booked: "book a ___", "cancel the ___";
- where, or with whom: "at the ___", "from the ___", "with the ___", "for my ___";
- a message for someone else: "text john ...".

Each such word must be one a request to this clinic can use: the lexicon's
`clinic_appointment_words`, a time (`time_words`), a person (`people_booked_for`), a
possessive ("mum's"), the clinic's own name; after "at" also `not_another_place` ("at work").
Anything else names another business. The words are a closed class, so a business nobody listed
("escape room", "tarot reading") is still someone else's; the cost of an unusual word of a real
patient ("my wonky-neck appointment") is a question back, never a lost booking.
"""

from __future__ import annotations

import re
from functools import lru_cache

from headache_core import lexicon

WORD = r"[\w@][\w@'’&.:-]*"
BOOKED = r"(?:appointment|appt|booking|session|visit|slot|reservation|consultation)s?"
SMALL = r"(?:a|an|the|my|our|his|her|their|your|this|that|of|for|to|with|at|on|in|from|and|or)"
NOT_POSSESSIVE = r"(?!(?:it|that|what|there|here|he|she|let|who|where|how)'s)"
DETERMINER = rf"(?:my|our|his|her|their|the|a|an|this|that|your|{NOT_POSSESSIVE}{WORD}'s)"
# what a request is anchored to: "at" and "for" count only after one of these ("a real person
# at the airline", "my booking at Zizzi", "parking at the Harvester"), not in "worse at the
# computer"
ANCHOR = (
    r"(?:book(?:ed|ings?)?|reserve|cancel|reschedule|person|human|someone|somebody|agent|staff|"
    r"advance|table|room|open|opens|opening|hours|parking|price|prices|cost|costs|charge|fee|fees)"
)
# where, or with whom: "at the tip", "for a tarot reading", "with the plumber" ("with Sarah",
# a name, is not read: no determiner)
WHERE = (
    r"(?:(at|from|for)\s+(?:(?:the|a|an|my|our|his|her|their|your)\s+)?|"
    r"(with)\s+(?:the|a|an|my|our)\s+)"
    rf"((?:{WORD}\s*){{1,3}})"
)
# "the grooming appointment for my poodle", "tomorrow's dentist appointment", "my booking at
# Zizzi", "my next physio session"
MENTION_RE = re.compile(
    rf"\b{DETERMINER}\s+((?:(?!{SMALL}\b){WORD}\s+){{0,3}}?){BOOKED}\b(?:\s+(?:{WORD}\s+){{0,2}}?{WHERE})?"
)
# "book a handyman", "cancel the carpet fitting", "reserve us a table"
OBJECT_RE = re.compile(
    rf"\b(?:book|reserve|cancel|reschedule)\s+(?:(?:me|us|him|her|them)\s+)?(?:in\s+)?"
    rf"(?:a|an|the|my|our|some)\s+({WORD})"
)
# "a real person at the airline", "do I need to book in advance at the tapas bar"
PLACE_RE = re.compile(rf"\b{ANCHOR}\s+(?:{WORD}\s+){{0,3}}?{WHERE}")
# "text john I'm running late": a message to send, not one for the front desk
MESSAGE_RE = re.compile(
    rf"^\s*(?:text|message|msg|email|e-mail|whatsapp|ring|call|phone)\s+(?!(?:me|us|back)\b)({WORD})"
)


@lru_cache(maxsize=1)
def _words() -> dict[str, frozenset[str]]:
    from headache_core.clinic import load_clinic  # the clinic's own name is never another's

    own = lexicon.word_set("clinic_appointment_words")
    return {
        "own": own | frozenset(load_clinic().name.lower().split()),
        "not_a_place": lexicon.word_set("not_another_place"),
        "not_a_thing": lexicon.word_set("not_a_booked_thing"),
        "people": lexicon.word_set("people_booked_for"),
    }


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, re.Pattern]:
    return re.compile(rf"(?:{lexicon.alternatives('time_words')})"), re.compile(SMALL)


def _plain(word: str) -> str:
    return word.strip(".,:;!?'’-_").replace("’", "'")


def _said_how(word: str) -> bool:
    """A time, a short word or contact details: none names a business."""
    time, _ = _patterns()
    return (
        len(word) <= 2
        or time.fullmatch(word) is not None
        or "@" in word
        or any(c.isdigit() for c in word)
    )


def _ours(phrase: str, original: str = "", *, after: str = "") -> bool:
    """Whether a phrase (up to its first small word) names nothing but this clinic, a time or
    a person: any one of the clinic's words is enough ("a female physio"). After "at" or
    "from", everyday places count too ("at work"); after "for", a word the person wrote
    capitalised is a name ("booking for Lily Chen")."""
    known = _words()
    _, small = _patterns()
    words = []
    for raw in phrase.split():
        word = _plain(raw)
        if small.fullmatch(word) or word in known["not_a_thing"]:
            break
        words.append(word)
        if raw.rstrip() != raw.rstrip(",;!?"):  # "at the tip, it's ...": the phrase ends
            break
    # "mum's", "dads": a person's; "Luigi's": a business's
    named = [w.removesuffix("'s") for w in words if not _said_how(w)]
    people = known["people"]
    allowed = known["own"] | people
    if after in ("at", "from"):
        allowed |= known["not_a_place"]
    if not named or any(w in allowed or (w.endswith("s") and w[:-1] in people) for w in named):
        return True
    capitalised = re.compile(rf"(?<!\w)[A-Z]{re.escape(named[0][1:])}")
    return after == "for" and capitalised.search(original) is not None


def other_provider(text: str) -> str | None:
    """The words that name another business, if the request names one and names no
    appointment of this clinic ("cancel my appointment, I have a hospital appointment then"
    is the clinic's); else None."""
    lowered = text.lower()
    foreign: list[str] = []
    found = MESSAGE_RE.match(lowered)
    if found and not _ours(found.group(1)):
        foreign.append(found.group(1))
    for match in MENTION_RE.finditer(lowered):
        qualifier, after, where = match.group(1), match.group(2) or match.group(3), match.group(4)
        if not _ours(qualifier):
            foreign.append(qualifier.strip())
        elif where and not _ours(where, text, after=after):
            foreign.append(where.strip())
        else:
            return None  # an appointment of this clinic is named
    foreign += [m.group(1) for m in OBJECT_RE.finditer(lowered) if not _ours(m.group(1))]
    foreign += [
        m.group(3)
        for m in PLACE_RE.finditer(lowered)
        if not _ours(m.group(3), text, after=m.group(1) or m.group(2))
    ]
    return foreign[0].strip() if foreign else None
