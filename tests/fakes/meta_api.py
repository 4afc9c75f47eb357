"""A fake Meta for tests: the Graph Send API the bot calls (`POST /{version}/me/messages`) on
127.0.0.1, answering like Meta ({"recipient_id", "message_id"}, or {"error": {...}} with HTTP
400), and Meta's side of the Messenger webhook: it knows the app secret and the verify token and
signs what it sends to the bot.

    with FakeMetaApi() as meta:          # FACEBOOK_GRAPH_URL=meta.url, ..._ACCESS_TOKEN=meta.token
        headers = meta.sign(body)        # X-Hub-Signature-256 and X-Hub-Signature, as Meta sends
        texts = meta.wait_for_messages("PSID", 1)

Like Meta it refuses a wrong page token (code 190), a wrong appsecret_proof, a text over 2000
characters, more than 13 quick replies, a quick-reply title over 20 or payload over 1000
characters (code 100).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from itertools import count
from typing import Any

from tests.fakes.recording import Recorded, RecordingServer


class FakeMetaApi(RecordingServer):
    def __init__(
        self,
        token: str = "EAAtest-page-access-token-not-real",
        app_secret: str = "test-app-secret-not-real",
        verify_token: str = "test-verify-token-not-real",
        version: str = "v18.0",
        page_id: str = "PAGE0TEST",
    ) -> None:
        super().__init__()
        self.token = token
        self.app_secret = app_secret
        self.verify_token = verify_token
        self.version = version
        self.page_id = page_id
        self._ids = count(1)
        self.accepted: list[tuple[str, dict[str, Any]]] = []  # (recipient, message)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/{self.version}"

    # --- Meta signing what it sends to the app ------------------------------------------------

    def sign(self, body: bytes, secret: str | None = None) -> dict[str, str]:
        """Both headers Meta sends, computed here independently of the code under test."""
        key = (secret or self.app_secret).encode()
        return {
            "X-Hub-Signature-256": "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest(),
            "X-Hub-Signature": "sha1=" + hmac.new(key, body, hashlib.sha1).hexdigest(),
        }

    def event_body(self, *events: dict[str, Any]) -> bytes:
        """A webhook delivery: `object: page` with one entry holding `events` (messaging)."""
        now = int(time.time() * 1000)
        entry = {"id": self.page_id, "time": now, "messaging": list(events)}
        return json.dumps({"object": "page", "entry": [entry]}).encode()

    def text_event(self, sender: str, text: str, quick_reply: str | None = None) -> dict:
        message: dict[str, Any] = {"mid": f"m_{sender}_{next(self._ids)}", "text": text}
        if quick_reply is not None:
            message["quick_reply"] = {"payload": quick_reply}
        return {
            "sender": {"id": sender},
            "recipient": {"id": self.page_id},
            "timestamp": int(time.time() * 1000),
            "message": message,
        }

    # --- what the bot sent ----------------------------------------------------------------------

    def messages(self, recipient: str | None = None) -> list[dict[str, Any]]:
        """`message` objects Meta accepted for `recipient` (not sender actions), oldest first."""
        with self._lock:
            return [m for to, m in self.accepted if recipient in (None, to)]

    def actions(self, recipient: str) -> list[str]:
        return [
            r.body["sender_action"]
            for r in self.snapshot()
            if isinstance(r.body, dict)
            and "sender_action" in r.body
            and r.body.get("recipient", {}).get("id") == recipient
        ]

    def wait_for_messages(self, recipient: str, at_least: int = 1, timeout: float = 60.0) -> list:
        return self.wait_until(
            lambda: (got := self.messages(recipient)) and len(got) >= at_least and got,
            timeout,
        )

    def wait_quiet_messages(self, recipient: str, quiet: float = 1.5) -> list[dict[str, Any]]:
        """Everything the bot sent to `recipient` once it has stopped sending."""
        self.wait_quiet(lambda: len(self.messages(recipient)), quiet)
        return self.messages(recipient)

    # --- Meta's answers -------------------------------------------------------------------------

    def handle(self, request: Recorded) -> tuple[int, Any]:
        if request.method != "POST" or request.path != f"/{self.version}/me/messages":
            return 404, _error(100, "Unknown path components", "OAuthException")
        if request.query.get("access_token") != self.token:
            return 400, _error(190, "Invalid OAuth access token.", "OAuthException")
        proof = request.query.get("appsecret_proof")
        expected = hmac.new(self.app_secret.encode(), self.token.encode(), hashlib.sha256)
        if proof is not None and not hmac.compare_digest(proof, expected.hexdigest()):
            return 400, _error(100, "Invalid appsecret_proof provided in the API argument")
        body = request.body if isinstance(request.body, dict) else {}
        recipient = (body.get("recipient") or {}).get("id")
        if not recipient:
            return 400, _error(100, "The parameter recipient is required")
        if "sender_action" in body:
            return 200, {"recipient_id": recipient}
        problem = _message_problem(body.get("message"))
        if problem:
            return 400, _error(100, problem)
        self.accepted.append((recipient, body["message"]))
        return 200, {"recipient_id": recipient, "message_id": f"m_fake_{next(self._ids)}"}


def _message_problem(message: Any) -> str | None:
    if not isinstance(message, dict) or not (message.get("text") or message.get("attachment")):
        return "param message must be non-empty"
    if len(message.get("text") or "") > 2000:
        return "(#100) Length of param message[text] must be less than or equal to 2000"
    replies = message.get("quick_replies")
    if replies is not None:
        if not message.get("text") and not message.get("attachment"):
            return "quick replies need a text or an attachment"
        if not 0 < len(replies) <= 13:
            return "(#100) param message[quick_replies] must have at most 13 elements"
        for reply in replies:
            if reply.get("content_type") == "text" and (
                not reply.get("title")
                or len(reply["title"]) > 20
                or not reply.get("payload")
                or len(reply["payload"]) > 1000
            ):
                return "(#100) a text quick reply needs a title (20) and a payload (1000)"
    return None


def _error(code: int, message: str, kind: str = "OAuthException") -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "code": code, "fbtrace_id": "FAKE"}}
