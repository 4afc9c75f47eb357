"""The dialogue states of a tracker, continued from the last prediction instead of rebuilt.

Every prediction asks for the states of the whole session several times (each policy, with and
without rule-only turns): Rasa's `Domain.states_for_tracker_history` replays every applied event
into a fresh tracker and builds a state before each action. Under 10 users that was 15% of the
Rasa server's CPU, and it grows with the conversation. The states before each action depend
only on the events up to it, so they are kept per tracker (and per set of arguments) with the
replayed tracker and the loop's two variables, and only the events added since are replayed. The
fold starts again from the beginning whenever the applied events are not an extension of the ones
it read (a reverted turn, a restart, a new session). The state after the last event is built
afresh on each call, and callers get copies (policies edit the last state in place).

Only the server's own trackers use it: training's `TrackerWithCachedStates` keeps Rasa's code.
"""

import json
from dataclasses import dataclass, field
from typing import Any

from rasa.shared.core.constants import PREVIOUS_ACTION
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.trackers import DialogueStateTracker

FOLDS_ATTRIBUTE = "_states_folds"
_uncached_past_states = DialogueStateTracker.past_states


@dataclass
class StatesFold:
    """How far the replay has gone; the loop variables of `Domain.states_for_tracker_history`."""

    domain: Domain
    replay: DialogueStateTracker
    applied: list[Event] = field(default_factory=list)
    states: list[State] = field(default_factory=list)
    last_ml_action_sub_state: Any = None
    turn_was_hidden: bool = False


@dataclass(frozen=True)
class Options:
    omit_unset_slots: bool
    ignore_rule_only_turns: bool
    rule_only_data: dict[str, Any] | None


def _step(
    fold: StatesFold, options: Options, tracker: DialogueStateTracker, hide_rule_turn: bool
) -> None:
    """One pass of the loop in Rasa's `Domain.states_for_tracker_history`, unchanged."""
    domain = fold.domain
    if options.ignore_rule_only_turns:
        if not fold.turn_was_hidden:
            fold.last_ml_action_sub_state = domain._get_prev_action_sub_state(tracker)
        if not tracker.followup_action and tracker.latest_action_name != tracker.active_loop_name:
            fold.turn_was_hidden = hide_rule_turn
        if fold.turn_was_hidden:
            return
    state = domain.get_active_state(tracker, omit_unset_slots=options.omit_unset_slots)
    if options.ignore_rule_only_turns:
        domain._remove_rule_only_features(state, options.rule_only_data)
        if fold.states:
            domain._substitute_rule_only_user_input(state, fold.states[-1])
        if fold.last_ml_action_sub_state:
            state[PREVIOUS_ACTION] = fold.last_ml_action_sub_state
    fold.states.append(domain._clean_state(state))


def _extends(applied: list[Event], read: list[Event]) -> bool:
    return len(read) <= len(applied) and all(a is b for a, b in zip(read, applied, strict=False))


def _copy(state: State) -> State:
    return {kind: dict(sub_state) for kind, sub_state in state.items()}


def past_states(
    self: DialogueStateTracker,
    domain: Domain,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: dict[str, Any] | None = None,
) -> list[State]:
    """Rasa's `DialogueStateTracker.past_states`, continued over the events added since."""
    if type(self) is not DialogueStateTracker:
        return _uncached_past_states(self, domain, omit_unset_slots, ignore_rule_only_turns,
                                     rule_only_data)  # fmt: skip
    options = Options(omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    key = json.dumps([omit_unset_slots, ignore_rule_only_turns, rule_only_data],
                     sort_keys=True, default=repr)  # fmt: skip
    folds: dict[str, StatesFold] = self.__dict__.setdefault(FOLDS_ATTRIBUTE, {})
    applied = self.applied_events()
    fold = folds.get(key)
    if fold is None or fold.domain is not domain or not _extends(applied, fold.applied):
        fold = folds[key] = StatesFold(domain=domain, replay=self.init_copy())
    for event in applied[len(fold.applied) :]:
        if isinstance(event, ActionExecuted):
            _step(fold, options, fold.replay, event.hide_rule_turn)
        fold.replay.update(event)
        fold.applied.append(event)
    # The state after the last event: on a copy of the loop variables, kept out of the fold.
    last = StatesFold(
        domain=domain,
        replay=fold.replay,
        states=fold.states[-1:],
        last_ml_action_sub_state=fold.last_ml_action_sub_state,
        turn_was_hidden=fold.turn_was_hidden,
    )
    kept = len(last.states)
    _step(last, options, fold.replay, False)
    return [_copy(state) for state in fold.states + last.states[kept:]]


def install() -> None:
    DialogueStateTracker.past_states = past_states
