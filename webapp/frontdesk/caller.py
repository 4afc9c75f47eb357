"""Screen a caller: staff type a caller's answers and the assistant runs its usual screening.

The conversation id lives in the session, never in the request, so the console can only
talk in its own front-desk conversations (the `frontdesk-` prefix tells the assistant the
channel), not in a patient's.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from webapp.frontdesk.console import signed_in
from webapp.frontdesk.context import frontdesk, json_error
from webapp.rasa_client import RasaError

SESSION_KEY = "caller"
PREFIX = "frontdesk-"
MAX_MESSAGE = 1000


def new_caller_id(request: Request) -> str:
    request.session[SESSION_KEY] = PREFIX + secrets.token_hex(8)
    return request.session[SESSION_KEY]


def caller_id(request: Request) -> str:
    current = request.session.get(SESSION_KEY)
    return current if isinstance(current, str) and current else new_caller_id(request)


def plain_reply(reply: dict[str, Any]) -> dict[str, Any] | None:
    """Only what the console shows: text and buttons (title, payload), as plain strings."""
    text = reply.get("text") if isinstance(reply.get("text"), str) else None
    buttons = [
        {"title": str(button.get("title", "")), "payload": str(button.get("payload", ""))}
        for button in reply.get("buttons") or []
        if isinstance(button, dict) and button.get("title")
    ]
    return {"text": text, "buttons": buttons} if text or buttons else None


@signed_in
async def new_caller(request: Request) -> Response:
    return JSONResponse({"caller": new_caller_id(request)})


@signed_in
async def say(request: Request) -> Response:
    try:
        body = json.loads(await request.body() or b"null")
    except ValueError:
        body = None
    message = body.get("message") if isinstance(body, dict) else None
    if not isinstance(message, str) or not message.strip():
        return json_error(400, "empty", "Type the caller's answer first.")
    if len(message) > MAX_MESSAGE:
        return json_error(400, "too_long", f"Keep a message under {MAX_MESSAGE} characters.")
    sender = caller_id(request)
    try:
        replies = await frontdesk(request).rasa.send_message(sender, message.strip())
    except RasaError as err:
        return json_error(502, "rasa", str(err))
    shown = [plain for plain in map(plain_reply, replies) if plain]
    return JSONResponse({"caller": sender, "replies": shown})


routes = [
    Route("/frontdesk/caller/new", new_caller, methods=["POST"]),
    Route("/frontdesk/caller/message", say, methods=["POST"]),
]
