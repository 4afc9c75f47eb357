"""Dense sentence features from the sentence encoder (headache_core/nlp/sentence_encoder.py).

One row per message, the encoder's 512 numbers (length 1), for the intent classifier. No
sequence rows: the encoder reads the message as a whole, and per-token vectors would cost a
forward pass per token.
"""

from functools import lru_cache

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import FEATURIZER_CLASS_ALIAS
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

from components.text_vector_featurizer import TextVectorFeaturizer
from headache_core.nlp.sentence_encoder import DEFAULT_DIR, load_encoder


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEncoderFeaturizer(TextVectorFeaturizer):
    """Adds each message's sentence-encoder vector as a dense sentence feature."""

    DEFAULT_DIR = DEFAULT_DIR

    def read_model(self, directory: str) -> None:
        self.encoder = load_encoder(directory)
        # the same texts come back (button titles are sent as text: "Yes", "Book an
        # appointment"); 2 KB each
        self._encode = lru_cache(maxsize=2048)(self.encoder.encode)

    def featurize(self, message: Message, text: str) -> None:
        vector = self._encode(text)[None, :].copy()  # the cached row stays as it was
        alias = self._config[FEATURIZER_CLASS_ALIAS]
        message.add_features(Features(vector, FEATURE_TYPE_SENTENCE, TEXT, alias))
