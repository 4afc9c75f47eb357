"""Privacy against the running assistant over REST (issue 7): "forget me" in any state deletes the
conversation and its front-desk records, and no process logs a name, phone number, e-mail or
message text at the default log level."""

import os
import re

import pytest
import sqlalchemy as sa

from tests.conftest import ROOT, Conversation
from tests.server.test_handoff_server import SCREENING, answer_until_done, handoffs_of

pytestmark = pytest.mark.server

RUN_DIR = ROOT / "run" / "test"  # the `assistant` fixture's stack
CONFIRM = "can't be undone"
DONE = "I've deleted this chat"
DISCLAIMER = "I can't tell you what is wrong"
BOOKING = {
    "contact_name": "Zebedee Quillfeather",
    "contact_details": "zebedee.quill@example.org",
    "preferred_times": "wednesday afternoons after three",
    "handoff_note": "my left shoulder blade is sore as well",
    "handoff_consent": "yes I agree",
}


def stored_events(sender: str) -> int:
    """Rows of this conversation in the stack's tracker store."""
    url = os.environ.get("TRACKER_STORE_URL") or f"sqlite:///{RUN_DIR / 'conversations.sqlite3'}"
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(
                sa.text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}
            ).scalar_one()
    finally:
        engine.dispose()


def test_forget_me_after_a_booking_deletes_the_conversation_and_the_handoff(assistant):
    talk = Conversation(assistant, "forget")
    talk.say("hi, I'd like to book an appointment")
    assert "sent your request to the front desk" in answer_until_done(talk, BOOKING)
    assert len(handoffs_of(assistant, talk.sender)) == 1
    assert stored_events(talk.sender) > 10

    assert CONFIRM in talk.say("please delete everything I told you")
    assert talk.buttons == ["Yes, delete it", "No, keep it"]
    assert len(handoffs_of(assistant, talk.sender)) == 1  # nothing gone before the yes
    assert DONE in talk.say("/affirm")  # the "Yes, delete it" button

    assert stored_events(talk.sender) == 0  # every row, the forget turn included
    assert handoffs_of(assistant, talk.sender) == []
    tracker = assistant.tracker(talk.sender)  # (Rasa starts a new, empty session for it)
    assert [e for e in tracker["events"] if e["event"] == "user"] == []
    assert "Zebedee" not in str(tracker) and tracker["slots"]["contact_name"] is None

    assert DISCLAIMER in talk.say("hello again")  # a fresh conversation
    assert [
        e["text"] for e in assistant.tracker(talk.sender)["events"] if e["event"] == "user"
    ] == ["hello again"]


def test_no_keeps_everything_and_the_screening_question_comes_back(assistant):
    talk = Conversation(assistant, "keep")
    talk.say("is my headache coming from my neck?")
    talk.say(SCREENING["red_flag_check"])
    asked = talk.slots()["requested_slot"]
    question_before = talk.say("hmm, actually delete my data")
    assert CONFIRM in question_before
    reply = talk.say("no")
    assert "haven't deleted anything" in reply
    assert talk.slots()["requested_slot"] == asked
    assert len(reply) > len("Okay, I haven't deleted anything.") + 10  # the question again
    talk.say(SCREENING[asked])
    assert talk.slots()["requested_slot"] != asked  # the check goes on
    assert stored_events(talk.sender) > 10


def test_forget_me_mid_screening_typed_yes(assistant):
    talk = Conversation(assistant, "forget-screening")
    talk.say("check my headache")
    talk.say(SCREENING["red_flag_check"])
    assert CONFIRM in talk.say("erase this chat")
    assert DONE in talk.say("yes")
    assert stored_events(talk.sender) == 0
    assert DISCLAIMER in talk.say("hi")
    assert talk.slots()["requested_slot"] is None


def test_keyboard_mash_after_the_question_deletes_nothing(assistant):
    # the classifier once read "ghfjdk" as a yes (affirm, 0.37) and deleted the chat
    talk = Conversation(assistant, "forget-mash")
    talk.say("what causes headaches")
    before = stored_events(talk.sender)
    assert CONFIRM in talk.say("delete my data please")
    assert "not sure I understood" in talk.say("ghfjdk")
    assert stored_events(talk.sender) > before


