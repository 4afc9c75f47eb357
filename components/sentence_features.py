"""A message's sentence-level features, in the order Rasa stacks them.

Read by the intent classifier (its blocks' widths) and by the patch that builds the classifier's
input without scipy's block stacking (rasa_patches/logreg_features.py): one definition of the
layout both must agree on.
"""

from typing import Any

from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT


def sentence_features(message: Any) -> list[Any]:
    """The message's sentence-level features of its text, in pipeline order (the order Rasa
    stacks them in)."""
    return [
        features
        for features in message.features
        if features.attribute == TEXT and features.type == FEATURE_TYPE_SENTENCE
    ]
