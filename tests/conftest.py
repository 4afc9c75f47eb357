"""Shared fixtures: rasa_sdk trackers for action tests; the running assistant for server tests."""

import json
import os
import shutil
import sys
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import rasa_patches
import settings
from tests.fakes.meta_api import FakeMetaApi
from tests.fakes.slack_api import FakeSlackApi

ROOT = Path(__file__).resolve().parents[1]


def _clear_machine_settings() -> dict[str, str]:
    """A clinic machine runs the service with its own FRONTDESK_TOKEN, DATABASE_URL and so on;
    none of them may change a test's outcome. They are cleared before any test module is
    imported, so in-process code and the stack the tests start see only what the tests set."""
    names = settings.service_names() + settings.cluster_names()
    return {name: os.environ.pop(name) for name in names if name in os.environ}


MACHINE_SETTINGS = _clear_machine_settings()  # kept only to say what was cleared


UNIT_LANE = ROOT / "tests" / "unit"


def pytest_configure(config: pytest.Config) -> None:
    """A run of the unit lane alone (`make test-fast`) gets the patches as the server has them,
    TensorFlow deferred until something uses it, before any test module imports Rasa: that
    spares it TensorFlow's 5 s. Other runs install them after collection (below)."""
    paths = [Path(arg.split("::")[0]).resolve() for arg in config.args]
    if paths and all(path.is_relative_to(UNIT_LANE) for path in paths):
        rasa_patches.install()


def pytest_collection_finish(session: pytest.Session) -> None:
    """Tests that use Rasa in this process see it as the server runs it: patched (stock with
    RASA_PATCHES=off). Installed once the collected test modules have imported Rasa, so a run of
    tests that never touch it does not load it (6 s, TensorFlow included). Not the start without
    TensorFlow here: tests of the deferral itself need TensorFlow importable as Rasa has it."""
    if "rasa" in sys.modules:
        rasa_patches.install(defer_tensorflow=False)


@pytest.fixture
def rasa_patched() -> list[str]:
    """The patches installed here, as the Rasa server installs them; a test of what they change
    in Rasa is skipped on stock Rasa (RASA_PATCHES=off)."""
    if not rasa_patches.enabled():
        pytest.skip("RASA_PATCHES=off: stock Rasa, nothing patched")
    return rasa_patches.install(defer_tensorflow=False)


def nlu_examples(path: Path) -> dict[str, list[str]]:
    """The examples of a Rasa NLU file, by intent, as patients typed them."""
    import yaml

    return {
        block["intent"]: [
            example
            for line in block["examples"].splitlines()
            if (example := line.removeprefix("- ").strip())
        ]
        for block in yaml.safe_load(path.read_text())["nlu"]
        if "intent" in block
    }


