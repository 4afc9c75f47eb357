"""The website widget's channel: what reaches the browser, and that Rasa's own socketio behaviour
(session persistence, the events in credentials.yml) is kept."""

from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import UserMessage
from rasa_sdk.executor import CollectingDispatcher

from channels.socketio import ClinicSocketIOInput, ClinicSocketIOOutput

ROOT = Path(__file__).resolve().parents[2]
BUTTONS = [
    {"title": "Book an assessment", "payload": "/book_appointment"},
    {"title": "Self-care tips", "payload": "/ask_self_care"},
]


class RecordingServer:
    """Stands in for socketio.AsyncServer: keeps what would have been emitted."""

    def __init__(self) -> None:
        self.emitted: list[tuple[str, Any, str]] = []

    async def emit(self, event: str, data: Any = None, room: str | None = None, **_: Any) -> None:
        self.emitted.append((event, data, room))


@pytest.fixture
def server() -> RecordingServer:
    return RecordingServer()


@pytest.fixture
def output(server: RecordingServer) -> ClinicSocketIOOutput:
    return ClinicSocketIOOutput(server, "bot_uttered")


def payloads(server: RecordingServer) -> list[Any]:
    assert {(event, room) for event, _, room in server.emitted} == {("bot_uttered", "session-1")}
    return [data for _, data, _ in server.emitted]


async def test_the_emergency_message_carries_its_kind(output, server):
    await output.send_text_message("session-1", "Please call 999 now.", kind="emergency")
    assert payloads(server) == [{"text": "Please call 999 now.", "kind": "emergency"}]


async def test_the_outcome_keeps_its_buttons_and_says_which_outcome(output, server):
    await output.send_text_with_buttons(
        "session-1",
        "Your answers fit the pattern.\n\nThis is not a diagnosis.",
        BUTTONS,
        kind="outcome",
        outcome="consistent_with_cervicogenic",
    )
    # one message: the card holds all of its text and its buttons
    assert payloads(server) == [
        {
            "text": "Your answers fit the pattern.\n\nThis is not a diagnosis.",
            "quick_replies": [
                {
                    "content_type": "text",
                    "title": "Book an assessment",
                    "payload": "/book_appointment",
                },
                {"content_type": "text", "title": "Self-care tips", "payload": "/ask_self_care"},
            ],
            "kind": "outcome",
            "outcome": "consistent_with_cervicogenic",
        }
    ]


async def test_messages_without_a_kind_are_exactly_rasas(output, server):
    await output.send_text_message("session-1", "One.\n\nTwo.", kind=None, timestamp=1.0)
    await output.send_text_with_buttons("session-1", "Pick one", BUTTONS, outcome=None)
    sent = payloads(server)
    assert sent[:2] == [{"text": "One."}, {"text": "Two."}]
    assert sent[2]["quick_replies"][0]["title"] == "Book an assessment"
    assert set(sent[2]) == {"text", "quick_replies"}


async def test_kind_set_by_an_action_reaches_the_widget_through_rasa(output, server):
    """The whole way from the action's utter_message to bot_uttered, with Rasa's own code for
    turning action responses into events and events into output channel calls."""
    dispatcher = CollectingDispatcher()
    dispatcher.utter_message(text="Call 999 now.", kind="emergency")
    dispatcher.utter_message(
        text="Your answers fit.",
        buttons=BUTTONS,
        kind="outcome",
        outcome="consistent_with_cervicogenic",
    )
    dispatcher.utter_message(text="Anything else?")
    events = await RemoteAction._utter_responses(dispatcher.messages, output, None, None)
    for event in events:
        await output.send_response("session-1", event.message())

    sent = payloads(server)
    assert sent[0] == {"text": "Call 999 now.", "kind": "emergency"}
    assert sent[1]["kind"] == "outcome" and sent[1]["outcome"] == "consistent_with_cervicogenic"
    assert [b["payload"] for b in sent[1]["quick_replies"]] == [
        "/book_appointment",
        "/ask_self_care",
    ]
    assert sent[2] == {"text": "Anything else?"}


def channel_from_credentials() -> ClinicSocketIOInput:
    credentials = yaml.safe_load((ROOT / "credentials.yml").read_text())
    return ClinicSocketIOInput.from_credentials(
        credentials["channels.socketio.ClinicSocketIOInput"]
    )


async def test_the_configured_channel_is_rasas_socketio_with_sessions_kept():
    channel = channel_from_credentials()
    assert channel.name() == "socketio" and channel.session_persistence
    assert (channel.user_message_evt, channel.bot_message_evt) == ("user_uttered", "bot_uttered")
    assert channel.socketio_path == "/socket.io"

    received: list[UserMessage] = []

    async def on_new_message(message: UserMessage) -> None:
        received.append(message)

    channel.blueprint(on_new_message)
    sio = channel.sio
    handlers = sio.handlers["/"]
    emitted = RecordingServer()
    sio.emit = emitted.emit

    # the browser asks for its stored session: this connection joins that session's room
    sid = sio.manager.connect("eio-1", "/")
    await handlers["session_request"](sid, {"session_id": "stored-session"})
    assert emitted.emitted == [("session_confirm", "stored-session", sid)]
    assert sid in {s for s, _ in sio.manager.get_participants("/", "stored-session")}

    # a message is the session's, not the connection's, and its replies keep their kind
    await handlers["user_uttered"](sid, {"message": "hello", "session_id": "stored-session"})
    [message] = received
    assert (message.text, message.sender_id, message.input_channel) == (
        "hello",
        "stored-session",
        "socketio",
    )
    assert isinstance(message.output_channel, ClinicSocketIOOutput)
    await message.output_channel.send_text_message("stored-session", "Call 999", kind="emergency")
    assert emitted.emitted[-1] == (
        "bot_uttered",
        {"text": "Call 999", "kind": "emergency"},
        "stored-session",
    )
    # and replies sent later (the front desk, the API's output_channel=latest) use ours too
    assert isinstance(channel.get_output_channel(), ClinicSocketIOOutput)


def test_no_output_channel_before_the_server_exists():
    with pytest.warns(UserWarning):
        assert channel_from_credentials().get_output_channel() is None
