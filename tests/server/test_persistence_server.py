"""`make run`'s embedded store: a conversation survives stopping and starting the assistant."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Assistant, Conversation
from tests.private_services import free_port
from tooling.stack import Ports, Stack
from tooling.train import ensure_model

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("persistence")


def stack_on(run_dir: Path, ports: Ports) -> Stack:
    """Rasa and the action server as `make run` starts them (no TRACKER_STORE_URL set: the
    SQLite file in the run folder), on free ports so the session's assistant is not disturbed."""
    return Stack(model=ensure_model(), ports=ports, token="t", run_dir=run_dir,
                 only=("actions", "rasa"))  # fmt: skip


@pytest.fixture(scope="module")
def ports() -> Ports:
    return Ports(rasa=free_port(), actions=free_port(), web=free_port())


@pytest.fixture
def no_store_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("TRACKER_STORE_URL", raising=False)
    yield


def test_a_conversation_continues_after_a_restart(run_dir, ports, no_store_settings):
    with stack_on(run_dir, ports) as stack:
        stack.wait_ready(timeout=240)
        talk = Conversation(Assistant(stack.rasa_url, "", stack.token), "restart")
        talk.say("could you check whether my headaches come from my neck?")
        talk.say("No, none of those")
        talk.say("No, none of those")
        talk.say("30 to 49")
        before = talk.slots()
    assert before["requested_slot"] == "pain_side"
    assert before["age"] is not None
    assert (run_dir / "conversations.sqlite3").exists()

    with stack_on(run_dir, ports) as stack:
        stack.wait_ready(timeout=240)
        after = talk.slots()
        assert {k: after[k] for k in before} == before
        reply = talk.say("Always the right side")
        slots = talk.slots()
    assert slots["requested_slot"] == "pain_start", reply
    assert slots["pain_side"] is not None
    assert slots["age"] == before["age"]
