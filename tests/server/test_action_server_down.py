"""The action server down or hanging: an apology with the phone, never silence; red flags are
still escalated from the Rasa process (issue 7)."""

import os
import socket
import threading
import uuid
from collections.abc import Iterator

import pytest

from tests.conftest import ROOT, Assistant

pytestmark = pytest.mark.server


class BlackHole:
    """A TCP port that accepts connections and never answers: an action server that hangs."""

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(50)
        self.port = self.server.getsockname()[1]
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self.held.append(connection)

    def close(self) -> None:
        """From now on connections are refused: the action server is down."""
        self.server.close()
        for connection in self.held:
            connection.close()


@pytest.fixture(scope="module")
def hole() -> Iterator[BlackHole]:
    hole = BlackHole()
    yield hole
    hole.close()


@pytest.fixture(scope="module")
def without_actions(hole: BlackHole) -> Iterator[Assistant]:
    """Rasa and the web app, with the action endpoint at the black hole; 2-second timeout."""
    from settings.values import env_port
    from tooling.stack import Ports, Stack
    from tooling.train import ensure_model

    ports = Ports(
        rasa=env_port("TEST_DOWN_RASA_PORT", 15105),
        actions=hole.port,
        web=env_port("TEST_DOWN_WEB_PORT", 18180),
    )
    saved = os.environ.get("ACTION_TIMEOUT")
    os.environ["ACTION_TIMEOUT"] = "2"
    stack = Stack(
        model=ensure_model(),
        ports=ports,
        token="test-token",
        run_dir=ROOT / "run" / "test-actions-down",
        only=("web", "rasa"),
    )
    try:
        with stack:
            stack.wait_ready(timeout=180)
            yield Assistant(stack.rasa_url, stack.web_url, stack.token)
    finally:
        if saved is None:
            os.environ.pop("ACTION_TIMEOUT", None)
        else:
            os.environ["ACTION_TIMEOUT"] = saved


def _text(replies: list[dict]) -> str:
    return " ".join(r.get("text") or "" for r in replies)


def test_a_hanging_action_server_gets_an_apology_with_the_phone(without_actions):
    sender = f"down-{uuid.uuid4().hex[:8]}"
    said = _text(without_actions.say(sender, "why does my neck give me headaches?"))
    assert "I can't tell you what is wrong" in said  # the disclaimer, from the Rasa process
    assert "not answering" in said and "call" in said.lower()
    assert "Traceback" not in said


def test_a_red_flag_is_escalated_while_the_action_server_hangs(without_actions):
    sender = f"down-{uuid.uuid4().hex[:8]}"
    said = _text(without_actions.say(sender, "worst headache of my life, it came on in seconds"))
    slots = without_actions.tracker(sender)["slots"]
    assert slots["triage_outcome"] == "red_flag_emergency"
    assert "thunderclap_onset" in slots["red_flags"]
    assert "999" in said or "911" in said or "112" in said or "000" in said


def test_a_red_flag_mid_screening_is_escalated_when_the_server_is_down(without_actions, hole):
    hole.close()  # now connections are refused
    sender = f"down-{uuid.uuid4().hex[:8]}"
    first = _text(without_actions.say(sender, "can you check if my headache comes from my neck?"))
    assert "not answering" in first  # the screening cannot start without the action server
    said = _text(
        without_actions.say(sender, "my face has gone numb on one side and I can't speak properly")
    )
    assert without_actions.tracker(sender)["slots"]["triage_outcome"] == "red_flag_emergency"
    assert "not answering" not in said
    again = _text(without_actions.say(sender, "what is the thoracic spine?"))
    assert "not answering" in again  # still down: still an apology, never silence
