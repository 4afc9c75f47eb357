"""Unclear messages: say what went wrong when we know (empty, emoji, another language).

Serves both Rasa fallbacks: low NLU confidence (`nlu_fallback`) and no dialogue rule fitting
(RulePolicy's core fallback action).
"""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import send
from actions.tracker_entities import entities_by_label

PROBLEM_MESSAGES = {
    "empty": "input_empty",
    "no_words": "input_no_words",
    "not_english": "input_not_english",
}


class ActionHandleUnclear(Action):
    def name(self) -> str:
        return "action_handle_unclear"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        problems = entities_by_label(tracker).get("input_problem", set())
        key = next((m for p, m in PROBLEM_MESSAGES.items() if p in problems), "unclear")
        send(dispatcher, key)
        return []
