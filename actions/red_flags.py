"""Red-flag escalation: the right care at the right speed (clinical-reference §2 and §3).

The NLU component `RedFlagMarker` names the flags; this action turns them into the fixed
routing message of the highest level, keeps the highest level seen in the conversation
(`triage_outcome`) and every flag (`red_flags`), and asks one clarifying question when a message
only hints at a flag (after answering the question the hint came in, if it was one, and only
once per flag: a "no" is remembered for the conversation).
"""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.education import LAST_TOPIC_SLOT, offerable, send_topic_answer, utter_topic
from actions.fallback import reply_unclear
from actions.handoff_records import record_red_flag
from actions.replies import send, send_reply
from actions.tracker_entities import (
    entities_by_label,
    labelled,
    latest_intent,
    message_before_latest,
)
from actions.triage_outcome import OUTCOME, red_flag_level
from headache_core.content import select_topic
from headache_core.messages import render
from headache_core.question_shape import looks_like_question
from headache_core.red_flags.advice import advice
from headache_core.red_flags.after_advice import BY_LEVEL, reply_kind
from headache_core.red_flags.evaluation import Detection
from headache_core.red_flags.evidence import describe, evaluate_findings, findings_in_events
from headache_core.red_flags.rules import LEVELS, load_rules
from headache_core.screening.answers import NOT_SURE, read_red_flag_check

# The intent classifier alone read a red flag the detector cannot name: ask, don't alarm.
UNNAMED = "unnamed"
# How sure the classifier must be that a message with a hint was an education question
# ("is neck manipulation safe?") for the answer to come before the clarifying question.
QUESTION_CONFIDENCE = 0.5


def asked_question(tracker: Tracker) -> str | None:
    """The education intent the classifier read under a red-flag hint, if it was sure of it
    (the red-flag marker keeps its ranking below the emergency intent)."""
    ranking = tracker.latest_message.get("intent_ranking") or []
    below = [r for r in ranking if r.get("name") != "report_emergency_symptoms"]
    sure = below and below[0].get("confidence", 0.0) >= QUESTION_CONFIDENCE
    return below[0]["name"] if sure and below[0]["name"].startswith("ask_") else None


# A question asked in a message the classifier read as an emergency with no flag named ("my head
# has been pounding since yesterday, could it be my pillow?": emergency 0.50, posture 0.38) gets
# the checklist; after "no, none of those" it is answered if an education reading came second
# with at least the fallback's confidence.
QUESTION_AFTER_CHECK_CONFIDENCE = 0.25


def question_before_the_check(tracker: Tracker) -> tuple[str, dict[str, set[str]]] | None:
    """The education intent and entities of the question the checklist interrupted, if any."""
    earlier = message_before_latest(tracker)
    if not earlier or not looks_like_question(earlier["text"]):
        return None
    ranking = earlier.get("intent_ranking") or []
    below = [r for r in ranking if r.get("name") != "report_emergency_symptoms"]
    if not below or below[0].get("confidence", 0.0) < QUESTION_AFTER_CHECK_CONFIDENCE:
        return None
    name = below[0]["name"]
    return (name, labelled(earlier)) if name.startswith("ask_") else None


def _intent_of(user_event: dict[str, Any]) -> str | None:
    return ((user_event.get("parse_data") or {}).get("intent") or {}).get("name")


def hints_denied(tracker: Tracker) -> set[str]:
    """Flags whose clarifying question the person answered "no" to (the next message after
    the question; a "no" later on answers something else)."""
    denied: set[str] = set()
    asked = None
    for event in tracker.events:
        if event.get("event") == "slot" and event.get("name") == "red_flag_pending":
            asked = event.get("value")
        elif event.get("event") == "user":
            if asked and _intent_of(event) == "deny":
                denied.add(asked)
            asked = None
    return denied


