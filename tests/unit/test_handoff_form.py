"""The handoff form (booking, a person) and the silence that follows, run with rasa_sdk's classes
against a real SQLite handoff store."""

from typing import Any
from unittest import mock

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet

import actions.handoff as handoff_actions
import actions.handoff_records as records
from actions.forms import FAILURES_SLOT
from actions.handoff import (
    ASK_ACTIONS,
    ActionSubmitHandoff,
    ValidateHandoffForm,
)
from actions.human_handoff import ValidateHumanHandoffForm
from actions.session import ActionSessionStart
from handoff_delivery.booking import FrontDeskQueue
from handoff_delivery.store import HandoffStore
from headache_core.clinic import OpeningStatus
from tests.conftest import ROOT, said

DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())
FILLED = {
    "handoff_kind": "booking",
    "contact_name": "Priya Shah",
    "contact_details": {"phone": "+447700900123", "email": None},
    "preferred_times": "tuesday mornings",
    "handoff_note": "my right shoulder too",
    "handoff_consent": "yes",
    "consent_at": "2026-11-26T10:00:00+00:00",
}


def tracker_for(
    slot: str | None,
    text: str,
    slots: dict[str, Any] | None = None,
    intent: str = "nlu_fallback",
    confidence: float = 0.3,
    sender: str = "patient-1",
    loop: str = "handoff_form",
    history: list[dict[str, Any]] | None = None,
) -> Tracker:
    """The tracker the form's validation gets after the person answered `slot` with `text`
    (slot None: the message that starts the form)."""
    events = [*(history or []), {"event": "user", "text": text, "timestamp": 1764150000.0}]
    events.append({"event": "action", "name": loop})
    all_slots = {"handoff_kind": "booking", **(slots or {})}
    if slot:
        events.append({"event": "slot", "name": slot, "value": text})
        all_slots |= {"requested_slot": slot, slot: text}
    latest = {"intent": {"name": intent, "confidence": confidence}, "entities": [], "text": text}
    active = {"name": loop} if slot else {}
    return Tracker(sender, all_slots, latest, events, False, None, active, loop)


async def validate(dispatcher, slot: str, text: str, **kwargs) -> dict[str, Any]:
    events = await ValidateHandoffForm().run(dispatcher, tracker_for(slot, text, **kwargs), DOMAIN)
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def stored(sender: str) -> list:
    return [h for h in records.store().list() if h.conversation_id == sender]


# ---------------------------------------------------------------------------- starting the form
async def test_booking_starts_with_an_intro_and_the_name(dispatcher):
    tracker = tracker_for(
        None, "can i book an appointment", intent="book_appointment", confidence=0.9
    )
    events = await ValidateHandoffForm().run(dispatcher, tracker, DOMAIN)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["handoff_kind"] == "booking"
    assert slots["requested_slot"] == "contact_name"
    assert "front desk" in said(dispatcher) and "cancel" in said(dispatcher)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (OpeningStatus(True, "19:00", "today at 08:00"), "until 19:00 today"),
        (OpeningStatus(False, None, "tomorrow at 08:00"), "opens tomorrow at 08:00"),
    ],
)
async def test_a_person_is_told_who_answers_and_when(dispatcher, status, expected):
    tracker = tracker_for(
        None, "can I talk to a real person", intent="request_human", confidence=0.9
    )
    with mock.patch("actions.handoff.opening_status", return_value=status):
        events = await ValidateHandoffForm().run(dispatcher, tracker, DOMAIN)
    assert SlotSet("handoff_kind", "human") in events
    assert "front desk team will answer" in said(dispatcher) and expected in said(dispatcher)


async def test_booking_after_a_red_flag_repeats_the_advice_first(dispatcher):
    tracker = tracker_for(
        None,
        "book me in",
        intent="book_appointment",
        confidence=0.9,
        slots={"triage_outcome": "red_flag_urgent", "red_flags": ["papilloedema"]},
    )
    await ValidateHandoffForm().run(dispatcher, tracker, DOMAIN)
    assert "need a doctor" in dispatcher.messages[0]["text"]
    assert "NHS 111" in dispatcher.messages[1]["text"]
    assert "front desk" in dispatcher.messages[2]["text"]


# ------------------------------------------------------------ an unsure reading is confirmed
UNSURE_START = "my head has been killing me all week, what can i do about it?"  # booking, 0.33


async def test_an_unsure_booking_reading_asks_before_any_details(dispatcher):
    tracker = tracker_for(None, UNSURE_START, intent="book_appointment", confidence=0.33)
    events = await ValidateHandoffForm().run(dispatcher, tracker, DOMAIN)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["handoff_unsure"] is True and slots["requested_slot"] == "handoff_confirm"
    assert "front desk" not in said(dispatcher)  # the intro comes after a yes
    ask = ASK_ACTIONS["handoff_confirm"]()
    await ask.run(dispatcher, tracker_for(None, UNSURE_START, slots=slots), DOMAIN)
    assert "Just to check" in said(dispatcher)
    assert [b["title"] for b in dispatcher.messages[-1]["buttons"]][0] == "Yes, please"


