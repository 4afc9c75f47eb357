"""The Rasa HTTP API answers only with its token; the REST webhook stays public.

Every route of Rasa's server (read from rasa/server.py, so a route added by an upgrade is not
missed) is called without a token and with a wrong one (401), and with the right one (200, or for
the calls that would change the shared model, an answer about the request, never about auth).
"""

import json
import re
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
import rasa

pytestmark = pytest.mark.server

RASA_SERVER = Path(rasa.__file__).parent / "server.py"
ROUTE_RE = re.compile(r'@app\.(get|post|put|delete)\("([^"]+)"\)\n((?:\s*@.*\n)*)')
PUBLIC = {("GET", "/"), ("GET", "/version")}  # Rasa's hello and version: nothing of anyone's

C = "api-auth-{id}"  # a conversation of this test's own
# (method, path, body, expected with the token). None: anything but 401/403; these would train,
# load or unload the model every other test uses, so the call is made unusable on purpose.
CALLS = [
    ("GET", "/status", None, 200),
    ("GET", f"/conversations/{C}/tracker", None, 200),
    (
        "POST",
        f"/conversations/{C}/tracker/events",
        [{"event": "slot", "name": "age", "value": 40}],
        200,
    ),
    ("PUT", f"/conversations/{C}/tracker/events", [], 200),
    ("GET", f"/conversations/{C}/story", None, 200),
    ("POST", f"/conversations/{C}/execute", {"name": "action_listen"}, 200),
    ("POST", f"/conversations/{C}/trigger_intent", {"name": "greet"}, 200),
    ("POST", f"/conversations/{C}/predict", None, 200),
    ("POST", f"/conversations/{C}/messages", {"text": "hello", "sender": "user"}, 200),
    ("POST", "/model/parse", {"text": "hello"}, 200),
    ("GET", "/domain", None, 200),
    ("POST", "/model/predict", [], 200),
    ("POST", "/model/train", b"", None),
    ("POST", "/model/test/stories", b"", None),
    ("POST", "/model/test/intents", b"", None),
    ("PUT", "/model", b"", None),
    ("DELETE", "/model", None, None),  # never sent with the token: it would unload the model
]


def rasa_routes() -> set[tuple[str, str, bool]]:
    """(method, path, protected) for every route Rasa's server defines."""
    routes = set()
    for method, path, decorators in ROUTE_RE.findall(RASA_SERVER.read_text()):
        path = re.sub(r"<conversation_id:path>", "{c}", path)
        routes.add((method.upper(), path, "@requires_auth" in decorators))
    return routes


def call(url: str, method: str, body: object) -> int:
    data = body if isinstance(body, bytes) else None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    request.add_header("Accept", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_every_protected_rasa_route_is_called_here():
    routes = rasa_routes()
    assert len(routes) >= 19, "the route pattern no longer matches rasa/server.py"
    called = {(m, p.replace(C, "{c}")) for m, p, _, _ in CALLS}
    protected = {(m, p) for m, p, needs_token in routes if needs_token}
    assert protected == called
    assert {(m, p) for m, p, needs_token in routes if not needs_token} == PUBLIC


@pytest.mark.parametrize(("method", "path", "body", "expected"), CALLS)
def test_the_api_wants_its_token(assistant, method, path, body, expected):
    conversation = uuid.uuid4().hex[:8]
    url = assistant.rasa_url + path.format(id=conversation)
    if "{id}" in path:
        # an existing conversation: on a new one Rasa 3.6 starts the session without an output
        # channel, and trigger_intent fails with a 500 that says nothing about the token
        assistant.say(C.format(id=conversation), "hello")
    assert call(url, method, body) == 401
    assert call(url + "?token=wrong-token", method, body) == 401
    assert call(url + "?token=", method, body) == 401
    if method == "DELETE":
        return
    status = call(f"{url}?token={assistant.token}", method, body)
    if expected is None:
        assert status not in (401, 403) and status < 500
    else:
        assert status == expected


def test_the_rest_webhook_and_the_health_routes_stay_public(assistant):
    url = f"{assistant.rasa_url}/webhooks/rest/webhook"
    assert call(url, "POST", {"sender": f"pub-{uuid.uuid4().hex[:8]}", "message": "hi"}) == 200
    assert call(assistant.rasa_url + "/", "GET", None) == 200
    assert call(assistant.rasa_url + "/version", "GET", None) == 200
