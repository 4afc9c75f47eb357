"""Unclear messages: say what went wrong when we know (empty, emoji, another language), and
ask which part to explain when the person did not follow the last answer ("what do you mean?").

Serves both Rasa fallbacks: low NLU confidence (`nlu_fallback`) and no dialogue rule fitting
(RulePolicy's core fallback action).
"""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.education import LAST_TOPIC_SLOT, topic_buttons
from actions.replies import send
from actions.tracker_entities import entities_by_label, latest_intent
from headache_core.clinic import load_clinic
from headache_core.content import topic_by_id
from headache_core.handoff.contact import region_code
from headache_core.handoff.details import read_details
from headache_core.messages import render
from headache_core.question_shape import ASKED_WHAT_WE_MEANT

# An unsure booking or request for a person (components/clinic_request_gate.py): offered.
OFFERS = {"book_appointment": "offer_booking", "request_human": "offer_person"}
PROBLEM_MESSAGES = {
    "empty": "input_empty",
    "no_words": "input_no_words",
    "not_english": "input_not_english",
    "other_business": "other_business",  # components/clinic_request_gate.py
}


class ActionHandleUnclear(Action):
    """An unclear message; also a reply to the front-desk offer that is neither yes nor no."""

    def name(self) -> str:
        return "action_handle_unclear"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if accepts_offer_with_details(tracker):
            return [FollowupAction("handoff_form")]  # it keeps the details (actions/handoff.py)
        if latest_intent(tracker) == "out_of_scope":  # after the offer (data/rules/chitchat.yml)
            dispatcher.utter_message(response="utter_out_of_scope")
            return []
        reply_unclear(dispatcher, tracker)
        return []


def accepts_offer_with_details(tracker: Tracker) -> bool:
    """ "Linda Park, 07700 900123" in reply to "Would you like me to ask the front desk to
    contact you?": a yes that already gives the details."""
    if not offered_before(tracker):
        return False
    text = str(tracker.latest_message.get("text") or "")
    found = read_details(text, region_code(load_clinic()))
    return bool(found.contact or found.name)


def reply_unclear(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """What an unclear message gets (also after red-flag advice: actions/red_flags.py)."""
    problems = entities_by_label(tracker).get("input_problem", set())
    last = topic_by_id(tracker.get_slot(LAST_TOPIC_SLOT) or "")
    if ASKED_WHAT_WE_MEANT in problems and last is not None:
        # "what do you mean?" after an answer: the parts of that answer to pick from
        reply = render("which_part")
        dispatcher.utter_message(text=reply.text, buttons=topic_buttons(last, tracker))
        return
    readings = entities_by_label(tracker).get("unsure_reading", set())
    offer = next((OFFERS[r] for r in sorted(readings) if r in OFFERS), None)
    if "unsure_request" in problems and offer is not None:
        send(dispatcher, offer)  # a yes: actions/small_talk.py starts it
        return
    key = next((m for p, m in PROBLEM_MESSAGES.items() if p in problems), "unclear")
    send(dispatcher, key)


def offered_before(tracker: Tracker) -> str | None:
    """The intent ("book_appointment", "request_human") the assistant's last message offered,
    when it was such an offer: a "yes" now accepts it."""
    last = next((e for e in reversed(tracker.events) if e.get("event") == "bot"), None)
    said = (last or {}).get("text") or ""
    return next((i for i, key in OFFERS.items() if said.startswith(render(key).text)), None)
