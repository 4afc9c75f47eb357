"""Every custom action, run with rasa_sdk's Tracker and CollectingDispatcher."""

from datetime import datetime

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.clinic_info import ActionAnswerClinicInfo
from actions.education import ActionAnswerQuestion
from actions.fallback import ActionHandleUnclear
from actions.red_flags import ActionEscalateRedFlag
from actions.session import ActionSessionStart
from actions.small_talk import ActionAcknowledgeSmallTalk
from headache_core.content import topic_by_id
from tests.conftest import ROOT, make_tracker
from tests.conftest import said as texts

DOMAIN: dict = {}


async def test_session_start_sends_disclaimer_with_emergency_number(dispatcher):
    events = await ActionSessionStart().run(dispatcher, make_tracker(), DOMAIN)
    assert events[0] == SessionStarted()
    assert "999" in texts(dispatcher) and "can't tell you what is wrong" in texts(dispatcher)


async def test_session_start_keeps_a_red_flag_outcome(dispatcher):
    tracker = make_tracker(slots={"triage_outcome": "red_flag_emergency", "red_flags": None})
    events = await ActionSessionStart().run(dispatcher, tracker, DOMAIN)
    assert SlotSet("triage_outcome", "red_flag_emergency") in events
    assert SlotSet("red_flags", None) not in events


async def test_answer_uses_the_narrow_topic_when_an_entity_names_it(dispatcher):
    entities = [{"entity": "body_part", "value": "suboccipital"}]
    tracker = make_tracker("ask_neck_anatomy", entities)
    await ActionAnswerQuestion().run(dispatcher, tracker, DOMAIN)
    [message] = dispatcher.messages
    assert "sub-occipital" in message["text"].lower()
    assert 2 <= len(message["buttons"]) <= 4


async def test_general_answer_without_entities(dispatcher):
    await ActionAnswerQuestion().run(dispatcher, make_tracker("ask_thoracic_spine"), DOMAIN)
    assert "upper back" in texts(dispatcher).lower()


async def test_when_to_see_doctor_names_the_clinic_region_number(dispatcher):
    await ActionAnswerQuestion().run(dispatcher, make_tracker("ask_when_to_see_doctor"), DOMAIN)
    assert "999" in texts(dispatcher) and "{" not in texts(dispatcher)


async def test_an_answer_remembers_its_topic(dispatcher):
    tracker = make_tracker("ask_headache_causes", text="why do i get headaches")
    events = await ActionAnswerQuestion().run(dispatcher, tracker, DOMAIN)
    assert events == [SlotSet("last_topic", "headache_causes_general")]
    assert "many causes" in texts(dispatcher)


async def test_the_same_answer_asked_again_in_words_is_not_sent_twice(dispatcher):
    """'what about dehydration?' after the causes answer: nothing narrower, so a pointer back."""
    slots = {"last_topic": "headache_causes_general"}
    tracker = make_tracker("ask_headache_causes", text="what about dehydration", slots=slots)
    events = await ActionAnswerQuestion().run(dispatcher, tracker, DOMAIN)
    [message] = dispatcher.messages
    assert "many causes" not in message["text"] and "answer above" in message["text"]
    assert "/start_screening" in [b["payload"] for b in message["buttons"]]  # the topic's own
    assert events == []


async def test_a_button_or_another_topic_gets_the_answer(dispatcher):
    slots = {"last_topic": "headache_causes_general"}
    button = make_tracker("ask_headache_causes", text="/ask_headache_causes", slots=slots)
    await ActionAnswerQuestion().run(dispatcher, button, DOMAIN)
    assert "many causes" in texts(dispatcher)
    narrower = make_tracker(
        "ask_posture", [{"entity": "posture", "value": "phone"}], "and my phone?", slots
    )
    events = await ActionAnswerQuestion().run(dispatcher, narrower, DOMAIN)
    assert events == [SlotSet("last_topic", "posture_phone")]


async def test_a_new_session_does_not_carry_the_last_answer(dispatcher):
    tracker = make_tracker(slots={"last_topic": "posture_general", "triage_outcome": None})
    events = await ActionSessionStart().run(dispatcher, tracker, DOMAIN)
    assert not [e for e in events if e.get("name") == "last_topic"]


