"""Rasa's rule lookup reads only as far back as the longest rule.

`RulePolicy._get_possible_keys` filters every learned rule against every state of the whole
conversation, newest first. A rule can only fail at a turn it has: further back than its own
length `_is_rule_applicable` answers True and the rule stays. So once the walk is past the
longest of the rules it started with, nothing can change, and it stops there. The same rules
come out; the cost no longer grows with the conversation (5% of the Rasa server's CPU under the
load mix, more in long conversations).
"""

from typing import Any

from rasa.core.policies.rule_policy import RulePolicy

_rasas_get_possible_keys = RulePolicy._get_possible_keys


def get_possible_keys(self: RulePolicy, lookup: dict[str, Any], states: list[Any]) -> set[str]:
    possible_keys = set(lookup.keys())
    longest = max((len(self._rule_key_to_state(key)) for key in possible_keys), default=0)
    for i, state in enumerate(reversed(states[-longest:] if longest else [])):
        possible_keys = {key for key in possible_keys if self._is_rule_applicable(key, i, state)}
    return possible_keys


def install() -> None:
    RulePolicy._get_possible_keys = get_possible_keys
