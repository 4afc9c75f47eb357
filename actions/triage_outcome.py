"""The red-flag level a conversation has reached, as the contract's `triage_outcome` slot says.

Its own module because both the escalation (which sets it) and the education answers (which
hide screening and booking offers after red-flag advice) read it.
"""

from rasa_sdk import Tracker

OUTCOME = {"emergency": "red_flag_emergency", "urgent": "red_flag_urgent"}
LEVEL_OF = {v: k for k, v in OUTCOME.items()}


def red_flag_level(tracker: Tracker) -> str | None:
    """The highest red-flag level given in this conversation so far, or None."""
    return LEVEL_OF.get(tracker.get_slot("triage_outcome"))