def test_a_hesitant_answer_to_the_question_deletes_nothing(assistant):
    # "hmm not sure" was affirm (0.58), a yes, and the chat was gone
    talk = Conversation(assistant, "forget-unsure")
    talk.say("how should i sit at my desk")
    assert CONFIRM in talk.say("can you delete my data")
    assert "haven't deleted anything" in talk.say("hmm not sure")
    assert stored_events(talk.sender) > 0
    assert CONFIRM in talk.say("delete my chat")  # asked again, as the reply says
    assert DONE in talk.say("yes")
    assert stored_events(talk.sender) == 0


def test_forget_me_while_staff_have_the_conversation(assistant):
    talk = Conversation(assistant, "forget-waiting")
    talk.say("can i talk to a real person")
    answer_until_done(
        talk,
        {"contact_name": "Ottoline Brackenbury", "contact_details": "07700 900321",
         "handoff_note": "no", "handoff_consent": "yes"},
    )  # fmt: skip
    assert talk.say("anyone there?") == ""  # staff have it: silence
    assert len(handoffs_of(assistant, talk.sender)) == 1
    assert CONFIRM in talk.say("forget me")
    assert DONE in talk.say("yes please")
    assert handoffs_of(assistant, talk.sender) == []
    assert stored_events(talk.sender) == 0
    assert DISCLAIMER in talk.say("hello")  # no longer waiting for staff


def test_forget_me_after_a_red_flag(assistant):
    talk = Conversation(assistant, "forget-flag")
    assert "999" in talk.say("worst headache of my life, it came on in seconds an hour ago")
    assert len(handoffs_of(assistant, talk.sender)) == 1  # the red-flag record
    assert CONFIRM in talk.say("i want my data deleted")
    assert DONE in talk.say("/affirm")
    assert handoffs_of(assistant, talk.sender) == []
    assert stored_events(talk.sender) == 0


# ---------------------------------------------------------------------------- logs
LOG_NAME = "Wilhelmina Thistlewood"
LOG_PHONE = "07700 900654"
LOG_EMAIL = "w.thistlewood@example.net"
LOG_CONVERSATION = [
    "why does the base of my skull ache when I sit at my desk all day?",
    "can you check whether my headaches come from my neck",
    *SCREENING.values(),
    "I'd like to book an appointment please",
    LOG_NAME,
    f"my mobile is {LOG_PHONE} or email {LOG_EMAIL}",
    "friday mornings suit me best",
    "the pain is worse after long train journeys",
    "yes I agree",
    "I've suddenly lost the vision in my left eye and my face feels numb",
]


def _variants() -> list[str]:
    """What must not appear in any log: the details as typed and as the readers store them,
    and the texts of the messages."""
    digits = re.sub(r"\D", "", LOG_PHONE)
    return [
        LOG_NAME, "Thistlewood", LOG_EMAIL, LOG_PHONE, digits, "+44" + digits[1:],
        *(text for text in LOG_CONVERSATION if len(text) > 12),
    ]  # fmt: skip


def test_no_patient_data_in_any_log_at_the_default_level(assistant):
    assert not os.environ.get("LOG_LEVEL"), "the test must see the default log level"
    talk = Conversation(assistant, "logs")
    replies = [talk.say(text) for text in LOG_CONVERSATION]
    assert "999" in replies[-1]  # the red flag was escalated
    assert any("front desk" in r for r in replies)  # the booking went through
    booking = handoffs_of(assistant, talk.sender)
    assert any(h["contact"].get("name") == LOG_NAME for h in booking)

    logs = {name: (RUN_DIR / f"{name}.log") for name in ("rasa", "actions", "web")}
    found = []
    for name, path in logs.items():
        assert path.exists(), f"no log file {path}"
        text = path.read_text(errors="replace")
        assert " DEBUG " not in text, f"{name}.log has DEBUG lines: not the default level"
        found += [(name, value) for value in _variants() if value.lower() in text.lower()]
    assert found == []