async def test_answer_for_an_intent_without_content_is_the_fallback(dispatcher):
    await ActionAnswerQuestion().run(dispatcher, make_tracker("greet"), DOMAIN)
    assert "not sure I understood" in texts(dispatcher)


@pytest.mark.parametrize(
    ("topic", "expected"),
    [
        ("prices", "£65"),
        ("parking", "parking"),
        ("hours", "Monday-Thursday"),
        ("address", "12 Wrenfield Road"),
        ("referral", "referral from your GP"),
        ("first_visit", "comfy clothes"),
    ],
)
async def test_clinic_info_answers_what_was_asked(dispatcher, topic, expected):
    tracker = make_tracker("ask_clinic_info", [{"entity": "clinic_topic", "value": topic}])
    await ActionAnswerClinicInfo().run(dispatcher, tracker, DOMAIN)
    assert expected in texts(dispatcher)
    assert "examples" in dispatcher.messages[-1]["text"]  # the example-details note
    assert "placeholder" not in texts(dispatcher).lower()


@pytest.mark.parametrize(
    ("field", "said"),
    [("referral", "and we will tell you if you need a referral"),
     ("first_visit", "and we will tell you what to wear and bring to your first visit")],
)  # fmt: skip
async def test_a_clinic_that_does_not_say_asks_people_to_call(
    dispatcher, monkeypatch, tmp_path, field, said
):
    details = yaml.safe_load((ROOT / "clinic.yml").read_text(encoding="utf-8"))
    del details[field]
    (tmp_path / "clinic.yml").write_text(yaml.safe_dump(details), encoding="utf-8")
    monkeypatch.setenv("CLINIC_CONFIG", str(tmp_path / "clinic.yml"))
    tracker = make_tracker("ask_clinic_info", [{"entity": "clinic_topic", "value": field}])
    await ActionAnswerClinicInfo().run(dispatcher, tracker, DOMAIN)
    assert f"call us on 020 7946 0000 {said}" in texts(dispatcher)


async def test_clinic_info_without_a_topic_gives_an_overview(dispatcher):
    await ActionAnswerClinicInfo().run(dispatcher, make_tracker("ask_clinic_info"), DOMAIN)
    assert "020 7946 0000" in texts(dispatcher) and dispatcher.messages[0]["buttons"]


@pytest.mark.parametrize(
    ("problem", "expected"),
    [
        ("empty", "didn't get a message"),
        ("no_words", "emoji"),
        ("not_english", "only chat in English"),
    ],
)
async def test_unclear_input_gets_a_reply_that_says_why(dispatcher, problem, expected):
    tracker = make_tracker("nlu_fallback", [{"entity": "input_problem", "value": problem}])
    await ActionHandleUnclear().run(dispatcher, tracker, DOMAIN)
    assert expected in texts(dispatcher)
    assert dispatcher.messages[0]["buttons"]


async def test_unclear_without_a_named_problem(dispatcher):
    await ActionHandleUnclear().run(dispatcher, make_tracker("nlu_fallback"), DOMAIN)
    assert "not sure I understood" in texts(dispatcher)


async def test_what_do_you_mean_after_an_answer_offers_the_parts_of_that_answer(dispatcher):
    tracker = make_tracker(
        "nlu_fallback",
        [{"entity": "input_problem", "value": "asked_what_we_meant"}],
        text="what do you mean?",
        slots={"last_topic": "neck_anatomy_general"},
    )
    await ActionHandleUnclear().run(dispatcher, tracker, DOMAIN)
    assert "Which part" in texts(dispatcher)
    offered = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert offered == [b.payload for b in topic_by_id("neck_anatomy_general").buttons]


async def test_what_do_you_mean_with_no_answer_before_is_unclear(dispatcher):
    tracker = make_tracker(
        "nlu_fallback", [{"entity": "input_problem", "value": "asked_what_we_meant"}]
    )
    await ActionHandleUnclear().run(dispatcher, tracker, DOMAIN)
    assert "not sure I understood" in texts(dispatcher)


def flag_entities(*flags: str, level: str) -> list[dict]:
    return [{"entity": "red_flag", "value": f} for f in flags] + [
        {"entity": "red_flag_level", "value": level}
    ]


