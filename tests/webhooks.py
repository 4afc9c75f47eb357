"""Helpers for the channel tests: a channel's Sanic webhook called in-process (its handlers read
only a request's headers, body, args and form), and HTTP posts to the running server."""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs

from multidict import CIMultiDict
from sanic import Blueprint

from tests.fakes.recording import RecordingServer


def handler(blueprint: Blueprint, uri: str, method: str) -> Callable[..., Any]:
    """The function serving `method uri` in `blueprint` (Sanic 21 keeps them until registered)."""
    for route in blueprint._future_routes:
        if route.uri == uri and method in route.methods:
            return route.handler
    raise LookupError(f"{method} {uri} is not in {blueprint.name}")


def request(
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    args: dict[str, str] | None = None,
) -> SimpleNamespace:
    """What a handler reads of a Sanic request."""
    headers = CIMultiDict(headers or {})
    form = {}
    if (headers.get("Content-Type") or "").startswith("application/x-www-form-urlencoded"):
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
    return SimpleNamespace(headers=headers, body=body, args=args or {}, form=form)


async def settle(channel: Any, timeout: float = 10.0) -> None:
    """Waits for what the channel handed to the background (Rasa's turn, API calls)."""
    await asyncio.sleep(0)
    tasks = list(channel._background_tasks)
    if tasks:
        await asyncio.wait(tasks, timeout=timeout)


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, str], str]:
    """(status, headers, text) of a POST to the running server, errors included."""
    return call(urllib.request.Request(url, data=body, headers=headers, method="POST"))


def get(url: str) -> tuple[int, dict[str, str], str]:
    return call(urllib.request.Request(url))


def call(req: urllib.request.Request) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(req, timeout=15) as answer:
            return answer.status, dict(answer.headers), answer.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read().decode()


def wait_turns(assistant: Any, sender: str, turns: int, timeout: float = 60.0) -> dict[str, Any]:
    """The conversation's tracker once `turns` messages of the person are answered: Rasa sends
    the replies, then saves the tracker, so every reply has reached the fake API by then."""

    def answered() -> dict[str, Any] | None:
        tracker = assistant.tracker(sender)
        said = [e for e in tracker.get("events") or [] if e.get("event") == "user"]
        done = len(said) >= turns and tracker.get("latest_action_name") == "action_listen"
        return tracker if done else None

    return RecordingServer.wait_until(answered, timeout, step=0.1)
