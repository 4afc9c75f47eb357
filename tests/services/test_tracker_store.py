"""The tracker store: conversations kept in SQL, loaded trackers reused only while current.

Each test runs on a SQLite file and on PostgreSQL (a throwaway database on the machine's server
at 127.0.0.1:5432; skipped when it does not answer, failed on CI).
"""

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from sqlalchemy.engine import make_url

from stores.tracker_store import ClinicTrackerStore
from tests.private_services import first_answering_postgres, machine_postgres_candidates

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(ROOT / "domain.yml")


def _admin(url: str, sql: str) -> None:
    connection = psycopg2.connect(url, connect_timeout=2)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


@pytest.fixture(scope="module")
def postgres_database() -> Iterator[str]:
    candidates = machine_postgres_candidates()
    admin = first_answering_postgres(candidates)
    if admin is None:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL does not answer on CI (tried {', '.join(candidates)})")
        pytest.skip(f"PostgreSQL does not answer (tried {', '.join(candidates)}); on CI this fails")
    name = f"tracker_test_{uuid.uuid4().hex[:8]}"
    _admin(admin, f"CREATE DATABASE {name}")
    yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    _admin(admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'conversations.sqlite3'}"
    return request.getfixturevalue("postgres_database")


async def _turn(store: ClinicTrackerStore, sender: str, text: str) -> None:
    tracker = await store.get_or_create_tracker(sender)
    tracker.update(UserUttered(text))
    tracker.update(ActionExecuted("utter_greet"))
    tracker.update(ActionExecuted("action_listen"))
    await store.save(tracker)


async def test_a_conversation_outlives_the_process(domain, url):
    first = ClinicTrackerStore(domain=domain, host=url)
    await _turn(first, "ann", "hello")
    tracker = await first.retrieve("ann")
    tracker.update(SlotSet("age", 52))
    await first.save(tracker)

    restarted = ClinicTrackerStore(domain=domain, host=url)
    again = await restarted.retrieve("ann")
    assert again.get_slot("age") == 52
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == ["hello"]


async def test_a_loaded_tracker_is_reused_while_nothing_changed(domain, url):
    store = ClinicTrackerStore(domain=domain, host=url)
    await _turn(store, "bob", "hi")
    assert await store.retrieve("bob") is await store.retrieve("bob")


async def test_another_replicas_turn_is_seen(domain, url):
    ours, theirs = (ClinicTrackerStore(domain=domain, host=url) for _ in range(2))
    await _turn(ours, "cat", "first")
    await ours.retrieve("cat")
    await _turn(theirs, "cat", "second")  # the other replica answered the next message
    texts = [e.text for e in (await ours.retrieve("cat")).events if isinstance(e, UserUttered)]
    assert texts == ["first", "second"]


async def test_another_replicas_turns_are_applied_to_the_loaded_tracker(domain, url):
    """Sanic workers and replicas take turns of one conversation in any order: the loaded
    tracker catches up with the newer rows instead of being rebuilt from every event, and ends
    exactly where a fresh load from the database ends."""
    ours, theirs = (ClinicTrackerStore(domain=domain, host=url) for _ in range(2))
    await _turn(ours, "cal", "first")
    loaded = await ours.retrieve("cal")
    tracker = await theirs.retrieve("cal")
    tracker.update(UserUttered("second"))
    tracker.update(SlotSet("age", 47))
    tracker.update(ActionExecuted("action_listen"))
    await theirs.save(tracker)

    caught_up = await ours.retrieve("cal")
    fresh = await ClinicTrackerStore(domain=domain, host=url).retrieve("cal")
    assert caught_up is loaded
    assert [e.as_dict() for e in caught_up.events] == [e.as_dict() for e in fresh.events]
    assert caught_up.current_state() == fresh.current_state()
    assert caught_up.get_slot("age") == 47


