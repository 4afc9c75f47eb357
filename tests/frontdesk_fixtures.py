"""Shared by the front-desk tests: a migrated SQLite store with three typical handoffs, the
app wired to it, signing in, and a stand-in for our Rasa server that records what it gets."""

from __future__ import annotations

import contextlib
import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from starlette.testclient import TestClient

from handoff_delivery.store import HandoffStore
from headache_core.handoff.model import Contact, HandoffRecord
from webapp.app import create_app
from webapp.frontdesk.context import Frontdesk
from webapp.frontdesk.passwords import hash_password
from webapp.frontdesk.settings import FrontdeskSettings
from webapp.rasa_client import RasaClient

TOKEN = "test-token-0123456789abcdef"
PASSWORD = "correct horse battery"
PASSWORD_HASH = hash_password(PASSWORD)  # once: scrypt is slow on purpose
START = datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc)
HOSTILE = "<img src=x onerror=alert(1)><script>window.pwned=1</script>"


class Clock:
    """A settable time for the store (datetimes) and the sessions (epoch seconds)."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def epoch(self) -> float:
        return self.now.timestamp()

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def make_store(tmp_path: Path, clock: Clock | None = None) -> HandoffStore:
    store = HandoffStore(
        f"sqlite:///{tmp_path / 'handoffs.sqlite3'}", tmp_path / "outbox", clock=clock or Clock()
    )
    store.migrate()
    return store


def emergency(**changes: Any) -> HandoffRecord:
    record = HandoffRecord(
        ref="red_flag:conv-emergency",
        kind="human",
        conversation_id="conv-emergency",
        channel="socketio",
        triage_outcome="red_flag_emergency",
        red_flags=["Sudden, worst-ever headache"],
        summary="Red flag: sudden severe headache.",
        contact=Contact(name="Erin Emergency", phone="+447700900001"),
        transcript=[{"who": "user", "text": "worst headache of my life", "at": None}],
    )
    return replace(record, **changes)


def booking(**changes: Any) -> HandoffRecord:
    record = HandoffRecord(
        ref="booking:consistent",
        kind="booking",
        conversation_id="conv-booking",
        channel="rest",
        triage_outcome="consistent_with_cervicogenic",
        summary="Headache on one side, starts in the neck.\nWorse with neck movement.",
        criteria={
            "fitted": ["One-sided headache"],
            "not_fitted": [],
            "unknown": ["Reduced neck movement"],
            "clinic_only": ["Neck examination"],
        },
        contact=Contact(name="Bea Booking", phone="+447700900002", email="bea@example.org"),
        preferred_times="Weekday mornings",
        note="Prefers Dr Lee",
        consent_at=START,
        booking={"system": "cliniko", "appointment_id": "A-77", "start": "2025-03-05T10:00:00Z"},
    )
    return replace(record, **changes)


def human(**changes: Any) -> HandoffRecord:
    record = HandoffRecord(
        ref="human:plain",
        kind="human",
        conversation_id="conv-human",
        channel="rest",
        contact=Contact(name="Hugo Human", email="hugo@example.org"),
        note="Please call after 5",
        transcript=[
            {"who": "user", "text": "can I talk to a person", "at": "2025-03-03T09:02:00Z"},
            {"who": "bot", "text": "Of course.", "at": "2025-03-03T09:02:01Z"},
        ],
    )
    return replace(record, **changes)


# What the assistant sends for a torn-neck-artery flag in the UK: the record quotes it.
DISSECTION_ADVICE = (
    "Please call 999 now or go to A&E. Don't wait to see if it passes. New neck pain or a "
    "headache after the neck is cracked, or with these signs, can come from a torn artery in "
    "the neck. This can lead to a stroke."
)


def red_flag(**changes: Any) -> HandoffRecord:
    """A red flag's record as the assistant writes it: nobody asked for a person, no contact
    details were asked for, the advice is in the conversation."""
    record = HandoffRecord(
        ref="red_flag:conv-red-flag",
        kind="human",
        conversation_id="conv-red-flag",
        channel="socketio",
        triage_outcome="red_flag_emergency",
        red_flags=["cervical_artery_dissection"],
        summary="Red flag (EMERGENCY): the assistant gave the emergency advice.",
        transcript=[
            {"who": "user", "text": "my neck was cracked yesterday, now I see double", "at": None},
            {"who": "bot", "text": DISSECTION_ADVICE, "at": None},
        ],
    )
    return replace(record, **changes)


def seed(store: HandoffStore, clock: Clock) -> dict[str, int]:
    """Oldest first: the plain request, the booking, then the emergency (so urgency order
    differs from age order). Returns the ids by name."""
    ids = {}
    for name, record in (("human", human()), ("booking", booking()), ("emergency", emergency())):
        ids[name] = store.save(record).id
        clock.advance(minutes=5)
    return ids


def settings(clock: Clock | None = None, **changes: Any) -> FrontdeskSettings:
    base = FrontdeskSettings(
        token=TOKEN,
        password_hash=PASSWORD_HASH,
        session_secret="test-session-secret",
        session_minutes=30,
        clock=(clock or Clock()).epoch,
    )
    return replace(base, **changes)


def make_app(
    store_factory: Callable[[], HandoffStore],
    frontdesk_settings: FrontdeskSettings | None = None,
    rasa_url: str = "http://127.0.0.1:9",
) -> Any:
    chosen = frontdesk_settings or settings()
    rasa = RasaClient(rasa_url, "rasa-secret", timeout=5)
    return create_app(Frontdesk(chosen, store_factory=store_factory, rasa=rasa))


def client_for(app: Any) -> TestClient:
    return TestClient(app, follow_redirects=False)


def csrf_from(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def sign_in(client: TestClient, secret: str = PASSWORD, staff: str = "Sam") -> str:
    """Signs in through the form; returns the console page's CSRF token."""
    csrf = csrf_from(client.get("/frontdesk/sign-in").text)
    response = client.post(
        "/frontdesk/sign-in", data={"csrf_token": csrf, "secret": secret, "staff": staff}
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/frontdesk"
    return csrf_from(client.get("/frontdesk").text)


@dataclass
class RasaStandIn:
    """A tiny HTTP server answering like our Rasa's two endpoints the web app calls, and
    recording each request (path as sent, query, JSON body)."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    replies: list[dict[str, Any]] = field(default_factory=lambda: [{"text": "Hello"}])
    status: int = 200
    url: str = ""

    @contextlib.contextmanager
    def serve(self) -> Iterator[RasaStandIn]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                standin.requests.append(
                    {
                        "path": parts.path,
                        "query": parse_qs(parts.query),
                        "json": json.loads(self.rfile.read(length) or b"null"),
                    }
                )
                if parts.path == "/webhooks/rest/webhook":
                    body = standin.replies
                else:
                    body = {"sender_id": "x", "events": []}
                data = json.dumps(body).encode()
                self.send_response(standin.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()
