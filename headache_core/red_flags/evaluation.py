"""From the concepts a person affirms to red flags: the rules of `knowledge/red_flags.yml`.

Pure Python, no spaCy: the detector calls it over one message's concepts, the conversation's
evidence (`evidence.py`) over every message's so far, in the Rasa server and the action server
alike, so a combination is judged the same wherever it is met.
"""

from dataclasses import dataclass, field

from headache_core.red_flags.rules import FLAG_PREFIX, LEVELS, RuleSet


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


def evaluate(rules: RuleSet, present: dict[str, tuple[str, ...]]) -> Detection:
    """The flags whose `when` lines the present concepts meet (every concept of one line), most
    serious first; with none, the hints whose concepts are all present."""
    fired: dict[str, FlagHit] = {}
    changed = True
    while changed:  # flags may depend on flags ("flag:giant_cell_arteritis")
        changed = False
        for flag in rules.flags:
            if flag.id in fired:
                continue
            for line in flag.when:
                if all(_holds(name, present, fired) for name in line):
                    evidence = tuple(w for n in line if n in present for w in present[n])
                    fired[flag.id] = FlagHit(
                        flag.id, flag.level, flag.reason, flag.source, evidence
                    )
                    changed = True
                    break
    hints: tuple[Hint, ...] = ()
    if not fired:
        hints = tuple(
            Hint(f.id, f.clarify)
            for f in rules.flags
            if f.hint and all(_holds(n, present, fired) for n in f.hint)
        )
    order = {f.id: i for i, f in enumerate(rules.flags)}
    flags = sorted(fired.values(), key=lambda h: (LEVELS.index(h.level), order[h.id]))
    return Detection(tuple(flags), hints, dict(present))
