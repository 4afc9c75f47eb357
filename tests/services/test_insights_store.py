"""The insights store on SQLite and PostgreSQL: migration 0002 on an empty database, counts
added atomically by concurrent writers (two Rasa replicas), retention and "forget me" (that
conversation's rows gone, the others kept), the review queue's paging and labels, and the
tracker store's hook (a turn is counted once committed; a broken insights store never fails it).
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from handoff_delivery.store import HandoffStore
from insights import summary
from insights.keys import conversation_key, key_from_file
from insights.recorder import Recorder, set_recorder
from insights.store import InsightsStore, NewReviewItem
from stores.tracker_store import ClinicTrackerStore
from tests.conftest import ROOT
from tests.services.test_handoff_store import PostgresServer, postgres_server  # noqa: F401

NOW = datetime(2026, 12, 6, 15, 0, tzinfo=timezone.utc)
TODAY = date(2026, 12, 6)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'insights.sqlite3'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    schema = server.new_schema()
    url = server.url.set(query={"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        server.drop_schema(schema)


@pytest.fixture
def handoffs(db_url: str, tmp_path: Path) -> Iterator[HandoffStore]:
    store = HandoffStore(db_url, tmp_path / "outbox", clock=lambda: NOW)
    store.migrate()
    yield store
    store.close()


@pytest.fixture
def store(handoffs: HandoffStore) -> InsightsStore:
    return InsightsStore(handoffs.engine, "Europe/London", clock=lambda: NOW)


def item(text: str, at: datetime = NOW, reason: str = "unsure") -> NewReviewItem:
    return NewReviewItem(text, "nlu_fallback", 0.25, reason, at)


def test_the_migration_creates_both_tables_on_an_empty_database(handoffs: HandoffStore):
    inspector = sa.inspect(handoffs.engine)
    assert {"handoffs", "insight_counts", "review_items"} <= set(inspector.get_table_names())
    keys = inspector.get_pk_constraint("insight_counts")["constrained_columns"]
    assert keys == ["conversation_key", "day", "name"]
    columns = {c["name"] for c in inspector.get_columns("review_items")}
    assert columns == {
        "id", "created_at", "conversation_key", "text", "intent", "confidence", "reason",
        "label", "labelled_by", "labelled_at",
    }  # fmt: skip
    assert "sender_id" not in columns and "conversation_id" not in columns


def test_the_migrations_and_tables_py_describe_the_same_schema(handoffs: HandoffStore):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from handoff_delivery.tables import VERSION_TABLE, metadata

    with handoffs.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    assert [
        d for d in differences if not (d[0] == "remove_table" and d[1].name == VERSION_TABLE)
    ] == []


def test_concurrent_turns_add_up_exactly(store: InsightsStore):
    def writer() -> None:
        for _ in range(25):
            store.add("k1", {(TODAY, "messages"): 1, (TODAY, "topic:ask_posture"): 2})

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = store.summary(days=1)
    assert result["messages"] == 100 and result["topics"] == {"ask_posture": 200}
    assert result["conversations"] == 1


NAMES = ["messages", "unsure", "education", "beyond_education", "screening_started",
         "outcome:consistent_with_cervicogenic", "outcome:red_flag_urgent", "level:urgent",
         "level:emergency", "flag:thunderclap_onset", "flag:fever_neck_stiffness",
         "topic:ask_posture", "helpful:ask_posture", "not_helpful:unknown"]  # fmt: skip


def reference(rows: list[tuple[str, date, str, int]], days: list[date]) -> dict:
    """What the summary must say, worked out the plain way: every conversation's names."""
    per_day: dict = {}
    for key, day, name, _value in rows:
        per_day.setdefault(day, {}).setdefault(key, set()).add(name)
    whole: dict = {}
    for day in days:
        for key, names in per_day.get(day, {}).items():
            whole.setdefault(key, set()).update(names)

    def counted(conversations: dict) -> dict:
        traits = {k: summary.traits_of(names) for k, names in conversations.items()}
        journeys = [summary.journey(t) for t in traits.values() if summary.COUNTED in t]
        levels = [lv for t in traits.values() if (lv := summary.level(t))]
        return {
            "conversations": len(journeys),
            "journeys": {j: journeys.count(j) for j in summary.JOURNEYS},
            "red_flag_levels": {lv: levels.count(lv) for lv in summary.LEVELS},
            "outcome_urgent": sum("outcome:red_flag_urgent" in n for n in conversations.values()),
            "thunderclap": sum("flag:thunderclap_onset" in n for n in conversations.values()),
        }

    return {"total": counted(whole), "by_day": [counted(per_day.get(d, {})) for d in days]}


