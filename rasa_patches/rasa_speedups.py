"""Measured fixes for hot spots of the Rasa 3.6 server; behaviour is unchanged.

Found with py-spy on this assistant under load (converse.py load):
- Tracker loading: every message loads the whole conversation from the tracker store (in memory
  or SQL), and `Event.resolve_by_type` finds each stored event's class by walking every Event
  subclass with `inspect.isabstract`, for every event, every time: about a third of the server's
  CPU in 60-turn conversations. The classes do not change while the server runs, so the answer is
  cached per type name; unknown names still raise and `default` still applies.
- Action responses: Rasa checks every action-server response with `jsonschema.validate`, which
  first re-checks the (fixed) schema against the JSON Schema meta-schema: 13% of the server's
  CPU with 10 users, even on jsonschema 3.2.0. The schema is now checked once per distinct
  schema; every response is still validated and the same error (best match) is raised. Each
  event of a response is then still tried against all 23 event kinds (the schema's `oneOf`):
  4% of the server's CPU under the load mix. Every kind pins `event` to its own constant, so
  only the kind named by `event` can match; a response is accepted when it passes the schema
  without the `oneOf` and each event passes its own kind. Anything else goes through the full
  check, which raises Rasa's error as before.
- Applied events: `DialogueStateTracker.applied_events` re-reads the whole session (undoing
  reverted and repeated-loop events) every time it is asked, and a turn asks it a dozen times
  (each policy's states, the session check, the action server's copy of the tracker): 45% of the
  server's CPU at turns 40-80 of one conversation, and the reason a turn got slower the longer
  the conversation. The answer is a left fold over the events, so it is kept per tracker and
  continued over the events appended since; it is recomputed from the start whenever that would
  not be exact (the events were replaced, or a new loop name appeared, which changes how earlier
  events are read).
- Two small ones seen under the load mix: every message asks `Domain.is_empty()`, which builds
  a whole empty domain to compare with (3% of the server's CPU; the empty domain's form is now
  built once); every tracker copy (before each action) copies each slot with `copy.copy`'s
  generic reduce-and-rebuild path (4%); slots get a `__copy__` that does what that path does
  for them (a new object of the class with the same attributes), checked when installed.
"""

import itertools
import json
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import jsonschema
from jsonschema import exceptions, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.slots import Slot
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import all_subclasses
from rasa.shared.utils.schemas.events import EVENT_SCHEMA

_uncached = Event.resolve_by_type
_schema_validators: dict[str, Any] = {}


@cache
def _cached(type_name: str) -> type[Event] | None:
    return _uncached(type_name)  # raises ValueError for an unknown name; errors are not cached


def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    try:
        return _cached(type_name)
    except ValueError:
        if default is not None:
            return default
        raise


def _action_response_checks() -> tuple[dict, Any, dict[str, Any]] | None:
    """Rasa's action-response schema, a validator for it without the events' `oneOf`, and one
    validator per event kind by its `event` constant; None if the kinds are not all pinned."""
    kinds: dict[str, Any] = {}
    for kind in EVENT_SCHEMA["oneOf"]:
        name = kind.get("properties", {}).get("event", {}).get("const")
        if not isinstance(name, str) or name in kinds:
            return None
        kinds[name] = validators.validator_for(kind)(kind)
    response_schema = RemoteAction.action_response_format_spec()
    without_kinds = json.loads(json.dumps(response_schema))
    del without_kinds["properties"]["events"]["items"]["oneOf"]
    return response_schema, validators.validator_for(without_kinds)(without_kinds), kinds


_ACTION_RESPONSE = _action_response_checks()


def _valid_action_response(instance: Any) -> bool:
    """True only if the full action-response schema accepts `instance` (see the docstring)."""
    if _ACTION_RESPONSE is None:
        return False
    _, without_kinds, kinds = _ACTION_RESPONSE
    if not without_kinds.is_valid(instance):
        return False
    for event in instance.get("events") or []:
        kind = kinds.get(event["event"])
        if kind is None or not kind.is_valid(event):
            return False
    return True


