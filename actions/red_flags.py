"""Red-flag escalation: the right care at the right speed (clinical-reference §2 and §3).

The NLU component `RedFlagMarker` names the flags; this action turns them into the fixed
routing message of the highest level, keeps the highest level seen in the conversation
(`triage_outcome`) and every flag (`red_flags`), and asks one clarifying question when a message
only hints at a flag.
"""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff_records import record_red_flag
from actions.replies import send
from actions.tracker_entities import entities_by_label, latest_intent
from headache_core.red_flags.rules import LEVELS, load_rules

OUTCOME = {"emergency": "red_flag_emergency", "urgent": "red_flag_urgent"}
# The intent classifier alone read a red flag the detector cannot name: ask, don't alarm.
UNNAMED = "unnamed"
LEVEL_OF = {v: k for k, v in OUTCOME.items()}
MAX_REASONS = 2


def red_flag_level(tracker: Tracker) -> str | None:
    """The highest red-flag level given in this conversation so far, or None."""
    return LEVEL_OF.get(tracker.get_slot("triage_outcome"))


def _highest(*levels: str | None) -> str | None:
    return next((level for level in LEVELS if level in levels), None)


def send_advice(dispatcher: CollectingDispatcher, level: str, flag_ids: list[str]) -> None:
    """The fixed routing message for a level, with the reasons of its flags."""
    rules = load_rules()
    known = [rules.flag(f) for f in flag_ids if f in {x.id for x in rules.flags}]
    reasons = " ".join([f.reason for f in known if f.level == level][:MAX_REASONS])
    if not reasons and level == "emergency":
        send(dispatcher, "red_flag_emergency_unspecified", kind=level)
    else:
        send(dispatcher, f"red_flag_{level}", kind=level, reasons=reasons)


def repeat_advice_if_flagged(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Before booking or screening after a red flag: the advice again, first. True if sent."""
    level = red_flag_level(tracker)
    if level is None:
        return False
    send(dispatcher, "red_flag_reminder")
    send_advice(dispatcher, level, tracker.get_slot("red_flags") or [])
    return True


def escalate(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    flags: list[str],
    new_level: str | None = None,
    lead: str | None = None,
) -> list[EventType]:
    """Send the advice of the highest level seen (flags' levels, `new_level`, earlier ones) and
    set the contract slots; the front desk gets a record (issue 3). `lead` is a message key sent
    first (e.g. why an unsure answer escalates). Every form and the escalation action share this."""
    rules = load_rules()
    known = {f.id for f in rules.flags}
    flags = [f for f in flags if f in known]
    new_level = _highest(new_level, *(rules.flag(f).level for f in flags))
    level = _highest(new_level, red_flag_level(tracker)) or "emergency"
    all_flags = list(dict.fromkeys((tracker.get_slot("red_flags") or []) + flags))
    if lead:
        send(dispatcher, lead)
    send_advice(dispatcher, level, flags if new_level == level else all_flags)
    record_red_flag(tracker, OUTCOME[level], all_flags)
    return [
        SlotSet("triage_outcome", OUTCOME[level]),
        SlotSet("red_flags", all_flags),
        SlotSet("red_flag_pending", None),
    ]


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

        if pending and intent == "affirm":
            flags = [] if pending == UNNAMED else [pending]
        elif pending and intent == "deny":
            send(dispatcher, "red_flag_clarify_no")
            return [SlotSet("red_flag_pending", None)]
        elif not flags and hints and intent == "report_emergency_symptoms":
            question = load_rules().flag(hints[0]).clarify
            send(dispatcher, "red_flag_clarify", question=question)
            return [SlotSet("red_flag_pending", hints[0])]
        elif not flags and intent == "report_emergency_symptoms":
            # On the project's corpus the classifier alone raised 45% false alarms, while the
            # detector caught every red flag: its reading is a reason to ask, with the
            # emergency signs listed, so a "yes" still escalates.
            send(dispatcher, "red_flag_check")
            return [SlotSet("red_flag_pending", UNNAMED)]

        if not flags and intent in ("affirm", "deny") and red_flag_level(tracker):
            return escalate(dispatcher, tracker, [], None)  # a yes/no after the advice: repeat it
        # no flags: the model read a red flag the detector did not name, the safer level
        return escalate(dispatcher, tracker, flags, None if flags else "emergency")
