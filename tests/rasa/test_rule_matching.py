"""The rule lookup that stops at the longest rule finds the rules Rasa's full walk finds."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.core.policies.rule_policy import RulePolicy

from rasa_patches import rule_matching

# States as Rasa's featurizer writes them: the previous action, the user's intent, slots, a loop.
_ACTION = st.sampled_from(["action_listen", "utter_greet", "screening_form", "action_escalate"])
_STATE = st.fixed_dictionaries(
    {},
    optional={
        "prev_action": st.builds(lambda a: {"action_name": a}, _ACTION),
        "user": st.builds(lambda i: {"intent": i}, st.sampled_from(["greet", "deny", "affirm"])),
        "slots": st.builds(lambda v: {"triage_outcome": (v,)}, st.sampled_from([0.0, 1.0])),
        "active_loop": st.builds(lambda n: {"name": n}, st.sampled_from(["screening_form"])),
    },
)
_RULES = st.lists(st.lists(_STATE, min_size=1, max_size=5), max_size=12)


def policy() -> RulePolicy:
    return RulePolicy.__new__(RulePolicy)  # the lookup's methods read nothing of the instance


@settings(max_examples=400, deadline=None, derandomize=True)
@given(_RULES, st.lists(_STATE, max_size=30))
def test_the_same_rules_come_out(rules, conversation):
    lookup = {json.dumps(rule, sort_keys=True): f"action_{n}" for n, rule in enumerate(rules)}
    theirs = rule_matching._rasas_get_possible_keys(policy(), lookup, conversation)
    assert rule_matching.get_possible_keys(policy(), lookup, conversation) == theirs


def test_a_rule_matching_the_conversations_end_is_found_in_a_long_conversation():
    rule = [{"prev_action": {"action_name": "action_listen"}, "user": {"intent": "greet"}}]
    lookup = {json.dumps(rule): "utter_greet"}
    conversation = [{"prev_action": {"action_name": "utter_greet"}}] * 200 + rule
    assert rule_matching.get_possible_keys(policy(), lookup, conversation) == set(lookup)
    assert not rule_matching.get_possible_keys(policy(), lookup, conversation[:-1])


def test_installed_in_the_rule_policy(rasa_patched):
    assert RulePolicy._get_possible_keys is rule_matching.get_possible_keys
