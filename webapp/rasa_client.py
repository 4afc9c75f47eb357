"""The web app's calls to our own Rasa server: hand a conversation back to the assistant,
and pass a front-desk caller's answers to the REST channel.

Every failure becomes a `RasaError` whose message can be shown to staff as it is.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import quote

import aiohttp

log = logging.getLogger("webapp.rasa")
# Forget the loop and the open question, and lift the "a person will answer" pause: the
# assistant's policies answer the patient's next message again.
HAND_BACK_EVENTS: list[dict[str, Any]] = [
    {"event": "active_loop", "name": None},
    {"event": "slot", "name": "requested_slot", "value": None},
    {"event": "slot", "name": "human_handoff", "value": None},
]


class RasaError(Exception):
    """Rasa could not be reached or refused; the message says which, in plain words."""


class RasaClient:
    def __init__(self, base_url: str, token: str | None = None, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = aiohttp.ClientTimeout(total=timeout)

    async def _post(self, url: str, payload: Any, params: dict[str, str] | None = None) -> Any:
        try:
            async with (
                aiohttp.ClientSession(timeout=self.timeout) as session,
                session.post(url, json=payload, params=params) as response,
            ):
                if response.status in (401, 403):
                    raise RasaError(
                        "The assistant refused the request: check that RASA_API_TOKEN "
                        "matches the Rasa server's --auth-token."
                    )
                if response.status >= 400:
                    raise RasaError(f"The assistant answered with an error ({response.status}).")
                return await response.json(content_type=None)
        except RasaError:
            raise
        except asyncio.TimeoutError:
            raise RasaError("The assistant did not answer in time; try again.") from None
        except (aiohttp.ClientError, ValueError) as err:
            log.warning("Rasa call to %s failed: %s", url.split("?")[0], err)
            raise RasaError("The assistant cannot be reached right now; try again.") from None

    async def hand_back(self, conversation_id: str) -> None:
        """Let the assistant answer this conversation again after a person took it over."""
        if not conversation_id:
            raise RasaError("This handoff has no conversation to hand back.")
        url = f"{self.base_url}/conversations/{quote(conversation_id, safe='')}/tracker/events"
        params = {"token": self.token} if self.token else None
        await self._post(url, HAND_BACK_EVENTS, params)

    async def send_message(self, sender: str, text: str) -> list[dict[str, Any]]:
        """The assistant's replies to `text` from `sender` (REST channel), as Rasa sends them."""
        replies = await self._post(
            f"{self.base_url}/webhooks/rest/webhook", {"sender": sender, "message": text}
        )
        if not isinstance(replies, list):
            raise RasaError("The assistant sent an answer the console cannot read.")
        return [reply for reply in replies if isinstance(reply, dict)]