def validate(instance: Any, schema: dict, cls: Any = None, *args: Any, **kwargs: Any) -> None:
    """`jsonschema.validate` with the schema check done once per schema, and a quicker path
    for a valid action-server response."""
    if (
        _ACTION_RESPONSE is not None
        and cls is None
        and not args
        and not kwargs
        and schema == _ACTION_RESPONSE[0]
        and _valid_action_response(instance)
    ):
        return
    key = json.dumps([schema, repr(cls), repr(args), repr(sorted(kwargs.items()))], sort_keys=True)
    validator = _schema_validators.get(key)
    if validator is None:
        klass = cls or validators.validator_for(schema)
        klass.check_schema(schema)
        validator = _schema_validators[key] = klass(schema, *args, **kwargs)
    error = exceptions.best_match(validator.iter_errors(instance))
    if error is not None:
        raise error


_uncached_applied_events = DialogueStateTracker.applied_events
FOLD_ATTRIBUTE = "_applied_events_fold"


@dataclass
class AppliedFold:
    """How far `applied_events` has read a tracker's events, and what it found so far."""

    events_id: int
    loop_names: frozenset[str]
    processed: int = 0
    last: Event | None = None
    applied: list[Event] = field(default_factory=list)


def _loop_names(events: Any) -> frozenset[str]:
    return frozenset(e.name for e in events if isinstance(e, ActiveLoop) and e.name)


def _apply(tracker: DialogueStateTracker, event: Event, fold: AppliedFold) -> None:
    """One step of Rasa's `applied_events` loop (rasa/shared/core/trackers.py), unchanged."""
    applied = fold.applied
    if isinstance(event, (Restarted, SessionStarted)):
        applied.clear()
    elif isinstance(event, ActionReverted):
        tracker._undo_till_previous(ActionExecuted, applied)
    elif isinstance(event, UserUtteranceReverted):
        tracker._undo_till_previous(UserUttered, applied)
        tracker._undo_till_previous(ActionExecuted, applied)
    elif (
        isinstance(event, ActionExecuted)
        and event.action_name in fold.loop_names
        and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)
    ):
        tracker._undo_till_previous_loop_execution(event.action_name, applied)
    else:
        applied.append(event)


def applied_events(self: DialogueStateTracker) -> list[Event]:
    """Rasa's `applied_events`, continued from the last call over the events added since."""
    events = self.events
    count = len(events)
    fold: AppliedFold | None = self.__dict__.get(FOLD_ATTRIBUTE)
    unchanged = (
        fold is not None
        and fold.events_id == id(events)
        and fold.processed <= count
        and (fold.processed == 0 or events[fold.processed - 1] is fold.last)
    )
    new = list(itertools.islice(events, fold.processed, count)) if unchanged else []
    if not unchanged or not _loop_names(new) <= fold.loop_names:
        fold = AppliedFold(events_id=id(events), loop_names=_loop_names(events))
        new = list(events)
    for event in new:
        _apply(self, event, fold)
    fold.processed = count
    fold.last = events[count - 1] if count else None
    self.__dict__[FOLD_ATTRIBUTE] = fold
    return list(fold.applied)


@cache
def _empty_domain_dict() -> dict[str, Any]:
    return Domain.empty().as_dict()


def domain_is_empty(self: Domain) -> bool:
    """Rasa's `Domain.is_empty`, with the empty domain's form built once."""
    return self.as_dict() == _empty_domain_dict()


def copy_slot(self: Slot) -> Slot:
    """What `copy.copy` does for a slot: a new object of its class with the same attributes."""
    copied = type(self).__new__(type(self))
    copied.__dict__.update(self.__dict__)
    return copied


def plain_copy_applies(cls: type) -> bool:
    """`copy.copy` of instances of `cls` goes the generic way (`object.__reduce_ex__`, no
    `__slots__`, `__getstate__`, `__setstate__` or own `__copy__`), so `copy_slot` equals it."""
    return (
        all(
            getattr(cls, name, None) is getattr(object, name, None)
            for name in ("__reduce_ex__", "__reduce__", "__getstate__", "__setstate__")
        )
        and not any(vars(klass).get("__slots__") for klass in cls.__mro__)  # ABC's () is fine
        and all("__copy__" not in vars(klass) or vars(klass)["__copy__"] is copy_slot
                for klass in cls.__mro__)
    )  # fmt: skip


def install() -> None:
    Domain.is_empty = domain_is_empty
    if all(plain_copy_applies(cls) for cls in [Slot, *all_subclasses(Slot)]):
        Slot.__copy__ = copy_slot
    Event.resolve_by_type = staticmethod(resolve_by_type)
    jsonschema.validate = validate
    DialogueStateTracker.applied_events = applied_events