def test_the_summary_counted_in_the_database_matches_the_plain_count(store: InsightsStore):
    """Sums, conversations per name and the journeys' traits are counted in SQL; the result is
    what each conversation's set of names gives (summary.journey, summary.level)."""
    rng = random.Random(29)
    days = [TODAY - timedelta(days=i) for i in range(4, -1, -1)]
    rows = []
    for n in range(60):
        for day in rng.sample(days, rng.randint(1, 3)):
            for name in rng.sample(NAMES, rng.randint(1, 6)):
                rows.append((f"k{n}", day, name, rng.randint(1, 3)))
    for key, day, name, value in rows:
        store.add(key, {(day, name): value})
    got = store.summary(days=5)
    want = reference(rows, days)
    for result, expected in [(got, want["total"])] + list(
        zip(got["by_day"], want["by_day"], strict=True)
    ):
        assert result["conversations"] == expected["conversations"]
        assert result["journeys"] == expected["journeys"]
        assert result["red_flag_levels"] == expected["red_flag_levels"]
        assert result["outcomes"]["red_flag_urgent"] == expected["outcome_urgent"]
        assert result["red_flags"].get("thunderclap_onset", 0) == expected["thunderclap"]
    assert got["messages"] == sum(v for _, _, n, v in rows if n == "messages")
    assert [d["messages"] for d in got["by_day"]] == [
        sum(v for _, d, n, v in rows if n == "messages" and d == day) for day in days
    ]


def test_forget_removes_that_conversations_rows_and_items_only(store: InsightsStore):
    for key in ("gone", "kept"):
        store.add(key, {(TODAY, "messages"): 3, (TODAY, "unsure"): 1}, [item(f"text of {key}")])
    assert store.forget("gone") == 3  # two count rows, one review item
    result = store.summary(days=1)
    assert (result["conversations"], result["messages"], result["unsure_messages"]) == (1, 3, 1)
    items, total = store.review(status="all")
    assert total == 1 and [i["text"] for i in items] == ["text of kept"]


def test_retention_deletes_old_days_and_items_and_keeps_recent_ones(store: InsightsStore):
    old, recent = NOW - timedelta(days=40), NOW - timedelta(days=5)
    store.add(
        "a", {(old.date(), "messages"): 1, (recent.date(), "messages"): 1}, [item("old", old)]
    )
    store.add("b", {(TODAY, "messages"): 1}, [item("new", recent)])
    assert store.delete_older_than(30) == (1, 1)
    assert store.summary(days=60)["messages"] == 2
    assert [i["text"] for i in store.review(status="all")[0]] == ["new"]
    assert store.delete_older_than(30) == (0, 0)


def test_the_review_queue_pages_newest_first_and_keeps_labels(store: InsightsStore):
    store.add("k", {}, [item(f"message {n}", NOW + timedelta(minutes=n)) for n in range(5)])
    items, total = store.review(limit=2, offset=1)
    assert total == 5 and [i["text"] for i in items] == ["message 3", "message 2"]
    first = store.review(limit=1)[0][0]
    labelled = store.label(first["id"], "ask_posture", "Sam")
    assert labelled["label"] == "ask_posture" and labelled["labelled_by"] == "Sam"
    assert labelled["labelled_at"] == NOW.isoformat()
    assert store.review(status="open")[1] == 4 and store.review(status="labelled")[1] == 1
    assert store.label(first["id"], None, "Sam")["labelled_by"] is None  # cleared
    assert store.label(10**6, "ignore", "Sam") is None
    assert set(first) == {"id", "created_at", "text", "reading", "reason", "label",
                          "labelled_by", "labelled_at"}  # fmt: skip


