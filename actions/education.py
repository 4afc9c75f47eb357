"""Education answers: the narrowest topic of `knowledge/education.yml` for the question."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import send
from actions.tracker_entities import entities_by_label, latest_intent
from actions.triage_outcome import red_flag_level
from headache_core.clinic import load_clinic
from headache_core.content import select_topic

AFTER_RED_FLAG_HIDDEN = {"/start_screening", "/book_appointment"}


def send_topic_answer(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    with_buttons: bool = True,
    intent: str | None = None,
) -> None:
    """The topic for the latest message's intent (or `intent`) and entities (without its buttons
    where a question with its own buttons follows: the screening form, a red-flag question)."""
    topic = select_topic(intent or latest_intent(tracker) or "", entities_by_label(tracker))
    if topic is None:
        send(dispatcher, "unclear")
        return
    buttons = [{"title": b.title, "payload": b.payload} for b in topic.buttons]
    if red_flag_level(tracker):  # after red-flag advice, no screening or booking offers
        buttons = [b for b in buttons if b["payload"] not in AFTER_RED_FLAG_HIDDEN]
    dispatcher.utter_message(
        text=topic.render(load_clinic()), buttons=buttons if with_buttons else None
    )


class ActionAnswerQuestion(Action):
    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        send_topic_answer(dispatcher, tracker)
        return []
