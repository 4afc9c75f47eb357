"""The action server's copy of a long conversation: leaner, and the same for the actions."""

import json
import socket

import pytest
from aiohttp import web
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    DefinePrevUserUtteredFeaturization,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from rasa_sdk import Tracker

from actions.handoff_records import channel_of, transcript
from rasa_patches import action_payload
from tests.dialogue import DOMAIN


def _long_conversation(turns: int) -> DialogueStateTracker:
    tracker = DialogueStateTracker("long", [])
    for turn in range(turns):
        parse = {
            "intent": {"name": "ask_posture", "confidence": 0.9},
            "entities": [{"entity": "body_part", "value": "neck", "start": 0, "end": 4}],
            "intent_ranking": [{"name": f"intent_{i}", "confidence": 0.1} for i in range(10)],
        }
        tracker.update(ActionExecuted("action_listen"))
        tracker.update(UserUttered(f"question {turn}", parse["intent"], parse["entities"],
                                   parse, input_channel="socketio"))  # fmt: skip
        tracker.update(DefinePrevUserUtteredFeaturization(False))
        tracker.update(ActionExecuted("action_answer_education"))
        tracker.update(BotUttered(f"answer {turn}", {"buttons": [{"title": "More"}]}))
        tracker.update(SlotSet("topic", f"t{turn}"))
    tracker.update(ActiveLoop("screening_form"))
    return tracker


def _calls(turns: int) -> tuple[dict, dict]:
    action = RemoteAction("action_answer_education", EndpointConfig("http://localhost:1"))
    tracker = _long_conversation(turns)
    full = action_payload._original_format(action, tracker, DOMAIN)
    lean = action_payload.action_call_format(action, tracker, DOMAIN)
    return full, lean


def test_the_actions_read_the_same_conversation_from_the_lean_copy():
    full, lean = _calls(40)
    whole, slim = (Tracker.from_dict(c["tracker"]) for c in (full, lean))
    assert transcript(slim) == transcript(whole)
    assert channel_of(slim) == channel_of(whole) == "socketio"
    assert slim.slots == whole.slots
    assert slim.active_loop == whole.active_loop
    assert slim.latest_message == whole.latest_message


def test_older_events_are_slim_and_bookkeeping_is_not_sent():
    full, lean = _calls(40)
    events = lean["tracker"]["events"]
    assert not [e for e in events if e["event"] == "user_featurization"]
    assert (
        events[-action_payload.KEEP_WHOLE :]
        == [e for e in full["tracker"]["events"] if e["event"] != "user_featurization"][
            -action_payload.KEEP_WHOLE :
        ]
    )
    assert "intent_ranking" not in events[1]["parse_data"]
    # the conversation is what gets slimmer (the domain, when sent, is the same in both and
    # would only blur the ratio: it grows with every response added to domain.yml)
    assert len(json.dumps(lean["tracker"])) < 0.6 * len(json.dumps(full["tracker"]))


def test_a_short_conversation_goes_whole():
    full, lean = _calls(3)
    assert lean["tracker"]["events"] == [
        e for e in full["tracker"]["events"] if e["event"] != "user_featurization"
    ]


def test_the_call_is_written_as_the_same_json():
    tracker = _long_conversation(40)
    call = action_payload.action_call_format(
        RemoteAction("action_answer_education", EndpointConfig("http://actions")), tracker, DOMAIN
    )
    assert json.loads(action_payload.dumps(call)) == json.loads(json.dumps(call))
    huge = {"value": 2**70, "text": "a/b é"}  # beyond ujson's integers: the standard library
    assert json.loads(action_payload.dumps(huge)) == huge


@pytest.fixture(scope="module")
def executor():
    """The action server's own executor with the project's actions."""
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    return executor


class Unreadable(list):
    """A conversation's events that fail the test when an action reads them."""

    def _fail(self, *_: object) -> None:
        raise AssertionError("the action read the conversation's events")

    __iter__ = __len__ = __getitem__ = __reversed__ = __contains__ = __bool__ = _fail


def _asked(turns: int, intent: str, entities: list[dict], outcome: str | None):
    """A conversation of `turns` answered questions, then one about `intent`."""
    tracker = _long_conversation(turns)
    tracker.update(ActiveLoop(None))
    tracker.update(SlotSet("triage_outcome", outcome))
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered("a question", {"name": intent, "confidence": 0.9}, entities))
    return tracker


def test_the_answer_is_sent_no_events_and_everything_else_as_rasa_sends_it():
    action = RemoteAction("action_answer_question", EndpointConfig("http://actions"))
    tracker = _asked(30, "ask_posture", [{"entity": "posture", "value": "desk"}], None)
    rasas = action_payload._original_format(action, tracker, DOMAIN)
    ours = action_payload.action_call_format(action, tracker, DOMAIN)
    assert ours["tracker"].pop("events") == []
    del rasas["tracker"]["events"]
    assert ours == rasas
    assert Tracker.from_dict(ours["tracker"]).latest_message["intent"]["name"] == "ask_posture"


