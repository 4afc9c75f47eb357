"""Reading the latest message's entities the way content selection wants them."""

from collections import defaultdict
from typing import Any

from rasa_sdk import Tracker


def entities_by_label(tracker: Tracker) -> dict[str, set[str]]:
    """{label: {canonical values}} of the latest user message, buttons' entities included."""
    return labelled(tracker.latest_message)


def labelled(parse_data: dict[str, Any]) -> dict[str, set[str]]:
    """{label: {canonical values}} of one parsed user message."""
    found: dict[str, set[str]] = defaultdict(set)
    for entity in parse_data.get("entities") or []:
        label, value = entity.get("entity"), entity.get("value")
        if label and isinstance(value, str):
            found[label].add(value)
    return dict(found)


def message_before_latest(tracker: Tracker) -> dict[str, Any] | None:
    """The parse data of the user message before the latest one (None if there is none)."""
    users = [e for e in tracker.events if e.get("event") == "user"]
    if len(users) < 2:
        return None
    earlier = users[-2]
    return {**(earlier.get("parse_data") or {}), "text": earlier.get("text") or ""}


def latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")
