"""End to end over the real stack: screening and booking over REST reach the front desk's API,
a request for a person silences the assistant until staff hand it back, a red flag makes a
record, and the API wants its token."""

import asyncio
import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from tests.browser import ARTIFACTS, chromium
from tests.conftest import Conversation
from tooling.stack import DEV_FRONTDESK_PASSWORD, DEV_FRONTDESK_TOKEN
from webapp.rasa_client import RasaClient

pytestmark = pytest.mark.server

SCREENING = {  # a neck pattern, told the way a patient would type it
    "red_flag_check": "no none of those",
    "red_flag_history": "no",
    "age": "38",
    "pain_side": "always on the right, never swaps",
    "pain_start": "starts at the base of my skull and goes up over my head",
    "neck_provoked": "yes, hours at the laptop set it off",
    "neck_stiffness": "my neck is stiff turning to the right",
    "shoulder_arm_pain": "no",
    "headache_pattern": "a few times a week for about a year",
    "other_symptoms": "no, nothing like that",
}
BOOKING = {
    "contact_name": "my name is Dana O'Neill",
    "contact_details": "you can reach me on 07700 900456",
    "preferred_times": "tuesday or thursday mornings",
    "handoff_note": "I work shifts so mornings are best <b>thanks</b>",
    "handoff_consent": "yes I agree",
}


def api(assistant, path: str, token: str | None = DEV_FRONTDESK_TOKEN) -> tuple[int, Any]:
    request = urllib.request.Request(f"{assistant.web_url}{path}")
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def handoffs_of(assistant, sender: str) -> list[dict[str, Any]]:
    status, body = api(assistant, "/api/handoffs")
    assert status == 200
    return [h for h in body if h["conversation_id"] == sender]


def answer_until_done(talk: Conversation, answers: dict[str, str], limit: int = 15) -> str:
    """Answer whatever the form asks from `answers` until it stops asking; the last reply."""
    reply = ""
    for _ in range(limit):
        slot = talk.slots()["requested_slot"]
        if slot in (None, "human_handoff"):  # done, or staff have the conversation now
            return reply
        assert slot in answers, (slot, reply)
        reply = talk.say(answers[slot])
    raise AssertionError("the form kept asking")