async def test_actions_sent_no_events_answer_without_reading_them(executor):
    """Each action in WITHOUT_EVENTS, run by the real action server code for every intent with
    every entity an answer narrows by and every red-flag outcome: its events are never read and
    it answers exactly as with the whole conversation."""
    from actions.clinic_info import TOPIC_MESSAGES
    from actions.fallback import PROBLEM_MESSAGES
    from headache_core.content import topics

    narrowing = {
        (label, value) for t in topics() for label, vs in t.entities.items() for value in vs
    }
    narrowing |= {("clinic_topic", topic) for topic in TOPIC_MESSAGES}
    narrowing |= {("input_problem", problem) for problem in PROBLEM_MESSAGES}
    asked = [
        (intent, [{"entity": label, "value": value}] if label else [])
        for intent in DOMAIN.intents
        for label, value in sorted(narrowing) + [(None, None)]
    ]
    assert len(narrowing) > 20
    for name in sorted(action_payload.WITHOUT_EVENTS):
        action = RemoteAction(name, EndpointConfig("http://actions"))
        for outcome in (None, "routine", "emergency"):
            for intent, entities in asked:
                tracker = _asked(5, intent, entities, outcome)
                lean = action_payload.action_call_format(action, tracker, DOMAIN)
                lean["tracker"]["events"] = Unreadable()
                whole = action_payload._original_format(action, tracker, DOMAIN)
                assert await executor.run(lean) == await executor.run(whole), (intent, entities)


async def test_form_questions_are_asked_without_reading_events(executor):
    """Every `action_ask_*` of the domain, in every slot state its question depends on (asked
    again, an earlier answer to confirm, a red flag to clarify, times offered, a recap)."""
    asks = [a for a in DOMAIN.user_actions if a.startswith(action_payload.ASK_PREFIX)]
    assert len(asks) > 10 and all(action_payload.sent_without_events(a) for a in asks)
    offered = [{"label": "Mon 10:00", "start": "2030-01-07T10:00:00"}]
    states = [
        {},
        {"repeated_validation_failures": 1, "red_flag_pending": "unnamed"},
        {"repeated_validation_failures": 2, "red_flag_pending": "giant_cell_arteritis"},
        {"screening_prefill": {"age": {"value": 52}, "pain_side": {"value": "left"}}},
        {"offered_times": offered, "appointment_choice": offered[0]["start"],
         "contact_name": "Sam", "contact_details": {"phone": "0400 000 000"},
         "preferred_times": "mornings", "handoff_note": "stiff neck"},
    ]  # fmt: skip
    spoken: set[str] = set()
    for name in asks:
        action = RemoteAction(name, EndpointConfig("http://actions"))
        for slots in states:
            tracker = _asked(5, "deny", [], None)
            for slot, value in slots.items():
                tracker.update(SlotSet(slot, value))
            lean = action_payload.action_call_format(action, tracker, DOMAIN)
            lean["tracker"]["events"] = Unreadable()
            whole = action_payload._original_format(action, tracker, DOMAIN)
            answer = await executor.run(lean)
            assert answer == await executor.run(whole), (name, slots)
            if answer["responses"]:
                spoken.add(name)
    assert set(asks) - spoken == {"action_ask_human_handoff"}  # staff answer: a silent question


async def test_the_unreadable_events_catch_an_action_that_reads_them(executor):
    """The check above can fail: a red-flag hint makes the escalation read earlier answers."""
    action = RemoteAction("action_escalate_red_flag", EndpointConfig("http://actions"))
    hint = [{"entity": "red_flag_hint", "value": "cervical_artery_dissection"}]
    tracker = _asked(5, "report_emergency_symptoms", hint, None)
    call = action_payload._original_format(action, tracker, DOMAIN)
    call["tracker"]["events"] = Unreadable()
    with pytest.raises(AssertionError, match="read the conversation's events"):
        await executor.run(call)


async def test_the_endpoint_session_writes_bodies_with_it(rasa_patched):
    async with EndpointConfig("http://actions", headers={"X-Clinic": "1"}).session() as client:
        assert client._json_serialize is action_payload.dumps
        assert client.headers["X-Clinic"] == "1"
    await client.close()


async def test_calls_share_one_kept_connection(aiohttp_server_url):
    """Two calls to the action server: one TCP connection, still open between calls."""
    url, server = aiohttp_server_url
    endpoint = EndpointConfig(url)
    first = await endpoint.request(json={"n": 1}, method="post")
    async with endpoint.session() as client:
        pass
    assert not client.closed  # Rasa's `async with` no longer closes it
    second = await endpoint.request(json={"n": 2}, method="post")
    assert (first, second) == ({"n": 1}, {"n": 2})
    assert len(server.connections) == 1
    await client.close()


class EchoServer:
    """A stand-in action server on localhost: answers each call with its JSON body and notes
    the client's port of each connection."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.connections: set[int] = set()
        self.runner: web.AppRunner | None = None

    async def start(self) -> None:
        async def echo(request: web.Request) -> web.Response:
            self.connections.add(request.transport.get_extra_info("peername")[1])
            return web.json_response(await request.json())

        app = web.Application()
        app.router.add_post("/webhook", echo)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        await self.runner.cleanup()


@pytest.fixture
async def aiohttp_server_url():
    server = EchoServer()
    await server.start()
    yield f"http://127.0.0.1:{server.port}/webhook", server
    await server.stop()


async def test_a_restarted_action_server_is_called_on_a_new_connection(aiohttp_server_url):
    url, server = aiohttp_server_url
    endpoint = EndpointConfig(url)
    assert await endpoint.request(json={"n": 1}, method="post") == {"n": 1}
    await server.stop()  # the action server restarts: its connections close
    await server.start()
    assert await endpoint.request(json={"n": 2}, method="post") == {"n": 2}
    assert len(server.connections) == 2
    async with endpoint.session() as client:
        await client.close()
