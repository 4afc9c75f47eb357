"""Shared fixtures: rasa_sdk trackers for action tests; the running assistant for server tests."""

import json
import os
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

ROOT = Path(__file__).resolve().parents[1]


def make_tracker(
    intent: str = "greet",
    entities: list[dict[str, Any]] | None = None,
    text: str = "",
    slots: dict[str, Any] | None = None,
    events: list[dict[str, Any]] | None = None,
) -> Tracker:
    latest = {
        "intent": {"name": intent, "confidence": 1.0},
        "entities": entities or [],
        "text": text,
    }
    return Tracker(
        sender_id="test-user",
        slots=slots or {},
        latest_message=latest,
        events=events or [],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


class Assistant:
    """A REST client for the running assistant started by the `assistant` fixture."""

    def __init__(self, rasa_url: str, web_url: str, token: str) -> None:
        self.rasa_url, self.web_url, self.token = rasa_url, web_url, token

    def say(self, sender: str, text: Any) -> list[dict[str, Any]]:
        body = json.dumps({"sender": sender, "message": text}).encode()
        request = urllib.request.Request(
            f"{self.rasa_url}/webhooks/rest/webhook",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
            return json.loads(response.read())

    def tracker(self, sender: str) -> dict[str, Any]:
        url = f"{self.rasa_url}/conversations/{sender}/tracker?token={self.token}"
        with urllib.request.urlopen(url, timeout=10) as response:
            return json.loads(response.read())

    def parse(self, text: str) -> dict[str, Any]:
        request = urllib.request.Request(
            f"{self.rasa_url}/model/parse?token={self.token}",
            data=json.dumps({"text": text}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())


@pytest.fixture(scope="session")
def assistant() -> Iterator[Assistant]:
    """The real assistant (Rasa server, action server, web app) on test ports, started once."""
    from tooling.stack import Ports, Stack
    from tooling.train import ensure_model

    ports = Ports(
        rasa=int(os.environ.get("TEST_RASA_PORT", 15005)),
        actions=int(os.environ.get("TEST_ACTION_PORT", 15055)),
        web=int(os.environ.get("TEST_WEB_PORT", 18080)),
    )
    stack = Stack(
        model=ensure_model(), ports=ports, token="test-token", run_dir=ROOT / "run" / "test"
    )
    with stack:
        stack.wait_ready(timeout=180)
        yield Assistant(stack.rasa_url, stack.web_url, stack.token)