async def test_urgent_flag_routes_to_a_doctor_today(dispatcher):
    tracker = make_tracker(
        "report_emergency_symptoms", flag_entities("new_headache_over_50", level="urgent")
    )
    events = await ActionEscalateRedFlag().run(dispatcher, tracker, DOMAIN)
    assert SlotSet("triage_outcome", "red_flag_urgent") in events
    assert SlotSet("red_flags", ["new_headache_over_50"]) in events
    reply = texts(dispatcher)
    assert "NHS 111" in reply and "today" in reply and "999" in reply  # and call 999 if worse
    assert "after 50" in reply


async def test_emergency_flag_gives_the_number_now_and_the_reason(dispatcher):
    tracker = make_tracker(
        "report_emergency_symptoms", flag_entities("fever_neck_stiffness", level="emergency")
    )
    events = await ActionEscalateRedFlag().run(dispatcher, tracker, DOMAIN)
    assert SlotSet("triage_outcome", "red_flag_emergency") in events
    assert "call 999 now" in texts(dispatcher) and "meningitis" in texts(dispatcher)


async def test_urgent_advice_ends_with_a_question_about_its_emergency_twin(dispatcher):
    tracker = make_tracker(
        "report_emergency_symptoms", flag_entities("giant_cell_arteritis", level="urgent")
    )
    events = await ActionEscalateRedFlag().run(dispatcher, tracker, DOMAIN)
    assert SlotSet("triage_outcome", "red_flag_urgent") in events
    assert SlotSet("red_flag_pending", "giant_cell_arteritis_visual") in events
    reply = dispatcher.messages[-1]["text"]
    assert "changes how fast" in reply and "eyesight" in reply


async def test_no_twin_question_when_its_flag_was_advised_already(dispatcher):
    tracker = make_tracker(
        "report_emergency_symptoms",
        flag_entities("pregnancy_postpartum", level="urgent"),
        slots={"triage_outcome": "red_flag_urgent", "red_flags": ["pregnancy_postpartum"]},
    )
    events = await ActionEscalateRedFlag().run(dispatcher, tracker, DOMAIN)
    assert SlotSet("red_flag_pending", "pre_eclampsia") not in events


ADVISED_GCA = {
    "triage_outcome": "red_flag_urgent",
    "red_flags": ["giant_cell_arteritis"],
    "red_flag_pending": "giant_cell_arteritis_visual",
}


@pytest.mark.parametrize("text", ["yes", "yeah, a bit"])
async def test_a_yes_to_the_twin_question_is_the_emergency(dispatcher, text):
    tracker = make_tracker("affirm", text=text, slots=ADVISED_GCA)
    events = await ActionEscalateRedFlag().run(dispatcher, tracker, DOMAIN)
    assert SlotSet("triage_outcome", "red_flag_emergency") in events
    assert SlotSet("red_flag_pending", None) in events
    assert "999 now" in texts(dispatcher)


async def test_a_no_to_the_twin_question_keeps_the_urgent_advice(dispatcher):
    tracker = make_tracker("deny", text="no, my eyes are fine", slots=ADVISED_GCA)
    events = await ActionEscalateRedFlag().run(dispatcher, tracker, DOMAIN)
    assert events == [SlotSet("red_flag_pending", None)]
    reply = texts(dispatcher)
    assert "doctor today" in reply and "111" in reply


async def test_another_reply_to_the_twin_question_keeps_the_advice_not_an_alarm(dispatcher):
    tracker = make_tracker("ask_clinic_info", text="ok, what is 111?", slots=ADVISED_GCA)
    events = await ActionEscalateRedFlag().run(dispatcher, tracker, DOMAIN)
    assert SlotSet("triage_outcome", "red_flag_emergency") not in events
    assert SlotSet("red_flag_pending", None) in events
    assert "111" in texts(dispatcher)


async def test_the_highest_level_seen_stays(dispatcher):
    tracker = make_tracker(
        "report_emergency_symptoms",
        flag_entities("valsalva_triggered", level="urgent"),
        slots={"triage_outcome": "red_flag_emergency", "red_flags": ["thunderclap_onset"]},
    )
    events = await ActionEscalateRedFlag().run(dispatcher, tracker, DOMAIN)
    assert SlotSet("triage_outcome", "red_flag_emergency") in events
    assert SlotSet("red_flags", ["thunderclap_onset", "valsalva_triggered"]) in events
    assert "999 now" in texts(dispatcher)


