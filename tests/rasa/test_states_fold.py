"""The continued dialogue states (rasa_patches/states_fold.py) equal Rasa's, rebuilt each time."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    FollowupAction,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
)
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_patches import states_fold
from tests.dialogue import DOMAIN, LOOPS, said

RULE_ONLY = {"rule_only_slots": ["red_flag_pending"], "rule_only_loops": ["handoff_form"]}
OPTIONS = [
    {},
    {"omit_unset_slots": True},
    {"ignore_rule_only_turns": True, "rule_only_data": RULE_ONLY},
    {"ignore_rule_only_turns": True, "rule_only_data": None},
]


# A conversation's events as the processor appends them: messages with intents and entities,
# actions (some of them rule-only turns), forms starting and ending, slots, reverts, restarts.
EVENTS = st.one_of(
    st.builds(
        said,
        st.sampled_from(["greet", "affirm", "deny", "ask_posture"]),
        st.sampled_from([None, "left"]),
    ),  # fmt: skip
    st.builds(
        ActionExecuted,
        st.sampled_from(LOOPS + ["action_listen", "utter_greet"]),
        hide_rule_turn=st.booleans(),
    ),  # fmt: skip
    st.sampled_from(LOOPS + [None]).map(ActiveLoop),
    st.sampled_from(LOOPS).map(ActionExecutionRejected),
    st.sampled_from(["utter_greet", "action_listen"]).map(FollowupAction),
    st.builds(SlotSet, st.just("triage_outcome"), st.sampled_from([None, "red_flag", "routine"])),
    st.builds(SlotSet, st.just("red_flag_pending"), st.sampled_from([None, "thunderclap"])),
    st.builds(SlotSet, st.just("repeated_validation_failures"), st.sampled_from([0.0, 2.0])),
    st.just(ActionReverted()),
    st.just(UserUtteranceReverted()),
    st.just(SessionStarted()),
    st.just(Restarted()),
)


def rasas(tracker: DialogueStateTracker, options: dict) -> list:
    return DOMAIN.states_for_tracker_history(tracker, **options)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(st.lists(EVENTS, max_size=5), max_size=10))
def test_continued_states_equal_rasas_rebuilt_ones(batches):
    tracker = DialogueStateTracker("fold", DOMAIN.slots)
    for batch in batches:
        for event in batch:
            tracker.update(event)
        for options in OPTIONS:
            ours = states_fold.past_states(tracker, DOMAIN, **options)
            assert ours == rasas(tracker, options)
            # policies edit the states they get (the last user input): later answers unchanged
            for state in ours:
                state.get("user", {}).pop("intent", None)
                state.pop("prev_action", None)
            assert states_fold.past_states(tracker, DOMAIN, **options) == rasas(tracker, options)


def test_a_reverted_turn_is_read_again_from_the_start():
    tracker = DialogueStateTracker("fold", DOMAIN.slots)
    for event in (ActionExecuted("action_listen"), said("greet", None),
                  ActionExecuted("utter_greet"), ActionExecuted("action_listen"),
                  said("ask_posture", "left")):  # fmt: skip
        tracker.update(event)
    before = states_fold.past_states(tracker, DOMAIN)
    tracker.update(UserUtteranceReverted())
    after = states_fold.past_states(tracker, DOMAIN)
    assert after == rasas(tracker, {})
    assert len(after) < len(before)


def test_another_domain_is_not_answered_from_the_fold():
    tracker = DialogueStateTracker("fold", DOMAIN.slots)
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(said("greet", None))
    states_fold.past_states(tracker, DOMAIN)
    other = Domain.from_dict({"intents": ["greet"], "actions": ["utter_greet"]})
    assert states_fold.past_states(tracker, other) == other.states_for_tracker_history(tracker)


@pytest.mark.parametrize("options", OPTIONS)
def test_installed_in_the_tracker(options, rasa_patched):
    tracker = DialogueStateTracker("fold", DOMAIN.slots)
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(said("greet", "left"))
    assert DialogueStateTracker.past_states is states_fold.past_states
    assert tracker.past_states(DOMAIN, **options) == rasas(tracker, options)
