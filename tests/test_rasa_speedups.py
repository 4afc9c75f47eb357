"""The cached event-class lookup answers exactly as Rasa's own does."""

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses

from components import rasa_speedups


def test_every_event_type_resolves_to_the_same_class():
    for cls in all_subclasses(Event):
        assert rasa_speedups.resolve_by_type(cls.type_name) is rasa_speedups._uncached(
            cls.type_name
        )


def test_unknown_type_raises_or_uses_the_default():
    with pytest.raises(ValueError, match="Unknown event name"):
        rasa_speedups.resolve_by_type("no_such_event")
    assert rasa_speedups.resolve_by_type("no_such_event", default=SlotSet) is SlotSet


def test_installed_and_events_round_trip():
    rasa_speedups.install()
    events = [UserUttered("hi"), ActionExecuted("utter_greet"), SlotSet("red_flags", ["x"])]
    assert [Event.from_parameters(e.as_dict()) for e in events] == events


def test_action_responses_are_still_validated_with_the_same_errors():
    schema = RemoteAction.action_response_format_spec()
    good = {"events": [{"event": "slot", "name": "x", "value": 1}], "responses": []}
    rasa_speedups.validate(good, schema)
    bad = {"events": "not a list", "responses": []}
    with pytest.raises(jsonschema.ValidationError) as ours:
        rasa_speedups.validate(bad, schema)
    with pytest.raises(jsonschema.ValidationError) as theirs:
        jsonschema.validators.validator_for(schema)(schema).validate(bad)
    assert ours.value.message == theirs.value.message


def test_an_invalid_schema_is_still_rejected():
    with pytest.raises(jsonschema.SchemaError):
        rasa_speedups.validate({}, {"type": "no-such-type"})