@pytest.mark.parametrize(("text", "confidence"), [("/book_appointment", 0.3), ("book me in", 0.5)])
async def test_a_button_or_a_sure_reading_goes_straight_to_the_details(
    dispatcher, text, confidence
):
    tracker = tracker_for(None, text, intent="book_appointment", confidence=confidence)
    events = await ValidateHandoffForm().run(dispatcher, tracker, DOMAIN)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["handoff_unsure"] is None and slots["requested_slot"] == "contact_name"


async def test_yes_to_the_check_gives_the_intro_and_asks_the_name(dispatcher):
    slots = await validate(dispatcher, "handoff_confirm", "Yes, please",
                           slots={"handoff_unsure": True})  # fmt: skip
    assert slots["handoff_confirm"] == "yes" and slots["requested_slot"] == "contact_name"
    assert "front desk" in said(dispatcher) and "cancel" in said(dispatcher)


@pytest.mark.parametrize("text", ["No, I had a question", "no", "nope not at all"])
async def test_no_to_the_check_ends_it_as_our_misreading(dispatcher, text):
    slots = await validate(dispatcher, "handoff_confirm", text, slots={"handoff_unsure": True})
    assert slots["handoff_exit"] == "not_wanted" and slots["requested_slot"] is None


async def test_a_third_unclear_answer_to_the_check_passes_nothing_on(dispatcher):
    slots = await validate(dispatcher, "handoff_confirm", "hmm maybe",
                           slots={"handoff_unsure": True, FAILURES_SLOT: 2})  # fmt: skip
    assert slots["handoff_exit"] == "not_wanted" and slots["requested_slot"] is None


async def test_a_question_at_the_check_is_answered_and_the_check_asked_again(dispatcher):
    tracker = tracker_for("handoff_confirm", "what can i do about it?", intent="ask_self_care",
                          confidence=0.8, slots={"handoff_unsure": True})  # fmt: skip
    events = await ValidateHandoffForm().run(dispatcher, tracker, DOMAIN)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["handoff_confirm"] is None and "handoff_exit" not in slots
    assert dispatcher.messages and "back to your details" not in said(dispatcher)


# ---------------------------------------------------------------------------- the answers
@pytest.mark.parametrize(
    ("slot", "text", "value"),
    [
        ("contact_name", "my name is priya shah", "Priya Shah"),
        ("contact_details", "you can call me on 07700 900123", {"phone": "+447700900123",
                                                                  "email": None}),
        ("contact_details", "Priya.Shah@Example.org", {"phone": None,
                                                       "email": "Priya.Shah@example.org"}),
        ("preferred_times", "tuesday or thursday mornings", "tuesday or thursday mornings"),
        ("handoff_note", "no thanks", ""),
        ("handoff_note", "the pain is worse after work", "the pain is worse after work"),
    ],
)  # fmt: skip
async def test_answers_are_read(dispatcher, slot, text, value):
    slots = await validate(dispatcher, slot, text)
    assert slots[slot] == value
    assert slots[FAILURES_SLOT] == 0


async def test_a_bad_phone_number_is_asked_again_with_the_reason_and_an_example(dispatcher):
    slots = await validate(dispatcher, "contact_details", "0770 09")
    assert slots["contact_details"] is None
    assert slots[FAILURES_SLOT] == 1
    assert "short" in said(dispatcher) or "phone" in said(dispatcher)
    tracker = tracker_for("contact_details", "0770 09", slots={FAILURES_SLOT: 1})
    await ASK_ACTIONS["contact_details"]().run(dispatcher, tracker, DOMAIN)
    assert "07700 900123" in dispatcher.messages[-1]["text"]  # the example


async def test_a_third_unusable_answer_gives_the_phone_number_instead_of_a_fourth_ask(dispatcher):
    slots = await validate(dispatcher, "contact_details", "dunno", slots={FAILURES_SLOT: 2})
    assert slots["handoff_exit"] == "gave_up"
    assert slots["requested_slot"] is None
    events = await ActionSubmitHandoff().run(
        dispatcher, tracker_for(None, "dunno", slots=slots | {"handoff_kind": "booking"}), DOMAIN
    )
    assert "020 7946 0000" in said(dispatcher) and "Nothing was saved" in said(dispatcher)
    assert SlotSet("handoff_exit", None) in events


@pytest.mark.parametrize("slot", ["contact_name", "contact_details", "preferred_times",
                                  "handoff_note", "handoff_consent"])  # fmt: skip
