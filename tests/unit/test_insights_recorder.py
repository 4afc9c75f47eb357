"""The recorder's other two doors: feedback (counted per topic; a thumbs-down queued, redacted,
with what the browser sent kept only if it is an intent name and a confidence), and switching
insights off (nothing recorded, yet "forget me" still reaches what was recorded before)."""

from __future__ import annotations

from pathlib import Path

import pytest

from handoff_delivery.store import HandoffStore
from headache_core.redaction import redact
from insights.recorder import Recorder, build_recorder
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


def test_switched_off_it_records_nothing_but_still_forgets(
    store: InsightsStore, monkeypatch: pytest.MonkeyPatch
):
    Recorder(store, b"k", redact=redact).record_feedback(
        "s1", helpful=False, text="hm", intent=None, confidence=None
    )
    off = Recorder(store, b"k", redact=redact, enabled=False)
    off.record_turn("s1", "rest", [{"event": "user", "text": "hi", "timestamp": 1.0}])
    off.record_feedback("s1", helpful=False, text="again", intent=None, confidence=None)
    assert store.review()[1] == 1
    off.forget("s1")
    assert store.review()[1] == 0

    monkeypatch.setenv("INSIGHTS", "off")
    assert build_recorder().enabled is False
