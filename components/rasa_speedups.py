"""Two measured fixes for hot spots of the Rasa 3.6 server; behaviour is unchanged.

Found with py-spy on this assistant under load (converse.py load):
- Tracker loading: every message loads the whole conversation from the tracker store (in memory
  or SQL), and `Event.resolve_by_type` finds each stored event's class by walking every Event
  subclass with `inspect.isabstract`, for every event, every time: about a third of the server's
  CPU in 60-turn conversations. The classes do not change while the server runs, so the answer is
  cached per type name; unknown names still raise and `default` still applies.
- Action responses: Rasa checks every action-server response with `jsonschema.validate`, which
  first re-checks the (fixed) schema against the JSON Schema meta-schema: 13% of the server's
  CPU with 10 users, even on jsonschema 3.2.0. The schema is now checked once per distinct
  schema; every response is still validated and the same error (best match) is raised.
"""

import json
from functools import cache
from typing import Any

import jsonschema
from jsonschema import exceptions, validators
from rasa.shared.core.events import Event

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


def validate(instance: Any, schema: dict, cls: Any = None, *args: Any, **kwargs: Any) -> None:
    """`jsonschema.validate` with the schema check done once per schema."""
    key = json.dumps([schema, repr(cls), repr(args), repr(sorted(kwargs.items()))], sort_keys=True)
    validator = _schema_validators.get(key)
    if validator is None:
        klass = cls or validators.validator_for(schema)
        klass.check_schema(schema)
        validator = _schema_validators[key] = klass(schema, *args, **kwargs)
    error = exceptions.best_match(validator.iter_errors(instance))
    if error is not None:
        raise error


def install() -> None:
    Event.resolve_by_type = staticmethod(resolve_by_type)
    jsonschema.validate = validate
