"""Recording insights where the turns happen: the Rasa server's tracker store calls
`recorder().record_turn` after a turn's events are committed, the socket.io channel calls
`record_feedback` for a thumbs up or down, and "forget me" calls `forget`.

Recording must never cost the patient their turn: every write runs on the recorder's one
background thread (`record_turn` and `record_feedback` queue their work and return at once), so
a database that is slow or down never holds up the event loop that serves every conversation.
One worker keeps the order: a "forget me" runs after the turns queued before it. Every failure
is swallowed, logged as a warning that names only its kind, and counted (`failures`); then
recording rests for 30 s (`skipped` counts what it missed), so a database that is down does not
make each queued turn wait for its connect timeout. It is one transaction per turn, and switched
off entirely with INSIGHTS=off.

"Forget me" is not best-effort: `forget` retries for TRACKER_STORE_RETRY_SECONDS, as the
tracker store does for the conversation itself, whatever the turns' rest after a failure, and
the tracker store awaits it. Building the process's recorder (settings, clinic.yml, the key) is
retried after a pause when it fails, never given up for the life of the process. Queued work is
finished at a normal exit. The review queue gets only the redactor's output
(headache_core/redaction.py) and the conversation's keyed hash, never the sender id.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timezone
from typing import Any

from sqlalchemy.exc import DBAPIError, OperationalError

import settings
from handoff_delivery.store import StoreUnavailable
from insights.keys import KEY_FILE, KeyFileError, conversation_key, insights_key
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
PAUSE_AFTER_FAILURE_S = 30.0  # recording rests after a failure; building is retried after it
FORGET_FIRST_WAIT_S = 0.25  # forget's retries: growing waits, as the tracker store's
FORGET_MAX_WAIT_S = 2.0


def _clinic_redactor() -> Callable[[str], str]:
    """The redactor with the clinic's phone region."""
    from headache_core.clinic import load_clinic
    from headache_core.handoff.contact import region_code
    from headache_core.redaction import redact

    region = region_code(load_clinic())
    return (lambda text: redact(text, region)) if region else redact


def _out_of_reach(error: BaseException) -> bool:
    """The database cannot be reached (or its tables are missing): worth resting for."""
    if isinstance(error, (StoreUnavailable, OperationalError, OSError)):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


class Recorder:
    """Counts turns and feedback into an `InsightsStore`; does nothing when switched off."""

    def __init__(
        self,
        store: InsightsStore | None,
        key: bytes,
        *,
        redact: Callable[[str], str] | None = None,
        enabled: bool = True,
        forget_seconds: float | None = None,
    ) -> None:
        self.store = store
        self.key = key
        self.enabled = enabled and store is not None
        self._redact = redact
        self.failures = 0
        self.skipped = 0  # turns not counted while paused after a failure
        self._paused_until = 0.0
        self._forget_seconds = forget_seconds  # None: TRACKER_STORE_RETRY_SECONDS
        # one worker: the writes run in the order they were asked for (FIFO)
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="insights")

    def _submit(self, work: Callable[..., Any], *args: Any, **kwargs: Any) -> Future:
        try:
            return self._worker.submit(work, *args, **kwargs)
        except RuntimeError:  # closed (the process is exiting): done here, at once
            done: Future = Future()
            done.set_result(work(*args, **kwargs))
            return done

    def wait(self, timeout: float | None = None) -> None:
        """Until the work queued so far is done (tests, and a caller that needs it written)."""
        self._submit(lambda: None).result(timeout)

    def close(self, wait: bool = True) -> None:
        """Finish the queued work (`wait`) and stop the worker: a normal shutdown loses none."""
        self._worker.shutdown(wait=wait)

    def redact(self, text: str) -> str:
        if self._redact is None:
            self._redact = _clinic_redactor()
        return self._redact(text)

    def _key(self, sender_id: str) -> str:
        return conversation_key(sender_id, self.key)

    def _save(self, sender_id: str, tally: Tally) -> None:
        review = []
        for item in tally.review:
            try:
                # valid UTF-8 only: a lone surrogate ("\ud800", which browsers can send)
                # cannot be stored and would have cost the turn's counts
                text = self.redact(item.text).encode("utf-8", "replace").decode("utf-8")
            except Exception as error:  # noqa: BLE001 - the text must not be kept unredacted
                # the item is dropped, never stored as said; the turn's counts still go in
                self.failures += 1
                logger.warning("insights: a review item dropped (%s)", type(error).__name__)
                continue
            review.append(NewReviewItem(text, item.intent, item.confidence, item.reason, item.at))
        self.store.add(self._key(sender_id), tally.counts, review)

    def _paused(self) -> bool:
        """Recording rests for a while after a failure: a database that is down must not make
        every turn wait for its connect timeout."""
        if time.monotonic() < self._paused_until:
            self.skipped += 1
            return True
        return False

    def _failed(self, what: str, error: BaseException) -> None:
        """Counted and logged; recording rests only when the database is out of reach (a
        failure of one turn's data must not cost the next 30 s of turns)."""
        self.failures += 1
        if _out_of_reach(error):
            self._paused_until = time.monotonic() + PAUSE_AFTER_FAILURE_S
        # the kind only: an exception's text may quote a message or a parameter
        logger.warning("insights: %s not recorded (%s)", what, type(error).__name__)

    def record_turn(
        self, sender_id: str, channel: str | None, events: Sequence[Mapping[str, Any]]
    ) -> None:
        """Count a turn's new events (dicts as `Event.as_dict()` gives them): queued for the
        worker, never waited for."""
        if self.enabled and events:
            self._submit(self._record_turn, sender_id, channel, list(events))

    def _record_turn(
        self, sender_id: str, channel: str | None, events: Sequence[Mapping[str, Any]]
    ) -> None:
        if self._paused():
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
        a "not helpful" puts the message, redacted, in the review queue. Queued for the worker."""
        if self.enabled:
            self._submit(self._record_feedback, sender_id, helpful, text, intent, confidence)

    def _record_feedback(
        self,
        sender_id: str,
        helpful: bool,
        text: str,
        intent: str | None,
        confidence: float | None,
    ) -> None:
        if self._paused():
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

    def forget_later(self, sender_id: str) -> Future:
        """ "Forget me", queued after the work asked for before it: a future of whether the
        conversation's count rows and review items are gone (the tracker store awaits it)."""
        if self.store is None:
            done: Future = Future()
            done.set_result(True)
            return done
        return self._submit(self._forget, sender_id)

    def forget(self, sender_id: str) -> bool:
        """ "Forget me", waited for: True once the conversation's rows are gone."""
        return self.forget_later(sender_id).result()

    def _forget(self, sender_id: str) -> bool:
        """Retried with growing waits for `forget_seconds` (not skipped while the turns
        rest after a failure): "forget me" must not be lost to one bad moment."""
        budget = self._forget_seconds
        if budget is None:
            budget = settings.TRACKER_STORE_RETRY_SECONDS.read()
        deadline = time.monotonic() + budget
        wait = FORGET_FIRST_WAIT_S
        key = self._key(sender_id)
        while True:
            try:
                self.store.forget(key)
                return True
            except Exception as error:  # noqa: BLE001 - the conversation is deleted anyway
                if time.monotonic() + wait > deadline:
                    self._failed("forget", error)
                    return False
                logger.warning("insights: forget failed (%s); retrying", type(error).__name__)
                time.sleep(wait)
                wait = min(wait * 2, FORGET_MAX_WAIT_S)


