"""The screening form's validation, questions and conclusion, run with rasa_sdk's own classes."""

from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker

from actions.forms import FAILURES_SLOT
from actions.screening import ASK_ACTIONS, ActionConcludeScreening, ValidateScreeningForm
from headache_core.screening.questions import ORDER
from tests.conftest import ROOT, said

DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())


def form_tracker(
    slot: str,
    text: str,
    slots: dict[str, Any] | None = None,
    intent: str = "nlu_fallback",
    confidence: float = 0.3,
    entities: list | None = None,
) -> Tracker:
    """The tracker the validation action gets after the person answered `slot` with `text`."""
    events = [
        {"event": "user", "text": text},
        {"event": "action", "name": "screening_form"},
        {"event": "slot", "name": slot, "value": text},
    ]
    latest = {"intent": {"name": intent, "confidence": confidence}, "entities": entities or [],
              "text": text}  # fmt: skip
    earlier = {s: "no" for s in ORDER[: ORDER.index(slot)] if s in ORDER} if slot in ORDER else {}
    all_slots = {**earlier, "requested_slot": slot, slot: text, **(slots or {})}
    return Tracker("u", all_slots, latest, events, False, None, {"name": "screening_form"},
                   "screening_form")  # fmt: skip


async def validate(dispatcher, slot: str, text: str, **kwargs) -> dict[str, Any]:
    events = await ValidateScreeningForm().run(
        dispatcher, form_tracker(slot, text, **kwargs), DOMAIN
    )
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


@pytest.mark.parametrize(
    ("slot", "text", "value"),
    [
        ("pain_side", "always the right side, never swaps", "right"),
        ("pain_side", "Always the left side", "left"),
        ("pain_side", "both sides, sometimes one then the other", "alternating"),
        ("pain_start", "starts at the base of my skull and creeps over to my eye", "neck"),
        ("pain_start", "behind my eyes", "front"),
        ("neck_provoked", "yeah long days at the laptop set it off", "yes"),
        ("neck_provoked", "no, moving my neck doesn't change it", "no"),
        ("neck_stiffness", "I can't look over my left shoulder as far as the right", "yes"),
        ("shoulder_arm_pain", "my left shoulder blade aches too", "same_side"),
        ("other_symptoms", "throbbing, I have to lie in a dark room and I feel sick", "marked"),
        ("other_symptoms", "nope", "none"),
        ("age", "I'm 45", 45),
        ("age", "forty five", 45),
        ("age", "Under 30", 29),
        ("red_flag_check", "no, none of those", "no"),
        ("red_flag_history", "No, none of those", "no"),
    ],
)
async def test_free_text_answers_become_values(dispatcher, slot, text, value):
    slots = await validate(dispatcher, slot, text)
    assert slots[slot] == value
    assert slots["screening_answers"][slot] == text
    assert slots[FAILURES_SLOT] == 0
    assert slots["requested_slot"] != slot


async def test_an_unclear_answer_is_asked_again_and_counted(dispatcher):
    slots = await validate(dispatcher, "pain_side", "pizza")
    assert slots["pain_side"] is None and slots[FAILURES_SLOT] == 1
    assert slots["requested_slot"] == "pain_side"


async def test_the_third_unclear_answer_is_not_sure_and_the_form_moves_on(dispatcher):
    slots = await validate(dispatcher, "pain_side", "pizza", slots={FAILURES_SLOT: 2})
    assert slots["pain_side"] == "not_sure" and slots[FAILURES_SLOT] == 0
    assert slots["requested_slot"] == "pain_start"


@pytest.mark.parametrize("failures", [0, 1, 2])
async def test_questions_get_an_example_and_then_not_sure(dispatcher, failures):
    tracker = form_tracker("pain_side", "", slots={FAILURES_SLOT: failures})
    await ASK_ACTIONS["pain_side"]().run(dispatcher, tracker, DOMAIN)
    [message] = dispatcher.messages
    titles = [b["title"] for b in message["buttons"]]
    assert "Always the right side" in titles
    assert ("For example" in message["text"]) == (failures > 0)
    assert ("Not sure" in titles) == (failures >= 2)


