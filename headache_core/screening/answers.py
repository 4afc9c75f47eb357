"""Free-text screening answers -> values the rules understand.

Each reader returns a value, "not_sure", or None when it cannot tell (the form then asks again
with an example). They use the project's spaCy pipeline: its EntityRuler knows sides, body parts,
symptoms, postures and triggers in patients' words ("always the right side, never swaps",
"starts at the base of my skull and creeps over to my eye").
"""

import re
from collections.abc import Callable, Iterable

from spacy.tokens import Doc

from headache_core.age import find_age
from headache_core.lexicon import alternatives, word_set
from headache_core.nlp.pipeline import load_pipeline
from headache_core.nlp.safe import spacy_safe

NOT_SURE = "not_sure"
NOT_SURE_RE = re.compile(rf"\b({alternatives('not_sure')})\b", re.I)
YES_RE = re.compile(rf"\b({alternatives('plain_yes', 'yes_to_a_symptom')})\b", re.I)
NO_RE = re.compile(rf"\b({alternatives('plain_no', 'no_to_a_symptom')})\b", re.I)
SWAP_RE = re.compile(
    r"\b(swap|swaps|switch|switches|changes|alternat\w*|moves around|either|back and forth|"
    r"one (side )?then the other|one or the other|from side to side)\b",
    re.I,
)
NEVER_SWAP_RE = re.compile(
    r"\b(never|doesn'?t|does not|don'?t|won'?t|not)\b.{0,20}\b(swap|switch|change|move)", re.I
)
NECK_START = {"neck", "suboccipital", "trapezius", "vertebrae", "nerves", "shoulder", "upper_back"}
FRONT_START = {"eye", "forehead", "temple"}
FRONT_WORDS = re.compile(r"\b(behind|around) (my|the) eyes?\b|\bforehead\b|\btemples?\b", re.I)
SPREAD_RE = re.compile(
    r"\b(spread\w*|moves?|creep\w*|travel\w*|goes|radiat\w*|up (to|into)|over)\b", re.I
)
WHOLE_RE = re.compile(
    r"\b(all over|whole head|everywhere|band|like a (tight )?band|vice|helmet)\b", re.I
)
MARKED_RE = re.compile(
    r"\b(vomit\w*|throw\w* up|threw up|dark room|lie down in the dark|"
    r"can'?t (stand|bear|cope with) (the )?(light|noise|sound)|aura|zig ?zag|flashing|"
    r"really sick|very sick|so sick|bed for)\b",
    re.I,
)
NEGATED_BEFORE = re.compile(rf"\b({alternatives('negation')})\b[\w\s]*$", re.I)
MILD_RE = re.compile(
    r"\b(a bit|a little|slight\w*|mild\w*|sometimes|occasional\w*|now and then|bit)\b", re.I
)
LEADING_NUMBER_RE = re.compile(r"^\s*(\d{1,3})\b(?!\s*(%|times|days?|weeks?|months?|years? ago))")
NOTHING_ELSE_RE = re.compile(
    r"\b(that'?s (it|all)|just (that|tired)|only (that|the headache)|else)\b", re.I
)
UNDER_RE = re.compile(r"\b(under|below|less than|younger than)\s+(\d{2})\b", re.I)
SAME_SIDE_RE = re.compile(r"\b(same side|that side|this side|same)\b", re.I)


def _doc(text: str) -> Doc:
    return load_pipeline()(spacy_safe(text))


NEGATION_WORDS = word_set("negation")


def _values(doc: Doc, label: str, affirmed_only: bool = False) -> set[str]:
    """Canonical values of one label; `affirmed_only` drops "never the left"-style mentions."""
    found = set()
    for ent in doc.ents:
        if ent.label_ != label:
            continue
        before = {t.lower_ for t in doc[max(ent.sent.start, ent.start - 6) : ent.start]}
        if affirmed_only and before & NEGATION_WORDS:
            continue
        found.add(ent.ent_id_)
    return found


def _yes_no(text: str) -> str | None:
    if NOT_SURE_RE.search(text):
        return NOT_SURE
    no, yes = NO_RE.search(text), YES_RE.search(text)
    if no and (not yes or no.start() < yes.start()):
        return "no"
    return "yes" if yes else None


def read_age(text: str) -> int | str | None:
    if NOT_SURE_RE.search(text) or re.search(r"\brather not\b|\bprefer not\b", text, re.I):
        return NOT_SURE
    if under := UNDER_RE.search(text):
        return int(under[2]) - 1  # the "Under 30" button
    age = find_age(text, bare_number_is_age=True)
    if age is None and len(text.split()) <= 5 and (lead := LEADING_NUMBER_RE.match(text)):
        age = int(lead[1]) if 1 <= int(lead[1]) <= 110 else None  # "33 next month", "31 mate"
    return age


