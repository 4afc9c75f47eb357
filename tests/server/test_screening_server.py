"""The neck screening end to end, against the running assistant (REST and the tracker API)."""

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT, Conversation

pytestmark = pytest.mark.server
CONVERSE = ROOT.parent / "shared" / "eval" / "converse.py"
VIGNETTES = ROOT / "tests" / "screening" / "vignettes.yml"
START = "could you check whether my headaches come from my neck?"


@pytest.fixture(scope="module")
def vignette_run(assistant, tmp_path_factory):
    out = tmp_path_factory.mktemp("converse") / "vignettes.json"
    command = [
        sys.executable, str(CONVERSE), "vignettes", str(VIGNETTES),
        "--url", assistant.rasa_url, "--token", assistant.token, "--json", str(out),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert out.exists(), done.stdout + done.stderr
    result = json.loads(out.read_text())
    (ROOT / "run" / "test" / "vignettes.json").write_text(json.dumps(result, indent=1))
    return result


def test_vignettes_reach_the_right_outcome_95_percent(vignette_run):
    wrong = [(r["id"], r["expected"], r["outcome"]) for r in vignette_run["rows"]
             if r["verdict"] != "pass"]  # fmt: skip
    assert vignette_run["summary"]["errors"] == 0, wrong
    assert vignette_run["summary"]["accuracy"] >= 0.95, wrong


def test_no_red_flag_vignette_ends_in_a_neck_outcome(vignette_run):
    assert vignette_run["summary"]["critical"] == 0


BUTTON_ANSWERS = {
    "red_flag_check": "No, none of those",
    "red_flag_history": "No, none of those",
    "age": "30 to 49",
    "pain_side": "Always the right side",
    "pain_start": "In my neck or the back of my head",
    "neck_provoked": "Yes, it does",
    "neck_stiffness": "Yes, it's stiff",
    "shoulder_arm_pain": "No",
    "headache_pattern": "A few times a week",
    "other_symptoms": "No, nothing else",
}


def test_buttons_alone_complete_the_screening(assistant):
    talk = Conversation(assistant, "screening")
    talk.say(START)
    asked = []
    while (slot := talk.slots()["requested_slot"]) and len(asked) < 12:
        asked.append(slot)
        assert BUTTON_ANSWERS[slot] in talk.buttons, (slot, talk.buttons)
        reply = talk.say(BUTTON_ANSWERS[slot])
    assert asked == list(BUTTON_ANSWERS)
    slots = talk.slots()
    assert slots["triage_outcome"] == "consistent_with_cervicogenic"
    assert "not a diagnosis" in reply and "flexion-rotation test" in reply
    assert "Book an assessment" in talk.buttons
    assert "Side: right" in slots["screening_summary"]


def test_a_question_in_the_middle_is_answered_and_the_form_resumes(assistant):
    talk = Conversation(assistant, "screening")
    talk.say(START)
    talk.say("no, none of those")
    talk.say("no")
    asked = talk.slots()["requested_slot"]
    reply = talk.say("what's a sub-occipital muscle?")
    assert "base of your skull" in reply
    assert "back to the check" in reply.lower()
    assert talk.slots()["requested_slot"] == asked == "age"
    talk.say("I'm 45")
    assert talk.slots()["age"] == 45


def test_stop_leaves_cleanly_and_says_how_to_restart(assistant):
    talk = Conversation(assistant, "screening")
    talk.say(START)
    talk.say("no")
    reply = talk.say("stop")
    slots = talk.slots()
    assert slots["requested_slot"] is None and slots["triage_outcome"] is None
    assert "check my headache" in reply.lower()
    reply = talk.say("what causes headaches?")  # back to normal answers
    assert "back to the check" not in reply.lower()
    talk.say(START)
    assert talk.slots()["requested_slot"] == "red_flag_check"


def test_earlier_words_are_confirmed_instead_of_asked(assistant):
    talk = Conversation(assistant, "screening")
    talk.say("my right-sided headache starts at the base of my skull")
    talk.say(START)
    talk.say("no, none of those")
    reply = talk.say("no")
    assert talk.slots()["requested_slot"] == "confirm_earlier"
    assert "right side" in reply and "back of the head" in reply
    talk.say("yes, that's right")
    slots = talk.slots()
    assert slots["pain_side"] == "right" and slots["pain_start"] == "neck"
    asked = []
    while slots["requested_slot"] and len(asked) < 12:
        asked.append(slots["requested_slot"])
        talk.say("not sure")
        slots = talk.slots()
    assert "pain_side" not in asked and "pain_start" not in asked


def test_a_red_flag_in_any_answer_ends_the_form_with_the_escalation(assistant):
    talk = Conversation(assistant, "screening")
    talk.say(START)
    talk.say("no")
    talk.say("no")
    talk.say("52")
    reply = talk.say("the worst headache of my life came on in seconds an hour ago")
    slots = talk.slots()
    assert slots["triage_outcome"] == "red_flag_emergency"
    assert slots["requested_slot"] is None
    assert "999" in reply and "book" not in reply.lower()


def test_a_third_unclear_answer_counts_as_not_sure_and_moves_on(assistant):
    talk = Conversation(assistant, "screening")
    talk.say(START)
    talk.say("no")
    talk.say("no")
    talk.say("35")
    assert talk.slots()["requested_slot"] == "pain_side"
    talk.say("hmm")
    second = talk.say("pizza")
    assert "For example" in second and "Not sure" in talk.buttons
    talk.say("banana")
    slots = talk.slots()
    assert slots["pain_side"] == "not_sure" and slots["requested_slot"] == "pain_start"


def test_no_second_neck_screening_after_a_red_flag(assistant):
    talk = Conversation(assistant, "screening")
    talk.say("I have a fever and my neck is so stiff I can't bend it")
    assert talk.slots()["triage_outcome"] == "red_flag_emergency"
    reply = talk.say(START)
    slots = talk.slots()
    assert slots["triage_outcome"] == "red_flag_emergency" and slots["requested_slot"] is None
    assert "999" in reply