async def test_stop_ends_the_form(dispatcher):
    slots = await validate(dispatcher, "neck_provoked", "stop")
    assert slots["screening_exit"] == "stopped" and slots["requested_slot"] is None


async def test_an_answer_that_is_not_a_stop_request_is_read(dispatcher):
    slots = await validate(dispatcher, "headache_pattern", "end of most work days, for a year")
    assert "screening_exit" not in slots and slots["headache_pattern"]


async def test_a_question_is_answered_and_the_same_question_comes_back(dispatcher):
    slots = await validate(
        dispatcher, "pain_start", "what's a sub-occipital muscle?", intent="ask_neck_anatomy",
        confidence=0.9, entities=[{"entity": "body_part", "value": "suboccipital"}],
    )  # fmt: skip
    assert "base of your skull" in said(dispatcher) and "back to the check" in said(dispatcher)
    assert slots["pain_start"] is None and slots["requested_slot"] == "pain_start"
    assert FAILURES_SLOT not in slots


# A question about the question: why it is asked (its `why`), or what it means (its `means`, else
# its example). Such messages are classified as a question about headaches with some confidence.
@pytest.mark.parametrize(
    ("slot", "text", "intent", "confidence", "answer"),
    [
        ("age", "why do you need my age", "ask_headache_causes", 0.6, "after 50"),
        ("pain_side", "why does that matter?", "ask_headache_causes", 0.6, "one side"),
        ("other_symptoms", "what's that got to do with my neck", "ask_headache_causes", 0.6,
         "migraine"),
        ("red_flag_check", "what do you mean by worst headache?", "ask_headache_types", 0.4,
         "at its worst within a minute"),
        ("neck_stiffness", "sorry i dont understand", "ask_headache_types", 0.4,
         "look over your shoulder"),
        ("pain_side", "huh?", "ask_headache_types", 0.4, "on the left, on the right"),
        ("age", "what do u mean", "ask_headache_types", 0.4, "Just the number"),  # the example
    ],
)  # fmt: skip
async def test_a_question_about_the_question_is_answered_and_the_question_comes_back(
    dispatcher, slot, text, intent, confidence, answer
):
    slots = await validate(dispatcher, slot, text, intent=intent, confidence=confidence)
    assert answer in said(dispatcher)
    assert "back to the check" not in said(dispatcher)  # not a side question
    assert "didn't quite get" not in said(dispatcher)
    assert slots[slot] is None and slots["requested_slot"] == slot
    assert FAILURES_SLOT not in slots  # not an unclear answer


async def test_not_understanding_something_else_is_not_a_question_about_the_question(dispatcher):
    await validate(dispatcher, "neck_stiffness", "i don't understand why my neck is so stiff")
    assert "look over your shoulder" not in said(dispatcher)


async def test_a_red_flag_wins_over_a_why_question(dispatcher):
    slots = await validate(
        dispatcher, "age", "why do you need that, i have a fever and a stiff neck"
    )
    assert slots["screening_exit"] == "red_flag"


async def test_red_flags_across_answers_end_the_form_with_the_advice(dispatcher):
    slots = await validate(
        dispatcher, "headache_pattern", "they only started three weeks ago, never had them before",
        slots={"screening_answers": {"age": "63"}, "age": 63},
    )  # fmt: skip
    assert slots["triage_outcome"] == "red_flag_urgent"
    assert slots["red_flags"] == ["new_headache_over_50"]
    assert slots["screening_exit"] == "red_flag" and slots["requested_slot"] is None
    assert "see a doctor today" in said(dispatcher).lower()


async def test_a_yes_to_the_emergency_list_is_an_emergency(dispatcher):
    slots = await validate(dispatcher, "red_flag_check", "Yes, I have one of those")
    assert slots["triage_outcome"] == "red_flag_emergency" and slots["requested_slot"] is None
    assert "999" in said(dispatcher)


async def test_a_sentence_about_something_else_is_not_a_yes_to_the_list(dispatcher):
    slots = await validate(dispatcher, "red_flag_history", "my trap muscles are always tense")
    assert slots.get("triage_outcome") is None and slots["red_flag_history"] is None


