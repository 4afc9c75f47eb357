"""The numpy all-MiniLM-L6-v2 (headache_core/nlp/sentence_encoder.py) against the reference.

The reference vectors below were computed on 2026-12-06 with transformers' BertModel (torch
2.13.0, CPU) from the same pinned model.safetensors and tokenizer.json, mean-pooled and scaled
to length 1 as sentence-transformers does: the first 12 of 384 numbers.
"""

import numpy as np
import pytest

from headache_core.nlp import sentence_encoder
from headache_core.nlp.pinned_wheel import PinnedFilesUnavailable
from headache_core.nlp.sentence_encoder import FILES, SentenceEncoder, load_encoder

REFERENCE = {
    "A man is eating food.": [0.033242, 0.004406, -0.006277, 0.048379, -0.138702, -0.033617,
                              0.101128, -0.054385, -0.043248, -0.039941, 0.007786, -0.012749],
    "the left side of her face has gone saggy": [0.028656, -0.016545, 0.011487, 0.09415,
                                                 0.030194, 0.025353, 0.00677, -0.058684,
                                                 -0.057567, -0.019528, -0.042592, 0.003082],
}  # fmt: skip


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    sentence_encoder.fetch()
    return load_encoder()


@pytest.mark.parametrize("text", REFERENCE)
def test_vectors_match_the_reference_implementation(encoder, text):
    vector = encoder.encode_one(text)
    assert vector.shape == (384,)
    assert np.isclose(np.linalg.norm(vector), 1.0, atol=1e-5)
    assert np.allclose(vector[:12], REFERENCE[text], atol=2e-5)


def test_meaning_not_words_brings_sentences_together(encoder):
    droop, saggy, desk = encoder.encode(
        [
            "one side of my face is drooping",
            "the left side of her face has gone saggy",
            "my shoulders are tight after a day at my desk",
        ]  # fmt: skip
    )
    assert droop @ saggy > 0.5 > droop @ desk


def test_a_short_message_is_not_padded(encoder):
    assert len(encoder.tokenizer.encode("hi").ids) == 3  # [CLS] hi [SEP], not 128
    assert len(encoder.tokenizer.encode("word " * 400).ids) == 128  # the model's length


def test_the_pins_are_the_upstream_files():
    digests = {name: digest for name, digest in FILES.values()}
    assert digests["model.safetensors"].startswith("53aa5117")
    assert digests["model.safetensors"].endswith("d9db")


def test_loading_a_folder_without_the_encoder_says_how_to_get_it(tmp_path):
    with pytest.raises(PinnedFilesUnavailable, match="make spacy"):
        SentenceEncoder.load(tmp_path)


def test_a_text_seen_lately_is_not_encoded_again(encoder, monkeypatch):
    calls = []
    original = SentenceEncoder.encode_one

    def counting(self, text):
        calls.append(text)
        return original(self, text)

    monkeypatch.setattr(SentenceEncoder, "encode_one", counting)
    first = encoder.encode(["my neck is stiff today", "it hurts when I turn"])
    again = encoder.encode(["it hurts when I turn", "my neck is stiff today"])
    assert calls.count("my neck is stiff today") <= 1 and calls.count("it hurts when I turn") <= 1
    assert (again[::-1] == first).all()


def test_more_new_texts_than_the_cache_holds_are_all_returned(encoder, monkeypatch):
    # training encodes every example at once; the first ones leave the cache before the end
    monkeypatch.setattr("headache_core.nlp.sentence_encoder.CACHE_SIZE", 3)
    texts = ["one stiff neck", "two sore temples", "three tight shoulders", "four long days"]
    together = encoder.encode(texts)
    assert together.shape == (4, encoder.dimensions)
    assert np.allclose(together[0], encoder.encode(["one stiff neck"])[0], atol=1e-5)
