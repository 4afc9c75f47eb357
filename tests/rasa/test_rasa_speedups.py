"""The speed-ups answer exactly as Rasa's own code does."""

from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import all_subclasses

from rasa_patches import rasa_speedups


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


# Event sequences like a form's: loops activated and ended, rejected loop runs, reverts,
# restarts and new sessions, appended a few at a time as Rasa's processor does.
_LOOPS = ["screening_form", "handoff_form"]
_EVENTS = st.one_of(
    st.sampled_from(_LOOPS + ["action_listen", "utter_greet"]).map(ActionExecuted),
    st.sampled_from(_LOOPS + [None]).map(ActiveLoop),
    st.sampled_from(_LOOPS).map(lambda name: ActionExecutionRejected(name)),
    st.sampled_from(["hi", "no", "yes"]).map(UserUttered),
    st.just(ActionReverted()),
    st.just(UserUtteranceReverted()),
    st.just(SessionStarted()),
    st.just(Restarted()),
    st.just(SlotSet("age", 40)),
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.lists(_EVENTS, max_size=6), max_size=12))
def test_applied_events_continued_equals_rasas_from_scratch(batches):
    tracker = DialogueStateTracker("fold", [])
    for batch in batches:
        for event in batch:
            tracker.events.append(event)  # as update() does, without replaying slots
        ours = rasa_speedups.applied_events(tracker)
        assert ours == rasa_speedups._uncached_applied_events(tracker)
        assert rasa_speedups.applied_events(tracker) == ours  # asked twice, same answer


def test_applied_events_recomputed_when_the_events_are_replaced():
    tracker = DialogueStateTracker("fold", [])
    tracker.events.extend([ActionExecuted("action_listen"), UserUttered("hi")])
    rasa_speedups.applied_events(tracker)
    tracker.events = tracker._create_events([ActionExecuted("utter_greet")])
    assert rasa_speedups.applied_events(tracker) == [ActionExecuted("utter_greet")]


def test_a_later_loop_changes_how_earlier_events_read():
    # a loop name first seen after its action ran: Rasa reads the earlier runs differently
    tracker = DialogueStateTracker("fold", [])
    tracker.events.extend([ActionExecuted("screening_form"), UserUttered("x")] * 2)
    rasa_speedups.applied_events(tracker)
    tracker.events.extend([ActiveLoop("screening_form"), ActionExecuted("screening_form")])
    assert rasa_speedups.applied_events(tracker) == rasa_speedups._uncached_applied_events(tracker)


# Action-server responses, valid and not: events of many kinds, with wrong types, unknown kinds,
# missing names, and things that are not events at all.
_VALUES = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=3), st.just([]))
_EVENT_NAMES = st.sampled_from(
    ["slot", "active_loop", "bot", "action", "user", "followup", "restart", "form_validation",
     "loop_interrupted", "reset_slots", "entities", "no_such_event", ""]
)  # fmt: skip
_FIELDS = st.sampled_from(
    ["name", "value", "text", "timestamp", "metadata", "policy", "confidence", "parse_data",
     "entities", "data", "validate", "is_interrupted", "input_channel"]
)  # fmt: skip
_EVENT = st.one_of(
    st.fixed_dictionaries({"event": _EVENT_NAMES}, optional={"name": _VALUES, "value": _VALUES}),
    st.builds(
        lambda name, extra: {"event": name, **extra},
        _EVENT_NAMES,
        st.dictionaries(_FIELDS, _VALUES, max_size=3),
    ),  # fmt: skip
    st.dictionaries(_FIELDS, _VALUES, max_size=2),  # no "event" at all
    st.just(
        {
            "event": "user",
            "text": "hi",
            "parse_data": {
                "intent": {"name": "greet"},
                "entities": [{"entity": "side", "value": "left"}],
            },
        }
    ),  # fmt: skip
    st.just({"event": "user", "parse_data": {"entities": [{"entity": "side"}]}}),
    _VALUES,
)
_RESPONSE = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "events": st.one_of(st.lists(_EVENT, max_size=5), _VALUES),
            "responses": st.one_of(
                st.lists(st.one_of(st.just({"text": "x"}), _VALUES), max_size=2), _VALUES
            ),  # fmt: skip
        },
    ),
    _VALUES,
)


@settings(max_examples=600, deadline=None, derandomize=True)
@given(_RESPONSE)
def test_the_quick_response_check_accepts_exactly_what_the_schema_accepts(response):
    schema = RemoteAction.action_response_format_spec()
    full = jsonschema.validators.validator_for(schema)(schema)
    assert rasa_speedups._valid_action_response(response) == full.is_valid(response)
    if full.is_valid(response):
        rasa_speedups.validate(response, schema)
    else:
        with pytest.raises(jsonschema.ValidationError) as ours:
            rasa_speedups.validate(response, schema)
        assert (
            ours.value.message
            == jsonschema.exceptions.best_match(full.iter_errors(response)).message
        )


def test_a_response_that_needs_its_kind_is_checked_against_it():
    # passes the schema without the kinds, but a slot event needs its name
    schema = RemoteAction.action_response_format_spec()
    with pytest.raises(jsonschema.ValidationError):
        rasa_speedups.validate({"events": [{"event": "slot", "value": 1}]}, schema)
    rasa_speedups.validate({"events": [{"event": "slot", "name": "age", "value": 1}]}, schema)


def _generic_copy(obj):
    """What `copy.copy` does without a `__copy__`: reduce, then rebuild."""
    import copy

    return copy._reconstruct(obj, None, *obj.__reduce_ex__(4))


def test_slot_copies_are_what_copy_copy_made_of_them():
    import copy

    from rasa.shared.core.slots import Slot
    from rasa.shared.utils.common import all_subclasses

    domain = Domain.load(Path(__file__).resolve().parents[2] / "domain.yml")
    rasa_speedups.install()
    assert Slot.__copy__ is rasa_speedups.copy_slot
    assert all(rasa_speedups.plain_copy_applies(cls) for cls in all_subclasses(Slot))
    for slot in domain.slots:
        slot.value = {"answers": [1, 2]} if type(slot).__name__ == "AnySlot" else slot.value
        ours, generic = copy.copy(slot), _generic_copy(slot)
        assert type(ours) is type(generic) is type(slot)
        assert vars(ours) == vars(generic) == vars(slot)
        ours.value = "changed"
        assert slot.value != "changed"


def test_a_class_with_its_own_copy_state_is_not_copied_plainly():
    class Stateful:
        def __getstate__(self):
            return {}

    assert not rasa_speedups.plain_copy_applies(Stateful)


def test_domain_is_empty_as_rasa_answers_it():
    rasa_speedups.install()
    domain = Domain.load(Path(__file__).resolve().parents[2] / "domain.yml")
    assert not domain.is_empty()
    assert Domain.empty().is_empty()
    assert Domain.from_dict({}).is_empty()
    assert not Domain.from_dict({"intents": ["greet"]}).is_empty()
