"""What a turn adds to the insights (insights/tally.py), from real Rasa event dicts: messages,
topics, the one definition of "unsure" and its review reason, the screening's start, outcomes,
red flags with their level from the red-flag data, clinic days, and what is never counted."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)

from headache_core.red_flags.rules import load_rules
from insights.tally import (
    domain_intents,
    fallback_threshold,
    feedback_tally,
    tally_turn,
    unsure_reason,
)

LONDON = ZoneInfo("Europe/London")
NOON = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc).timestamp()
DAY = date(2026, 12, 1)


def said(text: str, intent: str, confidence: float = 0.95, at: float = NOON) -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": confidence}, timestamp=at)


def dicts(*events) -> list[dict]:
    return [event.as_dict() for event in events]


def counts(*events, zone: ZoneInfo = LONDON) -> dict[str, int]:
    tally = tally_turn(dicts(*events), zone)
    return {name: n for (_, name), n in tally.counts.items()}


def test_a_confident_education_question_is_a_message_and_a_topic_and_nothing_else():
    turn = (
        ActionExecuted("action_listen", timestamp=NOON),
        said("is my desk giving me headaches", "ask_posture"),
        ActionExecuted("action_answer_education", timestamp=NOON),
        BotUttered("Posture...", timestamp=NOON),
    )
    tally = tally_turn(dicts(*turn), LONDON)
    assert dict(tally.counts) == {
        (DAY, "messages"): 1,
        (DAY, "topic:ask_posture"): 1,
        (DAY, "education"): 1,
    }
    assert tally.review == []


def test_the_threshold_is_the_fallback_classifiers_in_config_yml(tmp_path: Path):
    config = tmp_path / "config.yml"
    config.write_text("pipeline:\n  - name: X\n  - name: FallbackClassifier\n    threshold: 0.4\n")
    assert fallback_threshold(config) == 0.4
    without = tmp_path / "without.yml"
    without.write_text("pipeline:\n  - name: X\n")
    assert fallback_threshold(without) == 0.0
    assert 0 < fallback_threshold() < 1  # the project's own config.yml has one


@pytest.mark.parametrize(
    ("intent", "confidence", "unclear", "reason"),
    [
        ("out_of_scope", 0.9, False, "out_of_scope"),
        ("out_of_scope", 0.9, True, "out_of_scope"),  # after an offer the unclear action says so
        ("nlu_fallback", 0.25, True, "not_understood"),
        ("ask_posture", 0.9, True, "not_understood"),  # no rule fitted: the core fallback
        ("nlu_fallback", 0.25, False, "unsure"),  # inside a form, which handled it
        ("ask_posture", 0.1, False, "unsure"),  # under the threshold
        ("ask_posture", 0.3, False, None),
        (None, None, False, "unsure"),
    ],
)
def test_one_definition_of_unsure_and_its_reason(intent, confidence, unclear, reason):
    assert unsure_reason(intent, confidence, unclear, threshold=0.25) == reason


def test_unsure_messages_are_counted_and_queued_with_their_reading_and_reason():
    turn = (
        said("flibber my neck jibber", "nlu_fallback", 0.25),
        ActionExecuted("action_handle_unclear", timestamp=NOON),
        BotUttered("I'm not sure I understood", timestamp=NOON),
        ActionExecuted("action_listen", timestamp=NOON),
        said("what's the weather", "out_of_scope", 0.8),
        ActionExecuted("utter_out_of_scope", timestamp=NOON),
    )
    tally = tally_turn(dicts(*turn), LONDON)
    assert tally.counts[(DAY, "messages")] == 2 and tally.counts[(DAY, "unsure")] == 2
    assert tally.counts[(DAY, "topic:out_of_scope")] == 1
    assert (DAY, "topic:nlu_fallback") not in tally.counts  # unsure is no topic
    assert [(i.text, i.intent, i.confidence, i.reason) for i in tally.review] == [
        ("flibber my neck jibber", "nlu_fallback", 0.25, "not_understood"),
        ("what's the weather", "out_of_scope", 0.8, "out_of_scope"),
    ]


def test_the_unclear_action_counts_only_for_the_message_it_answered():
    turn = (
        said("hello", "greet"),
        ActionExecuted("utter_greet", timestamp=NOON),
        said("gfhdjs", "nlu_fallback", 0.25),
        ActionExecuted("action_handle_unclear", timestamp=NOON),
    )
    tally = tally_turn(dicts(*turn), LONDON)
    assert tally.counts[(DAY, "unsure")] == 1
    assert [item.text for item in tally.review] == ["gfhdjs"]


def test_an_answer_the_form_took_is_a_message_but_no_topic_and_not_unsure():
    """ "35" to "How old are you?" reads as out_of_scope; the form took it: not unsure."""
    turn = (
        said("35", "out_of_scope", 0.38),
        SlotSet("age", "35", timestamp=NOON),  # Rasa's from_text mapping, before the form
        ActionExecuted("screening_form", timestamp=NOON),
        SlotSet("age", 35, timestamp=NOON),  # the validator took it
        SlotSet("requested_slot", "pain_side", timestamp=NOON),
    )
    tally = tally_turn(dicts(*turn), LONDON)
    assert dict(tally.counts) == {(DAY, "messages"): 1}
    assert tally.review == []


@pytest.mark.parametrize(
    "after",
    [
        # the validator refused it and asks again
        (ActionExecuted("screening_form", timestamp=NOON), SlotSet("age", None, timestamp=NOON)),
        # the form stepped aside: the message was no answer
        (ActionExecutionRejected("screening_form", timestamp=NOON),),
        # only Rasa's own from_text mapping set the slot; no form ran
        (ActionExecuted("action_handle_unclear", timestamp=NOON),),
    ],
)
def test_an_answer_the_form_did_not_take_stays_unsure(after):
    turn = (said("blue", "out_of_scope", 0.38), SlotSet("age", "blue", timestamp=NOON), *after)
    tally = tally_turn(dicts(*turn), LONDON)
    assert tally.counts[(DAY, "unsure")] == 1
    assert len(tally.review) == 1


@pytest.mark.parametrize(
    "after",
    [
        # Rasa filled the front desk's name question from it, then the form refused it
        (SlotSet("contact_name", "sarah", timestamp=NOON),
         ActionExecuted("action_handle_unclear", timestamp=NOON)),
        # said while the conversation waits for a person
        (ActionExecuted("human_handoff_form", timestamp=NOON),),
    ],
)  # fmt: skip
def test_an_answer_for_the_front_desk_is_never_queued(after):
    turn = (said("sarah", "out_of_scope", 0.39), *after)
    tally = tally_turn(dicts(*turn), LONDON)
    assert dict(tally.counts) == {(DAY, "messages"): 1}  # no topic, not unsure
    assert tally.review == []


@pytest.mark.parametrize(
    ("text", "intent", "form", "slot", "value"),
    [
        ("book me in, I'm Sam on 07700 900123", "book_appointment", "handoff_form",
         "contact_name", "Sam"),
        ("I'm 45, is my headache from my neck?", "start_screening", "screening_form", "age", 45),
    ],
)  # fmt: skip
def test_a_message_that_starts_a_form_is_a_topic_even_when_the_form_takes_from_it(
    text, intent, form, slot, value
):
    turn = (
        said(text, intent),
        SlotSet(slot, value, timestamp=NOON),  # taken from the message at once
        ActionExecuted(form, timestamp=NOON),
        ActiveLoop(form, timestamp=NOON),
        SlotSet(slot, value, timestamp=NOON),
        SlotSet("requested_slot", "contact_details", timestamp=NOON),
    )
    assert counts(*turn)[f"topic:{intent}"] == 1


def test_the_slots_a_new_session_carries_over_are_no_new_outcome_or_flag():
    """actions/session.py sets every slot again at a new session: a red flag of yesterday
    is not one of today."""
    flag = next(iter(load_rules().flags)).id
    found = counts(
        ActionExecuted("action_session_start", timestamp=NOON),
        BotUttered("This assistant does not diagnose...", timestamp=NOON),
        SessionStarted(timestamp=NOON),
        SlotSet("triage_outcome", "red_flag_emergency", timestamp=NOON),
        SlotSet("red_flags", [flag], timestamp=NOON),
        ActionExecuted("action_listen", timestamp=NOON),
        said("what are your opening hours", "ask_clinic_info"),
        ActionExecuted("action_clinic_info", timestamp=NOON),
    )
    assert found == {"messages": 1, "topic:ask_clinic_info": 1}


def test_a_turn_past_midnight_counts_on_the_day_of_its_message():
    before = datetime(2026, 12, 1, 23, 59, 59, tzinfo=timezone.utc).timestamp()
    after = before + 2
    flag = next(iter(load_rules().flags)).id
    tally = tally_turn(
        dicts(
            said("worst headache of my life", "report_emergency_symptoms", at=before),
            SlotSet("red_flags", [flag], timestamp=after),
            SlotSet("triage_outcome", "red_flag_emergency", timestamp=after),
        ),
        LONDON,
    )
    assert {day for day, _ in tally.counts} == {DAY}


def test_screening_start_outcome_and_red_flags_with_their_levels():
    levels = {flag.id: flag.level for flag in load_rules().flags}
    urgent = next(f for f, level in levels.items() if level == "urgent")
    emergency = next(f for f, level in levels.items() if level == "emergency")
    found = counts(
        said("is this a neck headache", "start_screening"),
        ActiveLoop("screening_form", timestamp=NOON),
        SlotSet("requested_slot", "age", timestamp=NOON),
        SlotSet("red_flags", [urgent, emergency], timestamp=NOON),
        SlotSet("triage_outcome", "red_flag_emergency", timestamp=NOON),
        ActiveLoop(None, timestamp=NOON),
    )
    assert found["screening_started"] == 1
    assert found["outcome:red_flag_emergency"] == 1
    assert found[f"flag:{urgent}"] == 1 and found[f"flag:{emergency}"] == 1
    assert found["level:urgent"] == 1 and found["level:emergency"] == 2  # the flag, the outcome
    assert found["beyond_education"] == 1  # start_screening is not education


def test_an_outcome_that_is_not_a_red_flag_has_no_level_and_other_forms_are_no_screening():
    found = counts(
        said("yes", "affirm"),
        ActiveLoop("handoff_form", timestamp=NOON),
        SlotSet("triage_outcome", "consistent_with_cervicogenic", timestamp=NOON),
        SlotSet("red_flags", [], timestamp=NOON),
        SlotSet("triage_outcome", None, timestamp=NOON),
    )
    assert found == {"messages": 1, "topic:affirm": 1, "outcome:consistent_with_cervicogenic": 1}


def test_days_are_the_clinics_days():
    late = datetime(2026, 6, 30, 23, 30, tzinfo=timezone.utc).timestamp()  # 00:30 in London
    tally = tally_turn(dicts(said("hi", "greet", at=late)), LONDON)
    assert {day for day, _ in tally.counts} == {date(2026, 7, 1)}
    tally = tally_turn(dicts(said("hi", "greet", at=late)), ZoneInfo("UTC"))
    assert {day for day, _ in tally.counts} == {date(2026, 6, 30)}


def test_intents_triggered_from_outside_and_odd_names_are_not_counted_as_people_or_text():
    external = UserUttered.create_external("hand_back")
    external.timestamp = NOON
    found = counts(external, SlotSet("triage_outcome", "x y; DROP", timestamp=NOON))
    assert found == {"outcome:unknown": 1}  # a value that is no identifier never becomes a name


def test_a_channel_is_noted_once_per_turn():
    message = UserUttered("hi", {"name": "greet", "confidence": 1.0}, input_channel="socketio")
    message.timestamp = NOON
    assert counts(message, message)["channel:socketio"] == 1


def test_feedback_counts_under_its_topic():
    assert dict(feedback_tally(True, "ask_posture", DAY).counts) == {
        (DAY, "helpful:ask_posture"): 1
    }
    assert dict(feedback_tally(False, None, DAY).counts) == {(DAY, "not_helpful:unknown"): 1}


def test_the_labels_are_domain_yml_intents():
    names = domain_intents()
    assert "ask_posture" in names and "report_emergency_symptoms" in names
    assert "nlu_fallback" not in names
