"""Limits and origins on the running assistant: a too long message (413, or a polite message on
socket.io), too many messages a minute (429 with Retry-After, one polite message on socket.io),
nothing refused in the conversation; browsers from other origins get no CORS grant from Rasa
(REST and socket.io) nor from the web app."""

import asyncio
import json
import time
import urllib.error
import urllib.request
import uuid

import pytest
import socketio

from channels.limits import WINDOW_SECONDS
from tests.conftest import TEST_RATE_LIMIT

SENDING_TIME_ALLOWED = 30  # seconds a test may take to send a minute's worth of messages


def seconds_to_wait_for_a_fresh_window() -> float:
    """The limit counts fixed one-minute windows: a minute's worth of messages split across two
    windows may cross neither (flaky failures on a slow machine), so the rate tests send theirs
    early in a window; this is how long to wait for one (0 when enough of this one is left)."""
    left = WINDOW_SECONDS - time.time() % WINDOW_SECONDS
    return left + 0.2 if left < SENDING_TIME_ALLOWED else 0.0


pytestmark = pytest.mark.server

FOREIGN = "https://evil.example"


def post(url: str, body: bytes, headers: dict[str, str] | None = None):
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Content-Type", "application/json")
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def request(url: str, method: str = "GET", headers: dict[str, str] | None = None):
    req = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def say(assistant, sender: str, message: object) -> tuple[int, dict, object]:
    url = f"{assistant.rasa_url}/webhooks/rest/webhook"
    status, headers, body = post(url, json.dumps({"sender": sender, "message": message}).encode())
    return status, headers, json.loads(body or b"null")


def user_texts(assistant, sender: str) -> list[str]:
    events = assistant.tracker(sender)["events"]
    return [e.get("text") for e in events if e["event"] == "user"]


def test_a_too_long_message_is_refused_with_413_and_never_read(assistant):
    sender = f"big-{uuid.uuid4().hex[:8]}"
    assert say(assistant, sender, "hello")[0] == 200
    status, _, body = say(assistant, sender, "my neck hurts " * 2_000)  # 28 KB
    assert status == 413
    assert body["error"] == "input_too_long" and body["max_bytes"] == 16_384
    assert "999" in body["message"]  # the emergency number is never withheld
    assert user_texts(assistant, sender) == ["hello"]
    # a 10 KB message is still answered (issue 2)
    status, _, replies = say(assistant, sender, "my neck hurts and " * 600)
    assert status == 200 and replies


def test_too_many_messages_a_minute_get_429_and_reach_nothing(assistant):
    sender = f"fast-{uuid.uuid4().hex[:8]}"
    time.sleep(seconds_to_wait_for_a_fresh_window())
    statuses = [say(assistant, sender, "hi")[0] for _ in range(TEST_RATE_LIMIT)]
    assert set(statuses) == {200}
    status, headers, body = say(assistant, sender, "I have a fever and a stiff neck")
    assert status == 429
    assert 1 <= int(headers["Retry-After"]) <= 60 and body["retry_after"] == int(
        headers["Retry-After"]
    )
    assert body["error"] == "input_too_fast" and "999" in body["message"]
    assert "I have a fever and a stiff neck" not in user_texts(assistant, sender)
    # another sender is not slowed down
    assert say(assistant, f"calm-{uuid.uuid4().hex[:8]}", "hi")[0] == 200


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        b'"text"',
        b"null",
        b'{"message": "hi"}',
        b'{"sender": null, "message": "hi"}',
        b'{"sender": {"a": 1}, "message": "hi"}',
        b'{"sender": true, "message": "hi"}',
        b'{"sender": "", "message": "hi"}',
        b'{"sender": "x", "message": null}',
        b'{"sender": "x", "message": 5}',
        b'{"sender": "x", "message": ["hi"]}',
        b'{"sender": "x", "message": "hi", "metadata": "m"}',
    ],
)
def test_malformed_requests_get_400_json(assistant, body):
    status, _, answer = post(f"{assistant.rasa_url}/webhooks/rest/webhook", body)
    assert status == 400
    assert json.loads(answer)["error"] == "bad_request"


