"""The words staff read for the ids the insights and the review queue hold.

Red flags: a `label:` in knowledge/red_flags.yml when the flag has one. Topics (intents): a
`title:` of the education topic for that intent when the file has one, else these few words
for the intents that are not education topics, else the title of the buttons that ask for the
intent (what patients tap, "Neck headaches"). Anything else: the id made readable.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from pathlib import Path

import yaml

from headache_core.content import EDUCATION_FILE, PAYLOAD_RE
from headache_core.red_flags.rules import RED_FLAGS_FILE
from insights.export import IGNORE, NEW_TOPIC
from insights.tally import FALLBACK_INTENT, domain_intents

JOURNEYS = {
    "education_only": "Asked questions only",
    "screening_started": "Started the headache check, did not finish",
    "screening_finished": "Finished the headache check",
    "red_flag": "Red flag",
    "other": "Other",
}
JOURNEY_TONES = {"red_flag": "emergency", "screening_finished": "consistent", "other": "muted"}
OUTCOMES = {
    "red_flag_emergency": "Emergency red flag",
    "red_flag_urgent": "Urgent red flag",
    "consistent_with_cervicogenic": "Fits a neck-related headache",
    "not_typical_cervicogenic": "Not typical of a neck-related headache",
}
OUTCOME_TONES = {
    "red_flag_emergency": "emergency",
    "red_flag_urgent": "urgent",
    "consistent_with_cervicogenic": "consistent",
    "not_typical_cervicogenic": "muted",
}
LEVELS = {"emergency": "Emergency", "urgent": "Urgent"}
HANDOFF_KINDS = {"booking": "Booking requests", "human": "Asked for a person"}
HANDOFF_STATUSES = {"new": "New", "claimed": "Claimed", "done": "Done"}
REASONS = {
    "not_understood": "Didn't understand",
    "out_of_scope": "Out of scope",
    "unsure": "Unsure",
    "not_helpful": "Marked not helpful",
}
LABEL_WORDS = {NEW_TOPIC: "New topic", IGNORE: "Ignore"}  # the ids: insights/export.py
INTENTS = {  # intents that are not education topics, in the words of the front desk
    "nlu_fallback": "Not understood",
    "out_of_scope": "Out of scope",
    "greet": "Hello",
    "goodbye": "Goodbye",
    "affirm": "Yes",
    "deny": "No",
    "thank": "Thanks",
    "bot_challenge": "Asked if it is a bot",
    "start_screening": "Headache check",
    "book_appointment": "Book an appointment",
    "ask_clinic_info": "Clinic details",
    "request_human": "Asked for a person",
    "report_emergency_symptoms": "Emergency symptoms",
    "forget_me": "Forget me",
    "ask_privacy": "Privacy",
    "how_are_you": "How are you",
    "pleasantry": "Small talk",
}


def readable(name: str) -> str:
    """ "ask_neck_anatomy" -> "Neck anatomy"; "thunderclap_onset" -> "Thunderclap onset"."""
    words = name.removeprefix("ask_").replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else name


@lru_cache(maxsize=4)
def flag_labels(path: Path = RED_FLAGS_FILE) -> dict[str, str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {
        str(flag["id"]): " ".join(str(flag["label"]).split())
        for flag in data.get("flags") or []
        if isinstance(flag, dict) and flag.get("id") and flag.get("label")
    }


def flag_words(flag_id: str) -> str:
    return flag_labels().get(flag_id) or readable(flag_id)


@lru_cache(maxsize=4)
def topic_titles(path: Path = EDUCATION_FILE) -> tuple[dict[str, str], dict[str, str]]:
    """(intent -> the `title:` of its general topic: one intent, no entities;
    intent -> the title most buttons that ask for the intent carry)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    titled: dict[str, str] = {}
    buttons: dict[str, Counter[str]] = {}
    for topic in data.get("topics") or []:
        intents = topic.get("intents") or []
        if topic.get("title") and len(intents) == 1 and not topic.get("entities"):
            titled.setdefault(intents[0], " ".join(str(topic["title"]).split()))
        for button in topic.get("buttons") or []:
            match = PAYLOAD_RE.match(str(button.get("payload", "")))
            if match and not match["entities"]:
                buttons.setdefault(match["intent"], Counter())[str(button["title"])] += 1
    return titled, {intent: counts.most_common(1)[0][0] for intent, counts in buttons.items()}


def intent_words(intent: str) -> str:
    titled, from_buttons = topic_titles()
    return (
        LABEL_WORDS.get(intent)
        or titled.get(intent)
        or INTENTS.get(intent)
        or from_buttons.get(intent)
        or readable(intent)
    )


def intents_shown() -> tuple[str, ...]:
    """Every reading or label staff may see: domain.yml's intents (insights/tally.py reads
    them) and Rasa's fallback."""
    return (*domain_intents(), FALLBACK_INTENT)
