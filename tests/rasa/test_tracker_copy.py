"""The tracker copied from its state (rasa_patches/tracker_copy.py) is Rasa's replayed copy."""

from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    AllSlotsReset,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    DefinePrevUserUtteredFeaturization,
    EntitiesAdded,
    FollowupAction,
    LoopInterrupted,
    Restarted,
    SessionStarted,
    SlotSet,
    StoryExported,
    UserUtteranceReverted,
)
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_patches import tracker_copy
from tests.dialogue import DOMAIN, LOOPS, said

EVENTS = st.one_of(
    st.builds(
        said, st.sampled_from(["greet", "affirm", "ask_posture"]), st.sampled_from([None, "left"])
    ),  # fmt: skip
    st.builds(ActionExecuted, st.sampled_from(LOOPS + ["action_listen", "utter_greet"])),
    st.builds(BotUttered, st.sampled_from(["Hello", "Which side?"])),
    st.sampled_from(LOOPS + [None]).map(ActiveLoop),
    st.sampled_from(LOOPS).map(ActionExecutionRejected),
    st.booleans().map(LoopInterrupted),
    st.sampled_from(["utter_greet", "action_listen"]).map(FollowupAction),
    st.builds(SlotSet, st.just("screening_answers"), st.sampled_from([None, {"age": 40}])),
    st.builds(SlotSet, st.just("red_flags"), st.sampled_from([[], ["thunderclap"]])),
    st.builds(SlotSet, st.just("triage_outcome"), st.sampled_from([None, "routine"])),
    st.booleans().map(DefinePrevUserUtteredFeaturization),
    st.just(EntitiesAdded([{"entity": "side", "value": "right"}])),
    st.sampled_from([ConversationPaused(), ConversationResumed(), AllSlotsReset()]),
    st.sampled_from([ActionReverted(), UserUtteranceReverted(), SessionStarted(), Restarted()]),
)


def assert_same(ours: DialogueStateTracker, theirs: DialogueStateTracker) -> None:
    assert type(ours) is type(theirs)
    assert list(ours.events) == list(theirs.events)
    assert all(a is b for a, b in zip(ours.events, theirs.events, strict=True))
    assert ours.events.maxlen == theirs.events.maxlen
    assert ours.slots.keys() == theirs.slots.keys()
    for name, slot in ours.slots.items():
        assert type(slot) is type(theirs.slots[name])
        assert vars(slot) == vars(theirs.slots[name]), name
    for attribute in ("_paused", "followup_action", "latest_action", "active_loop",
                      "latest_message", "latest_bot_utterance", "sender_id", "model_id",
                      "assistant_id", "is_rule_tracker", "_max_event_history"):  # fmt: skip
        assert getattr(ours, attribute) == getattr(theirs, attribute), attribute
    assert ours.current_state() == theirs.current_state()


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.lists(EVENTS, max_size=5), max_size=10), st.lists(EVENTS, max_size=4))
def test_the_copy_is_rasas_replayed_copy(batches, after):
    tracker = DialogueStateTracker("copy", DOMAIN.slots)
    tracker.model_id = "model"
    for batch in batches:
        for event in batch:
            tracker.update(event)
        ours, theirs = tracker_copy.copy_tracker(tracker), tracker_copy._rasas_copy(tracker)
        assert_same(ours, theirs)
        before = tracker.current_state()
        for event in after:  # what Rasa does with the copy: the policy's events, the action
            ours.update(event)
            theirs.update(event)
        assert_same(ours, theirs)
        assert tracker.current_state() == before  # the original is left as it was


def test_a_story_export_is_replayed_by_rasa(monkeypatch):
    tracker = DialogueStateTracker("copy", DOMAIN.slots)
    tracker.update(ActionExecuted("action_listen"))
    tracker.events.append(StoryExported("/dev/null"))
    replayed = []
    monkeypatch.setattr(tracker_copy, "_rasas_copy", lambda t: replayed.append(t) or t)
    assert tracker_copy.copy_tracker(tracker) is tracker
    assert replayed == [tracker]


def test_installed_in_the_tracker(rasa_patched):
    assert DialogueStateTracker.copy is tracker_copy.copy_tracker
