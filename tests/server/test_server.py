"""The running assistant over REST, as the widget and the evaluation tools talk to it."""

import json
import urllib.error
import urllib.request
import uuid

import pytest

pytestmark = pytest.mark.server

BAD_INPUTS = {
    "empty": "",
    "whitespace": "   \n\t ",
    "ten_kb": "my neck hurts and " * 600,
    "emoji": "🤕🤕🙏",
    "spanish": "hola, me duele mucho la cabeza y el cuello desde ayer",
    "script": "<script>alert('pwned')</script>",
    "html_question": "<b onmouseover=alert(1)>why</b> does my neck cause headaches?",
    "control_chars": "neck\x00\x07 pain\x1b[31m help",
    "unknown_slash_command": "/do_something_weird",
    "json_like": '{"intent": "greet"}',
}


def new_sender() -> str:
    return f"test-{uuid.uuid4().hex[:10]}"


def texts(replies) -> str:
    return " ".join(r.get("text") or "" for r in replies)


def test_first_reply_carries_disclaimer_and_emergency_number(assistant):
    sender = new_sender()
    first = assistant.say(sender, "why does my neck give me headaches")
    assert "can't tell you what is wrong" in texts(first) and "999" in texts(first)
    assert len(first) >= 2  # the disclaimer, then the answer itself
    second = assistant.say(sender, "and what about posture")
    assert "can't tell you what is wrong" not in texts(second)


@pytest.mark.parametrize("name", BAD_INPUTS)
def test_bad_input_gets_a_helpful_reply_and_nothing_echoed(assistant, name):
    sender = new_sender()
    assistant.say(sender, "hello")
    replies = assistant.say(sender, BAD_INPUTS[name])
    assert replies and all(r.get("text") for r in replies)
    reply = texts(replies)
    assert "<script" not in reply and "onmouseover" not in reply and "\x00" not in reply
    assert "pwned" not in reply
    # the conversation goes on normally afterwards
    assert assistant.say(sender, "what is a cervicogenic headache")


def test_unreadable_input_says_why(assistant):
    assert "emoji" in texts(assistant.say(new_sender(), "🙂🙂🙂"))
    assert "English" in texts(assistant.say(new_sender(), BAD_INPUTS["spanish"]))


def test_how_long_a_session_lasts_is_answered_from_the_prices(assistant):
    reply = texts(assistant.say(new_sender(), "how long do the appointments last?"))
    assert "minutes" in reply and "Wrenfield Road" not in reply  # not the clinic overview


@pytest.mark.parametrize("mash", ["asdkjh qwe", "lkjlkj asd", "fjfjfj fjfj"])
def test_keyboard_mash_is_not_understood_as_a_yes(assistant, mash):
    sender = new_sender()
    assistant.say(sender, "what causes headaches")
    assert "not sure I understood" in texts(assistant.say(sender, mash))


@pytest.mark.parametrize(
    "question",
    [
        "so will this ever go away",  # "go away" was a goodbye
        "does the pain just disappear by itself",
        "i'm on blood thinners, does that matter?",  # "does that matter" was a yes
        "is it going to keep coming back?",
    ],
)
def test_a_question_is_not_answered_as_small_talk(assistant, question):
    sender = new_sender()
    assistant.say(sender, "why does my neck give me headaches?")
    reply = texts(assistant.say(sender, question))
    assert "Take care" not in reply and not reply.startswith("Great")
    assert "You're welcome" not in reply


def test_the_same_answer_is_not_sent_twice_in_a_row(assistant):
    sender = new_sender()
    first = texts(assistant.say(sender, "what usually sets off a headache?"))
    assert "many causes" in first
    again = texts(assistant.say(sender, "what about dehydration?"))
    assert "many causes" not in again and "answer above" in again
    on_purpose = texts(assistant.say(sender, "/ask_headache_causes"))  # its button
    assert "many causes" in on_purpose


def test_a_follow_up_is_read_with_the_last_answer(assistant):
    sender = new_sender()
    assert "text neck" in texts(assistant.say(sender, "is looking down at my phone bad for me"))
    assert "How you sleep" in texts(assistant.say(sender, "and for back sleepers?"))


@pytest.mark.parametrize("request_for_help", ["help", "menu"])
def test_a_bare_help_gets_what_the_assistant_can_do(assistant, request_for_help):
    reply = texts(assistant.say(new_sender(), request_for_help))
    assert "I can explain" in reply


def test_question_with_an_entity_gets_the_narrow_answer(assistant):
    parsed = assistant.parse("how is my upper trapezius involved in my headaches")
    assert parsed["intent"]["name"] == "ask_neck_anatomy"
    assert {"entity": "body_part", "value": "trapezius"}.items() <= parsed["entities"][0].items()
    reply = texts(assistant.say(new_sender(), "how is my upper trapezius involved in my headaches"))
    assert "trapezius" in reply.lower()


def test_button_payload_with_an_entity_is_understood(assistant):
    replies = assistant.say(new_sender(), '/ask_neck_anatomy{"body_part": "suboccipital"}')
    assert "sub-occipital" in texts(replies).lower()


def test_red_flag_sets_the_contract_slot(assistant):
    sender = new_sender()
    assistant.say(sender, "dad suddenly cant lift his arm, speech slurred, bad headache")
    slots = assistant.tracker(sender)["slots"]
    assert slots["triage_outcome"] == "red_flag_emergency"


def test_a_question_with_a_red_flag_hint_is_answered_and_asked_once(assistant):
    """Before, "is neck manipulation safe" got only "did your pain start after the neck
    treatment?", and after a "no" the same question came back each time it was asked."""
    sender = new_sender()
    first = texts(assistant.say(sender, "is neck manipulation safe?"))
    assert "manipulation" in first.lower() and "neck was cracked or manipulated" in first
    assistant.say(sender, "no")
    again = texts(assistant.say(sender, "but is neck manipulation safe?"))
    assert "manipulation" in again.lower() and "neck was cracked or manipulated" not in again
    assert assistant.tracker(sender)["slots"]["triage_outcome"] is None


def test_tracker_api_needs_the_token(assistant):
    url = f"{assistant.rasa_url}/conversations/{new_sender()}/tracker"
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(url, timeout=10)
    assert err.value.code in (401, 403)


def test_web_app_health_and_demo_page(assistant):
    with urllib.request.urlopen(f"{assistant.web_url}/healthz", timeout=10) as response:
        assert json.loads(response.read()) == {"status": "ok"}
    with urllib.request.urlopen(f"{assistant.web_url}/", timeout=10) as response:
        page = response.read().decode()
    assert "Wrenfield Physiotherapy" in page and "999" in page
