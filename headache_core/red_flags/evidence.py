"""Evidence across the conversation: red-flag rules over everything a person has said so far.

Each message adds its findings (the concepts the person affirms, with the words and the message
they came from) to one record; the flag rules of `knowledge/red_flags.yml` are evaluated over all
findings so far, so a fever in one message and a neck that will not bend in another make the
meningism flag, whether they came as free text, screening answers or answers to a clarifying
question. The level is the highest rule met.

The NLU (components/red_flag_marker.py) attaches each message's findings to it as
`red_flag_concept` entities, so the record lives in the conversation's own events: the dialogue
policy (components/red_flag_policy.py) and the escalation action read the same findings, and
"forget me", which deletes the conversation, clears them.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from headache_core.red_flags.computed import CHECKS
from headache_core.red_flags.evaluation import Detection, evaluate
from headache_core.red_flags.happening import says_it_happened
from headache_core.red_flags.rules import RuleSet, load_rules

CONCEPT_ENTITY = "red_flag_concept"
ASKED_ENTITY = "red_flag_asked"
# Every answer of the neck check is about the person's headache: the check supplies the
# "headache" that combinations such as pregnancy + headache need when no answer repeats it.
SCREENING_FINDING = ("headache", "doing the headache check")
# ... unless the person says they have none ("I'm pregnant, my back aches, no headaches at all")
NO_HEADACHE = "no_headache"


@dataclass(frozen=True)
class Finding:
    concept: str
    words: str
    turn: int  # which of the person's messages (1 = the first)


def _entities(entity: str, concepts: Mapping[str, Iterable[str]]) -> list[dict]:
    return [
        {"entity": entity, "value": concept, "words": " / ".join(words),
         "extractor": "RedFlagMarker"}
        for concept, words in concepts.items()
    ]  # fmt: skip


def _findings(entity: str, turn: int, entities: Iterable[Mapping[str, Any]]) -> list[Finding]:
    return [
        Finding(str(e["value"]), str(e.get("words") or ""), turn)
        for e in entities
        if e.get("entity") == entity and isinstance(e.get("value"), str)
    ]


def concept_entities(concepts: Mapping[str, Iterable[str]]) -> list[dict]:
    """One message's findings as NLU entities (what the marker adds to the message); words the
    sentence encoder found carry its mark (evaluation.ENCODER_MARK), which says the detector."""
    return _entities(CONCEPT_ENTITY, concepts)


def asked_entities(asked: Mapping[str, Iterable[str]]) -> list[dict]:
    """The concepts a message only asked about ("is a drooping face a stroke sign?"), kept so
    the next message can say they are happening ("it's my dad, it's happening now")."""
    return _entities(ASKED_ENTITY, asked)


def asked_of(turn: int, entities: Iterable[Mapping[str, Any]]) -> list[Finding]:
    """What a message asked about, as findings of `turn` (once a later message affirms it)."""
    return [
        Finding(f.concept, f"{f.words} (asked, then said to be happening)", turn)
        for f in _findings(ASKED_ENTITY, turn, entities)
    ]


def findings_of(turn: int, entities: Iterable[Mapping[str, Any]]) -> list[Finding]:
    """The findings a message's entities carry."""
    return _findings(CONCEPT_ENTITY, turn, entities)


def conversation_findings(
    messages: Iterable[Iterable[Mapping[str, Any]]],
    screening: bool = False,
    texts: Iterable[str] | None = None,
) -> list[Finding]:
    """The findings of a conversation's messages (each given as its entities), oldest first;
    `screening`: the neck check has run, so the headache is given. With the messages' `texts`,
    what one message asked about counts when the next says it is happening."""
    messages = [list(m) for m in messages]
    said = list(texts) if texts is not None else [""] * len(messages)
    found: list[Finding] = []
    for turn, entities in enumerate(messages, 1):
        found += findings_of(turn, entities)
        if turn > 1 and says_it_happened(said[turn - 1]):
            found += asked_of(turn, messages[turn - 2])
    if screening and check_supplies_headache({f.concept for f in found}):
        found.append(Finding(*SCREENING_FINDING, turn=0))
    return found


def check_supplies_headache(concepts: Iterable[str]) -> bool:
    """Whether the neck check gives a headache to what was said: not to someone who says they
    have none and names none ("22 weeks pregnant, no headaches at all"). The conversation's
    evidence and the check's own reading of its answers (screening/flow.py) both ask this."""
    said = set(concepts)
    return not (NO_HEADACHE in said and "headache" not in said)


SCREENING_FORM = "screening_form"
RESETS = ("session_started", "restart")
# The check's "How old are you?": a bare "65" there is an age, which the message alone does
# not show; the slot's value counts as the person saying "I am 65."
AGE_SLOT = "age"


def age_findings(age: object, turn: int) -> list[Finding]:
    """The computed concepts (age_50_plus) an age the check was told makes."""
    if not isinstance(age, int | float) or isinstance(age, bool):
        return []
    said = f"I am {int(age)}."
    return [
        Finding(concept.id, f"{int(age)} (the check's age question)", turn)
        for concept in load_rules().concepts.values()
        if concept.computed in CHECKS and CHECKS[concept.computed](said)
    ]


def findings_in_events(events: Iterable[Mapping[str, Any]]) -> list[Finding]:
    """The findings of a conversation from its events (Rasa's event dicts, as the tracker store
    and the action server have them), since it (re)started."""
    messages: list[list[Mapping[str, Any]]] = []
    texts: list[str] = []
    screening = False
    age: tuple[object, int] | None = None  # the latest answer stands, with its message
    for event in events:
        kind = event.get("event")
        if kind in RESETS:
            messages, texts, screening, age = [], [], False, None
        elif kind == "user":
            messages.append((event.get("parse_data") or {}).get("entities") or [])
            texts.append(event.get("text") or "")
        elif kind == "active_loop" and event.get("name") == SCREENING_FORM:
            screening = True
        elif kind == "slot" and event.get("name") == AGE_SLOT:
            age = (event.get("value"), len(messages))
    return conversation_findings(messages, screening, texts) + (age_findings(*age) if age else [])


def evaluate_findings(findings: Iterable[Finding], rules: RuleSet | None = None) -> Detection:
    """The flags all findings so far make together (`evaluation.evaluate`), each concept's
    words labelled with the message they came from, for the audit and the front desk."""
    present: dict[str, list[str]] = {}
    for f in findings:
        where = "the check" if f.turn == 0 else f"message {f.turn}"
        present.setdefault(f.concept, []).append(f"'{f.words}' ({where})")
    rules = rules or load_rules()
    known = {k: tuple(v) for k, v in present.items() if k in rules.concepts}
    return evaluate(rules, known)


def describe(detection: Detection) -> list[str]:
    """One line per flag: which detector, on which words (for the front-desk record)."""
    return [f"{f.id} ({f.detector}): {'; '.join(f.evidence)}" for f in detection.flags]
