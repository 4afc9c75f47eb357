"""Education answers: the narrowest topic of `knowledge/education.yml` for the question."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import send
from actions.tracker_entities import entities_by_label, latest_intent
from actions.triage_outcome import red_flag_level
from headache_core.clinic import load_clinic
from headache_core.content import Topic, select_follow_up, select_topic
from headache_core.messages import render

AFTER_RED_FLAG_HIDDEN = {"/start_screening", "/book_appointment"}
LAST_TOPIC_SLOT = "last_topic"


def offerable(buttons: list[dict[str, str]], tracker: Tracker) -> list[dict[str, str]]:
    """After red-flag advice, no screening or booking offers."""
    if red_flag_level(tracker):
        return [b for b in buttons if b["payload"] not in AFTER_RED_FLAG_HIDDEN]
    return buttons


def topic_buttons(topic: Topic, tracker: Tracker) -> list[dict[str, str]]:
    """The topic's buttons, as far as they may be offered."""
    return offerable([{"title": b.title, "payload": b.payload} for b in topic.buttons], tracker)


def topic_for(tracker: Tracker, intent: str | None = None) -> Topic | None:
    """The narrowest topic for the latest message's intent (or `intent`) and entities."""
    return select_topic(intent or latest_intent(tracker) or "", entities_by_label(tracker))


def utter_topic(
    dispatcher: CollectingDispatcher, tracker: Tracker, topic: Topic | None, with_buttons: bool
) -> None:
    if topic is None:
        send(dispatcher, "unclear")
        return
    buttons = topic_buttons(topic, tracker) if with_buttons else None
    dispatcher.utter_message(text=topic.render(load_clinic()), buttons=buttons)


def send_topic_answer(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    with_buttons: bool = True,
    intent: str | None = None,
) -> None:
    """The topic's answer (without its buttons where a question with its own buttons follows:
    the screening form, a red-flag question)."""
    utter_topic(dispatcher, tracker, topic_for(tracker, intent), with_buttons)


def asked_again(topic: Topic, tracker: Tracker) -> bool:
    """The answer given last, asked for again in words ("what about dehydration?" after the
    causes answer, which has nothing narrower on it); a button asks for it on purpose."""
    typed = not str(tracker.latest_message.get("text") or "").startswith("/")
    return typed and tracker.get_slot(LAST_TOPIC_SLOT) == topic.id


class ActionAnswerQuestion(Action):
    """The answer, once: asked again in other words, a pointer to it and its buttons instead; a
    follow-up naming a narrower part of the last answer's topic gets that part."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        topic = select_follow_up(
            latest_intent(tracker) or "",
            entities_by_label(tracker),
            str(tracker.latest_message.get("text") or ""),
            tracker.get_slot(LAST_TOPIC_SLOT),
        )
        if topic is not None and asked_again(topic, tracker):
            again = render("topic_again")
            dispatcher.utter_message(text=again.text, buttons=topic_buttons(topic, tracker))
            return []
        utter_topic(dispatcher, tracker, topic, with_buttons=True)
        return [SlotSet(LAST_TOPIC_SLOT, topic.id if topic else None)]
