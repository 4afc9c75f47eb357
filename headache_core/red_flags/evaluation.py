"""From the concepts a person affirms to red flags: the rules of `knowledge/red_flags.yml`.

Pure Python, no spaCy: the detector calls it over one message's concepts, the conversation's
evidence (`evidence.py`) over every message's so far, in the Rasa server and the action server
alike, so a combination is judged the same wherever it is met.
"""

from dataclasses import dataclass, field

from headache_core.red_flags.rules import FLAG_PREFIX, LEVELS, RuleSet

ENCODER_MARK = "≈"  # evidence words the sentence encoder (encoder.py) found, not a phrase rule


@dataclass(frozen=True)
class FlagHit:
    id: str
    level: str
    reason: str
    source: str
    evidence: tuple[str, ...]  # the words that made it fire
    detector: str = "rules"  # "rules", or "encoder" (with the exemplar in `evidence`)


@dataclass(frozen=True)
class Hint:
    flag_id: str
    clarify: str


@dataclass(frozen=True)
class Detection:
    flags: tuple[FlagHit, ...] = ()
    hints: tuple[Hint, ...] = ()
    concepts: dict[str, tuple[str, ...]] = field(default_factory=dict)  # present: their words
    asked: dict[str, tuple[str, ...]] = field(default_factory=dict)  # only asked about

    @property
    def level(self) -> str | None:
        """The most serious level among the flags, or None."""
        return highest_level(f.level for f in self.flags)

    @property
    def flag_ids(self) -> list[str]:
        return [f.id for f in self.flags]


def highest_level(levels) -> str | None:
    """The most serious of some levels (None and unknown values ignored), or None."""
    given = set(levels)
    return next((level for level in LEVELS if level in given), None)


def _holds(name: str, present: dict, fired: dict) -> bool:
    if name.startswith(FLAG_PREFIX):
        return name[len(FLAG_PREFIX) :] in fired
    return name in present


def _by(evidence: tuple[str, ...]) -> str:
    """Which detector found a flag's words: "rules", "encoder" or both."""
    marks = {ENCODER_MARK in w for w in evidence}
    return {frozenset({True}): "encoder", frozenset({True, False}): "rules+encoder"}.get(
        frozenset(marks), "rules"
    )


def evaluate(
    rules: RuleSet,
    present: dict[str, tuple[str, ...]],
    asked: dict[str, tuple[str, ...]] | None = None,
) -> Detection:
    """The flags whose `when` lines the present concepts meet (every concept of one line) and
    none of whose `unless` concepts is present, most serious first (a `fallback` flag only when
    no other flag of its level or a more serious one fired); with none, the hints whose
    concepts are all present or `asked` about ("is neck manipulation safe?" asks the flag's
    clarifying question, it raises no flag)."""
    said = present  # hints read what was said; only the flags' `when` lines read implications
    present = rules.with_implied(present)
    fired: dict[str, FlagHit] = {}
    changed = True
    while changed:  # flags may depend on flags ("flag:giant_cell_arteritis")
        changed = False
        for flag in rules.flags:
            if flag.id in fired or rules.takes_back(flag, present):
                continue
            for line in flag.when:
                if all(_holds(name, present, fired) for name in line):
                    evidence = tuple(w for n in line if n in present for w in present[n])
                    fired[flag.id] = FlagHit(
                        flag.id, flag.level, flag.reason, flag.source, evidence, _by(evidence)
                    )
                    changed = True
                    break
    hints: tuple[Hint, ...] = ()
    if not fired:
        hints = tuple(
            Hint(f.id, f.clarify)
            for f in rules.flags
            if f.hint
            and all(_holds(n, {**(asked or {}), **said}, fired) for n in f.hint)
            and not rules.takes_back(f, said)
        )
    order = {f.id: i for i, f in enumerate(rules.flags)}
    flags = sorted(
        _without_outranked_fallbacks(rules, list(fired.values())),
        key=lambda h: (LEVELS.index(h.level), order[h.id]),
    )
    return Detection(tuple(flags), hints, dict(said), dict(asked or {}))


def _without_outranked_fallbacks(rules: RuleSet, fired: list[FlagHit]) -> list[FlagHit]:
    """A `fallback` flag (a reading of the whole message) only where no named flag of its level
    or a more serious one fired: the named flag's reason and advice are the more specific."""
    fallback = {f.id for f in rules.flags if f.fallback}
    named = min((LEVELS.index(h.level) for h in fired if h.id not in fallback), default=len(LEVELS))
    return [h for h in fired if h.id not in fallback or LEVELS.index(h.level) < named]


# Escalate first (issue 25): a clarifying question only for one genuinely ambiguous cue with
# nothing else. A hint escalates at its flag's level when other red-flag concepts come with it
# (the intent classifier's own reading is not enough: alone it raised 45% false alarms).
GENERIC_CONCEPTS = frozenset({"headache", "neck_pain", "age_50_plus"})


def escalate_first(rules: RuleSet, detection: Detection) -> Detection:
    """`detection` with its hints made flags unless a hint is the one cue said."""
    if detection.flags or not detection.hints:
        return detection
    hinted = {c for h in detection.hints for c in rules.flag(h.flag_id).hint}
    if not set(detection.concepts) - hinted - GENERIC_CONCEPTS:
        return detection
    flags = []
    for hint in detection.hints:
        flag = rules.flag(hint.flag_id)
        words = tuple(w for c in flag.hint for w in detection.concepts.get(c, ()))
        flags.append(FlagHit(flag.id, flag.level, flag.reason, flag.source, words, _by(words)))
    return Detection(tuple(flags), (), detection.concepts, detection.asked)
