"""Reading the latest message's entities the way content selection wants them."""

from collections import defaultdict

from rasa_sdk import Tracker


def entities_by_label(tracker: Tracker) -> dict[str, set[str]]:
    """{label: {canonical values}} of the latest user message, buttons' entities included."""
    found: dict[str, set[str]] = defaultdict(set)
    for entity in tracker.latest_message.get("entities") or []:
        label, value = entity.get("entity"), entity.get("value")
        if label and isinstance(value, str):
            found[label].add(value)
    return dict(found)


def latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")
