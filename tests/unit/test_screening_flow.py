"""The screening's pure helpers: pre-fill, stop requests, red flags across answers, explanation."""

import pytest

from headache_core.question_shape import is_why_question, looks_like_question
from headache_core.screening.explain import outcome_replies, summary
from headache_core.screening.flow import (
    is_stop_request,
    prefill,
    red_flags_in_answers,
)
from headache_core.screening.questions import ORDER, load_questions
from headache_core.screening.rules import evaluate


def test_prefill_takes_explicit_statements_with_the_words_said():
    found = prefill(["my right-sided headache starts at the base of my skull"])
    assert found["pain_side"]["value"] == "right" and found["pain_start"]["value"] == "neck"
    assert "base of my skull" in found["pain_start"]["said"]


def test_a_question_about_the_neck_prefills_nothing():
    assert prefill(["Can you check whether my headache is coming from my neck?"]) == {}


@pytest.mark.parametrize(
    "text", ["start the neck check please", "begin the headache test", "can we do the neck check"]
)
def test_asking_for_the_check_is_not_where_the_pain_starts(text):
    assert prefill([text]) == {}


def test_a_request_for_the_check_keeps_the_statement_beside_it():
    said = "I want to do the neck check, pain starts at the base of my skull on the left"
    found = prefill([said])
    assert found["pain_start"]["value"] == "neck" and found["pain_side"]["value"] == "left"
    assert found["pain_start"]["said"] == said


@pytest.mark.parametrize(
    ("text", "stops"),
    [("can we stop", True), ("let's stop here", True), ("I want to stop now", True),
     ("can we stop the pain", False), ("I'd like to stop taking painkillers", False)],
)  # fmt: skip
def test_asking_to_stop_is_heard_but_stopping_a_pain_is_not(text, stops):
    assert is_stop_request(text) is stops


def test_prefill_keeps_the_latest_statement():
    found = prefill(["I'm 45", "sorry, I'm 46 actually", "/start_screening"])
    assert found["age"]["value"] == 46


@pytest.mark.parametrize(
    "text",
    ["stop", "Cancel please", "can we stop this", "no more questions", "actually cancel",
     "thanks, bye", "oh wait, cancel my booking", "ugh never mind, I'll just ring you",
     "actually scrap that please", "I've changed my mind", "forget it", "hmm stop this",
     "no I'll call the clinic instead"],
)  # fmt: skip
def test_stop_requests(text):
    assert is_stop_request(text)


@pytest.mark.parametrize(
    "text",
    ["end of the day mostly", "it stops when I lie down", "no", "no thanks", "thanks",
     "how do I stop it coming back", "it won't stop hurting", "I'll call you if it's worse"],
)  # fmt: skip
def test_answers_are_not_stop_requests(text):
    assert not is_stop_request(text)


def test_age_in_words_counts_for_red_flags_across_answers():
    answers = {"age": "fifty-seven", "headache_pattern": "they only started about a month ago"}
    assert red_flags_in_answers(answers).flag_ids == ["new_headache_over_50"]


def test_the_age_answer_is_read_the_way_the_form_reads_it():
    answers = {"age": "55 next month", "headache_pattern": "they only started about a month ago"}
    assert red_flags_in_answers(answers).flag_ids == ["new_headache_over_50"]


def test_the_same_words_under_50_are_no_flag():
    answers = {"age": "34", "headache_pattern": "they only started about a month ago"}
    assert red_flags_in_answers(answers).flags == ()


def test_every_question_exists_with_buttons_and_an_example():
    questions = load_questions()
    for slot in ORDER:
        assert questions[slot].buttons and questions[slot].example and questions[slot].source


def test_outcome_replies_name_criteria_clinic_checks_and_disclaimer():
    outcome = evaluate({"pain_side": "alternating", "pain_start": "neck", "neck_provoked": "yes",
                        "other_symptoms": "none"})  # fmt: skip
    text = " ".join(r.text for r in outcome_replies(outcome, {"pain_side": "swaps sides"}, []))
    assert outcome.outcome == "not_typical_cervicogenic"
    assert 'What did not fit: the pain stays on one side (you said "swaps sides")' in text
    assert "flexion-rotation test" in text and "999" in text and "not a diagnosis" in text


def test_summary_lists_values_and_words():
    text = summary("not_typical_cervicogenic", "v1", {"pain_side": "both"},
                   {"pain_side": "both sides mostly"})  # fmt: skip
    assert text.splitlines()[0] == "Neck screening (rules v1): not_typical_cervicogenic"
    assert 'Side: both ("both sides mostly")' in text


@pytest.mark.parametrize(
    "answer",
    [
        "when im on my phone for ages looking down it starts",
        "When I turn my head to reverse the car",
        "when my neck is stiff in the morning",
        "when it's cold and i hunch my shoulders",
    ],
)
def test_a_when_clause_about_the_person_is_an_answer(answer):
    assert not looks_like_question(answer)


@pytest.mark.parametrize(
    "question",
    [
        "when should i see a doctor",
        "when is the clinic open",
        "When do headaches need a scan",
        "when?",
    ],
)
def test_when_questions_stay_questions(question):
    assert looks_like_question(question)


def test_the_answer_quoted_for_the_neck_is_the_one_that_decided():
    """Neck involvement fitted by a stiff neck is not quoted with the unsure posture answer."""
    answers = {
        "pain_side": "left",
        "pain_start": "neck",
        "neck_provoked": "not_sure",
        "neck_stiffness": "yes",
        "shoulder_arm_pain": "no",
        "other_symptoms": "none",
    }
    words = {"neck_provoked": "dunno maybe", "neck_stiffness": "a little bit"}
    text = " ".join(r.text for r in outcome_replies(evaluate(answers), words, []))
    assert 'your neck is involved (you said "a little bit")' in text
    assert "dunno maybe" not in text


@pytest.mark.parametrize(
    "text",
    ["why do you need my age", "why?", "how come", "but why are you asking that",
     "why would that matter", "what's that got to do with anything", "what does it matter"],
)  # fmt: skip
def test_a_question_about_the_question_is_a_why_question(text):
    assert is_why_question(text)


@pytest.mark.parametrize(
    "text",
    ["why do i get headaches", "why is my neck so stiff", "no", "it starts in my neck, why?"],
)
def test_answers_and_questions_about_headaches_are_not(text):
    assert not is_why_question(text)


def test_an_age_answer_keeps_what_else_it_says():
    answers = {"age": "31, and I'm 33 weeks pregnant", "other_symptoms": "seeing spots"}
    assert "pre_eclampsia" in red_flags_in_answers(answers).flag_ids
