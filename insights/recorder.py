"""Recording insights where the turns happen: the Rasa server's tracker store calls
`recorder().record_turn` after a turn's events are committed, the socket.io channel calls
`record_feedback` for a thumbs up or down, and "forget me" calls `forget`.

Recording must never cost the patient their turn: every failure is swallowed, logged as a
warning that names only its kind, and counted (`failures`); then recording rests for 30 s
(`skipped` counts what it missed), so a database that is down does not make each turn wait for
its connect timeout. It is one transaction per turn, and switched off entirely with
INSIGHTS=off. The review queue gets only the redactor's output
(headache_core/redaction.py) and the conversation's keyed hash, never the sender id.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

import settings
from insights.keys import KEY_FILE, conversation_key, insights_key
from insights.store import InsightsStore, NewReviewItem
from insights.tally import (
    NAME_RE,
    ReviewItem,
    Tally,
    clinic_day,
    feedback_tally,
    tally_turn,
)

logger = logging.getLogger(__name__)
PAUSE_AFTER_FAILURE_S = 30.0


def _clinic_redactor() -> Callable[[str], str]:
    """The redactor with the clinic's phone region."""
    from headache_core.clinic import load_clinic
    from headache_core.handoff.contact import region_code
    from headache_core.redaction import redact

    region = region_code(load_clinic())
    return (lambda text: redact(text, region)) if region else redact


class Recorder:
    """Counts turns and feedback into an `InsightsStore`; does nothing when switched off."""

    def __init__(
        self,
        store: InsightsStore | None,
        key: bytes,
        *,
        redact: Callable[[str], str] | None = None,
        enabled: bool = True,
    ) -> None:
        self.store = store
        self.key = key
        self.enabled = enabled and store is not None
        self._redact = redact
        self.failures = 0
        self.skipped = 0  # turns not counted while paused after a failure
        self._paused_until = 0.0

    def redact(self, text: str) -> str:
        if self._redact is None:
            self._redact = _clinic_redactor()
        return self._redact(text)

    def _key(self, sender_id: str) -> str:
        return conversation_key(sender_id, self.key)

    def _save(self, sender_id: str, tally: Tally) -> None:
        review = [
            NewReviewItem(
                self.redact(item.text), item.intent, item.confidence, item.reason, item.at
            )
            for item in tally.review
        ]
        self.store.add(self._key(sender_id), tally.counts, review)

    def _paused(self) -> bool:
        """Recording rests for a while after a failure: a database that is down must not make
        every turn wait for its connect timeout."""
        if time.monotonic() < self._paused_until:
            self.skipped += 1
            return True
        return False

    def _failed(self, what: str, error: BaseException) -> None:
        self.failures += 1
        self._paused_until = time.monotonic() + PAUSE_AFTER_FAILURE_S
        # the kind only: an exception's text may quote a message or a parameter
        logger.warning("insights: %s not recorded (%s)", what, type(error).__name__)

    def record_turn(
        self, sender_id: str, channel: str | None, events: Sequence[Mapping[str, Any]]
    ) -> None:
        """Count a turn's new events (dicts as `Event.as_dict()` gives them)."""
        if not self.enabled or not events or self._paused():
            return
        try:
            tally = tally_turn(events, self.store.zone, channel=channel)
            if tally.counts or tally.review:
                self._save(sender_id, tally)
        except Exception as error:  # noqa: BLE001 - never fail the patient's turn
            self._failed("turn", error)

    def record_feedback(
        self,
        sender_id: str,
        *,
        helpful: bool,
        text: str,
        intent: str | None,
        confidence: float | None,
    ) -> None:
        """A thumbs up or down on the answer to `text`: counted under its topic (`intent`);
        a "not helpful" puts the message, redacted, in the review queue."""
        if not self.enabled or self._paused():
            return
        # from the browser, through the channel: only an identifier and a number are kept
        intent = intent if isinstance(intent, str) and NAME_RE.match(intent) else None
        if not isinstance(confidence, (int, float)) or not 0 <= confidence <= 1:
            confidence = None
        try:
            now = datetime.now(timezone.utc)
            tally = feedback_tally(helpful, intent, clinic_day(now.timestamp(), self.store.zone))
            if not helpful and text and text.strip():
                tally.review.append(
                    ReviewItem(text.strip(), intent, confidence, "not_helpful", now)
                )
            self._save(sender_id, tally)
        except Exception as error:  # noqa: BLE001 - a rating must not break the chat
            self._failed("feedback", error)

    def forget(self, sender_id: str) -> None:
        """ "Forget me": the conversation's count rows and review items go."""
        if self.store is None:
            return
        try:
            self.store.forget(self._key(sender_id))
        except Exception as error:  # noqa: BLE001 - the conversation itself is deleted anyway
            self._failed("forget", error)


_lock = threading.Lock()
_recorder: Recorder | None = None


def build_recorder() -> Recorder:
    """From the settings: INSIGHTS, DATABASE_URL, INSIGHTS_KEY and the clinic's timezone. A
    store that cannot be opened gives a recorder that does nothing (logged once). Switched
    off, it still forgets what was recorded while it was on (when there is a key to find it)."""
    from headache_core.clinic import load_clinic

    enabled = settings.INSIGHTS.read()
    if not enabled and not (settings.INSIGHTS_KEY.is_set() or KEY_FILE.exists()):
        return Recorder(None, b"", enabled=False)
    try:
        store = InsightsStore.from_url(zone=load_clinic().timezone)
        key = insights_key()
    except Exception as error:  # noqa: BLE001 - the assistant runs on without insights
        logger.warning("insights: off, the store cannot be opened (%s)", type(error).__name__)
        return Recorder(None, b"", enabled=False)
    return Recorder(store, key, enabled=enabled)


def recorder() -> Recorder:
    """The process's recorder, built on first use (one that does nothing if that fails)."""
    global _recorder
    with _lock:
        if _recorder is None:
            try:
                _recorder = build_recorder()
            except Exception as error:  # noqa: BLE001 - e.g. a bad clinic.yml: no insights
                logger.warning("insights: off (%s)", type(error).__name__)
                _recorder = Recorder(None, b"", enabled=False)
        return _recorder


def set_recorder(value: Recorder | None) -> None:
    """Tests: use this recorder (None: build it again from the settings on next use)."""
    global _recorder
    with _lock:
        _recorder = value
