"""The neck screening form: its validation, its questions and its outcome (issue 4).

Every answer is free text (buttons send their titles as text). `ValidateScreeningForm` reads it
with `headache_core.screening.answers`, checks all answers so far for red flags first (a flag in
any answer ends the form with the escalation of `actions.red_flags`), answers questions asked in
the middle and goes back to the check, and stops when the person asks to. The outcome and its
explanation come from `headache_core.screening.rules` and `.explain`.
"""

from abc import ABC
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from actions.forms import (
    FAILURES_SLOT,
    ActionAskFormQuestion,
    CountingFormValidationAction,
    ask_actions,
    failures,
    one_line,
)
from actions.handoff_records import CRITERIA_SLOT, SUMMARY_SLOT
from actions.interruptions import answer_side_question, explain_the_question, is_side_question
from actions.red_flags import UNNAMED, escalate, repeat_advice_if_flagged
from actions.replies import send, send_reply
from actions.tracker_entities import entities_by_label
from actions.triage_outcome import red_flag_level
from headache_core.messages import render
from headache_core.red_flags.evidence import CONCEPT_ENTITY
from headache_core.red_flags.rules import load_rules
from headache_core.screening.answers import (
    NOT_SURE,
    READERS,
    read_in_passing,
    read_red_flag_check,
)
from headache_core.screening.explain import SUMMARY_LABELS, outcome_replies, summary
from headache_core.screening.flow import (
    is_stop_request,
    prefill,
    red_flags_in_answers,
)
from headache_core.screening.questions import CONDITIONAL, ORDER, load_questions
from headache_core.screening.rules import evaluate, load_screening

WORDS = "screening_answers"  # {slot: the person's own words}, for red flags and the summary
EXIT = "screening_exit"  # why the form ended early: "stopped", "red_flag" or "handoff"
PREFILL = "screening_prefill"  # answers from before the screening, waiting for a yes
RULED_OUT = "screening_ruled_out"  # hinted flags the person answered "no" or "not sure" to
UNSURE = "screening_unsure"  # clarifying questions answered "not sure" (told to ask the GP)
SUMMARY = SUMMARY_SLOT  # plain text for the front desk
CRITERIA = CRITERIA_SLOT  # the criteria behind the outcome, for the front desk
STATE_SLOTS = (
    WORDS, EXIT, PREFILL, RULED_OUT, UNSURE, SUMMARY, CRITERIA, FAILURES_SLOT, "red_flag_pending"
)  # fmt: skip
FORM_SLOTS = (*ORDER, "red_flag_clarify")
HANDOFF_INTENTS = ("book_appointment", "request_human")
HANDOFF_MIN_CONFIDENCE = 0.8
CLASSIFIER_FLAG_MIN_CONFIDENCE = 0.8
PREFILL_WORDS = {
    "age": "you are {}",
    "pain_side": "the pain is on the {} side",
    "pain_start": "it starts {}",
}
START_WORDS = {"neck": "in the neck or at the back of the head", "front": "at the front",
               "whole_head": "all over the head"}  # fmt: skip
SIDE_WORDS = {"left": "left", "right": "right", "one_side": "one", "both": "both",
              "alternating": "either"}  # fmt: skip


def _words(tracker: Tracker) -> dict[str, str]:
    return dict(tracker.get_slot(WORDS) or {})


UNCHANGED = "unchanged_pattern"  # knowledge/red_flags.yml: "the same headaches for years"


def _describes_a_sign(tracker: Tracker, slot: str) -> bool:
    """The latest message describes one of the signs a checklist question lists."""
    said = entities_by_label(tracker).get(CONCEPT_ENTITY, set())
    # "my dad had a tumour, my headaches are the same as always": taken back, as the flags are
    return bool(said & set(load_questions()[slot].signs)) and UNCHANGED not in said


def _clarify_question(flag_id: str) -> str:
    if flag_id == UNNAMED:
        return load_questions()["red_flag_check"].text
    return load_rules().flag(flag_id).clarify