async def test_cancel_works_at_every_step(dispatcher, slot):
    slots = await validate(dispatcher, slot, "cancel")
    assert slots["handoff_exit"] == "cancelled" and slots["requested_slot"] is None


@pytest.mark.parametrize(
    "text",
    ["no i don't want to book", "i didnt ask for an appointment",
     "im not trying to book anything, i just had a question",
     "i don't need an appointment, just some advice", "i'm not looking to talk to anyone"],
)  # fmt: skip
async def test_a_handoff_not_wanted_ends_the_form_as_our_misreading(dispatcher, text):
    # "my head has been killing me all week, what can i do about it?" was read as a booking
    # (0.33) and got "What is your name?"; "no i don't want to book" then got the question again
    slots = await validate(dispatcher, "contact_name", text)
    assert slots["handoff_exit"] == "not_wanted" and slots["requested_slot"] is None


@pytest.mark.parametrize("text", ["no", "Nope.", "no thanks"])
async def test_a_bare_no_to_the_name_is_a_handoff_not_wanted(dispatcher, text):
    # "i'd like to know what i can do for my sore neck this week" reads as a booking (0.56)
    slots = await validate(dispatcher, "contact_name", text)
    assert slots["handoff_exit"] == "not_wanted"


@pytest.mark.parametrize(("slot", "text"), [("handoff_note", "no"), ("contact_name", "Noa")])
async def test_a_no_elsewhere_is_an_answer(dispatcher, slot, text):
    slots = await validate(dispatcher, slot, text)
    assert slots.get("handoff_exit") is None


@pytest.mark.parametrize(
    ("slot", "text"),
    [("preferred_times", "i don't want to book on a monday, tuesday is better"),
     ("preferred_times", "i dont want an appointment in the morning"),
     ("handoff_note", "i don't want a call, email is better")],
)  # fmt: skip
async def test_a_preference_is_an_answer_not_a_refusal(dispatcher, slot, text):
    slots = await validate(dispatcher, slot, text)
    assert slots.get("handoff_exit") is None


async def test_a_misread_handoff_says_sorry_and_offers_the_topics(dispatcher):
    sender = "not-wanted"
    slots = FILLED | {"handoff_exit": "not_wanted", "handoff_consent": None}
    tracker = tracker_for(None, "no i don't want to book", slots=slots, sender=sender)
    await ActionSubmitHandoff().run(dispatcher, tracker, DOMAIN)
    assert stored(sender) == []
    assert "my mistake" in said(dispatcher) and "Nothing was saved" in said(dispatcher)
    assert dispatcher.messages[-1]["buttons"]


async def test_a_red_flag_in_an_answer_escalates_and_ends_the_form(dispatcher):
    text = "tuesday, though I have had the worst headache of my life since this morning"
    slots = await validate(dispatcher, "preferred_times", text, sender="flag-in-booking")
    assert slots["triage_outcome"] == "red_flag_emergency"
    assert slots["handoff_exit"] == "red_flag"
    assert "999" in said(dispatcher)
    [record] = stored("flag-in-booking")
    assert record.triage_outcome == "red_flag_emergency" and record.red_flags
    assert "worst headache" in record.transcript[-1]["text"]
    # the record names its flags in the staff's words (red_flags.yml labels), not by id alone
    assert "- Sudden, very severe headache (thunderclap) (thunderclap_onset):" in record.summary
    detector_line = records._labelled(
        "thunderclap_onset (rules): worst headache", {"thunderclap_onset"}
    )
    assert detector_line == "Sudden, very severe headache (thunderclap) (rules): worst headache"


async def test_a_question_in_the_middle_is_answered_and_the_question_comes_back(dispatcher):
    slots = await validate(
        dispatcher,
        "preferred_times",
        "what are your opening hours?",
        intent="ask_clinic_info",
        confidence=0.9,
        slots={k: FILLED[k] for k in ("contact_name", "contact_details")},
    )
    assert slots == {"preferred_times": None, "requested_slot": "preferred_times"}
    assert "our hours are" in said(dispatcher).lower()
    assert said(dispatcher).endswith("Now, back to your details.")


@pytest.mark.parametrize(
    ("text", "intent", "confidence", "answer"),
    [
        ("why do you need my number?", "request_human", 0.4, "reach you"),  # its `why`
        ("what do you mean?", "bot_challenge", 0.5, "07700 900123"),  # its example
    ],
)
async def test_a_question_about_the_contact_question_is_answered_and_it_comes_back(
    dispatcher, text, intent, confidence, answer
):
    slots = await validate(
        dispatcher,
        "contact_details",
        text,
        intent=intent,
        confidence=confidence,
        slots={"contact_name": FILLED["contact_name"]},
    )
    assert slots == {"contact_details": None, "requested_slot": "contact_details"}
    assert answer in said(dispatcher)


