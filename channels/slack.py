"""Slack for the clinic: Rasa's `slack` channel, configured from the environment, made safe
against replays and Slack's retries, with Block Kit buttons and one conversation per thread.

Environment: SLACK_BOT_TOKEN (xoxb-...), SLACK_SIGNING_SECRET, optional SLACK_CHANNEL (a channel
id whose every message the bot answers, e.g. the front desk's) and SLACK_API_URL (the Web API
base; tests point it at a local fake). Without token and secret the webhook answers 503.

What differs from Rasa 3.6's SlackInput, and why:
- Any retry (X-Slack-Retry-Num) is acknowledged with X-Slack-No-Retry and never answered again
  (Rasa answers retries for most reasons: the person would get every reply twice); event ids,
  client message ids and channel+ts are remembered too, so a retry without the header or the
  same message arriving as a mention and as a channel message is answered once.
- Signatures older than five minutes or forged get 401, not 400, and nothing is read.
- Conversations: a direct message's main view is one conversation (`{channel}`); every thread is
  one (`{channel}_{thread_ts}`), and in a channel each mention starts a thread the bot answers in,
  so front-desk staff get one thread per caller. Replies in a thread the bot is in need no
  mention.
- Buttons are Block Kit actions (up to 25 per block, Rasa gave up above 5); a click comes back as
  the person's message, and the question is updated to show the answer, so it can't be answered
  twice. Text is mrkdwn with &, <, > escaped; an emergency message is marked and bold.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

import aiohttp
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot, SlackInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

import settings
from channels.guard import guarded
from channels.shared import SeenIds, redis_url
from channels.signatures import slack_request_is_authentic
from channels.text import shorten, split_text

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://slack.com/api/"
NOT_CONFIGURED = "Slack is not configured: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET."
RETRY_HEADER = "X-Slack-Retry-Num"
# A section block's text may have 3000 characters; escaping (&amp;) and bold need some room.
PART_LIMIT = 2800
BUTTON_TITLE_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
BUTTONS_PER_BLOCK = 25
EMERGENCY_MARK = ":rotating_light:"
# Slack delivers one message twice within seconds (mention and channel message); a person may
# come back to a thread the bot answers in days later.
SEEN_TTL_SECONDS = 3600
THREAD_TTL_SECONDS = 30 * 24 * 3600
# Message subtypes that are still a person writing; the others (edits, joins, bots) are not.
USER_SUBTYPES = {None, "file_share", "thread_broadcast"}
SEND_ERRORS = (SlackApiError, aiohttp.ClientError, asyncio.TimeoutError)


def escape(text: str) -> str:
    """Slack's mrkdwn reads <...> as links and mentions: the three control characters escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """What the person typed: Slack sends their &, <, > escaped."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def mrkdwn(text: str, kind: str | None = None, first: bool = True) -> str:
    """The bot's text for Slack; an emergency message bold, its first part with a warning sign."""
    escaped = escape(text)
    if kind != "emergency":
        return escaped
    bold = "\n".join(f"*{line.strip()}*" if line.strip() else "" for line in escaped.split("\n"))
    return f"{EMERGENCY_MARK} {bold}" if first else bold


