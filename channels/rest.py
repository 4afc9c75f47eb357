"""Rasa's REST channel behind the limits: same name ("rest"), same path
(/webhooks/rest/webhook), same replies; a request is checked before Rasa's own handler sees it.

- a body that is not a JSON object, or a sender or message of the wrong type: 400 JSON
- a message over MAX_MESSAGE_BYTES: 413 JSON
- a sender over RATE_LIMIT_PER_MINUTE: 429 JSON with Retry-After
Each JSON error has `error` (a code), `message` (words for a person, with the emergency number)
and, for 429, `retry_after`. Nothing refused reaches the dialogue.
"""

import json
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.guard import TOO_FAST, limits, refusal

MAX_SENDER_CHARS = 256


def _bad_request(reason: str) -> HTTPResponse:
    return response.json({"error": "bad_request", "message": reason}, status=400)


def check_body(body: bytes) -> tuple[dict[str, Any] | None, HTTPResponse | None]:
    """The parsed request, or the 400 that says what is wrong with it. Numbers are accepted as
    sender ids (some clients send them); the message must be text."""
    try:
        data = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        return None, _bad_request("The body must be JSON.")
    if not isinstance(data, dict):
        return None, _bad_request('The body must be a JSON object with "sender" and "message".')
    sender = data.get("sender")
    if isinstance(sender, bool) or not isinstance(sender, str | int):
        return None, _bad_request("`sender` must be a string.")
    if not str(sender).strip() or len(str(sender)) > MAX_SENDER_CHARS:
        return None, _bad_request(f"`sender` must be 1 to {MAX_SENDER_CHARS} characters.")
    if not isinstance(data.get("message"), str):
        return None, _bad_request("`message` must be a string.")
    if data.get("metadata") is not None and not isinstance(data["metadata"], dict):
        return None, _bad_request("`metadata` must be a JSON object.")
    if data.get("input_channel") is not None and not isinstance(data["input_channel"], str):
        return None, _bad_request("`input_channel` must be a string.")
    return data, None


class ClinicRestInput(RestInput):
    """Rasa's REST input with the message limits in front of it."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    async def _extract_sender(self, req: Request) -> str | None:
        sender = req.json.get("sender")
        return None if sender is None else str(sender)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = super().blueprint(on_new_message)

        @hook.listener("before_server_start")
        async def limit_request_size(app: Sanic, _: Any) -> None:
            # Sanic reads this for each new connection; its default is 100 MB for any route
            app.config.REQUEST_MAX_SIZE = limits().request_max_bytes

        @hook.middleware("request")
        async def check(request: Request) -> HTTPResponse | None:
            if request.method != "POST" or not request.path.rstrip("/").endswith("/webhook"):
                return None
            data, problem = check_body(request.body)
            if problem is not None:
                return problem
            refused = await refusal(str(data["sender"]), data["message"])
            if refused is None:
                return None
            body: dict[str, Any] = {"error": refused.reason, "message": refused.text}
            if refused.reason == TOO_FAST:
                retry = refused.decision.retry_after
                body["retry_after"] = retry
                return response.json(body, status=429, headers={"Retry-After": str(retry)})
            body["max_bytes"] = limits().max_message_bytes
            return response.json(body, status=413)

        return hook
