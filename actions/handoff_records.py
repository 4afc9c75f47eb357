"""From a conversation to a front-desk record: the store, the transcript, the notification.

One store per action-server process (its outbox retry thread keeps handoffs written while the
database was down). Red-flag escalations and finished handoff forms both come through here.
"""

import logging
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from rasa_sdk import Tracker

from handoff_delivery.notify import Notifier
from handoff_delivery.store import HandoffStore, SaveResult
from headache_core.handoff.model import HandoffRecord
from headache_core.red_flags.rules import load_rules

log = logging.getLogger(__name__)
FRONTDESK_PREFIX = "frontdesk-"  # conversations the console runs for a caller on the phone
SUMMARY_SLOT = "screening_summary"
CRITERIA_SLOT = "screening_criteria"


@lru_cache(maxsize=1)
def store() -> HandoffStore:
    handoffs = HandoffStore()
    handoffs.start_retry()
    return handoffs


@lru_cache(maxsize=1)
def notifier() -> Notifier:
    return Notifier.from_env()


def channel_of(tracker: Tracker) -> str | None:
    if tracker.sender_id.startswith(FRONTDESK_PREFIX):
        return "frontdesk"
    return tracker.get_latest_input_channel()


def transcript(tracker: Tracker) -> list[dict[str, Any]]:
    """What the person and the assistant said, oldest first, as the front desk reads it."""
    lines = []
    for event in tracker.events:
        kind = event.get("event")
        text = event.get("text")
        if kind not in ("user", "bot") or not text:
            continue
        stamp = event.get("timestamp")
        at = datetime.fromtimestamp(stamp, timezone.utc).isoformat() if stamp else None
        lines.append({"who": kind, "text": str(text), "at": at})
    return lines


def base_record(tracker: Tracker, ref: str, kind: str) -> HandoffRecord:
    """A record with what the conversation already knows: outcome, flags, screening summary."""
    return HandoffRecord(
        ref=ref,
        kind=kind,
        conversation_id=tracker.sender_id,
        channel=channel_of(tracker),
        triage_outcome=tracker.get_slot("triage_outcome"),
        red_flags=list(tracker.get_slot("red_flags") or []),
        summary=tracker.get_slot(SUMMARY_SLOT) or "",
        criteria=dict(tracker.get_slot(CRITERIA_SLOT) or {}),
        transcript=transcript(tracker),
    )


def save_and_notify(record: HandoffRecord) -> SaveResult:
    """Write the record (kept in the outbox when the store is down) and tell the front desk."""
    result = store().save(record)
    notify_front_desk(result.id, record)
    return result


def notify_front_desk(handoff_id: int | None, record: HandoffRecord) -> None:
    """Slack and/or e-mail, when configured; in the background, with no patient data."""
    if notifier().enabled:
        notifier().notify_in_background(
            handoff_id, record.kind, record.triage_outcome, record.red_flags
        )


def _labelled(line: str, known: set[str]) -> str:
    """A detector line ("thunderclap_onset (rules): ...") with the flag's label first."""
    flag_id, _, rest = line.partition(" ")
    return f"{load_rules().flag(flag_id).label} {rest}" if flag_id in known else line


def record_red_flag(
    tracker: Tracker, outcome: str, flags: list[str], found: list[str] | None = None
) -> SaveResult | None:
    """The front-desk record of a red flag: one per conversation, updated when the level rises
    or more flags are named; `found` says which detector fired on which words. Never raises:
    the advice has already been given."""
    record = base_record(tracker, f"red_flag:{tracker.sender_id}", "human")
    record.triage_outcome = outcome
    record.red_flags = list(flags)
    level = "EMERGENCY" if outcome == "red_flag_emergency" else "URGENT"
    rules = load_rules()
    known = {f.id for f in rules.flags}
    lines = [f"Red flag ({level}): the assistant gave the {level.lower()} advice."]
    # the staff's words for each flag (its label), its id kept once for searching and support
    lines += [f"- {rules.flag(f).label} ({f}): {rules.flag(f).reason}" for f in flags if f in known]
    if not flags:
        lines.append("- no flag named: the person answered yes or not sure to the warning signs")
    if found:
        lines += ["How it was found:", *(f"- {_labelled(line, known)}" for line in found)]
    if record.summary:
        lines += ["", record.summary]
    record.summary = "\n".join(lines)
    try:
        return save_and_notify(record)
    except Exception:  # the person's advice matters more than the record; the log says why
        log.exception("could not record the red flag of conversation %s", tracker.sender_id)
        return None