def button_blocks(text: str, buttons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A mrkdwn section with `text` and actions blocks with the buttons (payload as value)."""
    blocks: list[dict[str, Any]] = []
    if text:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text}})
    usable = []
    for button in buttons:
        value = str(button.get("payload") or "")
        if value and len(value) <= BUTTON_VALUE_LIMIT and button.get("title"):
            usable.append((str(button["title"]), value))
        else:
            log.warning("a Slack button needs a title and a payload of at most 2000 characters")
    for start in range(0, len(usable), BUTTONS_PER_BLOCK):
        elements = [
            {
                "type": "button",
                "text": {"type": "plain_text", "text": shorten(title, BUTTON_TITLE_LIMIT)},
                "value": value,
                "action_id": f"button_{start + index}",
            }
            for index, (title, value) in enumerate(usable[start : start + BUTTONS_PER_BLOCK])
        ]
        blocks.append({"type": "actions", "elements": elements})
    return blocks


def conversation_id(channel: str, thread_ts: str | None) -> str:
    """One conversation per thread, and one for a direct message's main view."""
    return f"{channel}_{thread_ts}" if thread_ts else channel


class ClinicSlackBot(SlackBot):
    """Rasa's SlackBot posting through a configurable API base, without `as_user` (refused by
    current Slack apps), in the conversation's thread."""

    def __init__(
        self,
        token: str,
        slack_channel: str | None = None,
        thread_id: str | None = None,
        proxy: str | None = None,
        api_url: str = DEFAULT_API_URL,
    ) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        self.client = AsyncWebClient(token=token, base_url=api_url, proxy=proxy)

    async def _post_message(self, channel: str, **kwargs: Any) -> None:
        kwargs.pop("as_user", None)
        kwargs.pop("type", None)
        if self.thread_id:
            kwargs["thread_ts"] = self.thread_id
        try:
            await self.client.chat_postMessage(channel=channel, **kwargs)
        except SEND_ERRORS as err:  # the conversation goes on; Slack's refusal is logged
            log.warning("Slack did not take a message for %s: %s", channel, _reason(err))

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        recipient = self.slack_channel or recipient_id
        kind = kwargs.get("kind")
        for index, part in enumerate(split_text(text, PART_LIMIT)):
            await self._post_message(channel=recipient, text=mrkdwn(part, kind, index == 0))

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        recipient = self.slack_channel or recipient_id
        kind = kwargs.get("kind")
        parts = split_text(text or "", PART_LIMIT) or [""]
        for index, part in enumerate(parts[:-1]):
            await self._post_message(channel=recipient, text=mrkdwn(part, kind, index == 0))
        last = mrkdwn(parts[-1], kind, len(parts) == 1) if parts[-1] else ""
        blocks = button_blocks(last, buttons)
        fallback = last or ", ".join(escape(str(b.get("title", ""))) for b in buttons)
        await self._post_message(channel=recipient, text=fallback, blocks=blocks)

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        message = dict(json_message)
        channel = message.pop("channel", None) or self.slack_channel or recipient_id
        await self._post_message(channel=channel, **message)

    async def show_answer(self, channel: str, message: dict[str, Any], answer: str) -> None:
        """The question's buttons replaced by the chosen answer (no second answer to it)."""
        blocks = [b for b in message.get("blocks") or [] if b.get("type") != "actions"]
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": f"*{escape(answer)}*"}]}
        )
        try:
            await self.client.chat_update(
                channel=channel, ts=message["ts"], text=message.get("text") or answer, blocks=blocks
            )
        except SEND_ERRORS as err:
            log.warning("Slack did not update a question in %s: %s", channel, _reason(err))


def _reason(err: Exception) -> str:
    if isinstance(err, SlackApiError):
        return str(err.response.get("error"))
    return type(err).__name__


