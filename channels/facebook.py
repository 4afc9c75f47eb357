"""Facebook Messenger for the clinic: Rasa's `facebook` channel, configured from the environment,
with Meta's current signature, quick replies for buttons and Messenger's length limits.

Environment: FACEBOOK_VERIFY_TOKEN (chosen by you, typed into the app's webhook settings),
FACEBOOK_APP_SECRET, FACEBOOK_PAGE_ACCESS_TOKEN, optional FACEBOOK_GRAPH_URL (the Graph API base
with its version; tests point it at a local fake). Without all three the webhook answers 503.

What differs from Rasa 3.6's FacebookInput, and why:
- The handshake checks hub.mode and answers a wrong verify token with 403 (Rasa: 200).
- Signatures: X-Hub-Signature-256 (what Meta sends now) or X-Hub-Signature (sha1), only those
  two, compared in constant time; a forged or missing one gets 403 and nothing is read (Rasa
  answered 200, took the hash name from the header and compared with `==`).
- Every event of a batch is handled (Rasa: the first only), each message id once, in the
  background: Meta wants its 200 at once and redelivers otherwise.
- Sending: fbmessenger's client is synchronous (it blocks Rasa's event loop for every message)
  and pins Graph v2.12; here an aiohttp client posts to FACEBOOK_GRAPH_URL, with an
  appsecret_proof. Buttons become quick replies (at most 13, titles shortened to 20
  characters, the full title's payload kept), texts over 2000 characters are split at
  paragraphs or sentences, and an emergency message starts with a warning sign.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from http import HTTPStatus
from typing import Any

import aiohttp
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.facebook import FacebookInput, Messenger, MessengerBot
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

import settings
from channels.guard import guarded
from channels.shared import SeenIds, redis_url
from channels.signatures import hub_request_is_authentic
from channels.text import shorten, split_text

log = logging.getLogger(__name__)

DEFAULT_GRAPH_URL = "https://graph.facebook.com/v18.0"
NOT_CONFIGURED = (
    "Messenger is not configured: set FACEBOOK_VERIFY_TOKEN, FACEBOOK_APP_SECRET and "
    "FACEBOOK_PAGE_ACCESS_TOKEN."
)

TEXT_LIMIT = 2000
QUICK_REPLY_LIMIT = 13
QUICK_REPLY_TITLE_LIMIT = 20
QUICK_REPLY_PAYLOAD_LIMIT = 1000
EMERGENCY_MARK = "\N{POLICE CARS REVOLVING LIGHT}"
TIMEOUT_S = 10.0
# Meta redelivers an event it saw no 200 for within minutes
SEEN_TTL_SECONDS = 3600


def quick_replies(buttons: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    """Messenger quick replies for Rasa buttons: the payload is what comes back, so a shortened
    title still answers with the whole button."""
    replies = []
    for button in buttons:
        title = str(button.get("title") or "").strip()
        payload = str(button.get("payload") or "")
        if not title or not payload or len(payload) > QUICK_REPLY_PAYLOAD_LIMIT:
            log.warning("a Messenger quick reply needs a title and a payload of at most 1000")
            continue
        replies.append(
            {
                "content_type": "text",
                "title": shorten(title, QUICK_REPLY_TITLE_LIMIT),
                "payload": payload,
            }
        )
    if len(replies) > QUICK_REPLY_LIMIT:
        log.warning("Messenger shows at most 13 quick replies; %d dropped", len(replies) - 13)
    return replies[:QUICK_REPLY_LIMIT]


def text_messages(text: str, kind: str | None = None) -> list[dict[str, Any]]:
    """The Send API `message` objects for one bot text: at most 2000 characters each."""
    text = (text or "").strip()
    if kind == "emergency" and text:
        text = f"{EMERGENCY_MARK} {text}"
    return [{"text": part} for part in split_text(text, TEXT_LIMIT)]


class GraphClient:
    """The Send API calls the bot makes (messages and sender actions), asynchronous."""

    def __init__(
        self,
        page_access_token: str,
        graph_url: str = DEFAULT_GRAPH_URL,
        app_secret: str | None = None,
        timeout: float = TIMEOUT_S,
    ) -> None:
        self.page_access_token = page_access_token
        self.graph_url = graph_url.rstrip("/")
        self.app_secret = app_secret
        self.timeout = timeout

    def _params(self) -> dict[str, str]:
        params = {"access_token": self.page_access_token}
        if self.app_secret:  # Meta's "require app secret" setting wants this proof
            proof = hmac.new(
                self.app_secret.encode(), self.page_access_token.encode(), hashlib.sha256
            )
            params["appsecret_proof"] = proof.hexdigest()
        return params

    async def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Meta's answer, or {} when there is none; a refusal is logged, never raised, so the
        conversation itself goes on."""
        try:
            timeout = aiohttp.ClientTimeout(total=self.timeout)
            async with aiohttp.ClientSession(timeout=timeout) as session:
                url = f"{self.graph_url}/me/messages"
                async with session.post(url, params=self._params(), json=body) as answer:
                    result = await answer.json(content_type=None)
                    result = result if isinstance(result, dict) else {}
                    if answer.status >= 400 or "error" in result:
                        error = result.get("error") or {}
                        log.warning(
                            "Messenger refused a send (HTTP %s, code %s): %s",
                            answer.status,
                            error.get("code"),
                            error.get("message"),
                        )
                    return result
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as err:
            log.warning("Messenger send failed: %s", type(err).__name__)
            return {}

    async def send(
        self, message: dict[str, Any], recipient_id: str, messaging_type: str = "RESPONSE"
    ) -> dict[str, Any]:
        body = {
            "recipient": {"id": recipient_id},
            "messaging_type": messaging_type,
            "message": message,
        }
        return await self._post(body)

    async def send_action(self, sender_action: str, recipient_id: str) -> dict[str, Any]:
        return await self._post({"recipient": {"id": recipient_id}, "sender_action": sender_action})


