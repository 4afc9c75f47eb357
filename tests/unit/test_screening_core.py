"""The screening core (issue 4, not yet wired into a Rasa form): answer readers and the rules."""

import pytest
import yaml

from headache_core.screening.answers import (
    read_age,
    read_neck_provoked,
    read_neck_stiffness,
    read_other_symptoms,
    read_pain_side,
    read_pain_start,
    read_shoulder_arm_pain,
)
from headache_core.screening.rules import (
    CONSISTENT,
    NOT_TYPICAL,
    SCREENING_FILE,
    evaluate,
    load_screening,
)

NECK_PATTERN = {
    "pain_side": "right",
    "pain_start": "neck",
    "neck_provoked": "yes",
    "neck_stiffness": "no",
    "shoulder_arm_pain": "no",
    "other_symptoms": "none",
}


@pytest.mark.parametrize(
    ("reader", "text", "value"),
    [
        (read_pain_side, "always the right side, never swaps", "right"),
        (read_pain_side, "only ever on my left, it has never switched to the right", "left"),
        (read_pain_side, "both sides, sometimes one then the other", "alternating"),
        (read_pain_side, "all over both sides", "both"),
        (read_pain_side, "rigth side only", "right"),  # a typo the spelling repair mends
        (read_pain_side, "no idea tbh", "not_sure"),
        (read_pain_start, "starts at the base of my skull and creeps over to my eye", "neck"),
        (read_pain_start, "behind my eyes", "front"),
        (read_pain_start, "like a tight band round my whole head", "whole_head"),
        (read_neck_provoked, "yeah long days at the laptop set it off", "yes"),
        (read_neck_provoked, "not really, moving my neck doesn't change it", "no"),
        (read_neck_stiffness, "I can't look over my left shoulder as far as the right", "yes"),
        (read_neck_stiffness, "no, my neck moves fine", "no"),
        (read_shoulder_arm_pain, "my left shoulder blade aches too, same side", "same_side"),
        (read_shoulder_arm_pain, "nope", "no"),
        # a hedged no is a no ("not that i've noticed" was asked three times, then "not sure")
        (read_neck_provoked, "not that i've noticed", "no"),
        (read_neck_provoked, "Not that I know of", "no"),
        (read_neck_stiffness, "not as far as i know", "no"),  # not "not as far" (restricted)
        (read_neck_stiffness, "it doesn't turn as far as it did", "yes"),
        (read_neck_stiffness, "it turns as far as it should, no problem", "no"),
        (read_shoulder_arm_pain, "i haven't noticed that", "no"),
        (read_neck_provoked, "dunno maybe", "not_sure"),
        (read_other_symptoms, "throbbing, I have to lie in a dark room and I feel sick", "marked"),
        (read_other_symptoms, "a little queasy now and then, never actually sick", "mild"),
        (read_other_symptoms, "none", "none"),
        (read_age, "I'm 45", 45),
        (read_age, "forty five", 45),
        (read_age, "rather not say", "not_sure"),
    ],
)
def test_free_text_answers_become_values(reader, text, value):
    assert reader(text) == value


def test_unclear_answer_is_none_so_the_form_asks_again():
    assert read_pain_side("it hurts a lot") is None
    assert read_age("old enough") is None


def test_the_neck_pattern_is_consistent():
    assert evaluate(NECK_PATTERN).outcome == CONSISTENT


@pytest.mark.parametrize(
    ("change", "criterion"),
    [
        ({"pain_side": "alternating"}, "side_locked"),
        ({"pain_side": "both"}, "side_locked"),
        ({"pain_start": "front"}, "starts_in_neck"),
        ({"other_symptoms": "marked"}, "migraine_features_mild"),
        ({"neck_provoked": "no"}, "neck_involvement"),
    ],
)
def test_each_criterion_can_turn_the_outcome(change, criterion):
    outcome = evaluate(NECK_PATTERN | change)
    assert outcome.outcome == NOT_TYPICAL
    assert criterion in [c.id for c in outcome.not_fitted]


@pytest.mark.parametrize("sign", [{"neck_stiffness": "yes"}, {"shoulder_arm_pain": "same_side"}])
def test_any_one_chisg_i_sign_is_neck_involvement(sign):
    answers = NECK_PATTERN | {"neck_provoked": "no"} | sign
    assert evaluate(answers).outcome == CONSISTENT


def test_not_sure_on_a_required_criterion_is_not_counted_as_fitting():
    outcome = evaluate(NECK_PATTERN | {"pain_side": "not_sure"})
    assert outcome.outcome == NOT_TYPICAL
    assert [c.id for c in outcome.unknown] == ["side_locked"]


def test_not_sure_about_sickness_is_named_but_does_not_decide():
    outcome = evaluate(NECK_PATTERN | {"other_symptoms": "not_sure"})
    assert outcome.outcome == CONSISTENT
    assert [c.id for c in outcome.unknown] == ["migraine_features_mild"]


def test_every_criterion_names_its_source_and_the_version_is_set():
    rules = load_screening()
    assert rules.version and rules.clinic_only
    assert all(c.source for c in rules.criteria.values())


def test_a_clinic_only_item_without_a_source_is_an_error(tmp_path):
    data = yaml.safe_load(SCREENING_FILE.read_text(encoding="utf-8"))
    data["clinic_only"].append({"text": "how your jaw moves"})
    path = tmp_path / "screening.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ValueError, match="clinic_only items without a source"):
        load_screening.__wrapped__(path)
