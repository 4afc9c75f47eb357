"""Dense features from subword vectors (headache_core/nlp/subword_vectors.py).

Sentence feature: the average of the message's subword vectors, length 1 (how the vectors were
trained to compare sentences). Sequence features, one row per token, for classifiers that read
them (DIET in the bench comparison): each token's own average. Like Rasa's `SpacyNLP`, the
vectors are read from a folder by path (`make spacy` fetches them) and not packed into the model
archive; their content is pinned by hash, so the path names one table.
"""

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import FEATURIZER_CLASS_ALIAS, TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from headache_core.nlp.subword_vectors import DEFAULT_DIR, REPO_ROOT, load_vectors

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SubwordVectorFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds each message's subword-vector average as dense text features."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            "path": str(DEFAULT_DIR.relative_to(REPO_ROOT)),
        }

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        self.vectors = load_vectors(str(Path(self._config["path"]).resolve()))
        # each cached word is 1 KB: a few thousand cover what patients say, typos bounded
        self._token_vector = lru_cache(maxsize=4096)(self.vectors.mean_vector)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls(config, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        if not isinstance(config.get("path"), str) or not config["path"]:
            raise ValueError("SubwordVectorFeaturizer needs `path`: the folder of the vectors")

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._set_features(message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

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
