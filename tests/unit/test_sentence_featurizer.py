"""The sentence encoder as the intent classifier's dense features (issue 26)."""

import numpy as np
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.sentence_features import sentence_features
from components.sentence_featurizer import SentenceEncoderFeaturizer


def featurizer() -> SentenceEncoderFeaturizer:
    return SentenceEncoderFeaturizer(
        SentenceEncoderFeaturizer.get_default_config(), "sentence_featurizer"
    )


def test_each_message_gets_its_sentence_embedding():
    component = featurizer()
    messages = [Message({TEXT: "my noggin is pounding"}), Message({TEXT: "I have a headache"}),
                Message({TEXT: "book a flight to rome"}), Message({})]  # fmt: skip
    component.process_training_data(TrainingData(messages))
    rows = [sentence_features(m) for m in messages]
    assert rows[3] == []  # no text, no features
    vectors = [r[0].features[0] for r in rows[:3]]
    assert all(r[0].is_dense() and r[0].features.shape == (1, 384) for r in rows[:3])
    assert np.allclose([np.linalg.norm(v) for v in vectors], 1.0, atol=1e-4)
    # meaning, not words: the slang headache is nearer the plain one than the flight
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    expected = component.encoder.encode(["my noggin is pounding"])[0]
    assert np.allclose(vectors[0], expected, atol=1e-6)
