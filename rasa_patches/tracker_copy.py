"""A tracker copied from its state instead of rebuilt from every event.

Rasa copies the tracker before every action it runs (`DialogueStateTracker.copy`: a new tracker
with every event of the session applied again), 3.5% of the Rasa server's CPU under the load
mix and growing with the conversation. A tracker's state is by Rasa's own rule what applying its
events gives ("MUST be re-creatable by processing all the events", trackers.py), so the copy takes
the state the tracker already has: its events, a copy of each slot, the latest action, message and
bot utterance, the active loop, the follow-up action, the pause. It keeps what Rasa's copy gives
that a state copy would not: slots never set since the last reset and the reset placeholders of
the latest messages are fresh objects, and a conversation with a story export (whose replay
writes a file) is replayed by Rasa's code. `tests/rasa/test_tracker_copy.py` compares both copies
over generated conversations.
"""

import copy

from rasa.shared.core.events import StoryExported
from rasa.shared.core.trackers import DialogueStateTracker

_rasas_copy = DialogueStateTracker.copy


def _is_event(tracker: DialogueStateTracker, value: object) -> bool:
    return any(event is value for event in reversed(tracker.events))


def copy_tracker(self: DialogueStateTracker) -> DialogueStateTracker:
    """Rasa's `DialogueStateTracker.copy`, from the tracker's state."""
    if type(self) is not DialogueStateTracker or any(
        isinstance(event, StoryExported) for event in self.events
    ):
        return _rasas_copy(self)
    clone = self.init_copy()  # the class, sender, slots, history length, rule flag; reset
    clone.events = clone._create_events(list(self.events))
    for name, slot in self.slots.items():
        if slot.has_been_set:  # else the reset slot of init_copy, as the replay's reset leaves it
            clone.slots[name] = copy.copy(slot)
    clone._paused = self._paused
    clone.followup_action = self.followup_action
    clone.latest_action = copy.copy(self.latest_action)
    clone.active_loop = copy.copy(self.active_loop)
    latest, bot = self.latest_message, self.latest_bot_utterance
    clone.latest_message = latest if _is_event(self, latest) else copy.deepcopy(latest)
    clone.latest_bot_utterance = bot if _is_event(self, bot) else copy.deepcopy(bot)
    return clone


def install() -> None:
    DialogueStateTracker.copy = copy_tracker