async def test_a_name_that_starts_like_a_question_is_a_name(dispatcher):
    slots = await validate(dispatcher, "contact_name", "Will Price", intent="ask_treatment",
                           confidence=0.6)  # fmt: skip
    assert slots["contact_name"] == "Will Price"


async def test_consent_is_explicit(dispatcher):
    assert (await validate(dispatcher, "handoff_consent", "yes I agree"))["consent_at"]
    refused = await validate(dispatcher, "handoff_consent", "no")
    assert refused["handoff_exit"] == "refused"
    unclear = await validate(dispatcher, "handoff_consent", "what do you store?")
    assert unclear["handoff_consent"] is None


async def test_the_consent_question_recaps_what_will_be_passed_on(dispatcher):
    tracker = tracker_for("handoff_note", "x", slots=FILLED)
    await ASK_ACTIONS["handoff_consent"]().run(dispatcher, tracker, DOMAIN)
    text = dispatcher.messages[0]["text"]
    assert "Priya Shah" in text and "07700 900123" in text and "tuesday mornings" in text
    assert "90 days" in text
    assert [b["title"] for b in dispatcher.messages[0]["buttons"]] == ["Yes, I agree", "No"]


# ---------------------------------------------------------------------------- corrections
SO_FAR = {k: FILLED[k] for k in ("contact_name", "contact_details", "preferred_times")}


async def test_a_correction_changes_an_earlier_answer_and_the_question_comes_back(dispatcher):
    slots = await validate(
        dispatcher, "handoff_note", "no wait the number is wrong its 07700 900132 sorry",
        slots=SO_FAR,
    )  # fmt: skip
    assert slots["contact_details"]["phone"] == "+447700900132"
    assert slots["handoff_note"] is None and slots["requested_slot"] == "handoff_note"
    assert "changed that to 07700 900132" in said(dispatcher)


async def test_a_new_time_at_the_read_back_is_a_correction_not_a_no(dispatcher):
    slots = await validate(
        dispatcher, "handoff_consent", "not evenings, mornings only",
        slots=SO_FAR | {"handoff_note": ""},
    )  # fmt: skip
    assert slots.get("handoff_exit") is None
    assert "mornings only" in slots["preferred_times"]
    assert slots["handoff_consent"] is None and slots["requested_slot"] == "handoff_consent"


async def test_asking_to_change_an_answer_asks_that_question_again(dispatcher):
    slots = await validate(dispatcher, "handoff_note", "can I change my number?", slots=SO_FAR)
    assert slots["contact_details"] is None and slots["requested_slot"] == "contact_details"
    assert "change" in said(dispatcher).lower()


async def test_a_correction_of_a_question_not_yet_answered_is_an_answer(dispatcher):
    slots = await validate(
        dispatcher, "contact_details", "actually it's 07700 900132",
        slots={"contact_name": "Priya Shah"},
    )  # fmt: skip
    assert slots["contact_details"]["phone"] == "+447700900132"
    assert slots["requested_slot"] != "contact_details"


# ---------------------------------------------------------------------------- replies mid-form
@pytest.mark.parametrize("text", ["thanks so much!! x", "Looks good 👍", "great thank you"])
async def test_thanks_or_emoji_at_the_read_back_send_the_request(dispatcher, text):
    slots = await validate(dispatcher, "handoff_consent", text, slots=SO_FAR)
    assert slots["handoff_consent"] == "yes"


async def test_when_will_i_hear_back_is_answered_and_the_question_comes_back(dispatcher):
    slots = await validate(dispatcher, "handoff_consent", "when will I hear back?", slots=SO_FAR)
    assert slots["handoff_consent"] is None and slots.get("handoff_exit") is None
    assert "front desk" in said(dispatcher).lower()
    assert "upper back" not in said(dispatcher).lower()


async def test_bare_thanks_when_asked_for_a_name_opens_no_booking(dispatcher):
    slots = await validate(dispatcher, "contact_name", "thank you very much")
    assert slots["handoff_exit"] == "not_wanted" and slots["requested_slot"] is None


@pytest.mark.parametrize(
    "text", ["ugh never mind, I'll just ring you", "actually scrap that", "I've changed my mind"]
)
async def test_cancel_inside_a_sentence_is_heard(dispatcher, text):
    slots = await validate(dispatcher, "preferred_times", text, slots=SO_FAR)
    assert slots["handoff_exit"] == "cancelled"


