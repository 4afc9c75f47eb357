"""Dense features from subword vectors (headache_core/nlp/subword_vectors.py).

Sentence feature: the average of the message's subword vectors, length 1 (how the vectors were
trained to compare sentences). Sequence features, one row per token, for classifiers that read
them (DIET in the bench comparison): each token's own average. Like Rasa's `SpacyNLP`, the
vectors are read from a folder by path (`make spacy` fetches them) and not packed into the model
archive; their content is pinned by hash, so the path names one table.
"""

import logging
from functools import lru_cache
from typing import Any

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import FEATURIZER_CLASS_ALIAS, TOKENS_NAMES
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

from components.folder_featurizer import FolderFeaturizer
from headache_core.nlp.subword_vectors import DEFAULT_DIR, load_vectors

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SubwordVectorFeaturizer(FolderFeaturizer):
    """Adds each message's subword-vector average as dense text features."""

    DEFAULT_DIR = DEFAULT_DIR
    WHAT = "vectors"

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(config, name)
        self.vectors = load_vectors(self.folder)
        # each cached word is 1 KB: a few thousand cover what patients say, typos bounded
        self._token_vector = lru_cache(maxsize=4096)(self.vectors.mean_vector)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._set_features(message)
        return messages

    def _set_features(self, message: Message) -> None:
        """Every message with text gets the sentence row (the classifier needs the same columns
        for every message); the sequence rows come with its tokens."""
        text = message.get(TEXT)
        if not text:
            return
        alias = self._config[FEATURIZER_CLASS_ALIAS]
        tokens = message.get(TOKENS_NAMES[TEXT]) or []
        if tokens:
            sequence = np.stack([self._token_vector(token.text) for token in tokens])
            message.add_features(Features(sequence, FEATURE_TYPE_SEQUENCE, TEXT, alias))
        sentence = self.vectors.mean_vector(text)[np.newaxis, :]
        message.add_features(Features(sentence, FEATURE_TYPE_SENTENCE, TEXT, alias))
