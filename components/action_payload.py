"""A leaner copy of the conversation for the action server.

Rasa sends the whole tracker, every event with every field, to the action server on every
custom action call, and most turns make one or two. Measured at turn 80 of one conversation,
the JSON of those calls was 13% of the Rasa server's time (about 330 KB per call, growing with
the conversation). The actions read of older events only who said what (the front desk's
transcript, answers given before the screening started) and the channel, so events older than
the latest `KEEP_WHOLE` keep just those fields; the newest events, which the forms read to find
the slots to validate, go whole. `user_featurization` events are Rasa's own bookkeeping and are
not sent at all.
"""

from typing import Any

from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

KEEP_WHOLE = 60
KEPT_FIELDS = ("event", "timestamp", "text", "name", "value", "input_channel")
NOT_SENT = {"user_featurization"}

_original_format = RemoteAction._action_call_format


def slim(event: dict[str, Any]) -> dict[str, Any]:
    """An older event with only what the actions read of it."""
    kept = {key: event[key] for key in KEPT_FIELDS if key in event}
    if event.get("event") == "user":
        intent = (event.get("parse_data") or {}).get("intent") or {}
        kept["parse_data"] = {"intent": {"name": intent.get("name")}, "entities": []}
    return kept


def slim_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    sent = [e for e in events if e.get("event") not in NOT_SENT]
    older, newest = sent[:-KEEP_WHOLE], sent[-KEEP_WHOLE:]
    return [slim(e) for e in older] + newest


def action_call_format(
    self: RemoteAction, tracker: DialogueStateTracker, domain: Domain
) -> dict[str, Any]:
    call = _original_format(self, tracker, domain)
    state = call.get("tracker") or {}
    if isinstance(state.get("events"), list):
        state["events"] = slim_events(state["events"])
    return call


def install() -> None:
    RemoteAction._action_call_format = action_call_format