async def test_booking_for_someone_else_is_read_back_and_passed_on(dispatcher):
    slots = await validate(dispatcher, "contact_name", "Sarah Collins, it's for my son Jake")
    assert slots["contact_name"] == "Sarah Collins"
    assert slots["handoff_patient"] == "son Jake"
    tracker = tracker_for("handoff_note", "x", slots=FILLED | {"handoff_patient": "son Jake"})
    await ASK_ACTIONS["handoff_consent"]().run(dispatcher, tracker, DOMAIN)
    assert "for your son Jake" in dispatcher.messages[-1]["text"]


# ---------------------------------------------------------------------------- submitting
async def test_a_booking_reaches_the_store_with_all_the_front_desk_needs(dispatcher):
    screening = {
        "triage_outcome": "consistent_with_cervicogenic",
        "screening_summary": "Neck screening (rules x): consistent_with_cervicogenic",
        "screening_criteria": {"fitted": ["Pain on one side"], "not_fitted": []},
    }
    history = [{"event": "bot", "text": "What is your name?", "timestamp": 1764149990.0}]
    tracker = tracker_for(
        None, "yes", slots=FILLED | screening, sender="booking-1", history=history
    )
    events = await ActionSubmitHandoff().run(dispatcher, tracker, DOMAIN)
    [record] = stored("booking-1")
    assert record.kind == "booking" and record.status == "new"
    assert record.contact.name == "Priya Shah" and record.contact.phone == "+447700900123"
    assert record.preferred_times == "tuesday mornings" and record.note == "my right shoulder too"
    assert record.consent_at is not None
    assert record.triage_outcome == "consistent_with_cervicogenic"
    assert record.summary.startswith("Neck screening")
    assert record.criteria["fitted"] == ["Pain on one side"]
    assert [line["who"] for line in record.transcript] == ["bot", "user"]
    assert "contact you by phone" in said(dispatcher)
    assert SlotSet("contact_name", None) in events  # nothing left behind for the next form


async def test_a_request_for_a_person_hands_the_conversation_to_staff(dispatcher):
    tracker = tracker_for(None, "yes", slots=FILLED | {"handoff_kind": "human"}, sender="human-1")
    events = await ActionSubmitHandoff().run(dispatcher, tracker, DOMAIN)
    [record] = stored("human-1")
    assert record.kind == "human"
    assert FollowupAction("human_handoff_form") in events
    assert "stay quiet in this chat until they hand it back" in said(dispatcher)


async def test_with_the_store_down_the_person_gets_the_phone_number_and_nothing_is_lost(
    dispatcher, tmp_path
):
    down = HandoffStore("postgresql://nobody@127.0.0.1:1/none", outbox_dir=tmp_path / "outbox")
    with (
        mock.patch.object(records, "store", return_value=down),
        mock.patch.object(handoff_actions, "booking_system", return_value=FrontDeskQueue(down)),
    ):
        await ActionSubmitHandoff().run(
            dispatcher, tracker_for(None, "yes", slots=FILLED, sender="outage-1"), DOMAIN
        )
    assert "020 7946 0000" in said(dispatcher) and "kept" in said(dispatcher)
    assert down.pending() == 1
    assert "Priya" not in said(dispatcher).split("kept")[0]  # no echo of details in the apology


@pytest.mark.parametrize("exit_reason", ["cancelled", "refused"])
async def test_nothing_is_saved_without_consent_or_after_cancel(dispatcher, exit_reason):
    sender = f"nothing-{exit_reason}"
    slots = FILLED | {"handoff_exit": exit_reason, "handoff_consent": None}
    await ActionSubmitHandoff().run(dispatcher, tracker_for(None, "no", slots=slots,
                                                            sender=sender), DOMAIN)  # fmt: skip
    assert stored(sender) == []
    assert "020 7946 0000" in said(dispatcher)


# ---------------------------------------------------------------------------- the silence
async def test_while_staff_have_the_conversation_the_assistant_says_nothing(dispatcher):
    tracker = tracker_for(
        "human_handoff", "hello? is anyone there", loop="human_handoff_form", sender="quiet-1"
    )
    events = await ValidateHumanHandoffForm().run(dispatcher, tracker, DOMAIN)
    assert dispatcher.messages == []
    assert {e["name"]: e["value"] for e in events}["human_handoff"] is None


async def test_a_red_flag_while_waiting_for_staff_still_gets_the_advice(dispatcher):
    tracker = tracker_for(
        "human_handoff",
        "my face has gone droopy on one side and my speech is slurred",
        loop="human_handoff_form",
        sender="quiet-2",
    )
    events = await ValidateHumanHandoffForm().run(dispatcher, tracker, DOMAIN)
    assert "999" in said(dispatcher)
    assert SlotSet("triage_outcome", "red_flag_emergency") in events
    assert stored("quiet-2")[0].triage_outcome == "red_flag_emergency"