def test_screening_then_booking_reaches_the_front_desk(assistant):
    talk = Conversation(assistant, "booking")
    talk.say("can you check whether my headaches come from my neck")
    answer_until_done(talk, SCREENING)
    assert talk.slots()["triage_outcome"] == "consistent_with_cervicogenic"
    assert "Book an assessment" in talk.buttons
    talk.say("Book an assessment")
    reply = answer_until_done(talk, BOOKING)
    assert "sent your request to the front desk" in reply

    [handoff] = handoffs_of(assistant, talk.sender)
    assert handoff["kind"] == "booking" and handoff["status"] == "new"
    assert handoff["contact"] == {"name": "Dana O'Neill", "phone": "+447700900456", "email": None}
    assert handoff["triage_outcome"] == "consistent_with_cervicogenic"
    assert handoff["red_flags"] == []
    assert "Side: right" in handoff["summary"]
    assert handoff["criteria"]["fitted"]
    assert handoff["preferred_times"] == "tuesday or thursday mornings"
    assert handoff["note"] == BOOKING["handoff_note"]  # kept as typed, escaped where shown
    assert handoff["consent_at"] and handoff["created_at"]
    said = [line["text"] for line in handoff["transcript"] if line["who"] == "user"]
    assert "tuesday or thursday mornings" in said and len(said) >= 15

    # ... and staff find it in the console, in a real browser, with the note shown as typed
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1024, "height": 768})
        page.goto(f"{assistant.web_url}/frontdesk")
        page.get_by_label("Password or access token").fill(DEV_FRONTDESK_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        card = page.locator(f'#handoff-list > li[data-id="{handoff["id"]}"]')
        card.wait_for(timeout=10000)
        text = card.inner_text()
        assert "Dana O'Neill" in text and "+447700900456" in text
        assert "<b>thanks</b>" in text  # the patient's markup as text, not as bold
        assert card.locator("b").count() == 0
        page.screenshot(path=str(ARTIFACTS / "frontdesk-e2e.png"), full_page=True)


def test_a_person_is_fetched_and_the_assistant_keeps_quiet_until_handed_back(assistant):
    talk = Conversation(assistant, "human")
    talk.say("can i speak to someone at the front desk please")
    reply = answer_until_done(
        talk,
        {
            "contact_name": "Sam Lee",
            "contact_details": "sam.lee@example.org",
            "handoff_note": "question about my invoice",
            "handoff_consent": "yes",
        },
    )
    assert "stay quiet in this chat" in reply
    assert assistant.say(talk.sender, "hello? anyone there?") == []
    assert assistant.say(talk.sender, "what are your opening hours") == []
    [handoff] = handoffs_of(assistant, talk.sender)
    assert handoff["kind"] == "human" and handoff["contact"]["email"] == "sam.lee@example.org"

    asyncio.run(RasaClient(assistant.rasa_url, assistant.token).hand_back(talk.sender))
    assert "opening hours" in talk.say("what are your opening hours").lower()


def test_a_red_flag_creates_a_front_desk_record(assistant):
    talk = Conversation(assistant, "flag")
    assert "999" in talk.say(
        "sudden worst headache of my life about an hour ago, came on in seconds"
    )
    [record] = handoffs_of(assistant, talk.sender)
    assert record["triage_outcome"] == "red_flag_emergency"
    assert "thunderclap_onset" in record["red_flags"]


def test_a_cancelled_booking_saves_nothing(assistant):
    talk = Conversation(assistant, "cancel")
    talk.say("I'd like to book an appointment")
    talk.say("Jo Bloggs")
    assert "Nothing was saved" in talk.say("actually cancel")
    assert talk.slots()["requested_slot"] is None
    assert handoffs_of(assistant, talk.sender) == []


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_the_handoff_api_wants_its_token(assistant, token):
    status, body = api(assistant, "/api/handoffs", token=token)
    assert status == 401
    assert b"contact" not in body


def test_a_caller_screened_from_the_console_is_saved_as_a_handoff(assistant):
    """Staff type the caller's answers (the console's conversations start with frontdesk-):
    the same screening, the same outcome, a handoff marked as taken at the desk."""
    talk = Conversation(assistant, "frontdesk")
    talk.say("check if the headache comes from the neck")
    answer_until_done(talk, SCREENING)
    talk.say("book an appointment")
    answer_until_done(talk, BOOKING | {"contact_details": "caller.one@example.org"})
    [handoff] = handoffs_of(assistant, talk.sender)
    assert handoff["channel"] == "frontdesk"
    assert handoff["triage_outcome"] == "consistent_with_cervicogenic"


@pytest.mark.parametrize(
    ("ask", "kind"),
    [
        ("can i just book an appointment instead", "booking"),
        ("let me talk to a real person", "human"),
    ],
)
def test_booking_or_a_person_asked_for_in_the_middle_of_the_check_takes_over(assistant, ask, kind):
    talk = Conversation(assistant, "switch")
    talk.say("is my headache coming from my neck? can you check")
    talk.say("no none of those")
    reply = talk.say(ask)
    assert "leave the check there" in reply
    slots = talk.slots()
    assert slots["requested_slot"] == "contact_name" and slots["handoff_kind"] == kind


def test_a_hint_of_a_red_flag_in_a_booking_answer_is_asked_about_once(assistant):
    talk = Conversation(assistant, "hint")
    talk.say("can I book in for next week")
    for answer in ("Ali Khan", "07700 900789", "any time"):
        talk.say(answer)
    reply = talk.say("the last one came on really suddenly, not like my usual ones")
    assert talk.slots()["requested_slot"] == "red_flag_clarify", reply
    reply = talk.say("no, it built up over an hour or so")
    slots = talk.slots()
    assert slots["requested_slot"] == "handoff_consent" and slots["triage_outcome"] is None
    assert "store these details" in reply
