"""Clinic details from `clinic.yml`: hours, address, prices, insurance, parking, contact."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import send
from actions.tracker_entities import entities_by_label
from headache_core.clinic import load_clinic

# clinic_topic entity value -> message; the order is the order of the answers.
TOPIC_MESSAGES = {
    "hours": "clinic_hours",
    "address": "clinic_address",
    "prices": "clinic_prices",
    "insurance": "clinic_insurance",
    "parking": "clinic_parking",
    "referral": "clinic_referral",
    "first_visit": "clinic_first_visit",
    "contact": "clinic_contact",
}


def _placeholder_note(dispatcher: CollectingDispatcher) -> None:
    if load_clinic().placeholder:
        send(dispatcher, "placeholder_details")


def send_clinic_info(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """The clinic details the latest message asks about (all of them when it names none)."""
    asked = entities_by_label(tracker).get("clinic_topic", set())
    keys = [key for topic, key in TOPIC_MESSAGES.items() if topic in asked]
    clinic = load_clinic()
    for key, said in (
        ("clinic_referral", clinic.referral),
        ("clinic_first_visit", clinic.first_visit),
    ):
        if key in keys and not said:  # the clinic did not say
            keys[keys.index(key)] = f"{key}_unknown"
    for key in keys or ["clinic_overview"]:
        send(dispatcher, key)
    _placeholder_note(dispatcher)


class ActionAnswerClinicInfo(Action):
    def name(self) -> str:
        return "action_answer_clinic_info"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        send_clinic_info(dispatcher, tracker)
        return []
