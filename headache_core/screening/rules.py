"""The screening outcome from the answers, criterion by criterion (`knowledge/screening.yml`).

Red flags are decided by the red-flag detector on every answer before this runs; this gives one
of the two neck outcomes and says which answers fitted, which did not, and which were unknown.
"""

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from headache_core import KNOWLEDGE_DIR

SCREENING_FILE = KNOWLEDGE_DIR / "screening.yml"
CONSISTENT = "consistent_with_cervicogenic"
NOT_TYPICAL = "not_typical_cervicogenic"
NOT_SURE = "not_sure"


@dataclass(frozen=True)
class Criterion:
    id: str
    label: str
    fits_when: str
    source: str


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


@lru_cache(maxsize=2)
def load_screening(path: Path = SCREENING_FILE) -> ScreeningRules:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    criteria = {
        cid: Criterion(cid, c["label"], c["fits_when"], c["source"])
        for cid, c in data["criteria"].items()
    }
    rule = data["outcome_rules"][CONSISTENT]
    required, must_not_fail = tuple(rule["required"]), tuple(rule.get("must_not_fail") or ())
    unknown = [c for c in required + must_not_fail if c not in criteria or c not in CHECKS]
    if unknown:
        raise ValueError(f"{path}: outcome rule names unknown criteria {unknown}")
    unsourced = [item for item in data["clinic_only"] if not item.get("source")]
    if unsourced:
        raise ValueError(f"{path}: clinic_only items without a source: {unsourced}")
    clinic_only = tuple(item["text"] for item in data["clinic_only"])
    return ScreeningRules(
        str(data["rules_version"]), criteria, required, must_not_fail, clinic_only
    )


# CHISG I: the answers that show the neck is involved, and the value of each that does
NECK_SIGNS = {"neck_provoked": "yes", "neck_stiffness": "yes", "shoulder_arm_pain": "same_side"}


def _neck_involvement(a: dict) -> bool | None:
    """CHISG I: any one of a1/a2 (provoked), b (restricted), c (same-side shoulder/arm)."""
    if any(a.get(slot) == value for slot, value in NECK_SIGNS.items()):
        return True
    unknown = any(a.get(slot) in (None, NOT_SURE) for slot in NECK_SIGNS)
    if unknown and a.get("neck_provoked") != "no":
        return None
    return False


def _side_locked(a: dict) -> bool | None:
    side = a.get("pain_side")
    if side in ("left", "right", "one_side"):
        return True
    return None if side in (None, NOT_SURE) else False


def _starts_in_neck(a: dict) -> bool | None:
    start = a.get("pain_start")
    if start == "neck":
        return True
    return None if start in (None, NOT_SURE) else False


def _migraine_features_mild(a: dict) -> bool | None:
    features = a.get("other_symptoms")
    if features in ("none", "mild"):
        return True
    return None if features in (None, NOT_SURE) else False


CHECKS = {
    "neck_involvement": _neck_involvement,
    "side_locked": _side_locked,
    "starts_in_neck": _starts_in_neck,
    "migraine_features_mild": _migraine_features_mild,
}


def evaluate(answers: dict) -> Outcome:
    """consistent_with_cervicogenic only when every required criterion fits; an unknown
    ("not sure") criterion is not counted as fitting, and the message names it."""
    rules = load_screening()
    fitted, not_fitted, unknown = [], [], []
    results = {}
    for criterion_id in rules.required + rules.must_not_fail:
        results[criterion_id] = result = CHECKS[criterion_id](answers)
        target = fitted if result is True else not_fitted if result is False else unknown
        target.append(rules.criteria[criterion_id])
    consistent = all(results[c] is True for c in rules.required) and all(
        results[c] is not False for c in rules.must_not_fail
    )
    outcome = CONSISTENT if consistent else NOT_TYPICAL
    return Outcome(outcome, rules.version, tuple(fitted), tuple(not_fitted), tuple(unknown),
                   rules.clinic_only, dict(answers))  # fmt: skip
