"""Staff have the conversation: the assistant stays silent until they hand it back (issue 5).

After a request for a person is passed on, `human_handoff_form` is the active loop: each message
fills its one slot, which the validation empties again, and the "question" is never said. So
Rasa keeps the loop, the person is never talked over, and nothing is lost (every message stays
in the transcript). The one exception is safety: a red flag typed while waiting still gets its
advice at once and updates the front-desk record. The console's "Hand back" clears the loop
through Rasa's tracker API (webapp/rasa_client.py).
"""

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.forms import one_line
from actions.privacy import steps_aside_for_forget_me
from actions.red_flags import escalate
from headache_core.red_flags.detector import detect

LOOP = "human_handoff_form"
SLOT = "human_handoff"


class ValidateHumanHandoffForm(FormValidationAction):
    def name(self) -> str:
        return f"validate_{LOOP}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """ "Forget me" works while staff have the conversation too (actions/privacy.py)."""
        stepping_aside = steps_aside_for_forget_me(tracker, LOOP)
        if stepping_aside:
            return stepping_aside
        return await super().run(dispatcher, tracker, domain)

    def validate_human_handoff(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        detection = detect(one_line(value))
        if detection.flags:
            # staff are answering: no question of ours in between
            events = escalate(dispatcher, tracker, detection.flag_ids, ask_next=False)
            return {e["name"]: e["value"] for e in events} | {SLOT: None}
        return {SLOT: None}


class ActionAskHumanHandoff(Action):
    """The loop's question, which is silence: staff answer now."""

    def name(self) -> str:
        return f"action_ask_{SLOT}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return []