async def test_a_new_session_keeps_the_silence(dispatcher):
    tracker = tracker_for("human_handoff", "hi", loop="human_handoff_form")
    events = await ActionSessionStart().run(dispatcher, tracker, DOMAIN)
    assert dispatcher.messages == []  # no disclaimer talking over staff
    assert ActiveLoop("human_handoff_form") in events


# ---------------------------------------------------------------------------- with Cliniko
@pytest.fixture
def cliniko():
    """The form with Cliniko configured, against the project's fake Cliniko on loopback."""
    from datetime import date, datetime, timedelta
    from zoneinfo import ZoneInfo

    from handoff_delivery.booking import booking_system_from_env
    from tests.fakes.cliniko import FakeCliniko

    zone = ZoneInfo("Europe/London")
    monday = date.today() + timedelta(days=7 - date.today().weekday())  # next week's Monday
    free = [
        datetime.combine(monday + timedelta(days=d), datetime.min.time(), zone).replace(hour=h)
        for d in range(5)
        for h in (9, 14)
    ]
    with FakeCliniko(free_times=free, zone="Europe/London") as fake:
        env = {
            "CLINIKO_API_KEY": fake.api_key,
            "CLINIKO_BUSINESS_ID": fake.business_id,
            "CLINIKO_PRACTITIONER_ID": fake.practitioner_id,
            "CLINIKO_APPOINTMENT_TYPE_ID": fake.appointment_type_id,
            "CLINIKO_BASE_URL": fake.url,
            "CLINIKO_MAX_RETRY_WAIT": "0.01",
        }
        system = booking_system_from_env(records.store(), env=env)
        with mock.patch.object(handoff_actions, "booking_system", return_value=system):
            yield fake


async def test_with_cliniko_real_free_times_are_offered_and_one_is_booked(dispatcher, cliniko):
    slots = await validate(dispatcher, "preferred_times", "tuesday mornings please",
                           slots={k: FILLED[k] for k in ("contact_name", "contact_details")})  # fmt: skip
    offered = slots["offered_times"]
    assert offered and all(o["label"].startswith("Tue") for o in offered)
    assert all(o["label"].endswith("09:00") for o in offered)

    asked = FILLED | {"offered_times": offered, "preferred_times": "tuesday mornings please"}
    tracker = tracker_for("preferred_times", "tuesday mornings please", slots=asked)
    await ASK_ACTIONS["appointment_choice"]().run(dispatcher, tracker, DOMAIN)
    titles = [b["title"] for b in dispatcher.messages[-1]["buttons"]]
    assert titles[: len(offered)] == [o["label"] for o in offered]
    assert titles[-1] == "None of these, please call me"

    chosen = await validate(dispatcher, "appointment_choice", offered[0]["label"], slots=asked)
    assert chosen["appointment_choice"] == offered[0]["start"]
    done = asked | {"appointment_choice": chosen["appointment_choice"]}
    await ActionSubmitHandoff().run(
        dispatcher, tracker_for(None, "yes", slots=done, sender="cliniko-1"), DOMAIN
    )
    assert "You're booked in for Tuesday" in said(dispatcher)
    [appointment] = cliniko.appointments
    [record] = stored("cliniko-1")
    assert record.booking["system"] == "cliniko"
    assert record.booking["appointment_id"] == str(appointment["id"])


async def test_when_cliniko_fails_the_request_goes_to_the_front_desk(dispatcher, cliniko):
    from datetime import datetime, timedelta, timezone

    cliniko.fail_always(500)
    start = (datetime.now(timezone.utc) + timedelta(days=3)).replace(microsecond=0)
    done = FILLED | {
        "offered_times": [{"label": "Thu 3 Dec, 09:00", "start": start.isoformat()}],
        "appointment_choice": start.isoformat(),
    }
    await ActionSubmitHandoff().run(
        dispatcher, tracker_for(None, "yes", slots=done, sender="cliniko-2"), DOMAIN
    )
    assert "couldn't book that time online" in said(dispatcher)
    assert "sent your request to the front desk" in said(dispatcher)
    [record] = stored("cliniko-2")
    assert record.booking is None and record.contact.name == "Priya Shah"


# ---------------------------------------------------------------------------- hinted red flags
async def test_a_hinted_red_flag_in_an_answer_gets_one_clarifying_question(dispatcher):
    slots = await validate(
        dispatcher,
        "handoff_note",
        "it started quite suddenly",
        slots={k: FILLED[k] for k in ("contact_name", "contact_details", "preferred_times")},
    )
    assert slots["red_flag_pending"] == "thunderclap_onset"
    assert slots["handoff_note"] == "it started quite suddenly"
    assert slots["requested_slot"] == "red_flag_clarify"


