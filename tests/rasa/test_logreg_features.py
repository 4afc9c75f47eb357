"""The intent classifier's input (rasa_patches/logreg_features.py) is what Rasa builds."""

import numpy as np
import pytest
import scipy.sparse
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from sklearn.linear_model import LogisticRegression

from rasa_patches import logreg_features

WIDTH = 40


def message(seed: int, dtype: type, dense: bool = False, origins: int = 2) -> Message:
    """A message with sentence features from `origins` featurizers, as count vectors give."""
    rng = np.random.default_rng(seed)
    result = Message(data={TEXT: f"message {seed}"})
    for origin in range(origins):
        name = f"featurizer-{origin}"
        tokens = scipy.sparse.random(4, WIDTH, density=0.2, random_state=rng, format="coo") * 5
        row = scipy.sparse.random(1, WIDTH, density=0.2, random_state=rng, format="coo") * 5
        result.add_features(Features(tokens.astype(dtype), "sequence", TEXT, name))
        result.add_features(Features(row.astype(dtype), "sentence", TEXT, name))
    if dense:
        result.add_features(Features(rng.random((1, 3)), "sentence", TEXT, "dense"))
    return result


@pytest.mark.parametrize("dtype", [np.int64, np.float32, np.float64])
@pytest.mark.parametrize("count", [1, 3])
def test_the_matrix_equals_rasas(dtype, count):
    messages = [message(seed, dtype) for seed in range(count)]
    ours = logreg_features.create_x(None, messages)
    theirs = logreg_features._rasas_create_x(None, messages)
    assert ours.shape == theirs.shape == (count, 2 * WIDTH)
    assert ours.dtype == theirs.dtype
    assert np.array_equal(ours.toarray(), theirs.toarray())


def test_the_probabilities_are_rasas_to_the_bit():
    training = [message(seed, np.int64) for seed in range(30)]
    classifier = LogisticRegression(max_iter=200).fit(
        logreg_features._rasas_create_x(None, training), [seed % 3 for seed in range(30)]
    )
    asked = [message(seed, np.int64) for seed in range(100, 110)]
    for one in asked:
        ours = classifier.predict_proba(logreg_features.create_x(None, [one]))
        theirs = classifier.predict_proba(logreg_features._rasas_create_x(None, [one]))
        assert np.array_equal(ours, theirs)


@pytest.mark.parametrize("count", [1, 3])
def test_dense_features_follow_the_sparse_ones_as_rasa_lays_them_out(count, monkeypatch):
    messages = [message(seed, np.float64, dense=True) for seed in range(count)]
    theirs = logreg_features._rasas_create_x(None, messages).toarray()
    monkeypatch.setattr(logreg_features, "_rasas_create_x", None)  # built here, not by Rasa
    ours = logreg_features.create_x(None, messages)
    assert ours.shape == (count, 2 * WIDTH + 3)
    assert np.array_equal(ours.toarray(), theirs)


def test_installed_in_the_classifier(rasa_patched):
    assert LogisticRegressionClassifier._create_X is logreg_features.create_x