class ClinicMessengerBot(MessengerBot):
    """Rasa's MessengerBot sending through GraphClient, within Messenger's limits."""

    messenger_client: GraphClient

    def __init__(self, client: GraphClient) -> None:
        super().__init__(client)  # type: ignore[arg-type]

    async def _send_all(self, recipient_id: str, messages: list[dict[str, Any]]) -> None:
        for message in messages:  # in order: each waits for the one before
            await self.messenger_client.send(message, recipient_id)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._send_all(recipient_id, text_messages(text, kwargs.get("kind")))

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        messages = text_messages(text, kwargs.get("kind"))
        replies = quick_replies(buttons)
        if replies:
            if not messages:  # Messenger wants text with quick replies
                messages = [{"text": ", ".join(r["title"] for r in replies)}]
            messages[-1]["quick_replies"] = replies
        await self._send_all(recipient_id, messages)

    async def send_quick_replies(
        self,
        recipient_id: str,
        text: str,
        quick_replies: list[dict[str, Any]],
        **kwargs: Any,
    ) -> None:
        await self.send_text_with_buttons(recipient_id, text, quick_replies, **kwargs)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        attachment = {"type": "image", "payload": {"url": image, "is_reusable": True}}
        await self.messenger_client.send({"attachment": attachment}, recipient_id)

    async def send_elements(
        self, recipient_id: str, elements: Iterable[dict[str, Any]], **kwargs: Any
    ) -> None:
        elements = list(elements)
        for element in elements:
            if "buttons" in element:
                self._add_postback_info(element["buttons"])
        payload = {"template_type": "generic", "elements": elements}
        attachment = {"type": "template", "payload": payload}
        await self.messenger_client.send({"attachment": attachment}, recipient_id)

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any] | list, **kwargs: Any
    ) -> None:
        if isinstance(json_message, dict) and "sender" in json_message:
            json_message = dict(json_message)
            recipient_id = json_message.pop("sender", {}).get("id", recipient_id)
        await self.messenger_client.send(json_message, recipient_id)  # type: ignore[arg-type]

    async def send_action(self, recipient_id: str, sender_action: str) -> None:
        await self.messenger_client.send_action(sender_action, recipient_id)


class Turns:
    """One message at a time per person, in arrival order: events are handled in the
    background, and a quick second message must not overtake the first."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._waiting: dict[str, int] = {}

    @contextlib.asynccontextmanager
    async def of(self, sender: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(sender, asyncio.Lock())
        self._waiting[sender] = self._waiting.get(sender, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._waiting[sender] -= 1
            if not self._waiting[sender]:
                del self._waiting[sender], self._locks[sender]


class ClinicMessenger(Messenger):
    """Rasa's webhook event reader, for every event of a batch, each message once."""

    def __init__(
        self,
        client: GraphClient,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        seen: SeenIds,
        turns: Turns,
    ) -> None:
        self.client = client  # type: ignore[assignment]
        self.on_new_message = on_new_message
        self.seen = seen
        self.turns = turns
        self.last_message: dict[str, Any] = {}

    async def handle(self, payload: dict, metadata: dict[str, Any] | None) -> None:
        for entry in payload.get("entry") or []:
            for event in entry.get("messaging") or []:
                if not isinstance(event, dict) or (event.get("message") or {}).get("is_echo"):
                    continue  # the page's own messages
                mid = (event.get("message") or event.get("postback") or {}).get("mid")
                sender = (event.get("sender") or {}).get("id")
                key = f"mid:{mid}" if mid else f"at:{sender}:{event.get('timestamp')}"
                if not sender or not await self.seen.first_time([key]):
                    continue
                async with self.turns.of(sender):
                    self.last_message = event
                    if event.get("message"):
                        await self.message(event, metadata)
                    elif event.get("postback"):
                        await self.postback(event, metadata)

    async def _handle_user_message(
        self, text: str, sender_id: str, metadata: dict[str, Any] | None
    ) -> None:
        out_channel = ClinicMessengerBot(self.client)  # type: ignore[arg-type]
        await out_channel.send_action(sender_id, "mark_seen")
        await out_channel.send_action(sender_id, "typing_on")
        message = UserMessage(
            text, out_channel, sender_id, input_channel=self.name(), metadata=metadata
        )
        try:
            await self.on_new_message(message)
        except Exception:
            log.exception("handling a Messenger message failed")
        finally:
            await out_channel.send_action(sender_id, "typing_off")