def _earlier_text(found: dict[str, Any]) -> str:
    parts = []
    for slot, item in found.items():
        value = item["value"]
        shown = {"pain_side": SIDE_WORDS, "pain_start": START_WORDS}.get(slot, {}).get(value, value)
        parts.append(PREFILL_WORDS[slot].format(shown))
    return ", ".join(parts)


class ValidateScreeningForm(CountingFormValidationAction):
    def name(self) -> str:
        return "validate_screening_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if tracker.get_slot(EXIT):
            return []
        slots = [s for s in ORDER if s not in CONDITIONAL or tracker.get_slot(PREFILL)]
        if tracker.get_slot("red_flag_pending"):
            slots.insert(0, "red_flag_clarify")
        return slots

    # ------------------------------------------------------------------ start and every answer
    async def on_activation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[EventType]:
        events = [SlotSet(slot, None) for slot in (*FORM_SLOTS, *STATE_SLOTS)]
        if red_flag_level(tracker):  # a red flag stands: no neck screening after it
            repeat_advice_if_flagged(dispatcher, tracker)
            return events + [SlotSet(EXIT, "red_flag")]
        send(dispatcher, "screening_intro")
        earlier = [e.get("text") or "" for e in tracker.events if e.get("event") == "user"]
        found = prefill(earlier)
        if found:
            events.append(SlotSet(PREFILL, found))
        return events

    async def before_validation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, text: str
    ) -> tuple[list[EventType], bool]:
        if is_stop_request(text):
            return [SlotSet(EXIT, "stopped"), SlotSet(REQUESTED_SLOT, None)], True
        words = _words(tracker) | {slot: text}
        detection = red_flags_in_answers(words, latest=text)
        if detection.flags:
            return [
                *escalate(dispatcher, tracker, detection.flag_ids),
                SlotSet(WORDS, words),
                SlotSet(EXIT, "red_flag"),
                SlotSet(REQUESTED_SLOT, None),
            ], True
        if self._asks_for_the_front_desk(tracker, slot, text):
            return [SlotSet(EXIT, "handoff"), SlotSet(REQUESTED_SLOT, None)], True
        if explain_the_question(dispatcher, load_questions().get(slot), text):
            return [SlotSet(slot, None)], True  # then the same question again
        if is_side_question(tracker, text):
            answer_side_question(dispatcher, tracker)
            send(dispatcher, "screening_back")
            return [SlotSet(slot, None)], True
        ruled_out = set(tracker.get_slot(RULED_OUT) or [])
        hints = [h.flag_id for h in detection.hints if h.flag_id not in ruled_out]
        if hints and not tracker.get_slot("red_flag_pending"):
            # read the answer as usual; the clarifying question comes next
            return [SlotSet("red_flag_pending", hints[0]), SlotSet("red_flag_clarify", None)], False
        return [], False

    async def also_given(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, text: str
    ) -> list[EventType]:
        """ "It's always the right side" while asked where it starts: noted, not asked again.
        Only for questions not answered yet; the safety questions are never answered this way
        (read_in_passing), and nothing is noted once a red flag ends the check."""
        if tracker.get_slot(EXIT) or tracker.get_slot("red_flag_pending"):
            return []
        open_slots = [s for s in ORDER if s != slot and tracker.get_slot(s) is None]
        found = read_in_passing(one_line(text), open_slots)
        if not found:
            return []
        if tracker.get_slot(slot) is None:  # the question asked is asked again: say why
            send(dispatcher, "form_noted")
        words = _words(tracker) | {s: one_line(text) for s in found}
        return [SlotSet(s, v) for s, v in found.items()] + [SlotSet(WORDS, words)]

    @staticmethod
    def _asks_for_the_front_desk(tracker: Tracker, slot: str, text: str) -> bool:
        """ "Can I just book an appointment?" in the middle of the check: booking or a person
        wins over the check, unless the words also answer the question."""
        intent = tracker.latest_message.get("intent") or {}
        return (
            intent.get("name") in HANDOFF_INTENTS
            and intent.get("confidence", 0) >= HANDOFF_MIN_CONFIDENCE
            and READERS.get(slot, read_red_flag_check)(one_line(text)) is None
        )

    def _read(self, slot: str, value: Any, tracker: Tracker) -> dict[str, Any]:
        """The reader's value, the words kept; None (asked again) when it cannot tell."""
        text = one_line(value)
        read = READERS[slot](text)
        result: dict[str, Any] = {slot: read, WORDS: _words(tracker) | {slot: text}}
        intent = tracker.latest_message.get("intent") or {}
        if (
            read is None
            and intent.get("name") == "report_emergency_symptoms"
            and intent.get("confidence", 0) >= CLASSIFIER_FLAG_MIN_CONFIDENCE
            and not entities_by_label(tracker)
            and UNNAMED not in (tracker.get_slot(RULED_OUT) or [])
        ):
            # The classifier alone reads a red flag: ask about the emergency signs, don't guess.
            result |= {"red_flag_pending": UNNAMED, "red_flag_clarify": None}
        return result

    def _exit_red_flag(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slot: str,
        value: Any,
        flags: list[str],
        level: str | None,
        lead: str | None = None,
    ) -> dict[str, Any]:
        events = escalate(dispatcher, tracker, flags, level, lead)
        return {e["name"]: e["value"] for e in events} | {
            slot: value,
            WORDS: _words(tracker) | {slot: str(value)},
            EXIT: "red_flag",
        }

    # ------------------------------------------------------------------ one method per question
    def validate_red_flag_check(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        result = self._read("red_flag_check", value, tracker)
        if result["red_flag_check"] == "yes":
            # The detector found no named flag in the words (it would have ended the form):
            # a yes to the emergency list gets the emergency advice.
            return self._exit_red_flag(
                dispatcher, tracker, "red_flag_check", "yes", [], "emergency"
            )
        if result["red_flag_check"] == NOT_SURE:
            return self._exit_red_flag(
                dispatcher, tracker, "red_flag_check", NOT_SURE, [], "urgent", "red_flag_unsure"
            )
        return result

    def validate_red_flag_history(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        answer = read_red_flag_check(one_line(value))
        if answer is None and _describes_a_sign(tracker, "red_flag_history"):
            answer = "yes"  # "they're worst first thing in the morning" is a yes to the list
        result = {"red_flag_history": answer, WORDS: _words(tracker) | {"red_flag_history": value}}
        if answer == "yes":
            return self._exit_red_flag(dispatcher, tracker, "red_flag_history", "yes", [], "urgent")
        if answer == NOT_SURE:
            question = load_questions()["red_flag_history"].text
            result[UNSURE] = [*(tracker.get_slot(UNSURE) or []), question]
        return result

    def validate_red_flag_clarify(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        pending = tracker.get_slot("red_flag_pending")
        answer = read_red_flag_check(one_line(value))
        if not pending:
            return {"red_flag_clarify": answer or NOT_SURE}
        level = "emergency" if pending == UNNAMED else load_rules().flag(pending).level
        flags = [] if pending == UNNAMED else [pending]
        if answer == "yes":
            return self._exit_red_flag(dispatcher, tracker, "red_flag_clarify", "yes", flags, level)
        if answer == NOT_SURE and level == "emergency":
            # Part of an emergency sign was said and the rest cannot be ruled out: the emergency
            # route (issue 25: over-triage is acceptable, under-triage is not). Not named as
            # present, so not in `red_flags`.
            return self._exit_red_flag(
                dispatcher, tracker, "red_flag_clarify", NOT_SURE, [], "emergency",
                "red_flag_unsure_emergency",
            )  # fmt: skip
        if answer is None:
            return {"red_flag_clarify": None}
        result = {
            "red_flag_clarify": answer,
            "red_flag_pending": None,
            RULED_OUT: [*(tracker.get_slot(RULED_OUT) or []), pending],
        }
        if answer == NOT_SURE:
            result[UNSURE] = [*(tracker.get_slot(UNSURE) or []), _clarify_question(pending)]
        return result

    def validate_confirm_earlier(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        answer = read_red_flag_check(one_line(value))
        if answer is None:
            return {"confirm_earlier": None}
        found = tracker.get_slot(PREFILL) or {}
        result: dict[str, Any] = {"confirm_earlier": answer, PREFILL: None}
        if answer == "yes":
            result |= {slot: item["value"] for slot, item in found.items()}
            result[WORDS] = _words(tracker) | {slot: item["said"] for slot, item in found.items()}
        return result

    def validate_age(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        result = self._read("age", value, tracker)
        if isinstance(result["age"], int) and not 1 <= result["age"] <= 110:
            result["age"] = None
        return result

    def validate_pain_side(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        return self._read("pain_side", value, tracker)

    def validate_pain_start(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        return self._read("pain_start", value, tracker)

    def validate_neck_provoked(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        return self._read("neck_provoked", value, tracker)

    def validate_neck_stiffness(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        return self._read("neck_stiffness", value, tracker)

    def validate_shoulder_arm_pain(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        return self._read("shoulder_arm_pain", value, tracker)

    def validate_headache_pattern(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        return self._read("headache_pattern", value, tracker)

    def validate_other_symptoms(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        return self._read("other_symptoms", value, tracker)


class ActionAskScreeningQuestion(ActionAskFormQuestion, ABC):
    """Asks one screening question: plain first, then with an example, then with "not sure".
    Rasa finds it as action_ask_<slot>; one subclass per question below."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        question = load_questions()[self.slot]
        asked_before = failures(tracker)
        if self.slot == "confirm_earlier":
            text = question.text.format(earlier=_earlier_text(tracker.get_slot(PREFILL) or {}))
        elif self.slot == "red_flag_clarify":
            pending = tracker.get_slot("red_flag_pending") or UNNAMED
            text = question.text.format(question=_clarify_question(pending))
        else:
            text = question.text
        if asked_before:
            text = f"{render('screening_reask').text} {text} {question.example}"
        titles = question.button_titles(with_not_sure=asked_before >= 2)
        dispatcher.utter_message(text=text, buttons=[{"title": t, "payload": t} for t in titles])
        return []


# One ask action per question, as Rasa looks them up: action_ask_<slot>.
ASK_ACTIONS = ask_actions(ActionAskScreeningQuestion, FORM_SLOTS)


class ActionConcludeScreening(Action):
    """After the form: the explained outcome, or the goodbye of a stopped or flagged check."""

    def name(self) -> str:
        return "action_conclude_screening"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        reason = tracker.get_slot(EXIT)
        words = _words(tracker)
        values = {s: tracker.get_slot(s) for s in SUMMARY_LABELS if tracker.get_slot(s) is not None}
        version = load_screening().version
        reset = [SlotSet(EXIT, None), SlotSet(PREFILL, None), SlotSet(FAILURES_SLOT, 0)]
        if reason == "stopped":
            send(dispatcher, "screening_stopped")
            return reset
        if reason == "handoff":  # asked to book or for a person: the handoff form takes over
            send(dispatcher, "screening_left_for_handoff")
            return [*reset, FollowupAction("handoff_form")]
        if reason == "red_flag" or red_flag_level(tracker):
            outcome = tracker.get_slot("triage_outcome")
            notes = [f"Red flags: {', '.join(tracker.get_slot('red_flags') or []) or 'unnamed'}"]
            text = summary(outcome, version, values, words, notes)
            return reset + [SlotSet(SUMMARY, text)]
        outcome = evaluate(values)
        unsure = list(tracker.get_slot(UNSURE) or [])
        for index, reply in enumerate(outcome_replies(outcome, words, unsure)):
            card = {"kind": "outcome", "outcome": outcome.outcome} if index == 0 else {}
            send_reply(dispatcher, reply, **card)
        notes = [f"Unsure about: {q}" for q in unsure]
        text = summary(outcome.outcome, outcome.rules_version, values, words, notes)
        criteria = {
            "fitted": [c.label for c in outcome.fitted],
            "not_fitted": [c.label for c in outcome.not_fitted],
            "unknown": [c.label for c in outcome.unknown],
            "clinic_only": list(outcome.clinic_only),
        }
        return reset + [
            SlotSet("triage_outcome", outcome.outcome),
            SlotSet(SUMMARY, text),
            SlotSet(CRITERIA, criteria),
        ]