async def test_a_hint_gets_one_clarifying_question(dispatcher):
    tracker = make_tracker(
        "report_emergency_symptoms", [{"entity": "red_flag_hint", "value": "thunderclap_onset"}]
    )
    events = await ActionEscalateRedFlag().run(dispatcher, tracker, DOMAIN)
    assert events == [SlotSet("red_flag_pending", "thunderclap_onset")]
    assert "within about a minute" in texts(dispatcher)


def _hint_on_a_question(events=None):
    """ "is neck manipulation safe?" as the red-flag marker leaves it: a hint, and the
    classifier's reading kept below the emergency intent."""
    tracker = make_tracker(
        "report_emergency_symptoms",
        [{"entity": "red_flag_hint", "value": "cervical_artery_dissection"}],
        events=events,
    )
    tracker.latest_message["intent_ranking"] = [
        {"name": "report_emergency_symptoms", "confidence": 1.0},
        {"name": "ask_treatment", "confidence": 0.93},
        {"name": "ask_cervicogenic_headache", "confidence": 0.04},
    ]
    return tracker


async def test_a_question_with_a_hint_is_answered_before_the_clarifying_question(dispatcher):
    events = await ActionEscalateRedFlag().run(dispatcher, _hint_on_a_question(), DOMAIN)
    assert events == [SlotSet("red_flag_pending", "cervical_artery_dissection")]
    answer, question = dispatcher.messages
    assert "physio" in answer["text"].lower() and not answer.get("buttons")
    assert "neck was cracked or manipulated" in question["text"]


async def test_an_unsure_reading_under_a_hint_gets_only_the_question(dispatcher):
    tracker = _hint_on_a_question()
    tracker.latest_message["intent_ranking"][1]["confidence"] = 0.3
    await ActionEscalateRedFlag().run(dispatcher, tracker, DOMAIN)
    assert len(dispatcher.messages) == 1 and "neck was cracked or manipulated" in texts(dispatcher)


def _asked_and_denied(flag_id: str) -> list[dict]:
    return [
        {"event": "slot", "name": "red_flag_pending", "value": flag_id},
        {"event": "user", "text": "no", "parse_data": {"intent": {"name": "deny"}}},
        {"event": "slot", "name": "red_flag_pending", "value": None},
    ]


async def test_a_no_is_remembered_and_the_question_is_not_asked_again(dispatcher):
    """Asked again after "no", the same question came back: the person could not get an answer."""
    tracker = _hint_on_a_question(events=_asked_and_denied("cervical_artery_dissection"))
    events = await ActionEscalateRedFlag().run(dispatcher, tracker, DOMAIN)
    assert events == [] and len(dispatcher.messages) == 1
    assert "neck was cracked or manipulated" not in texts(dispatcher)


async def test_a_no_to_another_flag_does_not_silence_this_one(dispatcher):
    tracker = _hint_on_a_question(events=_asked_and_denied("thunderclap_onset"))
    events = await ActionEscalateRedFlag().run(dispatcher, tracker, DOMAIN)
    assert events == [SlotSet("red_flag_pending", "cervical_artery_dissection")]


async def test_a_later_no_to_something_else_is_not_a_no_to_the_flag(dispatcher):
    events = [
        {"event": "slot", "name": "red_flag_pending", "value": "cervical_artery_dissection"},
        {"event": "user", "text": "what is cervicogenic", "parse_data": {"intent": {"name": "ask_cervicogenic_headache"}}},
        {"event": "user", "text": "no", "parse_data": {"intent": {"name": "deny"}}},
    ]  # fmt: skip
    result = await ActionEscalateRedFlag().run(dispatcher, _hint_on_a_question(events), DOMAIN)
    assert result == [SlotSet("red_flag_pending", "cervical_artery_dissection")]


async def test_yes_to_the_clarifying_question_escalates(dispatcher):
    tracker = make_tracker("affirm", slots={"red_flag_pending": "thunderclap_onset"})
    events = await ActionEscalateRedFlag().run(dispatcher, tracker, DOMAIN)
    assert SlotSet("triage_outcome", "red_flag_emergency") in events
    assert SlotSet("red_flag_pending", None) in events


async def test_no_to_the_clarifying_question_goes_on(dispatcher):
    tracker = make_tracker("deny", slots={"red_flag_pending": "thunderclap_onset"})
    events = await ActionEscalateRedFlag().run(dispatcher, tracker, DOMAIN)
    assert events == [SlotSet("red_flag_pending", None)]
    assert "999" in texts(dispatcher)
    # ways to go on: the question the hint came in may not have been answered
    payloads = [b["payload"] for b in dispatcher.messages[-1]["buttons"]]
    assert "/start_screening" in payloads and "/book_appointment" in payloads