def test_a_body_over_the_request_limit_is_refused(assistant):
    body = json.dumps({"sender": "huge", "message": "a" * 2_000_000}).encode()
    try:
        status, _, _ = post(f"{assistant.rasa_url}/webhooks/rest/webhook", body)
    except (ConnectionError, urllib.error.URLError):
        status = 413  # Sanic may close the connection while the body is still being sent
    assert status == 413
    assert say(assistant, "after-huge", "hello")[0] == 200


def allowed_origin(assistant) -> str:
    return assistant.web_url


async def widget_session(assistant, messages: list[str], expect: str) -> tuple[str, list[str]]:
    """Send `messages` as one widget session (a pause between them: engine.io refuses a polling
    payload of many packets); the bot texts received once one contains `expect` (or after 30 s)."""
    client = socketio.AsyncClient(reconnection=False)
    received: list[str] = []
    client.on("bot_uttered", lambda data: received.append(data.get("text") or ""))
    await client.connect(
        assistant.rasa_url, headers={"Origin": allowed_origin(assistant)}, transports=["polling"]
    )
    session = f"widget-{uuid.uuid4().hex[:8]}"
    await client.emit("session_request", {"session_id": session})
    for text in messages:
        await client.emit("user_uttered", {"message": text, "session_id": session})
        await asyncio.sleep(0.03)
    for _ in range(300):
        if any(expect in text for text in received):
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.5)  # a second polite message would have come by now
    await client.disconnect()
    return session, received


async def test_the_widget_gets_a_polite_message_for_a_too_long_one(assistant):
    session, texts = await widget_session(assistant, ["x" * 20_000], "too long")
    assert len(texts) == 1 and "too long" in texts[0] and "999" in texts[0]
    assert user_texts(assistant, session) == []


async def test_the_widget_is_told_once_when_it_sends_too_fast(assistant):
    await asyncio.sleep(seconds_to_wait_for_a_fresh_window())
    messages = ["hello"] * TEST_RATE_LIMIT + ["again"] * 5
    session, texts = await widget_session(assistant, messages, "faster than I can answer")
    told = [t for t in texts if "faster than I can answer" in t]
    assert len(told) == 1
    assert "999" in told[0]
    assert "again" not in user_texts(assistant, session)


def test_rest_grants_cors_only_to_configured_origins(assistant):
    url = f"{assistant.rasa_url}/webhooks/rest/webhook"
    body = json.dumps({"sender": f"cors-{uuid.uuid4().hex[:8]}", "message": "hi"}).encode()
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    own = allowed_origin(assistant)
    _, headers, _ = post(url, body, {"Origin": own})
    assert headers.get("Access-Control-Allow-Origin") == own
    _, headers = request(url, "OPTIONS", {"Origin": own, **preflight})
    assert headers.get("Access-Control-Allow-Origin") == own
    _, headers, _ = post(url, body, {"Origin": FOREIGN})
    assert "Access-Control-Allow-Origin" not in headers
    _, headers = request(url, "OPTIONS", {"Origin": FOREIGN, **preflight})
    assert "Access-Control-Allow-Origin" not in headers
    # the API too
    status_url = f"{assistant.rasa_url}/status?token={assistant.token}"
    _, headers = request(status_url, headers={"Origin": FOREIGN})
    assert "Access-Control-Allow-Origin" not in headers


def test_socketio_accepts_only_configured_origins(assistant):
    url = f"{assistant.rasa_url}/socket.io/?EIO=4&transport=polling"
    own = allowed_origin(assistant)
    status, headers = request(url, headers={"Origin": own})
    assert status == 200
    assert headers.get_all("Access-Control-Allow-Origin") == [own]  # one header, not two
    status, headers = request(url, headers={"Origin": FOREIGN})
    assert status == 400 and "Access-Control-Allow-Origin" not in headers


async def test_a_foreign_page_cannot_open_the_widget_socket(assistant):
    client = socketio.AsyncClient(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await client.connect(
            assistant.rasa_url, headers={"Origin": FOREIGN}, transports=["polling"]
        )


def test_the_web_app_grants_no_cross_origin_reads(assistant):
    for path in ("/api/handoffs", "/healthz", "/static/widget.js", "/"):
        _, headers = request(assistant.web_url + path, headers={"Origin": FOREIGN})
        assert "Access-Control-Allow-Origin" not in headers, path
