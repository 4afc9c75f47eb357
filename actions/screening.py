"""Starting the neck screening. The form itself comes with issue 4; until then this says so,
after repeating any red-flag advice first."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.red_flags import repeat_advice_if_flagged
from actions.replies import send


class ActionOfferScreening(Action):
    def name(self) -> str:
        return "action_offer_screening"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        repeat_advice_if_flagged(dispatcher, tracker)
        send(dispatcher, "screening_not_ready")
        return []
