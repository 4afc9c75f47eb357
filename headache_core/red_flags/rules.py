"""Loading and checking `knowledge/red_flags.yml`: flags and concepts, with the context cues
of `knowledge/lexicon.yml` (the groups named in CUE_KINDS)."""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from headache_core import KNOWLEDGE_DIR
from headache_core.lexicon import LEXICON_FILE, LexiconFileError, phrases, texts
from headache_core.red_flags.computed import NAMES as COMPUTED_NAMES

RED_FLAGS_FILE = KNOWLEDGE_DIR / "red_flags.yml"
LEVELS = ("emergency", "urgent")  # most serious first
CUE_KINDS = (
    "negation_before", "negation_after", "resolved_after", "history", "hypothetical",
    "termination", "personal",
)  # fmt: skip
FLAG_PREFIX = "flag:"


class RedFlagFileError(ValueError):
    """The red-flag file is malformed; the message names the flag or concept."""


@dataclass(frozen=True)
class Concept:
    id: str
    phrases: tuple[str, ...] = ()
    computed: str | None = None
    past_counts: bool = False
    excluded: tuple[str, ...] = ()  # phrases that, around a match, mean something else
    # concepts that, said too, stop this one taking a flag back (`unless`): a said change
    # outweighs a said sameness ("my usual headaches ... but now they are totally different")
    overruled_by: tuple[str, ...] = ()
    # concepts this one says too: "new headaches" is a headache, even when "which I never used
    # to" reads as a denial of headaches around it
    implies: tuple[str, ...] = ()


@dataclass(frozen=True)
class Flag:
    id: str
    level: str
    reason: str
    source: str
    when: tuple[tuple[str, ...], ...]
    hint: tuple[str, ...] = ()
    clarify: str = ""
    unless: tuple[str, ...] = ()  # concepts that take the flag back ("the same for years")
    meanwhile: str = ""  # what to do until help comes ("leave the house"), after the reason
    label: str = ""  # the flag in a few words for the front desk ("Fever with a stiff neck")
    # fires only when no other flag of its level or a more serious one did: a reading of the
    # whole message (reports.py) that names no sign stands aside for one that does
    fallback: bool = False
    # an urgent flag's emergency twin (giant cell arteritis -> with a change in sight): asked
    # about once, with the twin's `clarify`, right after the urgent advice
    ask_next: str = ""


