"""Red flags the conversation makes together, against the running assistant (issue 25)."""

import pytest

from tests.conftest import Conversation

pytestmark = pytest.mark.server
START = "Can you check whether my headache is coming from my neck?"


def test_a_fever_then_a_stiff_neck_in_the_next_message_is_an_emergency(assistant):
    talk = Conversation(assistant, "evidence")
    talk.say("I've had a high temperature since Tuesday and a headache")
    assert talk.slots()["triage_outcome"] is None
    reply = talk.say("my neck is so stiff I can't put my chin down")
    assert talk.slots()["triage_outcome"] == "red_flag_emergency"
    assert "999" in reply and "meningitis" in reply


def test_signs_split_over_two_screening_answers_end_the_check(assistant):
    talk = Conversation(assistant, "evidence")
    talk.say(START)
    answers = iter(["I have had a temperature of 39 all week", "I can't bend my neck forward"])
    reply = ""
    for _ in range(12):
        asked = talk.slots()["requested_slot"]
        if asked is None:
            break
        text = next(answers) if asked not in ("red_flag_check", "red_flag_history") else "no"
        reply = talk.say(text)
    slots = talk.slots()
    assert slots["triage_outcome"] == "red_flag_emergency", reply
    assert "fever_neck_stiffness" in slots["red_flags"]
    assert slots["requested_slot"] is None  # the check ended with the advice


def test_something_said_before_the_check_counts_with_its_answers(assistant):
    talk = Conversation(assistant, "evidence")
    talk.say("I'm 34 weeks pregnant")
    talk.say(START)
    for _ in range(12):
        asked = talk.slots()["requested_slot"]
        if asked is None or asked not in ("red_flag_check", "red_flag_history"):
            break
        talk.say("no")
    reply = talk.say("my hands and face have puffed up since yesterday")
    assert talk.slots()["triage_outcome"] == "red_flag_emergency", reply
    assert "999" in reply


def test_signs_given_while_a_checklist_waits_add_up(assistant):
    # Rasa folds a form's answers out of `applied_events()`; the evidence reads them all
    talk = Conversation(assistant, "evidence")
    talk.say(START)
    talk.say("no, none of those")
    assert talk.slots()["requested_slot"] == "red_flag_history"
    talk.say("my right eye is really red and sore")
    reply = talk.say("and lights have rainbow rings round them")
    assert talk.slots()["triage_outcome"] == "red_flag_emergency", reply
    assert "acute_glaucoma" in talk.slots()["red_flags"]
