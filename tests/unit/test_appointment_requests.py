"""Requests that are not a new booking: read from the words, then answered or passed on as
what they are, never as a new-booking form (issue 27)."""

import pytest
import yaml
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from actions.handoff import ASK_ACTIONS, ActionSubmitHandoff, ValidateHandoffForm
from components.appointment_requests import AppointmentRequestRouter
from headache_core.handoff.requests import load_requests, read_appointment_request
from tests.conftest import ROOT, said
from tests.unit.test_handoff_form import DOMAIN, stored, tracker_for


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("hi i need to cancel my appt on thurs, something came up at work", "cancel"),
        ("I can't make my appointment tomorrow", "cancel"),
        ("can I reschedule my session to next week", "move"),
        ("actually can i just move it to next week instead", "move"),
        ("need to shift... no, move my 10:30 to thursday", "move"),
        ("could i swap my weds 4pm for a morning", "move"),
        ("running 10 min late for my 3pm", "late"),
        ("can my daughter come in with me?", "companion"),
        ("Can I bring my partner in with me?", "companion"),
        ("I need a receipt for my last 3 sessions for my health insurance", "paperwork"),
        ("I have a question for my physio about the exercises", "physio_question"),
    ],
)
def test_requests_are_recognised(text: str, kind: str) -> None:
    assert read_appointment_request(text).kind == kind


@pytest.mark.parametrize(
    "text",
    ["can i book an appointment", "my headache won't go away", "cancel that", "stop",
     "I'm late to bed every night and wake with a headache", "how do I stop it coming back"],
)  # fmt: skip
def test_other_messages_are_not_requests(text: str) -> None:
    assert read_appointment_request(text) is None


@pytest.mark.parametrize(
    ("text", "routed"),
    [
        ("hi i need to cancel my appt on thurs, something came up at work", True),
        ("please cancel my eyebrow threading appointment tomorrow", False),
        ("reschedule the window cleaner visit to friday", False),
        ("text dave I'm running 10 mins late", False),
        ("my ringtone is awful, change it to a softer one", False),
        ("can you move it to thursday afternoon", True),
    ],
)
def test_the_router_reads_a_request_to_this_clinic_only(text: str, routed: bool) -> None:
    """A cancel or move for another business is left to the request gate (issue 26)."""
    message = Message({TEXT: text, INTENT: {"name": "nlu_fallback", "confidence": 1.0}})
    AppointmentRequestRouter().process([message])
    assert (message.get(INTENT)["name"] == "book_appointment") is routed


def test_every_request_has_a_source_and_either_an_answer_or_questions() -> None:
    raw = yaml.safe_load((ROOT / "headache_core/knowledge/handoff.yml").read_text())
    assert set(raw["appointment_requests"]) == set(load_requests())
    for request in load_requests().values():
        assert bool(request.answer) != bool(request.ask)


async def start(dispatcher, text: str) -> dict:
    tracker = tracker_for(None, text, intent="book_appointment", confidence=1.0)
    events = await ValidateHandoffForm().run(dispatcher, tracker, DOMAIN)
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


async def test_a_cancellation_asks_only_what_it_needs_and_reaches_the_front_desk(dispatcher):
    slots = await start(dispatcher, "i need to cancel my appt on thurs")
    assert slots["handoff_request"] == "cancel" and slots["requested_slot"] == "contact_name"
    assert "cancellation" in said(dispatcher)
    filled = {
        "handoff_request": "cancel",
        "contact_name": "Priya Raman",
        "contact_details": {"phone": "+447700900211", "email": None},
        "handoff_consent": "yes",
    }
    await ASK_ACTIONS["handoff_consent"]().run(
        dispatcher, tracker_for(None, "x", slots=filled), DOMAIN
    )
    assert "Wants to cancel an appointment." in dispatcher.messages[-1]["text"]
    tracker = tracker_for(None, "yes", slots=filled, sender="cancel-1")
    await ActionSubmitHandoff().run(dispatcher, tracker, DOMAIN)
    [record] = stored("cancel-1")
    assert record.kind == "booking" and record.note.startswith("Wants to cancel an appointment.")
    assert "arrange a time" not in said(dispatcher)


async def test_running_late_gets_the_phone_number_and_no_form(dispatcher):
    slots = await start(dispatcher, "running 10 min late for my 3pm")
    assert slots["handoff_exit"] == "answered" and slots["requested_slot"] is None
    assert "020 7946 0000" in said(dispatcher)
    await ActionSubmitHandoff().run(
        dispatcher, tracker_for(None, "x", slots=slots, sender="late-1"), DOMAIN
    )
    assert stored("late-1") == [] and "Nothing was saved" not in said(dispatcher)


async def test_bringing_someone_is_answered_from_the_clinic_file(dispatcher):
    slots = await start(dispatcher, "can my daughter come in with me?")
    assert slots["handoff_exit"] == "answered"
    assert "welcome to bring someone" in said(dispatcher)
