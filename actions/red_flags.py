"""Red-flag escalation. Issue 3 brings the detector and the two levels; until then every
red-flag message gets the emergency advice, the safer way to be wrong."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import send


class ActionEscalateRedFlag(Action):
    def name(self) -> str:
        return "action_escalate_red_flag"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        send(dispatcher, "red_flag_emergency")
        return [SlotSet("triage_outcome", "red_flag_emergency")]