def send_clarify_no(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """ "No" to the clarifying question: where to turn if it changes, and ways to go on (the
    question the hint came in may have gone unanswered), none to screening or booking after
    earlier red-flag advice."""
    reply = render("red_flag_clarify_no")
    dispatcher.utter_message(text=reply.text, buttons=offerable(reply.button_dicts(), tracker))


def _highest(*levels: str | None) -> str | None:
    return next((level for level in LEVELS if level in levels), None)


def send_advice(
    dispatcher: CollectingDispatcher, level: str, flag_ids: list[str], brief: bool = False
) -> None:
    """The fixed routing message for a level (`headache_core.red_flags.advice`: the front-desk
    card quotes the same words)."""
    send_reply(dispatcher, advice(level, flag_ids, brief), kind=level)


def repeat_advice_if_flagged(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Before booking or screening after a red flag: the advice again, first. True if sent."""
    level = red_flag_level(tracker)
    if level is None:
        return False
    send(dispatcher, "red_flag_reminder")
    send_advice(dispatcher, level, tracker.get_slot("red_flags") or [])
    return True


def conversation_evidence(tracker: Tracker) -> Detection:
    """The flags everything said so far makes together (headache_core/red_flags/evidence.py)."""
    return evaluate_findings(findings_in_events(tracker.events))


def unadvised_flags(tracker: Tracker) -> list[str]:
    """Flags of the conversation's evidence the person has not been advised on yet."""
    advised = set(tracker.get_slot("red_flags") or [])
    return [f for f in conversation_evidence(tracker).flag_ids if f not in advised]


def end_form(tracker: Tracker) -> list[EventType]:
    """A red flag ends whatever form was running (clinical-reference §3: it ends the flow)."""
    if not tracker.active_loop.get("name"):
        return []
    events: list[EventType] = [ActiveLoop(None), SlotSet("requested_slot", None)]
    if tracker.active_loop.get("name") == "screening_form":
        events.append(SlotSet("screening_exit", "red_flag"))
    return events


def escalate(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    flags: list[str],
    new_level: str | None = None,
    lead: str | None = None,
    ask_next: bool = True,
) -> list[EventType]:
    """Send the advice of the highest level seen (flags' levels, `new_level`, earlier ones) and
    set the contract slots; the front desk gets a record (issue 3) that says which detector
    found each flag on which words. `lead` is a message key sent first (e.g. why an unsure
    answer escalates). After urgent advice, the flag's emergency twin is asked about
    (`next_question`), unless `ask_next` is off (while staff are answering). Every form and the
    escalation action share this."""
    rules = load_rules()
    known = {f.id for f in rules.flags}
    flags = [f for f in flags if f in known]
    new_level = _highest(new_level, *(rules.flag(f).level for f in flags))
    level = _highest(new_level, red_flag_level(tracker)) or "emergency"
    all_flags = list(dict.fromkeys((tracker.get_slot("red_flags") or []) + flags))
    if lead:
        send(dispatcher, lead)
    send_advice(dispatcher, level, flags if new_level == level else all_flags)
    found = [line for line in describe(conversation_evidence(tracker)) if line.split()[0] in flags]
    record_red_flag(tracker, OUTCOME[level], all_flags, found)
    twin = next_question(tracker, flags, level) if ask_next else None
    if twin:
        send(dispatcher, "red_flag_ask_next", question=rules.flag(twin).clarify)
    return [
        SlotSet("triage_outcome", OUTCOME[level]),
        SlotSet("red_flags", all_flags),
        SlotSet("red_flag_pending", twin),
    ]


def next_question(tracker: Tracker, flags: list[str], level: str) -> str | None:
    """The emergency flag to ask about right after urgent advice (a flag's `ask_next`): asked
    once, for a flag advised on now, when the twin is not advised on already."""
    if level != "urgent":
        return None
    rules = load_rules()
    advised = set(tracker.get_slot("red_flags") or [])
    twins = (rules.flag(f).ask_next for f in flags if f not in advised)
    return next((t for t in twins if t and t not in advised), None)


def answer_next_question(
    dispatcher: CollectingDispatcher, tracker: Tracker, pending: str
) -> list[EventType]:
    """The reply to the question asked after urgent advice: a yes gets the emergency advice; a
    no keeps the urgent advice; anything else is a reply to the advice (keep_advice)."""
    answer = read_red_flag_check(str(tracker.latest_message.get("text") or ""))
    if answer == "yes":
        return escalate(dispatcher, tracker, [pending]) + end_form(tracker)
    if answer in ("no", NOT_SURE):  # unsure: the `meanwhile` says what to do if the sign comes
        if answer == "no":
            send(dispatcher, "red_flag_ask_next_no", kind="urgent")
        send_advice(dispatcher, "urgent", tracker.get_slot("red_flags") or [], brief=True)
        return [SlotSet("red_flag_pending", None)]
    return [*keep_advice(dispatcher, tracker), SlotSet("red_flag_pending", None)]


class ActionEscalateRedFlag(Action):
    def name(self) -> str:
        return "action_escalate_red_flag"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        found = entities_by_label(tracker)
        flags = sorted(found.get("red_flag", set()))
        hints = sorted(found.get("red_flag_hint", set()))
        pending = tracker.get_slot("red_flag_pending")
        intent = latest_intent(tracker)
        together = unadvised_flags(tracker)
        if together:  # what this message adds to what was said before makes a red flag
            flags = list(dict.fromkeys(flags + together))
            return escalate(dispatcher, tracker, flags) + end_form(tracker)
        if pending and pending != UNNAMED and red_flag_level(tracker) == "urgent" and not flags:
            return answer_next_question(dispatcher, tracker, pending)
        if asks_nothing_new(tracker, flags, hints):
            return keep_advice(dispatcher, tracker)

        if intent == "nlu_fallback":
            if not pending:
                reply_unclear(dispatcher, tracker)
                return []
            # "huh?", "what do you mean?" or no readable answer to the clarifying question (or to
            # the checklist): no escalation on it, no dropping it; the question again
            send(dispatcher, "red_flag_unclear")
            if pending == UNNAMED:
                send(dispatcher, "red_flag_check")
            else:
                dispatcher.utter_message(text=load_rules().flag(pending).clarify)
            return []
        if pending and intent == "affirm":
            flags = [] if pending == UNNAMED else [pending]
        elif pending and intent == "deny":
            question = question_before_the_check(tracker) if pending == UNNAMED else None
            if question is None:
                send_clarify_no(dispatcher, tracker)
                return [SlotSet("red_flag_pending", None)]
            send(dispatcher, "red_flag_check_no_then_answer")
            topic = select_topic(*question)
            utter_topic(dispatcher, tracker, topic, with_buttons=True)
            return [SlotSet("red_flag_pending", None), SlotSet(LAST_TOPIC_SLOT, topic and topic.id)]
        elif not flags and hints and intent == "report_emergency_symptoms":
            asked = asked_question(tracker)
            if asked:
                send_topic_answer(dispatcher, tracker, with_buttons=False, intent=asked)
            denied = hints_denied(tracker)
            unasked = [h for h in hints if h not in denied]
            if not unasked:
                if not asked:  # nothing to answer: the "no" stands, say how to go on
                    send_clarify_no(dispatcher, tracker)
                return []
            question = load_rules().flag(unasked[0]).clarify
            send(dispatcher, "red_flag_clarify", question=question)
            return [SlotSet("red_flag_pending", unasked[0])]
        elif not flags and intent == "report_emergency_symptoms":
            # On the project's corpus the classifier alone raised 45% false alarms, while the
            # detector caught every red flag: its reading is a reason to ask, with the
            # emergency signs listed, so a "yes" still escalates.
            send(dispatcher, "red_flag_check")
            return [SlotSet("red_flag_pending", UNNAMED)]

        if not flags and intent in ("affirm", "deny") and red_flag_level(tracker):
            return escalate(dispatcher, tracker, [], None)  # a yes/no after the advice: repeat it
        # no flags: the model read a red flag the detector did not name, the safer level
        return escalate(dispatcher, tracker, flags, None if flags else "emergency") + end_form(
            tracker
        )


SELF_CARE_INTENTS = ("ask_self_care", "ask_treatment", "ask_posture")


def keep_advice(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """A reply to red-flag advice: what it asks or does first (after_advice.py), then the
    advice again with its reasons; another question is answered after the advice."""
    level = red_flag_level(tracker) or "emergency"
    flags = tracker.get_slot("red_flags") or []
    intent = latest_intent(tracker)
    kind = reply_kind(str(tracker.latest_message.get("text") or ""), intent)
    if kind in BY_LEVEL:
        send(dispatcher, f"red_flag_after_{kind}_{level}", kind=level)
    elif kind:
        send(dispatcher, f"red_flag_after_{kind}", kind=level)
    elif intent in SELF_CARE_INTENTS:
        # exercises, stretches or treatment after red-flag advice would undo it (clinical-
        # reference §3: no exercises with a red flag); they wait for a doctor's check
        send(dispatcher, "red_flag_after_self_care", kind=level)
    elif intent and intent.startswith("ask_") and intent != "ask_when_to_see_doctor":
        send(dispatcher, "red_flag_after_topic", kind=level)
        send_advice(dispatcher, level, flags)
        send_topic_answer(dispatcher, tracker, with_buttons=False, intent=intent)
        return end_form(tracker)
    else:
        send(dispatcher, "red_flag_after_other", kind=level)
    send_advice(dispatcher, level, flags, brief=True)  # the full advice was given already
    return end_form(tracker)


def asks_nothing_new(tracker: Tracker, flags: list[str], hints: list[str]) -> bool:
    """After red-flag advice, a message that names no new flag and hints at none more serious
    than the advice given: no question about it, the advice stays."""
    level = red_flag_level(tracker)
    if level is None or tracker.get_slot("red_flag_pending"):
        return False
    advised = set(tracker.get_slot("red_flags") or [])
    rules = load_rules()
    higher = [h for h in hints if LEVELS.index(rules.flag(h).level) < LEVELS.index(level)]
    return set(flags) <= advised and not higher


class ActionKeepRedFlagAdvice(Action):
    """After red-flag advice, every reply keeps the advice and its route
    (headache_core/red_flags/after_advice.py); `RedFlagEvidencePolicy` predicts it."""

    def name(self) -> str:
        return "action_keep_red_flag_advice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return keep_advice(dispatcher, tracker)
