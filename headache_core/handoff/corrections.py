"""Corrections to an earlier handoff answer: "actually, weekday evenings", "oh wait, my full name
is Linda Park-Jones", "can I change my number?".

A good receptionist takes a correction at any step. `find_correction` says which earlier answer a
message corrects, and whether it carries the new value (read again by that question's own
reader) or only asks to change it (the question is asked again). It reads the words alone; the
form decides what to do with them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from headache_core.handoff.contact import read_contact, read_name, read_preferred_times
from headache_core.lexicon import alternatives

# Words that turn an answer into a correction of an earlier one.
CORRECTION_CUE = re.compile(
    rf"^\W*(?:(?:{alternatives('correction_fillers')})\W+)*"
    rf"(?:{alternatives('correction_cues')})\b",
    re.I,
)
# A name said as a name, not a note that mentions one: "my name is Linda Park".
STATED_NAME = re.compile(rf"^\W*(?:\w+\W+){{0,2}}(?:{alternatives('name_stated')})", re.I)
# What the correction is about when it names it: "my name", "the number", "the time".
NAMED_SLOT = (
    ("contact_name", re.compile(r"\b(name|spell(ed|t|ing)?)\b", re.I)),
    ("contact_details",
     re.compile(r"\b(number|phone|mobile|cell|e-?mail|address|contact)\b", re.I)),
    ("preferred_times", re.compile(r"\b(time|times|day|days|slot|when)\b", re.I)),
    ("handoff_note", re.compile(r"\b(note|message)\b", re.I)),
)  # fmt: skip


# "no, that's wrong" at the read-back: something needs changing, not "don't send it".
SOMETHING_WRONG = re.compile(
    r"\b(?:wrong|incorrect|not (?:right|correct|quite right)|(?:isn'?t|is not|that'?s not) right|"
    r"(?:a )?mistake|typo|mis-?spelt|misspelled|change (?:something|it|that)|fix (?:it|that))\b",
    re.I,
)


def says_something_is_wrong(text: str) -> bool:
    """ "No that's wrong", "that's not right": the read-back needs a change; which one is
    asked (a message naming it, "the number is wrong", is a correction)."""
    return bool(SOMETHING_WRONG.search(text))


@dataclass(frozen=True)
class Correction:
    slot: str
    carries_value: bool  # False: "can I change my number?", asked again


def find_correction(
    text: str, answered: set[str], region: str | None, today: date | None = None,
    cue_needed: bool = True,
) -> Correction | None:  # fmt: skip
    """The earlier answer (one of `answered`) that `text` corrects, or None.

    With `cue_needed` (any question but the read-back) only a message that says it corrects
    ("actually", "no, it's", "can I change") counts; at the read-back any new phone number,
    e-mail, name or time does. A message whose value fits the question being asked is that
    question's answer, not a correction: the caller leaves the asked question out of `answered`.
    """
    cued = bool(CORRECTION_CUE.search(text))
    if cue_needed and not cued:
        # a phone number or e-mail, or "my name is ...", is never a note or a time: said at
        # any later question, it changes that answer ("my email is x@y.com" at the note)
        if "contact_details" in answered and read_contact(text, region) is not None:
            return Correction("contact_details", True)
        if "contact_name" in answered and STATED_NAME.search(text) and read_name(text):
            return Correction("contact_name", True)
        return None
    named = [slot for slot, pattern in NAMED_SLOT if pattern.search(text) and slot in answered]
    if "contact_details" in answered and read_contact(text, region) is not None:
        return Correction("contact_details", True)
    if "contact_name" in named and read_name(text) is not None:
        return Correction("contact_name", True)
    if "preferred_times" in answered and read_preferred_times(text, today=today) is not None:
        return Correction("preferred_times", True)
    if named and cued:
        return Correction(named[0], False)
    if "contact_name" in answered and cued and not named and _is_name_only(text):
        return Correction("contact_name", True)  # "sorry, it's Linda, not Lynda"
    return None


def _is_name_only(text: str) -> bool:
    """ "no, it's Linda" reads as a name once its lead-in is gone."""
    rest = CORRECTION_CUE.sub("", text, count=1)
    return read_name(rest) is not None and len(rest.split()) <= 6