@pytest.mark.parametrize(
    ("answer", "outcome", "said_text"),
    [("yes it did", "red_flag_emergency", "999"), ("no", None, ""), ("not sure", None, "NHS 111")],
)
async def test_the_clarifying_answer_decides(dispatcher, answer, outcome, said_text):
    pending = {"red_flag_pending": "thunderclap_onset"}
    slots = await validate(dispatcher, "red_flag_clarify", answer, slots=FILLED | pending,
                           sender=f"clarify-{answer}")  # fmt: skip
    assert slots.get("triage_outcome") == outcome
    assert said_text in said(dispatcher)
    if outcome:
        assert slots["handoff_exit"] == "red_flag"
    else:
        assert slots["red_flag_pending"] is None
        assert "thunderclap_onset" in slots["screening_ruled_out"]
        assert slots["requested_slot"] is None or slots["requested_slot"] != "red_flag_clarify"


# ----------------------------------------------------------- several details in one message
async def test_a_name_answer_that_carries_the_number_and_times_fills_all_three(dispatcher):
    slots = await validate(dispatcher, "contact_name", "Linda Park, 07700 900123, evenings")
    assert slots["contact_name"] == "Linda Park"
    assert slots["contact_details"] == {"phone": "+447700900123", "email": None}
    assert slots["preferred_times"] == "evenings"
    assert slots["requested_slot"] not in ("contact_details", "preferred_times")


async def test_a_number_answer_that_carries_times_keeps_them_apart(dispatcher):
    slots = await validate(
        dispatcher, "contact_details", "07700 900123, any weekday after 5",
        slots={"contact_name": "Linda Park"},
    )  # fmt: skip
    assert slots["contact_details"]["phone"] == "+447700900123"
    assert slots["preferred_times"] == "any weekday after 5"


async def test_a_detail_already_given_is_not_replaced_without_a_correction(dispatcher):
    slots = await validate(
        dispatcher, "contact_details", "07700 900123 or evenings",
        slots={"contact_name": "Linda Park", "preferred_times": "mornings"},
    )  # fmt: skip
    assert "preferred_times" not in slots


async def test_the_request_that_starts_the_form_keeps_its_details(dispatcher):
    tracker = tracker_for(
        None,
        "can i book an appointment, my name is Jo Smith and my number is 07700 900123",
        intent="book_appointment",
        confidence=0.9,
    )
    events = await ValidateHandoffForm().run(dispatcher, tracker, DOMAIN)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["contact_name"] == "Jo Smith"
    assert slots["contact_details"]["phone"] == "+447700900123"
    assert slots["requested_slot"] == "preferred_times"


async def test_the_request_that_starts_the_form_is_not_read_as_a_name(dispatcher):
    tracker = tracker_for(
        None, "I'd like to book, I'm worried about my neck", intent="book_appointment",
        confidence=0.9,
    )  # fmt: skip
    events = await ValidateHandoffForm().run(dispatcher, tracker, DOMAIN)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots.get("contact_name") is None
    assert slots["requested_slot"] == "contact_name"


@pytest.mark.parametrize("text", ["No that's wrong", "that's not right", "no, there's a mistake"])
async def test_wrong_at_the_read_back_asks_what_to_change_and_keeps_the_request(dispatcher, text):
    filled = {k: v for k, v in FILLED.items() if k not in ("handoff_consent", "consent_at")}
    slots = await validate(dispatcher, "handoff_consent", text, slots=filled)
    assert slots.get("handoff_exit") is None and slots["handoff_consent"] is None
    assert stored("patient-1") == []
    tracker = tracker_for("handoff_consent", text, slots=filled | slots)
    events = await ASK_ACTIONS["handoff_consent"]().run(dispatcher, tracker, DOMAIN)
    assert "What should I change?" in said(dispatcher)
    assert "Here is what I will pass on" not in said(dispatcher)  # asked once, not both
    assert events == [SlotSet("handoff_changing", None)]


async def test_a_change_button_after_wrong_asks_that_question_again(dispatcher):
    filled = {k: v for k, v in FILLED.items() if k not in ("handoff_consent", "consent_at")}
    slots = await validate(dispatcher, "handoff_consent", "change my phone number", slots=filled)
    assert slots["contact_details"] is None
    assert slots["requested_slot"] == "contact_details"


@pytest.mark.parametrize("text", ["yes correct", "no note", "alright then", "go ahead", "bye"])
async def test_a_stray_reply_to_the_name_question_is_not_a_name(dispatcher, text):
    slots = await validate(dispatcher, "contact_name", text)
    assert slots.get("contact_name") is None


