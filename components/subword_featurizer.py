"""Dense features from subword vectors (headache_core/nlp/subword_vectors.py).

Sentence feature: the average of the message's subword vectors, length 1 (how the vectors were
trained to compare sentences). Sequence features, one row per token, for classifiers that read
them (DIET in the bench comparison): each token's own average.
"""

from functools import lru_cache

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import FEATURIZER_CLASS_ALIAS, TOKENS_NAMES
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

from components.text_vector_featurizer import TextVectorFeaturizer
from headache_core.nlp.subword_vectors import DEFAULT_DIR, load_vectors


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SubwordVectorFeaturizer(TextVectorFeaturizer):
    """Adds each message's subword-vector average as dense text features."""

    DEFAULT_DIR = DEFAULT_DIR

    def read_model(self, directory: str) -> None:
        self.vectors = load_vectors(directory)
        # each cached word is 1 KB: a few thousand cover what patients say, typos bounded
        self._token_vector = lru_cache(maxsize=4096)(self.vectors.mean_vector)

    def featurize(self, message: Message, text: str) -> None:
        """Every message with text gets the sentence row (the classifier needs the same columns
        for every message); the sequence rows come with its tokens."""
        alias = self._config[FEATURIZER_CLASS_ALIAS]
        tokens = message.get(TOKENS_NAMES[TEXT]) or []
        if tokens:
            sequence = np.stack([self._token_vector(token.text) for token in tokens])
            message.add_features(Features(sequence, FEATURE_TYPE_SEQUENCE, TEXT, alias))
        sentence = self.vectors.mean_vector(text)[np.newaxis, :]
        message.add_features(Features(sentence, FEATURE_TYPE_SENTENCE, TEXT, alias))
