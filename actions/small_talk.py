"""A yes, a no or a thanks with nothing to agree to, refuse or close ("ok", "nope", "cheers").

Usually a short "what next?" with topics (messages.yml's `what_next_after_yes`, `..._no`,
`..._thanks`: only this action sends them, so they are not domain responses, which rules
utter). After red-flag advice, "Great. What would you like to know next?" with a "Check my
headache" button would undo it (an "ok" after "call 999 now" got exactly that when the advice
came from the screening's safety question): the advice again instead, as a yes or no right
after the advice gets (data/rules/safety.yml).
"""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import offered_before
from actions.red_flags import repeat_advice_if_flagged
from actions.replies import send
from actions.tracker_entities import latest_intent

WHAT_NEXT = {
    "affirm": "what_next_after_yes",
    "deny": "what_next_after_no",
    "thank": "what_next_after_thanks",
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
        send(dispatcher, WHAT_NEXT.get(latest_intent(tracker) or "", "what_next_after_thanks"))
        return []