class ClinicFacebookInput(FacebookInput):
    """Rasa's FacebookInput with the clinic's checks and sending (module docstring)."""

    @classmethod
    def name(cls) -> str:
        return "facebook"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> ClinicFacebookInput:
        """Everything from the environment: credentials.yml holds no secret."""
        return cls(
            fb_verify=(settings.FACEBOOK_VERIFY_TOKEN.read() or "").strip(),
            fb_secret=(settings.FACEBOOK_APP_SECRET.read() or "").strip(),
            fb_access_token=(settings.FACEBOOK_PAGE_ACCESS_TOKEN.read() or "").strip(),
            graph_url=settings.FACEBOOK_GRAPH_URL.read() or DEFAULT_GRAPH_URL,
        )

    def __init__(
        self,
        fb_verify: str,
        fb_secret: str,
        fb_access_token: str,
        graph_url: str = DEFAULT_GRAPH_URL,
    ) -> None:
        super().__init__(fb_verify, fb_secret, fb_access_token)
        self.graph_url = graph_url
        self.configured = bool(fb_verify and fb_secret and fb_access_token)
        # each delivery answered once, by whichever replica (channels/shared.py)
        self.seen = SeenIds("messenger-seen", SEEN_TTL_SECONDS, redis_url())
        self.turns = Turns()
        self._background_tasks: set[asyncio.Future] = set()
        if not self.configured:
            log.warning("Messenger channel off: %s", NOT_CONFIGURED)

    def client(self) -> GraphClient:
        return GraphClient(self.fb_access_token, self.graph_url, self.fb_secret)

    def get_output_channel(self) -> OutputChannel:
        return ClinicMessengerBot(self.client())

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = guarded(on_new_message)  # size and rate limits (channels/guard.py)
        hook = Blueprint("clinic_fb_webhook", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            if not self.configured:
                return response.json({"status": "not configured"}, status=503)
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            """Meta's subscription handshake: the challenge back only for our verify token."""
            if not self.configured:
                return response.text(NOT_CONFIGURED, status=HTTPStatus.SERVICE_UNAVAILABLE)
            token = request.args.get("hub.verify_token") or ""
            right = hmac.compare_digest(token.encode(), self.fb_verify.encode())
            if request.args.get("hub.mode") == "subscribe" and right:
                return response.text(request.args.get("hub.challenge") or "")
            log.warning("Messenger handshake refused: wrong verify token or mode")
            return response.text("invalid verify token", status=HTTPStatus.FORBIDDEN)

        @hook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.configured:
                return response.text(NOT_CONFIGURED, status=HTTPStatus.SERVICE_UNAVAILABLE)
            signed = hub_request_is_authentic(
                self.fb_secret,
                request.body,
                request.headers.get("X-Hub-Signature-256"),
                request.headers.get("X-Hub-Signature"),
            )
            if not signed:
                log.warning("Messenger request refused: missing or wrong signature")
                return response.text("invalid signature", status=HTTPStatus.FORBIDDEN)
            try:
                payload = json.loads(request.body)
            except ValueError:
                return response.text("invalid JSON", status=400)
            if not isinstance(payload, dict) or payload.get("object") != "page":
                return response.text("not a page event")
            messenger = ClinicMessenger(self.client(), on_new_message, self.seen, self.turns)
            self._in_background(messenger.handle(payload, self.get_metadata(request)))
            return response.text("EVENT_RECEIVED")

        return hook

    def _in_background(self, work: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(work)
        self._background_tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Future) -> None:
        self._background_tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("handling a Messenger event failed", exc_info=task.exception())