@dataclass(frozen=True)
class RuleSet:
    version: str
    cues: dict[str, tuple[str, ...]]
    concepts: dict[str, Concept]
    flags: tuple[Flag, ...]

    def flag(self, flag_id: str) -> Flag:
        return next(f for f in self.flags if f.id == flag_id)

    def takes_back(self, flag: Flag, present: Mapping[str, object]) -> bool:
        """One of the flag's `unless` concepts is present and not overruled by another present
        concept (escalate first: "the same for years, but now different" keeps the flag)."""
        return any(
            c in present and not any(o in present for o in self.concepts[c].overruled_by)
            for c in flag.unless
        )

    def with_implied(self, present: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        """`present` with the concepts its concepts imply, on the implying concept's words."""
        out = dict(present)
        for name, words in present.items():
            concept = self.concepts.get(name)
            for implied in concept.implies if concept else ():
                out.setdefault(implied, words)
        return out

    def label(self, flag_id: str) -> str:
        """The staff's words for a flag id; an id this file does not know (an older record's,
        or free text) comes back as it is, never hidden."""
        found = next((f for f in self.flags if f.id == flag_id), None)
        return found.label if found else flag_id


def _concept(concept_id: str, raw: dict) -> Concept:
    computed = raw.get("computed")
    if computed and computed not in COMPUTED_NAMES:
        raise RedFlagFileError(f"concept {concept_id}: unknown computed value {computed!r}")
    phrases = _texts(f"concept {concept_id}", raw.get("phrases") or [])
    excluded = _texts(f"concept {concept_id} except", raw.get("except") or [])
    if not computed and not phrases:
        raise RedFlagFileError(f"concept {concept_id}: needs phrases or computed")
    return Concept(
        concept_id,
        phrases,
        computed,
        bool(raw.get("past_counts", False)),
        excluded,
        tuple(raw.get("overruled_by") or ()),
        tuple(raw.get("implies") or ()),
    )


def _flag(raw: dict, concepts: dict[str, Concept], flag_ids: set[str]) -> Flag:
    flag_id = raw.get("id") or "?"
    for key in ("level", "label", "reason", "source", "when"):
        if not raw.get(key):
            raise RedFlagFileError(f"flag {flag_id}: '{key}' is missing")
    if raw["level"] not in LEVELS:
        raise RedFlagFileError(f"flag {flag_id}: level must be one of {LEVELS}")
    lines = tuple(tuple(line) for line in raw["when"]) + (
        tuple(raw.get("hint") or ()),
        tuple(raw.get("unless") or ()),
    )
    for name in (n for line in lines for n in line):
        known = (
            name[len(FLAG_PREFIX) :] in flag_ids
            if name.startswith(FLAG_PREFIX)
            else (name in concepts)
        )
        if not known:
            raise RedFlagFileError(f"flag {flag_id}: unknown concept or flag {name!r}")
    if raw.get("hint") and not raw.get("clarify"):
        raise RedFlagFileError(f"flag {flag_id}: a hint needs a clarify question")
    return Flag(
        id=flag_id,
        level=raw["level"],
        reason=" ".join(str(raw["reason"]).split()),
        source=str(raw["source"]),
        when=tuple(tuple(line) for line in raw["when"]),
        hint=tuple(raw.get("hint") or ()),
        clarify=str(raw.get("clarify") or ""),
        unless=tuple(raw.get("unless") or ()),
        meanwhile=" ".join(str(raw.get("meanwhile") or "").split()),
        label=" ".join(str(raw["label"]).split()),
        fallback=bool(raw.get("fallback", False)),
        ask_next=str(raw.get("ask_next") or ""),
    )


def _check_ask_next(flags: tuple[Flag, ...]) -> None:
    """`ask_next` names a more serious flag that has a question to ask."""
    by_id = {f.id: f for f in flags}
    for flag in flags:
        if not flag.ask_next:
            continue
        twin = by_id.get(flag.ask_next)
        if twin is None:
            raise RedFlagFileError(f"flag {flag.id}: ask_next names no flag {flag.ask_next!r}")
        if LEVELS.index(twin.level) >= LEVELS.index(flag.level):
            raise RedFlagFileError(f"flag {flag.id}: ask_next must name a more serious flag")
        if not twin.clarify:
            raise RedFlagFileError(f"flag {flag.id}: ask_next {twin.id} needs a clarify question")


def _texts(where: str, values: list) -> tuple[str, ...]:
    """The lexicon's check (a bare no/yes is YAML's true/false), as this file's error."""
    try:
        return texts(where, values)
    except LexiconFileError as error:
        raise RedFlagFileError(str(error)) from error


def _cues(lexicon_path: Path) -> dict[str, tuple[str, ...]]:
    """The context cue words, one group of the lexicon each (one home for cue words)."""
    try:
        return {kind: phrases(kind, lexicon_path) for kind in CUE_KINDS}
    except LexiconFileError as error:
        raise RedFlagFileError(f"context cues: {error}") from error


@lru_cache(maxsize=4)
def load_rules(path: Path = RED_FLAGS_FILE, lexicon_path: Path = LEXICON_FILE) -> RuleSet:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cues = _cues(lexicon_path)
    concepts = {cid: _concept(cid, raw) for cid, raw in data["concepts"].items()}
    flag_ids = [f.get("id") for f in data["flags"]]
    duplicates = {f for f in flag_ids if flag_ids.count(f) > 1}
    if duplicates:
        raise RedFlagFileError(f"duplicate flag ids: {sorted(duplicates)}")
    for concept in concepts.values():
        for key in ("overruled_by", "implies"):
            unknown = [c for c in getattr(concept, key) if c not in concepts]
            if unknown:
                raise RedFlagFileError(f"concept {concept.id}: {key} unknown {unknown}")
    flags = tuple(_flag(raw, concepts, set(flag_ids)) for raw in data["flags"])
    _check_ask_next(flags)
    return RuleSet(str(data["rules_version"]), cues, concepts, flags)