LIST_YES_RE = re.compile(
    rf"^\W*({alternatives('plain_yes', 'yes_as_the_whole_answer')})\W*$"
    rf"|^\W*({alternatives('plain_yes')})\b",
    re.I,
)
# A yes said as a clause of its own later in the answer: "getting worse, yes, steadily",
# "worse on coughing - yes actually". A sign admitted to a checklist is a yes wherever it is said.
CLAUSE_YES_RE = re.compile(
    rf"[,.;:!?(–—]\s*({alternatives('plain_yes')})\b|\s[-–—]\s*({alternatives('plain_yes')})\b",
    re.I,
)
LIST_NO_RE = re.compile(
    rf"^\W*({alternatives('plain_no', 'no_opening_an_answer')})\b"
    rf"|\b({alternatives('no_to_a_list')})\b",
    re.I,
)
# "I'm not pregnant and haven't had cancer. They don't get worse when I cough": each sign denied
CLAUSE_SPLIT_RE = re.compile(r"[.;,!]+|\band\b|\bor\b|\bnor\b", re.I)
DENIAL_RE = re.compile(rf"\b({alternatives('negation', 'denial')})\b|n'?t\b", re.I)


def _every_clause_denies(text: str) -> bool:
    clauses = [c for c in CLAUSE_SPLIT_RE.split(text) if re.search(r"\w", c)]
    return len(clauses) >= 2 and all(DENIAL_RE.search(c) for c in clauses)


def read_red_flag_check(text: str) -> str | None:
    """A yes or no to a list of warning signs, or to a confirmation: yes / no / not_sure.

    Only an explicit yes or no counts ("yes", "no, none of those", "getting worse, yes"); a
    sentence about something else is not read as a yes because it contains "always" or "a bit",
    and is asked again. The red-flag detector reads the details of any answer.
    """
    if NOT_SURE_RE.search(text):
        return NOT_SURE
    denied, admitted = LIST_NO_RE.search(text), CLAUSE_YES_RE.search(text)
    if admitted and (denied is None or admitted.start() > denied.start()):
        return "yes"  # "not pregnant. yes, they're getting worse": the sign said after the no
    if denied or _every_clause_denies(text):
        return "no"
    return "yes" if LIST_YES_RE.search(text) else None


def read_pain_side(text: str) -> str | None:
    """left / right / one_side (side-locked), both, alternating, not_sure."""
    if NOT_SURE_RE.search(text):
        return NOT_SURE
    doc = _doc(text)
    sides = _values(doc, "side", affirmed_only=True)
    if "alternating" in sides or (SWAP_RE.search(text) and not NEVER_SWAP_RE.search(text)):
        return "alternating"
    if "both" in sides or {"left", "right"} <= sides or WHOLE_RE.search(text):
        return "both"
    for side in ("left", "right", "one_side"):
        if side in sides:
            return side
    # the spelling repair's lemmas: "rigth side only" is the right side
    lemmas = {t.lemma_ for t in doc}
    if "left" in lemmas:
        return "left"
    if "right" in lemmas and not re.search(r"\b(all right|alright|that's right)\b", text, re.I):
        return "right"
    return None


def read_pain_start(text: str) -> str | None:
    """neck (incl. base of skull; may spread forward), front, whole_head, not_sure."""
    if NOT_SURE_RE.search(text):
        return NOT_SURE
    doc = _doc(text)
    parts = _values(doc, "body_part")
    first = min(
        ((e.start, e.ent_id_) for e in doc.ents if e.label_ == "body_part"),
        default=(None, None),
    )[1]
    if first in NECK_START or (parts & NECK_START and not parts & FRONT_START):
        return "neck"
    if first in FRONT_START or FRONT_WORDS.search(text):
        return "front"
    if WHOLE_RE.search(text):
        return "whole_head"
    if parts & {"head"}:
        return "whole_head" if re.search(r"\b(all|whole|top)\b", text, re.I) else None
    return None


def read_neck_provoked(text: str) -> str | None:
    """yes when posture, neck movement or pressure brings it on (CHISG I a1/a2)."""
    doc = _doc(text)
    answer = _yes_no(text)
    if answer in (NOT_SURE, "no"):
        return answer
    if _values(doc, "posture") or _values(doc, "trigger") & {"neck_movement", "screen"}:
        return "yes"
    if re.search(
        r"\b(press\w*|push\w*|turn\w*|look\w* (up|down|over)|driv\w*|sitting|reading|"
        r"hold\w* my head|position of my head|head position)\b",
        text,
        re.I,
    ):
        return "yes"
    return answer


def read_neck_stiffness(text: str) -> str | None:
    """yes when the neck does not move as far (CHISG I b), however mildly."""
    restricted = re.search(
        r"\b(can'?t|cannot|hard to|struggle to|not as far(?! as i)|less|stiff|tight|restricted|"
        r"limited|(\w*n'?t|not|never)( \w+){0,3} as far as (it|they|before|the other|normal|"
        r"usual))\b",
        text,
        re.I,
    )
    if restricted and not re.search(r"\b(not|isn'?t|never)\s+(stiff|tight)\b", text, re.I):
        return "yes"
    return _yes_no(text)