async def test_a_new_email_at_the_note_question_changes_the_email_not_the_note(dispatcher):
    filled = {k: FILLED[k] for k in ("contact_name", "contact_details", "preferred_times")}
    slots = await validate(
        dispatcher, "handoff_note", "my email is priya.s@example.com", slots=filled
    )
    assert slots["contact_details"] == {"phone": "+447700900123", "email": "priya.s@example.com"}
    assert slots.get("handoff_note") is None  # the note question comes back
    assert "added priya.s@example.com" in said(dispatcher)


async def test_a_new_number_replaces_the_old_number(dispatcher):
    filled = {k: FILLED[k] for k in ("contact_name", "contact_details", "preferred_times")}
    slots = await validate(dispatcher, "handoff_note", "no wait, it's 07700 900456", slots=filled)
    assert slots["contact_details"] == {"phone": "+447700900456", "email": None}
    assert "changed that to" in said(dispatcher)


async def test_a_uk_landline_is_taken(dispatcher):
    slots = await validate(
        dispatcher, "contact_details", "my landline is 01632 960 123",
        slots={"contact_name": "Priya Shah"},
    )  # fmt: skip
    assert slots["contact_details"]["phone"] == "+441632960123"


async def test_a_question_without_a_question_mark_is_answered_when_it_is_no_name(dispatcher):
    slots = await validate(
        dispatcher, "contact_name", "how much is it", intent="ask_clinic_info", confidence=0.9
    )
    assert slots["contact_name"] is None
    assert "Wrenfield Road" in said(dispatcher) and "back to your details" in said(dispatcher)


async def test_bringing_someone_mid_form_is_answered_and_the_form_goes_on(dispatcher):
    slots = await validate(
        dispatcher, "preferred_times", "can my mum come in with me?",
        slots={"contact_name": "Priya Shah", "contact_details": FILLED["contact_details"]},
    )  # fmt: skip
    assert slots.get("handoff_exit") is None and slots["preferred_times"] is None
    assert "back to your details" in said(dispatcher)


async def test_wrong_at_another_question_asks_what_to_change_not_a_note(dispatcher):
    filled = {k: FILLED[k] for k in ("contact_name", "contact_details", "preferred_times")}
    slots = await validate(dispatcher, "handoff_note", "no thats wrong", slots=filled)
    assert slots["handoff_note"] is None and slots["handoff_changing"] is True
    tracker = tracker_for("handoff_note", "no thats wrong", slots=filled | slots)
    await ASK_ACTIONS["handoff_note"]().run(dispatcher, tracker, DOMAIN)
    assert "What should I change?" in said(dispatcher)


@pytest.mark.parametrize("text", ["perfect, send it", "yep", "ok 👍"])
async def test_a_go_ahead_at_the_note_question_is_no_note(dispatcher, text):
    filled = {k: FILLED[k] for k in ("contact_name", "contact_details", "preferred_times")}
    slots = await validate(dispatcher, "handoff_note", text, slots=filled)
    assert slots["handoff_note"] == "" and slots["requested_slot"] == "handoff_consent"


# ------------------------------------------------------------ the details as a reply to the offer
def _after_the_offer(text: str, intent: str) -> Tracker:
    from headache_core.messages import render

    offer = {"event": "bot", "text": render("offer_booking").text}
    return tracker_for(None, text, intent=intent, confidence=0.8, history=[offer])


async def test_the_details_in_reply_to_the_offer_start_the_form_and_are_kept(dispatcher):
    from actions.fallback import ActionHandleUnclear

    tracker = _after_the_offer("Linda Park, 07700 900123", "out_of_scope")
    assert await ActionHandleUnclear().run(dispatcher, tracker, DOMAIN) == [
        FollowupAction("handoff_form")
    ]
    events = await ValidateHandoffForm().run(dispatcher, tracker, DOMAIN)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["handoff_kind"] == "booking" and slots["contact_name"] == "Linda Park"
    assert slots["contact_details"]["phone"] == "+447700900123"
    assert slots["requested_slot"] == "preferred_times"


async def test_an_off_topic_reply_to_the_offer_is_still_out_of_scope(dispatcher):
    from actions.fallback import ActionHandleUnclear

    tracker = _after_the_offer("what's the weather tomorrow", "out_of_scope")
    assert await ActionHandleUnclear().run(dispatcher, tracker, DOMAIN) == []
    assert dispatcher.messages[0]["response"] == "utter_out_of_scope"


async def test_a_hinted_symptom_at_the_read_back_is_asked_about_not_read_as_a_refusal(dispatcher):
    filled = {k: v for k, v in FILLED.items() if k not in ("handoff_consent", "consent_at")}
    slots = await validate(
        dispatcher, "handoff_consent", "the last one came on really suddenly, not like my usual ones",
        slots=filled,
    )  # fmt: skip
    assert slots.get("handoff_exit") is None and slots["handoff_consent"] is None
    assert slots["red_flag_pending"] and slots["requested_slot"] == "red_flag_clarify"
