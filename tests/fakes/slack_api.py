"""A fake Slack for tests: the Web API the bot calls (chat.postMessage, chat.update) on
127.0.0.1, answering like Slack ({"ok": true, "ts": ...}, or {"ok": false, "error": ...} with
HTTP 200), and Slack's side of the Events API: it knows the app's signing secret and signs what
it sends to the bot.

    with FakeSlackApi() as slack:          # SLACK_API_URL=slack.url, SLACK_BOT_TOKEN=slack.token
        headers = slack.sign(body)         # X-Slack-Signature and X-Slack-Request-Timestamp
        posts = slack.wait_for_posts("D123", 1)

Like Slack it refuses a wrong token (invalid_auth), a message without text or blocks
(no_text) and blocks over Block Kit's limits (invalid_blocks: a section's text over 3000
characters, over 25 elements in an actions block, a button title over 75 or value over 2000).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from itertools import count
from typing import Any
from urllib.parse import urlencode

from tests.fakes.recording import Recorded, RecordingServer


class FakeSlackApi(RecordingServer):
    def __init__(
        self,
        token: str = "xoxb-0000000000-test-token-not-real",
        signing_secret: str = "test-signing-secret-not-real",
    ) -> None:
        super().__init__()
        self.token = token
        self.signing_secret = signing_secret
        self._ts = count(1)
        self.accepted: list[dict[str, Any]] = []  # posted messages as Slack keeps them
        self.front_desk_channel = "C0FRONTDESK"  # SLACK_CHANNEL in tests: every message there

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    # --- Slack signing what it sends to the app -----------------------------------------------

    def sign(self, body: bytes, timestamp: int | None = None, secret: str | None = None) -> dict:
        """Slack's v0 signature, computed here independently of the code under test."""
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        base = f"v0:{stamp}:".encode() + body
        key = (secret or self.signing_secret).encode()
        signature = "v0=" + hmac.new(key, base, hashlib.sha256).hexdigest()
        return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}

    @staticmethod
    def event_body(event: dict[str, Any], event_id: str, bot_user: str = "UBOT") -> bytes:
        """An Events API `event_callback` envelope as Slack posts it."""
        envelope = {
            "token": "deprecated-verification-token",
            "team_id": "T0TEST",
            "api_app_id": "A0TEST",
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [{"team_id": "T0TEST", "user_id": bot_user, "is_bot": True}],
        }
        return json.dumps(envelope).encode()

    @staticmethod
    def interaction_body(payload: dict[str, Any]) -> bytes:
        """An interactive payload (a button click) as Slack posts it: a form with `payload`."""
        return urlencode({"payload": json.dumps(payload)}).encode()

    # --- what the bot sent ----------------------------------------------------------------------

    def calls(self, method: str) -> list[Recorded]:
        return [r for r in self.snapshot() if r.path.endswith("/" + method)]

    def posts(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Messages Slack accepted (chat.postMessage), oldest first: channel, ts, text and,
        when given, thread_ts and blocks."""
        with self._lock:
            return [dict(m) for m in self.accepted if channel in (None, m["channel"])]

    def wait_for_posts(self, channel: str, at_least: int = 1, timeout: float = 60.0) -> list:
        return self.wait_until(
            lambda: (posts := self.posts(channel)) and len(posts) >= at_least and posts,
            timeout,
        )

    def wait_quiet_posts(self, channel: str, quiet: float = 1.5) -> list[dict[str, Any]]:
        """Everything the bot posted in `channel` once it has stopped posting."""
        self.wait_quiet(lambda: len(self.posts(channel)), quiet)
        return self.posts(channel)

    # --- Slack's answers ------------------------------------------------------------------------

    def handle(self, request: Recorded) -> tuple[int, Any]:
        if request.method != "POST":
            return 405, {"ok": False, "error": "method_not_allowed"}
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return 200, {"ok": False, "error": "invalid_auth"}
        body = request.body if isinstance(request.body, dict) else {}
        method = request.path.rsplit("/", 1)[-1]
        if method == "chat.postMessage":
            return 200, self._post_message(body)
        if method == "chat.update":
            if not body.get("channel") or not body.get("ts"):
                return 200, {"ok": False, "error": "message_not_found"}
            return 200, {"ok": True, "channel": body["channel"], "ts": body["ts"]}
        return 404, {"ok": False, "error": "unknown_method"}

    def _post_message(self, body: dict[str, Any]) -> dict[str, Any]:
        if not body.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        blocks = body.get("blocks")
        if isinstance(blocks, str):  # a form post carries blocks as JSON text
            blocks = json.loads(blocks)
        if not body.get("text") and not blocks:
            return {"ok": False, "error": "no_text"}
        if blocks and not _blocks_valid(blocks):
            return {"ok": False, "error": "invalid_blocks"}
        ts = f"{int(time.time())}.{next(self._ts):06d}"
        message = {"type": "message", "text": body.get("text", ""), "ts": ts, "bot_id": "BFAKE"}
        if body.get("thread_ts"):
            message["thread_ts"] = body["thread_ts"]
        if blocks:
            message["blocks"] = blocks
        self.accepted.append({"channel": body["channel"], **message})
        return {"ok": True, "channel": body["channel"], "ts": ts, "message": message}


def _blocks_valid(blocks: list[dict[str, Any]]) -> bool:
    if not isinstance(blocks, list) or len(blocks) > 50:
        return False
    for block in blocks:
        if block.get("type") == "section" and len(block["text"]["text"]) > 3000:
            return False
        if block.get("type") == "actions":
            elements = block.get("elements") or []
            if not 0 < len(elements) <= 25:
                return False
            for element in elements:
                if element.get("type") == "button" and (
                    len(element["text"]["text"]) > 75 or len(element.get("value", "")) > 2000
                ):
                    return False
    return True
