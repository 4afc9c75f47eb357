"""Dense sentence features from the sentence encoder (headache_core/nlp/sentence_encoder.py).

One row per message, the encoder's 512 numbers (length 1), for the intent classifier. No
sequence rows: the encoder reads the message as a whole, and per-token vectors would cost a
forward pass per token.
"""

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import FEATURIZER_CLASS_ALIAS
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from threadpoolctl import threadpool_limits

from components.text_vector_featurizer import TextVectorFeaturizer
from headache_core.nlp.sentence_encoder import DEFAULT_DIR, load_encoder


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEncoderFeaturizer(TextVectorFeaturizer):
    """Adds each message's sentence-encoder vector as a dense sentence feature."""

    DEFAULT_DIR = DEFAULT_DIR

    def read_model(self, directory: str) -> None:
        self.encoder = load_encoder(directory)
        # One BLAS thread for the whole process. The encoder's products are small (about ten
        # rows), and a second OpenBLAS thread spins more than it helps: 18.3 ms of CPU per
        # message with two threads against 10.6 ms with one, for about the same wall time, and
        # on two cores that spinning is taken from the action server and the other requests.
        threadpool_limits(limits=1, user_api="blas")

    def featurize(self, message: Message, text: str) -> None:
        vector = self.encoder.encode(text)[None, :]
        alias = self._config[FEATURIZER_CLASS_ALIAS]
        message.add_features(Features(vector, FEATURE_TYPE_SENTENCE, TEXT, alias))
