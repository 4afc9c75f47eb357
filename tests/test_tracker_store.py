"""The tracker store: conversations kept in SQL, loaded trackers reused only while current."""

from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered

from stores.tracker_store import ClinicTrackerStore

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(ROOT / "domain.yml")


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'conversations.sqlite3'}"


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