def read_shoulder_arm_pain(text: str) -> str | None:
    """same_side / yes (side unknown) / no / not_sure (CHISG I c)."""
    answer = _yes_no(text)
    if answer in (NOT_SURE, "no"):
        return answer
    doc = _doc(text)
    parts = _values(doc, "body_part")
    if SAME_SIDE_RE.search(text) or _values(doc, "side") - {"both", "alternating"}:
        return (
            "same_side"
            if parts & {"shoulder", "arm", "trapezius", "upper_back"} or answer
            else None
        )
    if parts & {"shoulder", "arm", "trapezius", "upper_back"}:
        return "yes"
    return answer


def read_other_symptoms(text: str) -> str | None:
    """Migraine-like features: none / mild / marked / not_sure (CHISG VI)."""
    doc = _doc(text)
    symptoms = _values(doc, "symptom", affirmed_only=True) & {
        "nausea", "vomiting", "light_sensitivity", "sound_sensitivity", "aura", "dizziness",
        "throbbing", "blurred_vision",
    }  # fmt: skip
    marked = [
        m for m in MARKED_RE.finditer(text) if not NEGATED_BEFORE.search(text[: m.start()][-25:])
    ]
    if marked or symptoms & {"vomiting", "aura"}:
        return "marked"
    if not symptoms and NOT_SURE_RE.search(text):
        return NOT_SURE
    if symptoms:
        strong = "throbbing" in symptoms and symptoms & {
            "nausea",
            "light_sensitivity",
            "sound_sensitivity",
        }
        return "marked" if strong and not MILD_RE.search(text) else "mild"
    answer = _yes_no(text)
    if answer == "no" or (answer is None and NOTHING_ELSE_RE.search(text)):
        return "none"
    return None


def read_headache_pattern(text: str) -> str | None:
    """Kept as the person's words for the summary; red flags in it are the detector's job."""
    cleaned = " ".join(text.split())
    return cleaned or None


READERS: dict[str, Callable[[str], object]] = {
    "red_flag_check": read_red_flag_check,
    "age": read_age,
    "pain_side": read_pain_side,
    "pain_start": read_pain_start,
    "neck_provoked": read_neck_provoked,
    "neck_stiffness": read_neck_stiffness,
    "shoulder_arm_pain": read_shoulder_arm_pain,
    "headache_pattern": read_headache_pattern,
    "other_symptoms": read_other_symptoms,
}


# Questions whose answer a message may state in passing ("it's always the right side", "sitting
# at my desk sets it off"); the safety questions are always asked, never read in passing.
IN_PASSING = ("age", "pain_side", "pain_start", "neck_provoked", "neck_stiffness",
              "shoulder_arm_pain", "headache_pattern")  # fmt: skip
YES_NO_QUESTIONS = ("neck_provoked", "neck_stiffness", "shoulder_arm_pain")
# How often and how long: "a few times a week", "it lasts a couple of hours". The pattern question
# asks how often, how long and since when; when it began ("four days ago", "since Monday", for
# 3 weeks), said alone, answers only a third of it, and the question is where a new, changing
# or positional headache comes out (clinical-reference §2), so it is still asked.
HOW_OFTEN_OR_LONG_RE = re.compile(
    r"\b((once|twice|\d+|few|several|couple of) times? (a|an|per|each) (day|week|month)|"
    r"every (day|morning|evening|week)|daily|weekly|most days|lasts? (for )?(about |around )?"
    r"(\w+ )?(minutes?|hours?|days?|mins?|hrs?))\b",
    re.I,
)
# Explicit words about where the pain starts ("it starts at the base of my skull"), so "is my
# headache from my neck?" says nothing about it; said in passing, a place names it too.
START_WORDS = (
    r"starts?|started|starting|begins?|began|comes? up from|spreads? from|from the (base|back)|"
    r"at the (base|back) of"
)
START_WORDS_RE = re.compile(rf"\b({START_WORDS})\b", re.I)
STARTS_RE = re.compile(rf"\b({START_WORDS}|behind my eyes?|forehead|all over)\b", re.I)


def read_in_passing(text: str, slots: Iterable[str]) -> dict[str, object]:
    """Answers to other questions (of `slots`) that `text` states outright, for the check to
    note instead of asking again. Read by each question's own reader, but only from words
    about the topic: a "yes" or "sometimes" answers the question asked, nothing else."""
    found: dict[str, object] = {}
    yes_or_no = _yes_no(text) is not None
    for slot in slots:
        if slot not in IN_PASSING or (slot == "pain_start" and not STARTS_RE.search(text)):
            continue
        if slot == "headache_pattern" and not HOW_OFTEN_OR_LONG_RE.search(text):
            continue
        if yes_or_no and slot in YES_NO_QUESTIONS:
            continue
        # an age only when said as one ("I'm 45", "45 years old"), never a bare number
        value = find_age(text, bare_number_is_age=False) if slot == "age" else READERS[slot](text)
        if value not in (None, NOT_SURE):
            found[slot] = value
    return found
