"""The intent classifier (components/intent_classifier.py): scikit-learn's tf-idf per featurizer
block, and a saved model that predicts exactly what the trained one did."""

import numpy as np
import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfTransformer

from components.intent_classifier import FILE_NAME, BlockTfidf, TfidfLogisticRegressionClassifier

WIDTHS = (30, 50)  # a word block and a character block, as the two count-vector featurizers


def counts(rows: int, width: int, seed: int) -> scipy.sparse.csr_matrix:
    rng = np.random.default_rng(seed)
    dense = rng.integers(0, 4, size=(rows, width)) * (rng.random((rows, width)) < 0.2)
    return scipy.sparse.csr_matrix(dense.astype(np.int64))


DENSE = 6  # a dense block after the counts, as the subword featurizer's


def message(seed: int, intent: str | None = None, dense: bool = False) -> Message:
    result = Message(data={TEXT: f"message {seed}", **({INTENT: intent} if intent else {})})
    for block, width in enumerate(WIDTHS):
        row = counts(1, width, seed * 10 + block)
        result.add_features(Features(row, "sentence", TEXT, f"featurizer-{block}"))
    if dense:
        vector = np.random.default_rng(seed).normal(size=(1, DENSE))
        result.add_features(Features(vector, "sentence", TEXT, "subwords"))
    return result


@pytest.mark.parametrize("seed", range(5))
def test_each_block_is_weighted_as_scikit_learn_weighs_it(seed):
    words, chars = counts(40, WIDTHS[0], seed), counts(40, WIDTHS[1], seed + 100)
    weighting = BlockTfidf.fit(scipy.sparse.hstack([words, chars]), list(WIDTHS))
    new_words, new_chars = counts(7, WIDTHS[0], seed + 200), counts(7, WIDTHS[1], seed + 300)
    ours = weighting.transform(scipy.sparse.hstack([new_words, new_chars]))
    theirs = scipy.sparse.hstack(
        [
            TfidfTransformer(sublinear_tf=True).fit(words).transform(new_words),
            TfidfTransformer(sublinear_tf=True).fit(chars).transform(new_chars),
        ]
    )
    assert np.allclose(ours.toarray(), theirs.toarray())


def test_dense_columns_after_the_counts_are_only_scaled():
    words_and_chars = counts(40, sum(WIDTHS), 3)
    dense = np.random.default_rng(3).normal(size=(40, DENSE))
    rows = scipy.sparse.hstack([words_and_chars, dense])
    weighting = BlockTfidf.fit(rows, list(WIDTHS), DENSE, 0.5)
    weighted = weighting.transform(rows).toarray()
    alone = BlockTfidf.fit(words_and_chars, list(WIDTHS)).transform(words_and_chars)
    assert np.allclose(weighted[:, : sum(WIDTHS)], alone.toarray())
    assert np.allclose(weighted[:, sum(WIDTHS) :], dense * 0.5)


def test_a_row_without_features_stays_empty():
    weighting = BlockTfidf.fit(counts(10, sum(WIDTHS), 1), list(WIDTHS))
    empty = scipy.sparse.csr_matrix((2, sum(WIDTHS)), dtype=np.int64)
    assert weighting.transform(empty).nnz == 0


def test_features_of_another_width_are_refused_with_the_way_out():
    weighting = BlockTfidf.fit(counts(10, sum(WIDTHS), 1), list(WIDTHS))
    with pytest.raises(ValueError, match="retrain"):
        weighting.transform(counts(1, sum(WIDTHS) + 1, 2))


def test_blocks_that_do_not_cover_the_row_are_refused():
    with pytest.raises(ValueError, match="do not add up"):
        BlockTfidf.fit(counts(10, 60, 1), list(WIDTHS))
    with pytest.raises(ValueError, match="do not add up"):
        BlockTfidf.fit(counts(10, sum(WIDTHS) + DENSE, 1), list(WIDTHS), DENSE - 1)


def classifier(storage: LocalModelStorage, load: bool = False) -> TfidfLogisticRegressionClassifier:
    context = ExecutionContext(GraphSchema({}), node_name="intent_classifier")
    resource = Resource("intent_classifier")
    config = TfidfLogisticRegressionClassifier.get_default_config()
    if load:
        return TfidfLogisticRegressionClassifier.load(config, storage, resource, context)
    return TfidfLogisticRegressionClassifier.create(config, storage, resource, context)


def ranking(messages: list[Message]) -> list[list[tuple[str, float]]]:
    return [[(r["name"], r["confidence"]) for r in m.get(INTENT_RANKING_KEY)] for m in messages]


@pytest.mark.parametrize("dense", [False, True])
def test_the_saved_model_predicts_what_the_trained_one_did(tmp_path, dense):
    storage = LocalModelStorage(tmp_path)
    intents = ["greet", "ask_posture", "ask_self_care"]
    training = TrainingData([message(seed, intents[seed % 3], dense) for seed in range(60)])
    trained = classifier(storage)
    trained.train(training)

    unseen = [message(seed, dense=dense) for seed in range(100, 110)]
    expected = ranking(trained.process([message(s, dense=dense) for s in range(100, 110)]))
    loaded = classifier(storage, load=True)
    assert ranking(loaded.process(unseen)) == expected
    assert {m.get(INTENT)["name"] for m in unseen} <= set(intents)
    # plain arrays: nothing in the file needs unpickling (which could run code)
    with np.load(tmp_path / "intent_classifier" / FILE_NAME, allow_pickle=False) as saved:
        assert set(saved.files) == {"coef", "intercept", "classes", "idf", "offsets", "dense"}


def test_regularisation_is_taken_from_the_config(tmp_path):
    config = TfidfLogisticRegressionClassifier.get_default_config() | {"C": 3.5}
    context = ExecutionContext(GraphSchema({}), node_name="intent_classifier")
    component = TfidfLogisticRegressionClassifier.create(
        config, LocalModelStorage(tmp_path), Resource("intent_classifier"), context
    )
    assert component.clf.C == 3.5


def test_a_model_without_a_trained_classifier_leaves_messages_unclassified(tmp_path):
    loaded = classifier(LocalModelStorage(tmp_path), load=True)
    (unseen,) = loaded.process([message(1)])
    assert unseen.get(INTENT) is None


def test_the_weights_are_kept_so_that_predicting_copies_nothing(tmp_path):
    storage = LocalModelStorage(tmp_path)
    trained = classifier(storage)
    trained.train(TrainingData([message(seed, ["a", "b", "c"][seed % 3]) for seed in range(30)]))
    for component in (trained, classifier(storage, load=True)):
        assert component.clf.coef_.T.flags.c_contiguous
