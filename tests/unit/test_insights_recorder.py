"""The recorder's other two doors: feedback (counted per topic; a thumbs-down queued, redacted,
with what the browser sent kept only if it is an intent name and a confidence), and switching
insights off (nothing recorded, yet "forget me" still reaches what was recorded before). Its
worker thread (a slow store never holds up the caller; order kept; forget awaited and retried),
building again after a failure, and the key file."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from handoff_delivery.store import HandoffStore
from headache_core.redaction import redact
from insights import recorder as recorder_module
from insights.keys import KeyFileError, conversation_key, key_from_file
from insights.recorder import Recorder, build_recorder, recorder, set_recorder
from insights.store import InsightsStore


@pytest.fixture
def store(tmp_path: Path) -> InsightsStore:
    handoffs = HandoffStore(f"sqlite:///{tmp_path / 'f.sqlite3'}", tmp_path / "outbox")
    handoffs.migrate()
    yield InsightsStore(handoffs.engine, "Europe/London")
    handoffs.close()


def test_feedback_counts_per_topic_and_a_thumbs_down_is_queued_redacted(store: InsightsStore):
    recorder = Recorder(store, b"k", redact=redact)
    recorder.record_feedback("s1", helpful=True, text="stretches?", intent="ask_self_care",
                             confidence=0.9)  # fmt: skip
    recorder.record_feedback("s1", helpful=False, text="mail me at ann@example.org",
                             intent="ask_self_care", confidence=0.7)  # fmt: skip
    recorder.record_feedback("s2", helpful=False, text="it said nothing useful",
                             intent="<script>", confidence=7)  # fmt: skip
    recorder.wait()  # written by the recorder's worker thread
    result = store.summary(days=1)
    assert result["feedback"] == {
        "ask_self_care": {"helpful": 1, "not_helpful": 1},
        "unknown": {"helpful": 0, "not_helpful": 1},
    }
    assert result["conversations"] == 0 and result["messages"] == 0  # a rating is no message
    items, total = store.review()
    assert total == 2
    assert [(i["text"], i["reading"], i["reason"]) for i in items] == [
        ("it said nothing useful", {"intent": None, "confidence": None}, "not_helpful"),
        ("mail me at [EMAIL]", {"intent": "ask_self_care", "confidence": 0.7}, "not_helpful"),
    ]
    assert recorder.failures == 0


def test_a_redactor_that_fails_drops_the_item_never_the_counts(store: InsightsStore, caplog):
    """A failing redactor (a lexicon file changed under a running server did it once) must not
    store the words as said, nor cost the turn's counts."""

    def broken(text: str) -> str:
        raise RuntimeError(f"cannot read {text}")

    recorder = Recorder(store, b"k", redact=broken)
    recorder.record_feedback("s1", helpful=False, text="I'm Ann Lee, call 07700 900123",
                             intent="ask_self_care", confidence=0.7)  # fmt: skip
    recorder.record_feedback("s1", helpful=True, text="ok", intent="ask_posture", confidence=0.9)
    recorder.wait()
    assert store.review()[1] == 0
    assert store.summary(days=1)["feedback"] == {
        "ask_self_care": {"helpful": 0, "not_helpful": 1},
        "ask_posture": {"helpful": 1, "not_helpful": 0},
    }
    assert "Ann" not in caplog.text and "RuntimeError" in caplog.text


def test_a_lone_surrogate_is_stored_replaced_and_a_bad_turn_does_not_rest_recording(
    store: InsightsStore,
):
    """Browsers can send "\ud800"; SQLite refuses it. Once, that failure paused recording for
    30 s and a whole test's conversations went uncounted."""
    recorder = Recorder(store, b"k", redact=redact)
    recorder.record_feedback("s1", helpful=False, text="blorp \ud800 zork", intent="greet",
                             confidence=0.2)  # fmt: skip
    recorder.wait()
    [item], _ = store.review()
    assert item["text"] == "blorp ? zork"

    class Broken(Exception):
        pass

    def broken_save(*args, **kwargs):
        raise Broken

    real_save = recorder._save
    recorder._save = broken_save
    recorder.record_feedback("s2", helpful=True, text="ok", intent="greet", confidence=0.9)
    recorder.wait()
    recorder._save = real_save
    recorder.record_feedback("s3", helpful=True, text="ok", intent="greet", confidence=0.9)
    recorder.wait()
    assert recorder.failures == 1 and recorder.skipped == 0
    assert store.summary(days=1)["feedback"]["greet"] == {"helpful": 1, "not_helpful": 1}


def test_switched_off_it_records_nothing_but_still_forgets(
    store: InsightsStore, monkeypatch: pytest.MonkeyPatch
):
    on = Recorder(store, b"k", redact=redact)
    on.record_feedback("s1", helpful=False, text="hm", intent=None, confidence=None)
    on.wait()
    off = Recorder(store, b"k", redact=redact, enabled=False)
    off.record_turn("s1", "rest", [{"event": "user", "text": "hi", "timestamp": 1.0}])
    off.record_feedback("s1", helpful=False, text="again", intent=None, confidence=None)
    off.wait()
    assert store.review()[1] == 1
    off.forget("s1")
    assert store.review()[1] == 0

    monkeypatch.setenv("INSIGHTS", "off")
    assert build_recorder().enabled is False