def test_handoffs_are_counted_by_the_clinic_day_they_were_created(
    store: InsightsStore, handoffs: HandoffStore
):
    from headache_core.handoff.model import Contact, HandoffRecord

    saved = handoffs.save(HandoffRecord(ref="b:1", kind="booking", conversation_id="c1",
                                        contact=Contact(name="A")))  # fmt: skip
    handoffs.save(HandoffRecord(ref="h:1", kind="human", conversation_id="c2",
                                contact=Contact(name="B")))  # fmt: skip
    handoffs.set_status(saved.id, "done", "Sam")
    result = store.summary(days=2)
    assert result["handoffs"] == {
        "booking": {"new": 0, "claimed": 0, "done": 1},
        "human": {"new": 1, "claimed": 0, "done": 0},
    }
    assert result["by_day"][0]["handoffs"]["booking"]["done"] == 0  # yesterday: none


# -- the tracker store's hook ------------------------------------------------------------------
DOMAIN = Domain.from_path(str(ROOT / "domain.yml"))


async def test_the_tracker_store_counts_each_turn_once_and_forgets_with_the_conversation(
    db_url: str, store: InsightsStore
):
    tracker_store = ClinicTrackerStore(domain=DOMAIN, host=db_url)
    recorder = Recorder(store, b"hook-key", redact=lambda text: text)
    set_recorder(recorder)
    try:
        tracker = DialogueStateTracker.from_events("patient-1", [])
        for text, intent in (("posture?", "ask_posture"), ("gfhd", "nlu_fallback")):
            tracker.update(UserUttered(text, {"name": intent, "confidence": 0.9},
                                       timestamp=NOW.timestamp()))  # fmt: skip
            tracker.update(ActionExecuted("action_listen", timestamp=NOW.timestamp()))
            await tracker_store.save(tracker)
        await tracker_store.save(tracker)  # nothing new: nothing counted again
        recorder.wait()  # the turns are counted on the recorder's thread
        result = store.summary(days=1)
        assert (result["messages"], result["unsure_messages"]) == (2, 1)
        key = conversation_key("patient-1", b"hook-key")
        with store.engine.connect() as connection:
            stored = connection.execute(sa.text("SELECT DISTINCT conversation_key FROM insight_counts")).scalars().all()  # fmt: skip
        assert stored == [key]  # the keyed hash, never the sender id

        tracker.update(UserUttered("yes", {"name": "affirm", "confidence": 1.0}))
        tracker.update(SlotSet("conversation_forgotten", True))
        await tracker_store.save(tracker)
        assert store.summary(days=1)["conversations"] == 0
        assert store.review(status="all")[1] == 0
    finally:
        set_recorder(None)
        tracker_store.engine.dispose()


async def test_a_broken_insights_store_never_fails_the_turn(db_url: str, caplog):
    tracker_store = ClinicTrackerStore(domain=DOMAIN, host=db_url)
    broken = InsightsStore(sa.create_engine("sqlite:////nonexistent/dir/x.sqlite3"))
    recorder = Recorder(broken, b"k", redact=lambda text: text)
    set_recorder(recorder)
    try:
        tracker = DialogueStateTracker.from_events("patient-2", [])
        tracker.update(
            UserUttered("my name is Ann Smith", {"name": "nlu_fallback", "confidence": 0.2})
        )
        await tracker_store.save(tracker)
        assert (await tracker_store.retrieve("patient-2")) is not None
        recorder.wait()
        assert recorder.failures == 1
        assert "Ann" not in caplog.text and "patient-2" not in caplog.text
        assert "insights: turn not recorded (OperationalError)" in caplog.text
        # the next turn does not wait for the broken database again: skipped, not retried
        tracker.update(UserUttered("hello again", {"name": "greet", "confidence": 1.0}))
        await tracker_store.save(tracker)
        recorder.wait()
        assert (recorder.failures, recorder.skipped) == (1, 1)
    finally:
        set_recorder(None)
        tracker_store.engine.dispose()


def test_the_key_file_is_made_once_and_private(tmp_path: Path):
    path = tmp_path / "run" / "insights.key"
    first = key_from_file(path)
    assert key_from_file(path) == first and len(first) == 64
    assert path.stat().st_mode & 0o777 == 0o600
    assert conversation_key("a", first) != conversation_key("a", b"other")
