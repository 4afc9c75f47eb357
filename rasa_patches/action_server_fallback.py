"""When the action server is down or slow: safety in the Rasa process, an apology otherwise.

Rasa runs every custom action on the action server; when it cannot be reached (or answers too
late, or fails), Rasa logs the error, drops the action's events and says nothing: the person
gets silence. Here, in the Rasa process:

- red-flag escalation never depends on the action server: `action_escalate_red_flag` (and the
  session start with its disclaimer) run in this process with the very same rasa_sdk code when
  the server fails, and so does escalation when any other action fails on a message that names
  a red flag (e.g. a screening answer "worst headache of my life" while the form's validator is
  unreachable);
- anything else gets one short apology with the clinic's phone and the emergency number; an
  active form stays active, so the person's answers are kept and the form goes on once the
  server is back.

Calls to the action server time out after `ACTION_TIMEOUT` seconds (default 10; Rasa's own is
5 minutes), escalation after `ESCALATION_TIMEOUT` (default 3).
"""

import asyncio
import logging
from contextvars import ContextVar
from functools import cache
from typing import Any

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels.channel import OutputChannel
from rasa.core.nlg import NaturalLanguageGenerator
from rasa.core.processor import MessageProcessor
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker

import settings
from headache_core.messages import render

log = logging.getLogger(__name__)

ESCALATION = "action_escalate_red_flag"
SESSION_START = "action_session_start"
IN_PROCESS = (ESCALATION, SESSION_START)
RED_FLAG_INTENT = "report_emergency_symptoms"

_failed: ContextVar[dict[str, str] | None] = ContextVar("action_server_failed", default=None)
_original_run = RemoteAction.run
_original_run_action = MessageProcessor._run_action


def action_timeout(name: str) -> float:
    if name in IN_PROCESS:
        return settings.ESCALATION_TIMEOUT.read()
    return settings.ACTION_TIMEOUT.read()


def names_a_red_flag(tracker: DialogueStateTracker) -> bool:
    """The latest message was read as a red flag by RedFlagMarker (intent or entity)."""
    message = tracker.latest_message
    if message is None:
        return False
    if (message.intent or {}).get("name") == RED_FLAG_INTENT:
        return True
    return any(e.get("entity") == "red_flag" for e in message.entities or [])


@cache
def executor() -> Any:
    """The actions that must work without the action server, from the actions package itself."""
    from rasa_sdk.executor import ActionExecutor

    from actions.red_flags import ActionEscalateRedFlag
    from actions.session import ActionSessionStart

    local = ActionExecutor()
    local.register_action(ActionEscalateRedFlag)
    local.register_action(ActionSessionStart)
    return local


async def run_in_process(
    action: RemoteAction,
    name: str,
    output_channel: OutputChannel,
    nlg: NaturalLanguageGenerator,
    tracker: DialogueStateTracker,
    domain: Domain,
) -> list[Event]:
    """Run an action of `IN_PROCESS` here, turning its answer into events as Rasa would."""
    call = action._action_call_format(tracker, domain) | {"next_action": name}
    response = await executor().run(call) or {}
    responses = await action._utter_responses(
        response.get("responses", []), output_channel, nlg, tracker
    )
    return [*responses, *deserialise_events(response.get("events", []))]


async def run(
    self: RemoteAction,
    output_channel: OutputChannel,
    nlg: NaturalLanguageGenerator,
    tracker: DialogueStateTracker,
    domain: Domain,
) -> list[Event]:
    """Rasa's RemoteAction.run with a timeout; the actions that must not fail run here instead."""
    name = self.name()
    try:
        return await asyncio.wait_for(
            _original_run(self, output_channel, nlg, tracker, domain), action_timeout(name)
        )
    except ActionExecutionRejection:
        raise
    except Exception as error:  # unreachable, too slow, 5xx, a bad answer: all the same here
        log.error("action server failed on %s (%s)", name, type(error).__name__)
        if name in IN_PROCESS:
            return await run_in_process(self, name, output_channel, nlg, tracker, domain)
        failed = _failed.get()
        if failed is not None:
            failed["action"] = name
        raise


async def _run_action(
    self: MessageProcessor,
    action: Any,
    tracker: DialogueStateTracker,
    output_channel: OutputChannel,
    nlg: NaturalLanguageGenerator,
    prediction: Any,
) -> bool:
    """Rasa's `_run_action`; when the action server failed, escalate or apologise, then listen."""
    failed: dict[str, str] = {}
    token = _failed.set(failed)
    try:
        predict_more = await _original_run_action(
            self, action, tracker, output_channel, nlg, prediction
        )
    finally:
        _failed.reset(token)
    if not failed:
        return predict_more
    if names_a_red_flag(tracker):
        escalation = RemoteAction(ESCALATION, self.action_endpoint)
        events = await run_in_process(
            escalation, ESCALATION, output_channel, nlg, tracker, self.domain
        )
        tracker.update(ActionExecuted(ESCALATION))
    else:
        reply = render("service_unavailable")
        events = [BotUttered(reply.text, {"buttons": reply.button_dicts() or None})]
    tracker.update_with_events(events, self.domain)
    await self.execute_side_effects(events, tracker, output_channel)
    tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
    return False


def install() -> None:
    RemoteAction.run = run
    MessageProcessor._run_action = _run_action
