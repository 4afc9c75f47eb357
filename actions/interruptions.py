"""Questions asked in the middle of a form: answered, then the form's question comes back.

Shared by the screening and handoff forms, so "what are your opening hours?" typed as an answer
gets the same answer in both.
"""

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.clinic_info import send_clinic_info
from actions.education import send_topic_answer
from actions.privacy import send_privacy_answer
from actions.tracker_entities import latest_intent
from headache_core.question_shape import is_meaning_question, is_why_question, looks_like_question
from headache_core.screening.questions import Question

QUESTION_INTENTS_MIN_CONFIDENCE = 0.5


def is_side_question(tracker: Tracker, text: str, needs_question_mark: bool = False) -> bool:
    """A question to the assistant rather than an answer: question-shaped and classified as one
    of the ask_* intents with some confidence. `needs_question_mark` for answers that may start
    like a question ("Will Smith" as a name)."""
    shaped = text.strip().endswith("?") if needs_question_mark else looks_like_question(text)
    intent = tracker.latest_message.get("intent") or {}
    return (
        shaped
        and intent.get("name", "").startswith("ask_")
        and intent.get("confidence", 0) >= QUESTION_INTENTS_MIN_CONFIDENCE
    )


def answer_side_question(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """The answer the question would get outside the form, without topic buttons (the form's
    question follows with its own)."""
    if latest_intent(tracker) == "ask_clinic_info":
        send_clinic_info(dispatcher, tracker)
    elif latest_intent(tracker) == "ask_privacy":
        send_privacy_answer(dispatcher)
    else:
        send_topic_answer(dispatcher, tracker, with_buttons=False)


def explain_the_question(
    dispatcher: CollectingDispatcher, question: Question | None, text: str
) -> bool:
    """ "Why do you need my age?" gets why the question is asked (its `why`); "what do you mean?"
    gets the question in other words (its `means`, else its example). Then the form asks it
    again. False when the text is neither, or the question has nothing to say to it."""
    if question is None:
        return False
    if question.why and is_why_question(text):
        dispatcher.utter_message(text=question.why)
        return True
    if is_meaning_question(text):
        dispatcher.utter_message(text=question.explanation())
        return True
    return False
