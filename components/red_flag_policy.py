"""Escalates a red flag that the conversation makes together, in any state.

`RedFlagMarker` judges each message alone; this policy judges everything said so far
(headache_core/red_flags/evidence.py): a fever in one message and a neck that cannot bend in the
next, a pregnancy mentioned before the neck check and blurred sight in one of its answers. When
the findings of the whole conversation meet a flag that has not been advised yet (not in the
`red_flags` slot), it predicts `action_escalate_red_flag`, which gives the advice and ends any
form; it does so too for the answer to the question asked right after urgent advice ("has your
eyesight changed at all?"). After the advice, each reply to it (what number, "I'll wait", a
painkiller, booking a physio, another question) gets `action_keep_red_flag_advice`: the advice
stays until the person has what they need. It outranks the rules (priority 7 > RulePolicy's 6)
and, inside a form, the form's own continuation (a "no user" prediction, which Rasa's ensemble
prefers), because the advice must not wait for the next question.
"""

from typing import Any

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from headache_core.red_flags.evidence import AGE_SLOT, evaluate_findings, findings_in_events

ESCALATE = "action_escalate_red_flag"
KEEP_ADVICE = "action_keep_red_flag_advice"
RED_OUTCOMES = ("red_flag_emergency", "red_flag_urgent")
# Left to their own rules after the advice: a new red flag or a hint (the escalation answers
# it) and "forget me" with its confirmation (actions/privacy.py).
OWN_RULES_INTENTS = ("report_emergency_symptoms", "forget_me")
FORGET_CONFIRMATION = "action_confirm_forget_me"


def _event_dicts(tracker: DialogueStateTracker) -> list[dict[str, Any]]:
    """The events the evidence reads (messages, forms, the age slot), as the action server sees
    them (the rest are skipped: converting every event of a long conversation at each message
    would cost for nothing).

    From `tracker.events`, not `applied_events()`: for featurization Rasa folds a form's happy
    path, dropping the person's answers to it, and every answer is evidence. A message the
    person took back (`UserUtteranceReverted`) is dropped, as Rasa does."""
    wanted = (UserUttered, ActiveLoop, SessionStarted, Restarted)
    kept: list[Any] = []
    for event in tracker.events:
        if isinstance(event, UserUtteranceReverted):
            last_user = next(
                (i for i in range(len(kept) - 1, -1, -1) if isinstance(kept[i], UserUttered)), None
            )
            if last_user is not None:
                del kept[last_user]
        elif isinstance(event, wanted) or (isinstance(event, SlotSet) and event.key == AGE_SLOT):
            kept.append(event)
    return [e.as_dict() for e in kept]


def unadvised_flags(tracker: DialogueStateTracker) -> list[str]:
    """Flags the conversation's findings meet that the person has not been advised on."""
    detection = evaluate_findings(findings_in_events(_event_dicts(tracker)))
    advised = set(tracker.get_slot("red_flags") or [])
    return [f for f in detection.flag_ids if f not in advised]


def _action_before_the_message(tracker: DialogueStateTracker) -> str | None:
    """The last action before the person's latest message (other than listening)."""
    seen_user = False
    for event in reversed(tracker.applied_events()):
        if isinstance(event, UserUttered):
            if seen_user:
                return None
            seen_user = True
        elif (
            seen_user
            and isinstance(event, ActionExecuted)
            and event.action_name != ACTION_LISTEN_NAME
        ):
            return event.action_name
    return None


def stays_with_the_advice(tracker: DialogueStateTracker) -> bool:
    """Red-flag advice was given, and this message is a reply to it: what number, playing it
    down, putting it off, a painkiller, driving, booking, another question, thanks."""
    if tracker.get_slot("triage_outcome") not in RED_OUTCOMES:
        return False
    if tracker.get_slot("red_flag_pending"):  # a clarifying question waits for its answer
        return False
    if (tracker.latest_message.intent or {}).get("name") in OWN_RULES_INTENTS:
        return False
    return _action_before_the_message(tracker) != FORGET_CONFIRMATION


def asked_after_the_advice(tracker: DialogueStateTracker) -> bool:
    """Urgent advice ended with a question about its emergency twin ("is your eyesight affected
    at all?"): the reply is its answer, whatever form was running before."""
    return (
        tracker.get_slot("triage_outcome") in RED_OUTCOMES
        and bool(tracker.get_slot("red_flag_pending"))
        and (tracker.latest_message.intent or {}).get("name") not in OWN_RULES_INTENTS
    )


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT], is_trainable=True
)
class RedFlagEvidencePolicy(Policy):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"priority": 7}

    def train(
        self, training_trackers: list[TrackerWithCachedStates], domain: Domain, **kwargs: Any
    ) -> Resource:
        """Nothing to learn: the rules are the clinicians' file."""
        with self._model_storage.write_to(self._resource):
            pass
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        if ESCALATE not in domain.action_names_or_texts:
            return self._prediction(probabilities)
        if tracker.latest_action_name in (ESCALATE, KEEP_ADVICE) and not tracker.active_loop_name:
            # the advice is the whole reply: wait for the person (whatever the intent was)
            probabilities[domain.index_for_action(ACTION_LISTEN_NAME)] = 1.0
            return self._prediction(probabilities)
        if tracker.latest_action_name != ACTION_LISTEN_NAME:
            return self._prediction(probabilities)
        if unadvised_flags(tracker) or asked_after_the_advice(tracker):
            chosen = ESCALATE
        elif stays_with_the_advice(tracker):
            chosen = KEEP_ADVICE
        else:
            return self._prediction(probabilities)
        probabilities[domain.index_for_action(chosen)] = 1.0
        return self._prediction(
            probabilities, is_no_user_prediction=tracker.active_loop_name is not None
        )
