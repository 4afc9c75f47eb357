"""The screening form's questions and self-care tips, from `knowledge/screening.yml`."""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from headache_core.screening.rules import SCREENING_FILE

NOT_SURE_BUTTON = "Not sure"
# The order questions are asked in (contract slot names first where the contract has them).
ORDER = (
    "red_flag_check",
    "red_flag_history",
    "confirm_earlier",
    "age",
    "pain_side",
    "pain_start",
    "neck_provoked",
    "neck_stiffness",
    "shoulder_arm_pain",
    "headache_pattern",
    "other_symptoms",
)
# Asked only when needed: a clarifying question about a hinted red flag, and the confirmation
# of answers the person gave before the screening started.
CONDITIONAL = ("red_flag_clarify", "confirm_earlier")


@dataclass(frozen=True)
class Question:
    slot: str
    text: str
    example: str
    buttons: tuple[str, ...]
    source: str
    why: str = ""  # why it is asked, for "why do you need that?"
    means: str = ""  # what it asks, in other words, for "what do you mean?"
    # red-flag concepts (knowledge/red_flags.yml) whose description answers this checklist "yes"
    signs: tuple[str, ...] = ()
    summary: str = ""  # how the front desk's summary names the answer

    def explanation(self) -> str:
        """What "what do you mean?" gets: the question in other words, else its example."""
        return self.means or self.example

    def button_titles(self, with_not_sure: bool) -> list[str]:
        titles = list(self.buttons)
        if with_not_sure and NOT_SURE_BUTTON not in titles:
            titles.append(NOT_SURE_BUTTON)
        return titles


def parse_questions(
    raw: dict[str, dict], path: Path, required: tuple[str, ...]
) -> dict[str, Question]:
    """A form's questions from its knowledge file; every problem names the file and question.
    The screening and the handoff form both read theirs this way."""
    questions = {}
    for slot, q in raw.items():
        missing = {"text", "example", "buttons", "source"} - set(q)
        if missing:
            raise ValueError(f"{path}: question {slot} lacks {sorted(missing)}")
        questions[slot] = Question(
            slot,
            " ".join(q["text"].split()),
            q["example"],
            tuple(q["buttons"]),
            q["source"],
            " ".join(str(q.get("why") or "").split()),
            " ".join(str(q.get("means") or "").split()),
            tuple(q.get("signs") or ()),
            str(q.get("summary") or ""),
        )
    absent = set(required) - set(questions)
    if absent:
        raise ValueError(f"{path}: no question for {sorted(absent)}")
    return questions


@lru_cache(maxsize=2)
def load_questions(path: Path = SCREENING_FILE) -> dict[str, Question]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
    return parse_questions(data, path, ORDER)


@lru_cache(maxsize=2)
def self_care_tips(path: Path = SCREENING_FILE) -> tuple[str, ...]:
    tips = yaml.safe_load(path.read_text(encoding="utf-8"))["self_care_tips"]
    return tuple(t["text"] for t in tips)
