"""The screening outcome from the answers, criterion by criterion (`knowledge/screening.yml`).

Each criterion is stated once in the file (label, source, the answers that meet it); this reads
it with the one rule of `Criterion.check`, so a clinician changes a criterion in one place.

Red flags are decided by the red-flag detector on every answer before this runs; this gives one
of the two neck outcomes and says which answers fitted, which did not, and which were unknown.
"""

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from headache_core import KNOWLEDGE_DIR
from headache_core.lexicon import texts

SCREENING_FILE = KNOWLEDGE_DIR / "screening.yml"
CONSISTENT = "consistent_with_cervicogenic"
NOT_TYPICAL = "not_typical_cervicogenic"
NOT_SURE = "not_sure"


Answers = tuple[tuple[str, tuple[str, ...]], ...]  # (question slot, values) pairs


@dataclass(frozen=True)
class Criterion:
    """One criterion as screening.yml states it, and the small reading of it."""

    id: str
    label: str
    fits_when: str
    source: str
    fits_if_any: Answers = ()
    fails_if_any: Answers = ()

    @property
    def slots(self) -> tuple[str, ...]:
        """The questions whose answers stand behind it, to quote the person's own words."""
        return tuple(slot for slot, _ in self.fits_if_any)

    def fitting_slots(self, answers: dict) -> tuple[str, ...]:
        return tuple(slot for slot, values in self.fits_if_any if answers.get(slot) in values)

    def unknown_slots(self, answers: dict) -> tuple[str, ...]:
        return tuple(slot for slot in self.slots if answers.get(slot) in (None, NOT_SURE))

    def check(self, answers: dict) -> bool | None:
        """True when any answer fits it; None while one is unknown, unless an answer of
        `fails_if_any` decides against it; else False."""
        if self.fitting_slots(answers):
            return True
        if any(answers.get(slot) in values for slot, values in self.fails_if_any):
            return False
        return None if self.unknown_slots(answers) else False


@dataclass(frozen=True)
class Outcome:
    outcome: str
    rules_version: str
    fitted: tuple[Criterion, ...] = ()
    not_fitted: tuple[Criterion, ...] = ()
    unknown: tuple[Criterion, ...] = ()
    clinic_only: tuple[str, ...] = ()
    answers: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ScreeningRules:
    version: str
    criteria: dict[str, Criterion]
    required: tuple[str, ...]
    must_not_fail: tuple[str, ...]
    clinic_only: tuple[str, ...]


def _answers(path: Path, where: str, raw: dict | None, questions: dict) -> Answers:
    """`slot: [values]` pairs; a slot that is no question of the file is an error."""
    unknown = sorted(set(raw or {}) - set(questions))
    if unknown:
        raise ValueError(f"{path}: {where} names no question: {unknown}")
    return tuple((slot, texts(f"{where} {slot}", values)) for slot, values in (raw or {}).items())


def _criterion(path: Path, cid: str, raw: dict, questions: dict) -> Criterion:
    fits = _answers(path, f"criterion {cid} fits_if_any", raw.get("fits_if_any"), questions)
    if not fits:
        raise ValueError(f"{path}: criterion {cid} has no fits_if_any")
    fails = _answers(path, f"criterion {cid} fails_if_any", raw.get("fails_if_any"), questions)
    return Criterion(cid, raw["label"], raw["fits_when"], raw["source"], fits, fails)


@lru_cache(maxsize=2)
def load_screening(path: Path = SCREENING_FILE) -> ScreeningRules:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    criteria = {
        cid: _criterion(path, cid, c, data["questions"]) for cid, c in data["criteria"].items()
    }
    rule = data["outcome_rules"][CONSISTENT]
    required, must_not_fail = tuple(rule["required"]), tuple(rule.get("must_not_fail") or ())
    unknown = [c for c in required + must_not_fail if c not in criteria]
    if unknown:
        raise ValueError(f"{path}: outcome rule names unknown criteria {unknown}")
    unsourced = [item for item in data["clinic_only"] if not item.get("source")]
    if unsourced:
        raise ValueError(f"{path}: clinic_only items without a source: {unsourced}")
    clinic_only = tuple(item["text"] for item in data["clinic_only"])
    return ScreeningRules(
        str(data["rules_version"]), criteria, required, must_not_fail, clinic_only
    )


def evaluate(answers: dict) -> Outcome:
    """consistent_with_cervicogenic only when every required criterion fits; an unknown
    ("not sure") criterion is not counted as fitting, and the message names it."""
    rules = load_screening()
    fitted, not_fitted, unknown = [], [], []
    results = {}
    for criterion_id in rules.required + rules.must_not_fail:
        criterion = rules.criteria[criterion_id]
        results[criterion_id] = result = criterion.check(answers)
        target = fitted if result is True else not_fitted if result is False else unknown
        target.append(criterion)
    consistent = all(results[c] is True for c in rules.required) and all(
        results[c] is not False for c in rules.must_not_fail
    )
    outcome = CONSISTENT if consistent else NOT_TYPICAL
    return Outcome(outcome, rules.version, tuple(fitted), tuple(not_fitted), tuple(unknown),
                   rules.clinic_only, dict(answers))  # fmt: skip