async def test_a_hint_gets_one_clarifying_question_next(dispatcher):
    slots = await validate(dispatcher, "age", "55")
    assert slots["age"] == 55
    assert slots["red_flag_pending"] == "new_headache_over_50"
    assert slots["requested_slot"] == "red_flag_clarify"


async def test_no_to_the_clarifying_question_goes_on_and_is_not_asked_again(dispatcher):
    slots = await validate(
        dispatcher, "red_flag_clarify", "no",
        slots={"red_flag_pending": "new_headache_over_50", "screening_answers": {"age": "55"}},
    )  # fmt: skip
    assert slots["red_flag_pending"] is None
    assert slots["screening_ruled_out"] == ["new_headache_over_50"]
    assert slots["requested_slot"] != "red_flag_clarify"


async def test_not_sure_about_an_emergency_sign_gets_the_emergency_route(dispatcher):
    slots = await validate(
        dispatcher, "red_flag_clarify", "not sure", slots={"red_flag_pending": "thunderclap_onset"}
    )
    assert slots["triage_outcome"] == "red_flag_emergency"
    assert "safest to be seen now" in said(dispatcher)
    assert "999" in said(dispatcher)


async def test_not_sure_about_an_urgent_sign_is_noted_for_the_gp(dispatcher):
    slots = await validate(
        dispatcher, "red_flag_clarify", "not sure",
        slots={"red_flag_pending": "new_headache_over_50", "screening_answers": {"age": "55"}},
    )  # fmt: skip
    assert slots.get("triage_outcome") is None
    assert slots["screening_unsure"] and slots["red_flag_pending"] is None


async def test_the_conclusion_explains_the_outcome_and_keeps_a_summary(dispatcher):
    answers = {
        "red_flag_check": "no", "red_flag_history": "no", "age": 45, "pain_side": "right",
        "pain_start": "neck", "neck_provoked": "yes", "neck_stiffness": "no",
        "shoulder_arm_pain": "no", "headache_pattern": "weekly for a year",
        "other_symptoms": "none",
    }  # fmt: skip
    words = {"neck_provoked": "yeah long days at the laptop set it off"}
    tracker = form_tracker("other_symptoms", "none", slots=answers | {"screening_answers": words})
    events = await ActionConcludeScreening().run(dispatcher, tracker, DOMAIN)
    slots = {e["name"]: e["value"] for e in events}
    assert slots["triage_outcome"] == "consistent_with_cervicogenic"
    text = said(dispatcher)
    assert "laptop set it off" in text and "flexion-rotation test" in text
    assert "not a diagnosis" in text and "999" in text
    assert "Pattern: weekly for a year" in slots["screening_summary"]


async def test_a_not_typical_outcome_routes_to_the_gp_and_a_diary(dispatcher):
    answers = {
        "pain_side": "both",
        "pain_start": "front",
        "neck_provoked": "no",
        "neck_stiffness": "no",
        "shoulder_arm_pain": "no",
        "other_symptoms": "marked",
    }
    tracker = form_tracker("other_symptoms", "x", slots=answers)
    events = await ActionConcludeScreening().run(dispatcher, tracker, DOMAIN)
    assert {e["name"]: e["value"] for e in events}["triage_outcome"] == "not_typical_cervicogenic"
    assert "GP" in said(dispatcher) and "diary" in said(dispatcher)
    assert "book" not in said(dispatcher).lower()


async def test_a_stopped_screening_sets_no_outcome(dispatcher):
    tracker = form_tracker("age", "stop", slots={"screening_exit": "stopped"})
    events = await ActionConcludeScreening().run(dispatcher, tracker, DOMAIN)
    assert "triage_outcome" not in {e["name"] for e in events}
    assert "check my headache" in said(dispatcher).lower()


async def test_a_sign_described_in_answer_to_the_checklist_is_a_yes(dispatcher):
    worse_on_coughing = [{"entity": "red_flag_concept", "value": "valsalva_trigger"}]
    slots = await validate(
        dispatcher, "red_flag_history", "coughing sets it off every time",
        entities=worse_on_coughing,
    )  # fmt: skip
    assert slots["triage_outcome"] == "red_flag_urgent"
    plain_headache = [{"entity": "red_flag_concept", "value": "headache"}]
    slots = await validate(
        dispatcher, "red_flag_history", "my headache is at the back", entities=plain_headache
    )
    assert slots["red_flag_history"] is None  # not an answer: asked again