_lock = threading.Lock()
_recorder: Recorder | None = None


_build_failed_at: float | None = None  # when building last failed (None: it did not)
_NOTHING = Recorder(None, b"", enabled=False)  # what a failed build gives, until it is retried


def build_recorder() -> Recorder:
    """From the settings: INSIGHTS, DATABASE_URL, INSIGHTS_KEY and the clinic's timezone;
    raises when one of them cannot be read (a bad clinic.yml, a malformed key file). Switched
    off, it still forgets what was recorded while it was on (when there is a key to find it)."""
    from headache_core.clinic import load_clinic

    enabled = settings.INSIGHTS.read()
    if not enabled and not (settings.INSIGHTS_KEY.is_set() or KEY_FILE.exists()):
        return Recorder(None, b"", enabled=False)
    store = InsightsStore.from_url(zone=load_clinic().timezone)
    return Recorder(store, insights_key(), enabled=enabled)


def recorder(*, retry_now: bool = False) -> Recorder:
    """The process's recorder, built on first use. When building fails, one that does nothing
    stands in and building is tried again after a pause (`retry_now`: at once, for "forget
    me"), so one bad read of clinic.yml or the key file does not switch insights off for good."""
    global _recorder, _build_failed_at
    with _lock:
        if _recorder is not None:
            return _recorder
        waited = _build_failed_at is None or (
            time.monotonic() - _build_failed_at >= PAUSE_AFTER_FAILURE_S
        )
        if not (waited or retry_now):
            return _NOTHING
        try:
            _recorder = build_recorder()
        except KeyFileError as error:  # says which file and what to do; no patient data
            _build_failed_at = time.monotonic()
            logger.error("insights: off until this is fixed: %s", error)
            return _NOTHING
        except Exception as error:  # noqa: BLE001 - e.g. a bad clinic.yml: no insights for now
            _build_failed_at = time.monotonic()
            logger.warning("insights: off for now (%s)", type(error).__name__)
            return _NOTHING
        _build_failed_at = None
        atexit.register(_recorder.close)  # a normal shutdown finishes the queued writes
        return _recorder


def set_recorder(value: Recorder | None) -> None:
    """Tests: use this recorder (None: build it again from the settings on next use)."""
    global _recorder, _build_failed_at
    with _lock:
        _recorder = value
        _build_failed_at = None