@pytest.fixture(scope="session", autouse=True)
def handoff_store_for_tests(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Actions run in-process write front-desk records (a red flag, a booking), and the tracker
    store insight counts: into a migrated SQLite file of this test session, with a test key,
    never into run/ of a developer's `make run`."""
    from handoff_delivery.store import HandoffStore
    from insights.recorder import set_recorder

    folder = tmp_path_factory.mktemp("handoffs")
    url = f"sqlite:///{folder / 'handoffs.sqlite3'}"
    saved = {k: os.environ.get(k) for k in ("DATABASE_URL", "HANDOFF_OUTBOX", "INSIGHTS_KEY")}
    os.environ["DATABASE_URL"] = url
    os.environ["HANDOFF_OUTBOX"] = str(folder / "outbox")
    os.environ["INSIGHTS_KEY"] = "insights-key-of-the-test-session"
    HandoffStore(url).migrate()
    set_recorder(None)  # built again, from these settings, on first use
    yield folder
    set_recorder(None)
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


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


def said(dispatcher: CollectingDispatcher) -> str:
    """Everything an action sent, as one text."""
    return " ".join(m.get("text") or "" for m in dispatcher.messages)


class Assistant:
    """A REST client for the running assistant started by the `assistant` fixture."""

    def __init__(self, rasa_url: str, web_url: str, token: str, rasa_pid: int | None = None):
        self.rasa_url, self.web_url, self.token = rasa_url, web_url, token
        self.rasa_pid = rasa_pid  # the Rasa server's process, when the fixture started it

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


class Conversation:
    """One person talking to the running assistant over REST, with the buttons last shown."""

    def __init__(self, assistant: "Assistant", prefix: str = "talk") -> None:
        self.assistant = assistant
        self.sender = f"{prefix}-{uuid.uuid4().hex[:8]}"

    def say(self, text: str) -> str:
        replies = self.assistant.say(self.sender, text)
        self.buttons = [b["title"] for r in replies for b in r.get("buttons") or []]
        return " ".join(r.get("text") or "" for r in replies)

    def slots(self) -> dict:
        return self.assistant.tracker(self.sender)["slots"]


@pytest.fixture(scope="session")
def slack_api() -> Iterator[FakeSlackApi]:
    """Slack's Web API as the running assistant sees it in tests (and Slack's signing side)."""
    with FakeSlackApi() as fake:
        yield fake


@pytest.fixture(scope="session")
def meta_api() -> Iterator[FakeMetaApi]:
    """Meta's Graph Send API as the running assistant sees it in tests (and Meta's signing)."""
    with FakeMetaApi() as fake:
        yield fake


@pytest.fixture(scope="session")
def channel_environment(slack_api: FakeSlackApi, meta_api: FakeMetaApi) -> Iterator[None]:
    """Slack and Messenger configured with test secrets, their APIs at the local fakes: set
    before the stack starts (it inherits the environment), restored after the session."""
    values = {
        "SLACK_BOT_TOKEN": slack_api.token,
        "SLACK_SIGNING_SECRET": slack_api.signing_secret,
        "SLACK_API_URL": slack_api.url,
        "SLACK_CHANNEL": slack_api.front_desk_channel,
        "FACEBOOK_VERIFY_TOKEN": meta_api.verify_token,
        "FACEBOOK_APP_SECRET": meta_api.app_secret,
        "FACEBOOK_PAGE_ACCESS_TOKEN": meta_api.token,
        "FACEBOOK_GRAPH_URL": meta_api.url,
    }
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


# Messages per sender per minute on the test stack: above the longest test conversation (a
# screening, then a booking, with re-asks), low enough for tests/server/test_limits_server.py to cross.
TEST_RATE_LIMIT = 60


@pytest.fixture(scope="session")
def limits_environment() -> Iterator[None]:
    saved = os.environ.get("RATE_LIMIT_PER_MINUTE")
    os.environ["RATE_LIMIT_PER_MINUTE"] = str(TEST_RATE_LIMIT)
    yield
    if saved is None:
        os.environ.pop("RATE_LIMIT_PER_MINUTE", None)
    else:
        os.environ["RATE_LIMIT_PER_MINUTE"] = saved


@pytest.fixture(scope="session")
def assistant(channel_environment: None, limits_environment: None) -> Iterator[Assistant]:
    """The real assistant (Rasa server, action server, web app) on test ports, started once,
    with Slack and Messenger talking to local fakes."""
    from tooling.stack import Ports, Stack
    from tooling.train import ensure_model

    ports = Ports(
        rasa=settings.TEST_RASA_PORT.read(),
        actions=settings.TEST_ACTION_PORT.read(),
        web=settings.TEST_WEB_PORT.read(),
    )
    run_dir = ROOT / "run" / "test"
    # each session starts from empty stores: a rerun must not meet the last run's conversations
    shutil.rmtree(run_dir, ignore_errors=True)
    stack = Stack(model=ensure_model(), ports=ports, token="test-token", run_dir=run_dir)
    with stack:
        stack.wait_ready(timeout=180)
        rasa = next(s.process for s in stack.services if s.name == "rasa")
        yield Assistant(stack.rasa_url, stack.web_url, stack.token, rasa.pid if rasa else None)


# The machine's Redis, a database of its own (keys are namespaced and expire anyway)
TEST_REDIS_URL = settings.TEST_REDIS_URL.read()


@pytest.fixture
def redis_url() -> str:
    """Redis for tests of what replicas share: skipped when it does not answer, failed on CI."""
    import redis

    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        if os.environ.get("CI"):
            pytest.fail(f"Redis does not answer on CI ({error})")
        pytest.skip(f"Redis does not answer ({error}); on CI this fails")
    return TEST_REDIS_URL
