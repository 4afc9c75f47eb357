"""A form validation base that counts repeated failures of one question.

After RasaHQ/financial-demo's `actions/custom_forms.py`: every unclear answer to the requested
slot adds one to `repeated_validation_failures`, which the question's ask action reads to
re-ask with an example and then with buttons and "not sure"; after `max_asks` the question is
answered "not sure" for the person, so nobody is asked the same thing a fourth time.
"""

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker, utils
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction

from actions.privacy import steps_aside_for_forget_me

FAILURES_SLOT = "repeated_validation_failures"
NOT_SURE_TEXT = "not sure"


def one_line(value: Any) -> str:
    """A form answer as one line of text (buttons, typed text and pasted text alike)."""
    return " ".join(str(value).split())


def failures(tracker: Tracker) -> int:
    return int(tracker.get_slot(FAILURES_SLOT) or 0)


class CountingFormValidationAction(FormValidationAction, ABC):
    max_asks = 3

    @abstractmethod
    def name(self) -> str:
        """validate_<form name>"""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """ "Forget me" and its yes/no go to the rules (actions/privacy.py), before anything
        is read or the next question chosen."""
        if tracker.get_slot(REQUESTED_SLOT):
            stepping_aside = steps_aside_for_forget_me(tracker, self.form_name())
            if stepping_aside:
                return stepping_aside
        return await super().run(dispatcher, tracker, domain)

    async def before_validation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, text: str
    ) -> tuple[list[EventType], bool]:
        """Events read from the answer before its slot is validated, and whether they replace
        the validation (an exit, an interruption) or come before it (a question to ask next)."""
        return [], False

    async def on_activation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[EventType]:
        """Events when the form starts (reset, pre-fill)."""
        return []

    async def also_given(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, text: str
    ) -> list[EventType]:
        """Other questions' answers the same message carries ("Linda Park, 07700 900123"):
        filled now so they are not asked. Read after the asked question's own answer."""
        return []

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        requested = tracker.get_slot(REQUESTED_SLOT)
        if requested is None:
            events = await self.on_activation(dispatcher, tracker)
            tracker.add_slots(events)
            return events
        answer = tracker.slots_to_validate().get(requested)
        if answer is None:  # back after an interruption: nothing new to read
            return await super().get_validation_events(dispatcher, tracker, domain)
        events, replaced = await self.before_validation(dispatcher, tracker, requested, str(answer))
        if replaced:
            return events
        # visible to required_slots and the validators, but not a candidate to validate
        tracker.slots.update({e["name"]: e["value"] for e in events})
        events += await super().get_validation_events(dispatcher, tracker, domain)
        # other answers the message carries are kept, but the question asked still counts an
        # unclear answer, so it is never asked more than `max_asks` times
        events += await self.also_given(dispatcher, tracker, requested, str(answer))
        if tracker.get_slot(requested) is not None:
            return events + [SlotSet(FAILURES_SLOT, 0)]
        count = failures(tracker) + 1
        if count < self.max_asks:
            return events + [SlotSet(FAILURES_SLOT, count)]
        kept = [e for e in events if e["name"] != requested]
        return (
            kept
            + await self.after_max_asks(dispatcher, tracker, domain, requested)
            + [SlotSet(FAILURES_SLOT, 0)]
        )

    async def after_max_asks(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any], slot: str
    ) -> list[EventType]:
        """The third unclear answer: read as "not sure" (the screening rules handle it). A form
        where "not sure" is no answer (a phone number) overrides this."""
        validate = getattr(self, f"validate_{slot}")
        result = await utils.call_potential_coroutine(
            validate(NOT_SURE_TEXT, dispatcher, tracker, domain)
        )
        tracker.slots.update(result)
        return [SlotSet(k, v) for k, v in result.items()]


class ActionAskFormQuestion(Action, ABC):
    """Asks one form question. Rasa looks these up as action_ask_<slot>: one subclass per slot,
    made by `ask_actions`."""

    @property
    @abstractmethod
    def slot(self) -> str:
        """The form slot this action asks for."""

    def name(self) -> str:
        return f"action_ask_{self.slot}"


def ask_actions(base: type[ActionAskFormQuestion], slots: tuple[str, ...]) -> dict[str, type]:
    """One concrete ask action per slot (rasa_sdk registers every concrete Action subclass)."""
    return {
        slot: type("ActionAsk" + slot.title().replace("_", ""), (base,), {"slot": slot})
        for slot in slots
    }
