"""The website widget's channel: Rasa's socketio channel whose replies keep their `kind`.

Rasa's own output emits only text and quick replies, so the widget could not tell the emergency
message or the screening outcome from any other reply. Rasa's server also accepts socket.io
connections from any origin (`cors_allowed_origins=[]` turns the origin check off, and browsers do
not apply CORS to websockets): here only RASA_CORS_ORIGINS may connect. Messages go through the
limits (channels/guard.py). The widget's thumbs up/down on an answer comes as a `feedback` event
(channels/feedback.py). Everything else (name "socketio", events, session persistence, path)
is Rasa's, configured in credentials.yml.
"""

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from rasa.shared.core.events import Event
from sanic import Blueprint

from channels.feedback import handle_feedback
from channels.guard import guarded
from channels.limits import cors_origins

log = logging.getLogger(__name__)

FEEDBACK_EVT = "feedback"

# Message metadata the widget renders (actions/replies.py sets them); Rasa passes them as kwargs
METADATA_KEYS = ("kind", "outcome")


def message_metadata(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The keys of METADATA_KEYS that a message carries, without empty ones."""
    return {key: kwargs[key] for key in METADATA_KEYS if kwargs.get(key)}


class ClinicSocketIOOutput(SocketIOOutput):
    """Rasa's socketio output plus `kind` and `outcome`. A message with a kind stays one message
    (Rasa splits text at blank lines) so the emergency alert or outcome card holds all of it."""

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        meta = message_metadata(kwargs)
        if not meta:
            await super().send_text_message(recipient_id, text, **kwargs)
            return
        await self._send_message(recipient_id, {"text": text.strip(), **meta})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        meta = message_metadata(kwargs)
        if not meta:
            await super().send_text_with_buttons(recipient_id, text, buttons, **kwargs)
            return
        replies = [
            {"content_type": "text", "title": b["title"], "payload": b["payload"]} for b in buttons
        ]
        message = {"text": text.strip(), "quick_replies": replies, **meta}
        await self._send_message(recipient_id, message)


class ClinicSocketIOInput(SocketIOInput):
    """Rasa's socketio input whose replies go out through ClinicSocketIOOutput."""

    def get_output_channel(self) -> OutputChannel | None:
        if self.sio is None:  # Rasa's warning: no server to emit on (several workers)
            return super().get_output_channel()
        return ClinicSocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # Rasa's message handler builds its stock SocketIOOutput inline: swap ours in before the
        # message reaches the agent, and keep the rest of Rasa's handler (sessions, metadata).
        checked = guarded(on_new_message)

        async def handle(message: UserMessage) -> Any:
            if not isinstance(message.text, str):
                return None  # not a message the widget sends: nothing to answer
            if self.sio is not None:
                message.output_channel = ClinicSocketIOOutput(self.sio, self.bot_message_evt)
            return await checked(message)

        hook = super().blueprint(handle)
        # engine.io checks the Origin of every request (websocket included) and answers a
        # foreign one 400. Its own CORS headers stay off: Rasa's Sanic-CORS (`--cors`, the same
        # origins) sets them already, and two Access-Control-Allow-Origin headers make browsers
        # refuse the response.
        self.sio.eio.cors_allowed_origins = cors_origins()
        self.sio.eio._cors_headers = lambda environ: []
        self.sio.on(FEEDBACK_EVT, namespace=self.namespace)(self.on_feedback)
        return hook

    async def on_feedback(self, sid: str, data: Any = None) -> bool:
        """A rating of an answer (channels/feedback.py); True if it was recorded."""

        async def events_of(session_id: str) -> Sequence[Event] | None:
            # only the conversation this connection asked for (session_request) may be rated
            if self.sio is None or session_id not in self.sio.rooms(sid, self.namespace):
                return None
            agent = self.agent(sid)
            if agent is None or agent.tracker_store is None:
                log.info("feedback ignored: no agent to read the conversation from")
                return None
            tracker = await agent.tracker_store.retrieve(session_id)
            return list(tracker.events) if tracker is not None else None

        return await handle_feedback(sid, data, events_of)

    def agent(self, sid: str) -> Any:
        """Rasa's agent (its tracker store) as the Sanic app serving this connection holds it
        (rasa/core/channels/channel.py `register` hands channels only `on_new_message`)."""
        environ = self.sio.get_environ(sid, self.namespace) if self.sio is not None else None
        request = (environ or {}).get("sanic.request")
        ctx = getattr(getattr(request, "app", None), "ctx", None)
        return getattr(ctx, "agent", None)