async def test_no_to_a_clarifying_question_after_red_flag_advice_offers_no_check_or_booking(
    dispatcher,
):
    tracker = make_tracker(
        "deny",
        slots={"red_flag_pending": "thunderclap_onset", "triage_outcome": "red_flag_urgent"},
    )
    await ActionEscalateRedFlag().run(dispatcher, tracker, DOMAIN)
    payloads = [b["payload"] for b in dispatcher.messages[-1]["buttons"] or []]
    assert "/start_screening" not in payloads and "/book_appointment" not in payloads


@pytest.mark.parametrize("pending", ["thunderclap_onset", "unnamed"])
async def test_an_unclear_reply_to_a_clarifying_question_gets_the_question_again(
    dispatcher, pending
):
    # "huh?" was read as a yes here, which escalated
    tracker = make_tracker(
        "nlu_fallback",
        [{"entity": "input_problem", "value": "asked_what_we_meant"}],
        text="huh?",
        slots={"red_flag_pending": pending},
    )
    events = await ActionEscalateRedFlag().run(dispatcher, tracker, DOMAIN)
    assert events == []  # still pending, nothing escalated
    said = texts(dispatcher)
    assert "answer yes or no" in said and "call 999" not in said.lower()
    assert ("Do you have any of these now?" in said) is (pending == "unnamed")


async def test_an_unclear_message_after_red_flag_advice_keeps_the_advice(dispatcher):
    tracker = make_tracker("nlu_fallback", slots={"triage_outcome": "red_flag_urgent"})
    assert await ActionEscalateRedFlag().run(dispatcher, tracker, DOMAIN) == []
    said = texts(dispatcher)
    assert "not sure I understood" not in said
    assert "see a doctor today" in said and "111" in said


async def test_education_after_a_red_flag_offers_no_screening_or_booking(dispatcher):
    tracker = make_tracker("ask_posture", slots={"triage_outcome": "red_flag_emergency"})
    await ActionAnswerQuestion().run(dispatcher, tracker, DOMAIN)
    payloads = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert payloads and "/start_screening" not in payloads and "/book_appointment" not in payloads


async def test_red_flag_escalation_is_emergency_advice_only(dispatcher):
    tracker = make_tracker(
        "report_emergency_symptoms", flag_entities("neurological_deficit", level="emergency")
    )
    events = await ActionEscalateRedFlag().run(dispatcher, tracker, DOMAIN)
    assert SlotSet("triage_outcome", "red_flag_emergency") in events
    reply = texts(dispatcher)
    assert "999" in reply and "now" in reply
    assert not dispatcher.messages[0].get("buttons")
    for word in ("exercise", "book", "appointment", "don't worry"):
        assert word not in reply.lower()


async def test_classifier_alone_asks_the_safety_question_and_yes_escalates(dispatcher):
    events = await ActionEscalateRedFlag().run(
        dispatcher, make_tracker("report_emergency_symptoms"), DOMAIN
    )
    assert events == [SlotSet("red_flag_pending", "unnamed")]
    assert "Slurred speech" in texts(dispatcher) and len(dispatcher.messages[0]["buttons"]) == 2
    yes = CollectingDispatcher()
    events = await ActionEscalateRedFlag().run(
        yes, make_tracker("affirm", slots={"red_flag_pending": "unnamed"}), DOMAIN
    )
    assert SlotSet("triage_outcome", "red_flag_emergency") in events
    assert "999" in texts(yes)


def _after_the_checklist(question: str, ranking: list[tuple[str, float]], entities=()) -> Tracker:
    """'No, none of those' to the checklist that `question` (read as an emergency) raised."""
    parse = {
        "intent": {"name": ranking[0][0], "confidence": ranking[0][1]},
        "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
        "entities": [{"entity": e, "value": v} for e, v in entities],
    }
    events = [
        {"event": "user", "text": question, "parse_data": parse},
        {"event": "slot", "name": "red_flag_pending", "value": "unnamed"},
        {"event": "user", "text": "No, none of those", "parse_data": {}},
    ]
    return make_tracker("deny", text="No, none of those", events=events,
                        slots={"red_flag_pending": "unnamed"})  # fmt: skip


