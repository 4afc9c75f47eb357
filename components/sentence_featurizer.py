"""Dense sentence features from the sentence encoder (headache_core/nlp/sentence_encoder.py).

all-MiniLM-L6-v2 was trained to place sentences that mean the same thing close together, on
a billion sentence pairs none of which the team wrote: what the examples' own words cannot tell
("my noggin's pounding" is near "I have a headache"). Each message gets its 384-dimensional
embedding, length 1, as a sentence-level dense feature for the intent classifier.

The red-flag detector (headache_core/red_flags/encoder.py) uses the same encoder object in the
same process (`load_encoder` is cached per folder) and its cache of encoded texts: a message
whose whole text is also one of the detector's clauses is encoded once. Like `SpacyNLP` and the
subword vectors, the weights are read from a folder by path (`make spacy`/`make train` fetch them,
pinned by SHA-256) and not packed into the model archive.
"""

from typing import Any

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import FEATURIZER_CLASS_ALIAS
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

from components.folder_featurizer import FolderFeaturizer
from headache_core.nlp.sentence_encoder import DEFAULT_DIR, load_encoder

BATCH = 64  # messages encoded together while training (one matrix product per layer)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEncoderFeaturizer(FolderFeaturizer):
    """Adds each message's sentence embedding as a dense sentence feature."""

    DEFAULT_DIR = DEFAULT_DIR
    WHAT = "encoder"

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(config, name)
        self.encoder = load_encoder(self.folder)

    def process(self, messages: list[Message]) -> list[Message]:
        with_text = [m for m in messages if m.get(TEXT)]
        alias = self._config[FEATURIZER_CLASS_ALIAS]
        for start in range(0, len(with_text), BATCH):
            batch = with_text[start : start + BATCH]
            vectors = self.encoder.encode([m.get(TEXT) for m in batch])
            for message, vector in zip(batch, vectors, strict=True):
                row = np.asarray(vector, dtype=np.float32)[np.newaxis, :]
                message.add_features(Features(row, FEATURE_TYPE_SENTENCE, TEXT, alias))
        return messages