# -- the worker thread, forget's retries, building again ---------------------------------------
class SlowStore:
    """A store that blocks each write until released, and notes what ran in which order."""

    zone = ZoneInfo("Europe/London")

    def __init__(self, failing_forgets: int = 0) -> None:
        self.release = threading.Event()
        self.ran: list[tuple[str, str]] = []
        self.failing_forgets = failing_forgets

    def add(self, key: str, counts: object, review: object = ()) -> None:
        self.release.wait(10)
        self.ran.append(("add", key))

    def forget(self, key: str) -> int:
        self.release.wait(10)
        if self.failing_forgets:
            self.failing_forgets -= 1
            raise sa.exc.OperationalError("DELETE", {}, Exception("the database is away"))
        self.ran.append(("forget", key))
        return 1


TURN = [{"event": "user", "text": "posture?", "timestamp": 1_764_000_000.0,
         "parse_data": {"intent": {"name": "ask_posture", "confidence": 0.9}}}]  # fmt: skip


def test_a_blocked_store_never_blocks_the_turn_and_forget_waits_its_turn():
    store = SlowStore()
    recorder = Recorder(store, b"k", redact=lambda text: text)
    started = time.monotonic()
    recorder.record_turn("s1", "rest", TURN)
    recorder.record_turn("s2", "rest", TURN)
    assert time.monotonic() - started < 0.5  # queued, not waited for
    forgotten = recorder.forget_later("s1")
    time.sleep(0.1)
    assert not forgotten.done()  # behind the two turns, which wait for the store
    store.release.set()
    assert forgotten.result(5) is True
    k1, k2 = conversation_key("s1", b"k"), conversation_key("s2", b"k")
    assert store.ran == [("add", k1), ("add", k2), ("forget", k1)]  # in the order asked
    recorder.close()


def test_forget_retries_a_failing_store_even_while_turns_rest_after_a_failure(monkeypatch):
    monkeypatch.setattr(recorder_module, "FORGET_FIRST_WAIT_S", 0.01)
    store = SlowStore(failing_forgets=2)
    store.release.set()
    recorder = Recorder(store, b"k", redact=lambda text: text, forget_seconds=5)
    recorder._failed("turn", RuntimeError())  # the turns rest now
    assert recorder.forget("s1") is True
    assert store.ran == [("forget", conversation_key("s1", b"k"))]
    gives_up = Recorder(SlowStore(failing_forgets=99), b"k", forget_seconds=0.05)
    gives_up.store.release.set()
    assert gives_up.forget("s1") is False and gives_up.failures == 1
    recorder.close()
    gives_up.close()


def test_close_finishes_the_queued_writes():
    store = SlowStore()
    recorder = Recorder(store, b"k", redact=lambda text: text)
    for n in range(5):
        recorder.record_turn(f"s{n}", "rest", TURN)
    threading.Timer(0.1, store.release.set).start()
    recorder.close()
    assert len(store.ran) == 5
    assert recorder.forget("s0") is True  # after close (at exit): done at once, not refused


def test_a_failed_build_is_tried_again_and_at_once_for_forget(monkeypatch):
    built = Recorder(SlowStore(), b"k")
    attempts = []

    def flaky() -> Recorder:
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError("clinic.yml could not be read")
        return built

    monkeypatch.setattr(recorder_module, "build_recorder", flaky)
    set_recorder(None)
    try:
        assert recorder().store is None  # the first build failed: nothing recorded for now
        assert recorder().store is None and len(attempts) == 1  # within the pause: not again
        assert recorder(retry_now=True) is built  # "forget me" tries at once
        set_recorder(None)
        attempts.clear()
        assert recorder().store is None
        monkeypatch.setattr(recorder_module, "PAUSE_AFTER_FAILURE_S", 0.0)
        assert recorder() is built  # after the pause: built, and kept
        assert recorder() is built and len(attempts) == 2
    finally:
        set_recorder(None)
        built.close()


# -- the key file ----------------------------------------------------------------------------
def test_the_key_file_is_made_whole_and_private(tmp_path: Path):
    path = tmp_path / "run" / "insights.key"
    key = key_from_file(path)
    assert key_from_file(path) == key and len(key) == 64
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["insights.key"]  # no temporary left


@pytest.mark.parametrize(("content", "says"), [("", "is empty"), ("not a key\n", "does not hold")])
def test_an_empty_or_malformed_key_file_is_an_error_naming_it(tmp_path, content, says, caplog):
    path = tmp_path / "insights.key"
    path.write_text(content)
    with pytest.raises(KeyFileError, match=says) as error:
        key_from_file(path)
    assert str(path) in str(error.value) and "delete it" in str(error.value)
    assert path.read_text() == content  # never replaced behind anyone's back
