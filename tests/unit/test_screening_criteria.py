"""Each screening criterion is one declarative entry of screening.yml: the answers that meet it
are read from there, and an entry that names no question or an unquoted yes is refused."""

import pytest
import yaml

from headache_core.screening.explain import SUMMARY_LABELS
from headache_core.screening.questions import ORDER
from headache_core.screening.rules import SCREENING_FILE, load_screening

CRITERIA = load_screening().criteria


def _load_changed(tmp_path, change) -> None:
    data = yaml.safe_load(SCREENING_FILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "screening.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    load_screening.__wrapped__(path)


def test_the_file_states_the_answers_that_meet_each_criterion():
    assert CRITERIA["side_locked"].fits_if_any == (("pain_side", ("left", "right", "one_side")),)
    assert CRITERIA["neck_involvement"].slots == (
        "neck_provoked", "neck_stiffness", "shoulder_arm_pain"
    )  # fmt: skip
    assert CRITERIA["neck_involvement"].fails_if_any == (("neck_provoked", ("no",)),)


@pytest.mark.parametrize(
    ("answers", "result"),
    [
        ({"neck_stiffness": "yes"}, True),
        ({"neck_provoked": "no", "neck_stiffness": "not_sure"}, False),
        ({"neck_provoked": "not_sure", "neck_stiffness": "no", "shoulder_arm_pain": "no"}, None),
        ({"neck_provoked": "yes", "neck_stiffness": "no", "shoulder_arm_pain": "no"}, True),
        ({"neck_provoked": "no", "neck_stiffness": "no", "shoulder_arm_pain": "yes"}, False),
    ],
)
def test_a_criterion_fits_is_unknown_or_fails_by_its_entry(answers, result):
    assert CRITERIA["neck_involvement"].check(answers) is result


def test_every_answer_in_the_summary_is_named_by_its_question():
    assert set(SUMMARY_LABELS) == set(ORDER) - {"confirm_earlier"}


def test_a_criterion_naming_no_question_is_an_error(tmp_path):
    def change(data):
        data["criteria"]["side_locked"]["fits_if_any"] = {"pain_sides": ["left"]}

    with pytest.raises(ValueError, match="names no question: \\['pain_sides'\\]"):
        _load_changed(tmp_path, change)


def test_a_criterion_without_answers_that_meet_it_is_an_error(tmp_path):
    def change(data):
        del data["criteria"]["starts_in_neck"]["fits_if_any"]

    with pytest.raises(ValueError, match="starts_in_neck has no fits_if_any"):
        _load_changed(tmp_path, change)


def test_an_unquoted_yes_is_an_error(tmp_path):
    def change(data):
        data["criteria"]["neck_involvement"]["fits_if_any"]["neck_provoked"] = [True]

    with pytest.raises(ValueError, match="put it in quotes"):
        _load_changed(tmp_path, change)
