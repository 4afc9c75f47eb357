"""Session start: the first reply of every conversation carries the disclaimer."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ActiveLoop, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.education import LAST_TOPIC_SLOT
from actions.human_handoff import LOOP as HUMAN_LOOP
from actions.human_handoff import SLOT as HUMAN_SLOT
from actions.replies import send


class ActionSessionStart(Action):
    """Rasa's session start plus the disclaimer and emergency number (clinical-reference §3)."""

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        events: list[EventType] = [SessionStarted()]
        # Slots carry over (domain session_config), so a red-flag outcome is never forgotten; the
        # last answer given does not: a new session may ask for it again.
        events += [
            SlotSet(name, value)
            for name, value in tracker.slots.items()
            if value is not None and name not in ("requested_slot", LAST_TOPIC_SLOT)
        ]
        if (tracker.active_loop or {}).get("name") == HUMAN_LOOP:
            # staff still have this conversation: stay silent across the new session too
            events += [ActiveLoop(HUMAN_LOOP), SlotSet("requested_slot", HUMAN_SLOT)]
        else:
            send(dispatcher, "disclaimer")
        events.append(ActionExecuted("action_listen"))
        return events
