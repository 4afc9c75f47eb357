"""The limits of channels/limits.py applied to Rasa's channels (thin glue).

One limiter per process, so a sender's messages count together whichever channel they come
through. The REST channel answers with status codes (channels/rest.py); socket.io, Slack and
Messenger wrap `on_new_message` with `guarded`, which answers a refused message with a polite
bot message instead (the rate-limit one once per minute) and never passes it on.
"""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rasa.core.channels.channel import UserMessage

from channels.limits import Decision, Limits, RateLimiter, build_limiter, too_long
from headache_core.messages import render

log = logging.getLogger(__name__)

TOO_LONG = "input_too_long"
TOO_FAST = "input_too_fast"


@lru_cache(maxsize=1)
def limits() -> Limits:
    return Limits.from_env()


@lru_cache(maxsize=1)
def limiter() -> RateLimiter:
    return build_limiter(limits())


@dataclass(frozen=True)
class Refusal:
    reason: str  # TOO_LONG or TOO_FAST: the message key, also the REST error code
    decision: Decision | None = None

    @property
    def text(self) -> str:
        return render(self.reason).text


async def refusal(sender: str, text: str) -> Refusal | None:
    """Why this message must not reach the dialogue, or None. A too long message is refused
    before it is counted, so a person who pastes a document is not also slowed down."""
    if too_long(text, limits()):
        log.info("message refused: over %d bytes", limits().max_message_bytes)
        return Refusal(TOO_LONG)
    decision = await limiter().check(sender)
    if not decision.allowed:
        if decision.first_refusal:
            log.info("sender over %d messages a minute: refused for now", limiter().per_minute)
        return Refusal(TOO_FAST, decision)
    return None


def guarded(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
) -> Callable[[UserMessage], Awaitable[Any]]:
    """`on_new_message` for channels that reply through their output channel."""

    async def handle(message: UserMessage) -> Any:
        text = message.text if isinstance(message.text, str) else ""
        refused = await refusal(message.sender_id, text)
        if refused is None:
            return await on_new_message(message)
        quiet = refused.decision is not None and not refused.decision.first_refusal
        if not quiet and message.output_channel is not None:
            await message.output_channel.send_text_message(message.sender_id, refused.text)
        return None

    return handle
