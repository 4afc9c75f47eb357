"""The web app's calls to our Rasa (hand back, screen a caller), against a stand-in server that
records what it receives; the real end-to-end runs with the server tests."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from handoff_delivery.store import HandoffStore
from tests.frontdesk_fixtures import (
    Clock,
    RasaStandIn,
    client_for,
    make_app,
    make_store,
    seed,
    settings,
    sign_in,
)
from webapp.rasa_client import HAND_BACK_EVENTS, RasaClient, RasaError

EXPECTED_EVENTS = [
    {"event": "active_loop", "name": None},
    {"event": "slot", "name": "requested_slot", "value": None},
    {"event": "slot", "name": "human_handoff", "value": None},
]


@pytest.fixture
def standin():
    with RasaStandIn().serve() as server:
        yield server


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_hand_back_posts_the_events_with_the_token(standin) -> None:
    await RasaClient(standin.url, "rasa-secret").hand_back("web/42 x?y")
    [request] = standin.requests
    assert request["path"] == "/conversations/web%2F42%20x%3Fy/tracker/events"
    assert request["query"] == {"token": ["rasa-secret"]}
    assert request["json"] == EXPECTED_EVENTS == HAND_BACK_EVENTS


async def test_hand_back_without_a_token_sends_none(standin) -> None:
    await RasaClient(standin.url).hand_back("c1")
    assert standin.requests[0]["query"] == {}


async def test_a_refused_token_says_so(standin) -> None:
    standin.status = 401
    with pytest.raises(RasaError, match="RASA_API_TOKEN"):
        await RasaClient(standin.url, "wrong").hand_back("c1")


async def test_a_server_error_is_a_plain_message(standin) -> None:
    standin.status = 500
    with pytest.raises(RasaError, match=r"error \(500\)"):
        await RasaClient(standin.url).hand_back("c1")


async def test_rasa_down_is_a_plain_message() -> None:
    client = RasaClient(f"http://127.0.0.1:{closed_port()}", timeout=3)
    with pytest.raises(RasaError, match="cannot be reached"):
        await client.hand_back("c1")
    with pytest.raises(RasaError, match="cannot be reached"):
        await client.send_message("frontdesk-1", "hello")


async def test_send_message_uses_the_rest_channel(standin) -> None:
    standin.replies = [{"recipient_id": "frontdesk-1", "text": "How old are you?"}]
    replies = await RasaClient(standin.url, "rasa-secret").send_message("frontdesk-1", "hi")
    assert replies == standin.replies
    [request] = standin.requests
    assert request["path"] == "/webhooks/rest/webhook"
    assert request["json"] == {"sender": "frontdesk-1", "message": "hi"}


@pytest.fixture
def store(tmp_path: Path) -> HandoffStore:
    clock = Clock()
    store = make_store(tmp_path, clock)
    seed(store, clock)
    yield store
    store.close()


def test_hand_back_from_the_console(store, standin) -> None:
    client = client_for(make_app(lambda: store, settings(), rasa_url=standin.url))
    headers = {"X-CSRF-Token": sign_in(client)}
    ids = {h.conversation_id: h.id for h in store.list()}
    response = client.post(f"/frontdesk/handoffs/{ids['conv-human']}/hand-back", headers=headers)
    assert response.status_code == 200 and response.json()["ok"] is True
    assert [(r["path"], r["query"], r["json"]) for r in standin.requests] == [
        ("/conversations/conv-human/tracker/events", {"token": ["rasa-secret"]}, EXPECTED_EVENTS)
    ]
    booking = client.post(f"/frontdesk/handoffs/{ids['conv-booking']}/hand-back", headers=headers)
    assert booking.status_code == 400  # a booking never silenced the assistant
    assert client.post("/frontdesk/handoffs/999/hand-back", headers=headers).status_code == 404
    assert len(standin.requests) == 1


def test_hand_back_with_rasa_down_shows_a_message(store) -> None:
    client = client_for(make_app(lambda: store, rasa_url=f"http://127.0.0.1:{closed_port()}"))
    headers = {"X-CSRF-Token": sign_in(client)}
    human_id = next(h.id for h in store.list() if h.conversation_id == "conv-human")
    response = client.post(f"/frontdesk/handoffs/{human_id}/hand-back", headers=headers)
    assert response.status_code == 502
    assert response.json()["message"] == "The assistant cannot be reached right now; try again."


def test_screening_a_caller_keeps_one_frontdesk_conversation_per_caller(store, standin) -> None:
    standin.replies = [
        {"recipient_id": "x", "text": "Where is the pain?", "buttons": [
            {"title": "Neck", "payload": "/inform{\"area\": \"neck\"}"}
        ]},
        {"recipient_id": "x", "custom": {"widget": "form"}},
    ]  # fmt: skip
    client = client_for(make_app(lambda: store, settings(), rasa_url=standin.url))
    headers = {"X-CSRF-Token": sign_in(client)}
    first = client.post("/frontdesk/caller/message", json={"message": "hi"}, headers=headers)
    assert first.status_code == 200
    assert first.json()["replies"] == [
        {
            "text": "Where is the pain?",
            "buttons": [{"title": "Neck", "payload": '/inform{"area": "neck"}'}],
        }
    ]
    client.post("/frontdesk/caller/message", json={"message": "neck"}, headers=headers)
    new = client.post("/frontdesk/caller/new", headers=headers).json()["caller"]
    client.post("/frontdesk/caller/message", json={"message": "hello"}, headers=headers)
    senders = [r["json"]["sender"] for r in standin.requests]
    assert senders[0] == senders[1] != senders[2] == new
    assert all(sender.startswith("frontdesk-") for sender in senders)
    # the client cannot pick the conversation: a sender in the body is ignored
    client.post(
        "/frontdesk/caller/message",
        json={"message": "x", "sender": "someone-else"},
        headers=headers,
    )
    assert standin.requests[-1]["json"]["sender"] == new


@pytest.mark.parametrize("body", [{"message": ""}, {"message": "   "}, {}, {"message": "x" * 1001}])
def test_screening_rejects_empty_or_huge_messages(store, standin, body) -> None:
    client = client_for(make_app(lambda: store, settings(), rasa_url=standin.url))
    headers = {"X-CSRF-Token": sign_in(client)}
    assert client.post("/frontdesk/caller/message", json=body, headers=headers).status_code == 400
    assert standin.requests == []