class ClinicSlackInput(SlackInput):
    """Rasa's SlackInput with the clinic's safety and conversation rules (module docstring)."""

    @classmethod
    def name(cls) -> str:
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> ClinicSlackInput:
        """Everything from the environment: credentials.yml holds no secret."""
        return cls(
            slack_token=(settings.SLACK_BOT_TOKEN.read() or "").strip(),
            slack_channel=settings.SLACK_CHANNEL.read(),
            slack_signing_secret=(settings.SLACK_SIGNING_SECRET.read() or "").strip(),
            api_url=settings.SLACK_API_URL.read() or DEFAULT_API_URL,
        )

    def __init__(
        self,
        slack_token: str,
        slack_channel: str | None = None,
        slack_signing_secret: str = "",
        api_url: str = DEFAULT_API_URL,
        proxy: str | None = None,
    ) -> None:
        self.configured = bool(slack_token and slack_signing_secret)
        self.api_url = api_url
        # deliveries answered, and "channel:thread_ts" the bot answers in: shared by the
        # replicas when REDIS_URL is set (channels/shared.py)
        self.seen = SeenIds("slack-seen", SEEN_TTL_SECONDS, redis_url())
        self.threads = SeenIds("slack-threads", THREAD_TTL_SECONDS, redis_url())
        super().__init__(
            slack_token,
            slack_channel,
            proxy,
            slack_retry_number_header=RETRY_HEADER,
            use_threads=True,
            slack_signing_secret=slack_signing_secret,
            conversation_granularity="thread",
        )

    def _validate_credentials(self) -> None:
        """Unset secrets don't stop the server (the other channels work); the webhook says 503."""
        if not self.configured:
            log.warning("Slack channel off: %s", NOT_CONFIGURED)

    def is_request_from_slack_authentic(self, request: Request) -> bool:
        return slack_request_is_authentic(
            self.slack_signing_secret,
            request.headers.get("X-Slack-Request-Timestamp"),
            request.headers.get("X-Slack-Signature"),
            request.body,
        )

    def get_output_channel(
        self, channel: str | None = None, thread_id: str | None = None
    ) -> OutputChannel:
        return ClinicSlackBot(
            self.slack_token, channel or self.slack_channel, thread_id, self.proxy, self.api_url
        )

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = guarded(on_new_message)  # size and rate limits (channels/guard.py)
        hook = Blueprint("clinic_slack_webhook", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            if not self.configured:
                return response.json({"status": "not configured"}, status=503)
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.configured:
                return response.text(NOT_CONFIGURED, status=HTTPStatus.SERVICE_UNAVAILABLE)
            if not self.is_request_from_slack_authentic(request):
                log.warning("Slack request refused: missing, stale or wrong signature")
                return response.text("invalid signature", status=HTTPStatus.UNAUTHORIZED)
            if request.headers.get(RETRY_HEADER):
                # The first attempt was (or is being) answered; a retry never is.
                return response.text("", headers={"X-Slack-No-Retry": "1"})
            kind = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
            if kind == "application/json":
                return await self._on_event(request, on_new_message)
            if kind == "application/x-www-form-urlencoded":
                return await self._on_interaction(request, on_new_message)
            return response.text("unsupported content type", status=415)

        return hook

    async def _on_event(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        try:
            payload = json.loads(request.body)
        except ValueError:
            return response.text("invalid JSON", status=400)
        if not isinstance(payload, dict):
            return response.text("invalid event", status=400)
        if payload.get("type") == "url_verification":
            return response.json({"challenge": payload.get("challenge")})
        event = payload.get("event") or {}
        if not self._is_user_message(payload) or event.get("subtype") not in USER_SUBTYPES:
            return response.text("not a person's message")
        channel, is_dm = event.get("channel") or "", event.get("channel_type") == "im"
        thread = event.get("thread_ts") or (None if is_dm else event.get("ts"))
        thread_ts = event.get("thread_ts")
        known_thread = bool(thread_ts) and await self.threads.contains(f"{channel}:{thread_ts}")
        wanted = is_dm or self._is_app_mention(payload) or known_thread
        if not (wanted or (channel and channel == self.slack_channel)):
            return response.text("not for the bot")
        keys = [
            f"event:{payload.get('event_id') or ''}",
            f"message:{channel}:{event.get('ts') or ''}",
            f"client:{event.get('client_msg_id') or ''}",
        ]
        if not await self.seen.first_time(k for k in keys if not k.endswith(":")):
            return response.text("already answered")
        users = [a.get("user_id") for a in payload.get("authorizations") or [] if a.get("user_id")]
        users += payload.get("authed_users") or []
        text = unescape(self._sanitize_user_message(event.get("text", ""), users))
        metadata = {"out_channel": channel, "thread_id": thread, "users": users}
        metadata["slack_user"] = event.get("user")
        return await self._hand_over(on_new_message, text, channel, thread, metadata)

    async def _on_interaction(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        try:
            payload = json.loads(request.form.get("payload") or "")
        except ValueError:
            return response.text("invalid payload", status=400)
        if not isinstance(payload, dict) or not self._is_interactive_message(payload):
            return response.text("not an answer")
        action = payload["actions"][0]
        text = self._get_interactive_response(action)
        channel = (payload.get("channel") or {}).get("id") or ""
        message = payload.get("message") or {}
        if text is None or not channel:
            return response.text("not an answer")  # a link button, or nowhere to answer
        # A question's buttons answer it once: a second click (or a second delivery) is dropped.
        key = message.get("ts") or payload.get("trigger_id") or ""
        if not await self.seen.first_time([f"buttons:{channel}:{key}"]):
            return response.text("already answered")
        thread = message.get("thread_ts")
        user = (payload.get("user") or {}).get("id")
        metadata = {"out_channel": channel, "thread_id": thread, "users": [], "slack_user": user}
        title = (action.get("text") or {}).get("text") or text
        if message.get("ts"):
            self._in_background(self._output(channel, thread).show_answer(channel, message, title))
        return await self._hand_over(on_new_message, text, channel, thread, metadata)

    def _output(self, channel: str, thread: str | None) -> ClinicSlackBot:
        return ClinicSlackBot(self.slack_token, channel, thread, self.proxy, self.api_url)

    async def _hand_over(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        text: str,
        channel: str,
        thread: str | None,
        metadata: dict[str, Any],
    ) -> HTTPResponse:
        """Rasa answers in the background: Slack wants its acknowledgement within 3 seconds."""
        if thread:
            await self.threads.add(f"{channel}:{thread}")
        message = UserMessage(
            text,
            self._output(channel, thread),
            conversation_id(channel, thread),
            input_channel=self.name(),
            metadata=metadata,
        )
        self._in_background(on_new_message(message))
        return response.text("")

    def _in_background(self, work: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(work)
        self._background_tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Future) -> None:
        self._background_tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("handling a Slack message failed", exc_info=task.exception())