async def test_no_to_the_checklist_then_answers_the_question_it_interrupted(dispatcher):
    question = "my head has been pounding since yesterday, could it be my pillow?"
    ranking = [
        ("report_emergency_symptoms", 0.50),
        ("ask_posture", 0.38),
        ("start_screening", 0.05),
    ]
    tracker = _after_the_checklist(question, ranking, [("posture", "sleeping")])
    events = await ActionEscalateRedFlag().run(dispatcher, tracker, DOMAIN)
    assert (
        "999" in dispatcher.messages[0]["text"]
        and "your question" in dispatcher.messages[0]["text"]
    )
    assert "pillow" in dispatcher.messages[1]["text"].lower() and dispatcher.messages[1]["buttons"]
    assert SlotSet("red_flag_pending", None) in events
    assert SlotSet("last_topic", "posture_sleeping") in events


@pytest.mark.parametrize(
    ("question", "ranking"),
    [
        ("i have a headache", [("report_emergency_symptoms", 0.8), ("start_screening", 0.11)]),
        ("my head has been pounding since yesterday",  # no question in it
         [("report_emergency_symptoms", 0.5), ("ask_posture", 0.38)]),
        ("my head is pounding, could it be my pillow?",  # too unsure to answer
         [("report_emergency_symptoms", 0.7), ("ask_posture", 0.2)]),
    ],
)  # fmt: skip
async def test_no_to_the_checklist_with_no_question_to_answer_asks_what_next(
    dispatcher, question, ranking
):
    await ActionEscalateRedFlag().run(dispatcher, _after_the_checklist(question, ranking), DOMAIN)
    assert len(dispatcher.messages) == 1
    assert "What would you like to know?" in dispatcher.messages[0]["text"]


def test_opening_status_is_used_with_the_clinic_timezone():
    """Guard for the mock above: the real function accepts the clinic and a time."""
    from headache_core.clinic import load_clinic, opening_status

    assert isinstance(opening_status(load_clinic(), datetime(2026, 11, 23, 10)).is_open, bool)


# What a bare yes, no or thanks gets, word for word (the domain's utter_affirm_no_context,
# utter_deny_no_context and utter_thank before they moved to messages.yml)
WHAT_NEXT = {
    "affirm": ("Okay. What would you like to know next?",
               [("Headache causes", "/ask_headache_causes"), ("Posture tips", "/ask_posture"),
                ("Check my headache", "/start_screening")]),
    "deny": ("No problem. If there's something else on your mind, just type it, or pick a topic.",
             [("Self-care at home", "/ask_self_care"),
              ("When to see a doctor", "/ask_when_to_see_doctor"),
              ("Opening hours", "/ask_clinic_info")]),
    "thank": ("You're welcome. Is there anything else you'd like to know?",
              [("Self-care tips", "/ask_self_care"), ("Check my headache", "/start_screening"),
               ("No, that's all", "/goodbye")]),
}  # fmt: skip


@pytest.mark.parametrize("intent", list(WHAT_NEXT))
async def test_a_bare_yes_no_or_thanks_gets_what_next(dispatcher, intent):
    await ActionAcknowledgeSmallTalk().run(dispatcher, make_tracker(intent, text="ok"), DOMAIN)
    sent = [
        (m["text"], [(b["title"], b["payload"]) for b in m["buttons"]]) for m in dispatcher.messages
    ]
    assert sent == [WHAT_NEXT[intent]]


@pytest.mark.parametrize("intent", ["affirm", "deny", "thank"])
async def test_a_bare_yes_no_or_thanks_after_red_flag_advice_gets_the_advice_again(
    dispatcher, intent
):
    # "yes" to the screening's safety question, then "ok": it got "Great. What would you like to
    # know next?" and a "Check my headache" button
    slots = {"triage_outcome": "red_flag_emergency", "red_flags": []}
    await ActionAcknowledgeSmallTalk().run(dispatcher, make_tracker(intent, slots=slots), DOMAIN)
    said = texts(dispatcher)
    assert "999" in said and "Great" not in said
    assert not any(m.get("response") for m in dispatcher.messages)
    assert not any(text in said for text, _ in WHAT_NEXT.values())
    assert not any(m.get("buttons") for m in dispatcher.messages)
