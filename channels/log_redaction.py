"""No patient text in the Rasa server's structured logs, at any level.

Rasa 3.6 logs some events through structlog with the person's words or the conversation's data
as fields: `rest.message.received.failure` (ERROR, with the message `text`) when a message
fails, `event.deserialization.failed` (WARNING, with the event), and many DEBUG events with
slots, entities and states. Rasa Pro empties these fields through its anonymization plugin; here
a structlog processor at the front of Rasa's chain does it for the same keys. It is inserted into
structlog's processor list in place, so loggers that Rasa already used (structlog caches them)
get it too. Installed when Rasa loads this package (credentials.yml names our channels).
"""

from typing import Any

import structlog

REDACTED = "[redacted]"
# rasa/utils/log_utils.py `_anonymizer` (the keys Rasa Pro anonymizes), plus the event dicts
# and parse data some DEBUG events carry.
KEYS = frozenset(
    {
        "text", "response_text", "user_text", "slot_values", "parse_data_text",
        "parse_data_entities", "prediction_events", "tracker_latest_message",
        "prefilled_slots", "message", "response", "slot_candidates", "rasa_event",
        "rasa_events", "tracker_states", "current_states", "old_states", "successes",
        "current_entity", "next_entity", "states", "entity", "token_text", "user_message",
        "json_message", "parse_data", "events", "slots", "entities", "metadata", "value",
        "tracker", "event_info_text",
    }
)  # fmt: skip


def redact(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """Replace the values of fields that can hold what a person wrote."""
    for key in KEYS.intersection(event_dict):
        event_dict[key] = REDACTED
    return event_dict


def install() -> None:
    """Put `redact` first in structlog's processors (once), for cached loggers too."""
    processors = structlog.get_config()["processors"]
    if redact not in processors and isinstance(processors, list):
        processors.insert(0, redact)
