""" "Forget me" (issue 7): the person can have this conversation and its front-desk records
deleted, from any state.

`action_confirm_forget_me` asks first (deleting is final); "yes" runs `action_forget_me`, which,
when the yes is clear (`is_clear_yes`), deletes the conversation's handoffs here and leaves the
tracker to Rasa's side: the tracker store deletes every stored event of the sender when it saves
a turn in which this action set `conversation_forgotten`
(stores/tracker_store.py says why it cannot be done from here). "No" runs
`action_keep_conversation`, and a form that was running asks its question again. Inside a form
the form's validation steps aside for these messages (`steps_aside_for_forget_me`), so the rules
in data/rules/privacy.yml decide, as they do outside forms.
"""

import logging
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecutionRejected, ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT

from actions.handoff_records import store
from actions.replies import send
from actions.tracker_entities import latest_intent
from headache_core.forget import FORGOTTEN_SLOT
from headache_core.handoff.contact import read_consent
from headache_core.question_shape import looks_like_question
from headache_core.retention import retention_days

log = logging.getLogger(__name__)
FORGET_INTENT = "forget_me"
CONFIRM_ACTION = "action_confirm_forget_me"
FORGET_ACTION = "action_forget_me"
ANSWER_INTENTS = {"affirm", "deny", FORGET_INTENT}  # a reply to the confirmation
FORGET_MIN_CONFIDENCE = 0.6  # form answers are free text: only a clear request counts
# Deleting is final, so the answer to "delete?" must be a clear yes: the classifier sure of it
# ("hmm" is affirm at 0.86, "hmm not sure" 0.58) and, for "forget me" again, not a question
# ("what would that delete" is forget_me at 0.97).
CLEAR_YES = 0.9


def _previous_action(tracker: Tracker) -> str | None:
    """The bot's last action before the latest user message."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_user = True
        elif seen_user and event.get("event") == "action" and event.get("name") != "action_listen":
            return event.get("name")
    return None


def asks_to_forget(tracker: Tracker) -> bool:
    """The latest message is a clear "forget me" request."""
    intent = tracker.latest_message.get("intent") or {}
    return (
        intent.get("name") == FORGET_INTENT and intent.get("confidence", 0) >= FORGET_MIN_CONFIDENCE
    )


# Words of a yes to deleting that are not yes or no ("yes please delete it all").
DELETE_WORDS = re.compile(
    r"\b(delete|remove|erase|wipe|clear|it|everything|all|my|data|chat|conversation|them)\b", re.I
)


def is_clear_yes(tracker: Tracker) -> bool:
    """The latest message says yes to deleting beyond doubt (the "Yes, delete it" button is;
    so is "Yes please delete", read by the consent reader once the deleting words are gone)."""
    text = tracker.latest_message.get("text") or ""
    if read_consent(DELETE_WORDS.sub(" ", text)) == "yes":
        return True
    intent = tracker.latest_message.get("intent") or {}
    if intent.get("confidence", 0.0) < CLEAR_YES:
        return False
    if intent.get("name") == "affirm":
        return True
    if intent.get("name") != FORGET_INTENT:
        return False
    return not looks_like_question(tracker.latest_message.get("text") or "")


def answers_the_confirmation(tracker: Tracker) -> bool:
    """A yes or no (or the request again) right after "Do you want me to delete ...?"."""
    return _previous_action(tracker) == CONFIRM_ACTION and latest_intent(tracker) in ANSWER_INTENTS


def _without_the_answer(tracker: Tracker) -> list[EventType]:
    """Rasa fills a form's requested slot from every message (from_text) before anything
    runs: "delete my data" or the "no" after the confirmation is no answer to the question."""
    requested = tracker.get_slot(REQUESTED_SLOT)
    return [SlotSet(requested, None)] if requested and tracker.active_loop.get("name") else []


def _right_after_the_message(tracker: Tracker, form: str) -> bool:
    """No action but the form itself since the latest user message (Rasa hands validation a
    tracker that ends with the form's own ActionExecuted)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return True
        if event.get("event") == "action" and event.get("name") not in (form, "action_listen"):
            return False
    return False


def steps_aside_for_forget_me(tracker: Tracker, form: str) -> list[EventType] | None:
    """For a form's validation right after a message: the rejection that hands a "forget me"
    message (or the answer to its confirmation) to the rules, or None when the message is the
    form's. (When Rasa returns to the form after "no", the latest message is still that "no",
    but action_keep_conversation ran since: the form just asks its question again.)"""
    if not _right_after_the_message(tracker, form):
        return None
    if asks_to_forget(tracker) or answers_the_confirmation(tracker):
        return [ActionExecutionRejected(form), *_without_the_answer(tracker)]
    return None


def send_privacy_answer(dispatcher: CollectingDispatcher) -> None:
    """What happens to the chat: how long it is kept (RETENTION_DAYS, what is deleted after),
    who sees it, and how to delete it now."""
    send(dispatcher, "privacy_what_we_keep", retention_days=str(retention_days()))


class ActionExplainPrivacy(Action):
    """ "What do you keep about me?", "is this chat private?" """

    def name(self) -> str:
        return "action_explain_privacy"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        send_privacy_answer(dispatcher)
        return []


class ActionConfirmForgetMe(Action):
    def name(self) -> str:
        return CONFIRM_ACTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        send(dispatcher, "forget_confirm")
        return _without_the_answer(tracker)


class ActionForgetMe(Action):
    """Deletes the front-desk records of this conversation (stored and in the outbox) and
    ends any form; the tracker store then deletes the conversation itself."""

    def name(self) -> str:
        return FORGET_ACTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if not is_clear_yes(tracker):  # nothing deleted; a form asks its question again
            send(dispatcher, "forget_unsure")
            return _without_the_answer(tracker)
        try:
            deleted = store().delete_conversation(tracker.sender_id)
        except Exception as exc:  # noqa: BLE001 - the person is told; the chat is still deleted
            log.warning("forget me: handoffs not deleted (%s)", type(exc).__name__)
            send(dispatcher, "forget_failed")
        else:
            log.info("forget me: conversation deleted with %d handoffs", deleted)
            # kind "forgotten": a channel that keeps history on the device can drop it too
            send(dispatcher, "forget_done", kind="forgotten")
        # no form may come back this turn (Rasa would run it after this action)
        return [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet(FORGOTTEN_SLOT, True)]


class ActionKeepConversation(Action):
    """ "No": nothing is deleted; a form that was running asks its question again (Rasa runs
    it after this action)."""

    def name(self) -> str:
        return "action_keep_conversation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        send(dispatcher, "forget_kept")
        return _without_the_answer(tracker)
