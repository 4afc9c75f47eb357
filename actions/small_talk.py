"""A yes, a no or a thanks with nothing to agree to, refuse or close ("ok", "nope", "cheers").

Usually a short "what next?" with topics (the domain's `utter_affirm_no_context`,
`utter_deny_no_context`, `utter_thank`). After red-flag advice, "Great. What would you like to
know next?" with a "Check my headache" button would undo it (an "ok" after "call 999 now" got
exactly that when the advice came from the screening's safety question): the advice again
instead, as a yes or no right after the advice gets (data/rules/safety.yml).
"""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import offered_before
from actions.red_flags import repeat_advice_if_flagged
from actions.tracker_entities import latest_intent

RESPONSES = {
    "affirm": "utter_affirm_no_context",
    "deny": "utter_deny_no_context",
    "thank": "utter_thank",
}


class ActionAcknowledgeSmallTalk(Action):
    def name(self) -> str:
        return "action_acknowledge_small_talk"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if repeat_advice_if_flagged(dispatcher, tracker):
            return []
        if latest_intent(tracker) == "affirm" and offered_before(tracker):
            return [FollowupAction("handoff_form")]  # "yes" to "shall I ask the front desk?"
        dispatcher.utter_message(
            response=RESPONSES.get(latest_intent(tracker) or "", "utter_thank")
        )
        return []