async def test_a_session_begun_elsewhere_is_loaded_afresh(domain, url):
    ours, theirs = (ClinicTrackerStore(domain=domain, host=url) for _ in range(2))
    await _turn(ours, "fay", "old session")
    loaded = await ours.retrieve("fay")
    tracker = await theirs.retrieve("fay")
    tracker.update(SessionStarted())
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered("new session"))
    await theirs.save(tracker)

    again = await ours.retrieve("fay")
    assert again is not loaded
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == ["new session"]


async def test_a_conversation_forgotten_and_begun_again_elsewhere_is_loaded_afresh(domain, url):
    """Rows deleted ("forget me") and new ones written by another process: the newer rows
    are not the continuation of what was loaded."""
    ours, theirs = (ClinicTrackerStore(domain=domain, host=url) for _ in range(2))
    await _turn(ours, "gus", "one")
    await _turn(ours, "gus", "two")
    loaded = await ours.retrieve("gus")
    await theirs._delete("gus")
    for text in ("three", "four", "five"):
        await _turn(theirs, "gus", text)

    again = await ours.retrieve("gus")
    assert again is not loaded
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == [
        "three",
        "four",
        "five",
    ]


async def test_a_turn_that_was_never_saved_is_not_reused(domain, url):
    store = ClinicTrackerStore(domain=domain, host=url)
    await _turn(store, "dan", "hi")
    tracker = await store.retrieve("dan")
    tracker.update(UserUttered("lost in a crash"))  # the turn failed before Rasa saved it
    fresh = await store.retrieve("dan")
    assert "lost in a crash" not in [e.text for e in fresh.events if isinstance(e, UserUttered)]


async def test_a_new_session_is_loaded_from_its_start(domain, url):
    store = ClinicTrackerStore(domain=domain, host=url)
    await _turn(store, "eve", "old session")
    tracker = await store.retrieve("eve")
    tracker.update(SessionStarted())
    tracker.update(ActionExecuted("action_listen"))
    await store.save(tracker)
    loaded = await store.retrieve("eve")
    assert not [e for e in loaded.events if isinstance(e, UserUttered)]
    assert (await store.retrieve_full_tracker("eve")).events[0] is not None


def test_a_url_is_required(domain):
    with pytest.raises(ValueError, match="TRACKER_STORE_URL"):
        ClinicTrackerStore(domain=domain, host="localhost")


async def test_rows_are_written_as_rasas_own_save_writes_them(domain, url):
    """The save is ours (plain statements); the rows must be what Rasa's save would write,
    so Rasa's own store, `rasa export` and the retention job read them alike."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.trackers import DialogueStateTracker

    def conversation(sender: str) -> DialogueStateTracker:
        tracker = DialogueStateTracker(sender, domain.slots)
        for event in (
            ActionExecuted("action_listen", timestamp=1.0),
            UserUttered("hi", {"name": "greet", "confidence": 0.9}, timestamp=2.0),
            ActionExecuted("utter_greet", timestamp=3.0),
            SlotSet("age", 52, timestamp=4.0),
        ):
            tracker.update(event)
        return tracker

    rasas = SQLTrackerStore(domain=domain, host=url)
    ours = ClinicTrackerStore(domain=domain, host=url)
    await rasas.save(conversation("by-rasa"))
    await ours.save(conversation("by-us"))
    with ours.engine.connect() as connection:
        rows = {
            sender: [
                tuple(row)
                for row in connection.exec_driver_sql(
                    "SELECT type_name, timestamp, intent_name, action_name, data FROM events "
                    f"WHERE sender_id = '{sender}' ORDER BY id"
                )
            ]
            for sender in ("by-rasa", "by-us")
        }
    assert len(rows["by-us"]) == 4
    assert rows["by-us"] == rows["by-rasa"]
    assert (await rasas.retrieve("by-us")).current_state() == (
        await rasas.retrieve("by-rasa")
    ).current_state() | {"sender_id": "by-us"}