def test_every_checklist_sign_is_a_red_flag_concept():
    from headache_core.red_flags.rules import load_rules
    from headache_core.screening.questions import load_questions

    concepts = set(load_rules().concepts)
    signs = {s for q in load_questions().values() for s in q.signs}
    assert signs and signs <= concepts, signs - concepts


# ------------------------------------------------------------ answers to later questions
async def test_an_answer_to_a_later_question_is_noted_and_not_asked_again(dispatcher):
    slots = await validate(
        dispatcher, "pain_start", "turning my head to look over my shoulder sets it off",
        slots={"age": 42, "pain_side": "right"},
    )  # fmt: skip
    assert slots["neck_provoked"] == "yes"
    assert slots["pain_start"] is None  # the question asked is asked again
    assert slots[FAILURES_SLOT] == 1  # and counts, so it is asked at most three times
    assert "noted" in said(dispatcher)
    assert "turning my head" in slots["screening_answers"]["neck_provoked"]


async def test_one_answer_fills_every_question_it_answers(dispatcher):
    slots = await validate(
        dispatcher, "pain_side", "right side, it starts at the back of my head and my neck is stiff",
        slots={"age": 42},
    )  # fmt: skip
    assert slots["pain_side"] == "right"
    assert slots["pain_start"] == "neck" and slots["neck_stiffness"] == "yes"
    assert slots["requested_slot"] == "neck_provoked"


@pytest.mark.parametrize("text", ["four days ago", "since Monday", "for about 3 weeks now"])
async def test_when_it_began_alone_leaves_the_pattern_question_to_be_asked(dispatcher, text):
    """A time given where the question was "where does it start?" notes no pattern: the pattern
    question (how often, how long, since when) is where a changing headache shows."""
    slots = await validate(dispatcher, "pain_start", text, slots={"age": 42, "pain_side": "left"})
    assert slots.get("headache_pattern") is None
    assert slots["requested_slot"] == "pain_start"


async def test_how_often_said_in_passing_answers_the_pattern_question(dispatcher):
    slots = await validate(
        dispatcher, "pain_start", "base of my skull, a few times a week for a year",
        slots={"age": 42, "pain_side": "left"},
    )  # fmt: skip
    assert slots["pain_start"] == "neck" and slots["headache_pattern"]


async def test_a_bare_yes_answers_only_the_question_asked(dispatcher):
    slots = await validate(dispatcher, "neck_provoked", "yes it does", slots={"age": 42})
    assert slots["neck_provoked"] == "yes"
    assert "neck_stiffness" not in slots and "shoulder_arm_pain" not in slots


async def test_safety_questions_are_never_answered_in_passing(dispatcher):
    slots = await validate(
        dispatcher, "red_flag_check", "no, none of those. it's always the right side, I'm 45",
        slots={"red_flag_history": None},
    )  # fmt: skip
    assert slots["red_flag_check"] == "no"
    assert slots["pain_side"] == "right" and slots["age"] == 45
    assert "red_flag_history" not in slots
    assert slots["requested_slot"] == "red_flag_history"


@pytest.mark.parametrize(
    "text",
    ["getting worse, yes, steadily", "worse when I cough - yes actually, now you say it",
     "not pregnant. yes, they're getting worse"],
)  # fmt: skip
async def test_a_yes_later_in_the_answer_to_the_second_checklist_escalates(dispatcher, text):
    slots = await validate(dispatcher, "red_flag_history", text)
    assert slots["triage_outcome"] == "red_flag_urgent"
    assert slots["screening_exit"] == "red_flag"


@pytest.mark.parametrize(
    "text",
    ["I don't think so", "i'm not pregnant and haven't had cancer. they don't get worse"],
)
async def test_the_second_checklist_takes_a_denial_in_sentences(dispatcher, text):
    slots = await validate(dispatcher, "red_flag_history", text)
    assert slots["red_flag_history"] == "no" and slots["requested_slot"] == "age"
