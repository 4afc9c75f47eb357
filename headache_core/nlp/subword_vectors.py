"""Subword vectors: what the intent classifier knows about words its examples never use.

The classifier's counts of words and character n-grams know only the training examples' words:
"certainly" tells it nothing about "yes" unless an example says so. No pretrained spaCy
vectors can be downloaded here, but WordLlama (MIT licence, on PyPI) ships a small static
embedding in its wheel: 32,000 subword tokens (a Llama 2 tokenizer) x 256 numbers, trained so
that the average of a sentence's token vectors places sentences of like meaning together.
A message's vector is that average, scaled to length 1.

The package itself is not installed (it needs numpy 2; Rasa 3.6 pins numpy 1.23): `fetch()`
takes the two files out of its pinned wheel, checked against the SHA-256 pins below
(`pinned_wheel.py`). Reading the
table needs `safetensors` and the tokenizer `tokenizers`, both in requirements.lock.
"""

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer

from headache_core.nlp import pinned_wheel
from headache_core.nlp.pinned_wheel import PinnedFilesUnavailable

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DIR = REPO_ROOT / "build" / "subwords"
WHEEL_REQUIREMENT = "wordllama==0.4.0.post1"
# file in the wheel -> (name in the vectors folder, SHA-256 of its bytes)
FILES = {
    "wordllama/weights/l2_supercat_256.safetensors": (
        "embedding.safetensors",
        "64b47a2dc493cb8e85944076601189739852d7b64e0e1eedcb1937a251cd9fd5",
    ),
    "wordllama/tokenizers/l2_supercat_tokenizer_config.json": (
        "tokenizer.json",
        "93248f2a9ec36c7b35f700a033d5f36228aae48db61aee31007fa49062cdeb68",
    ),
}
EMBEDDING_KEY = "embedding.weight"


VectorsUnavailable = PinnedFilesUnavailable  # the name the featurizer and tests know


def is_complete(directory: Path = DEFAULT_DIR) -> bool:
    """Both files present with their pinned hashes."""
    return pinned_wheel.is_complete(directory, FILES)


def fetch(directory: Path = DEFAULT_DIR) -> Path:
    """The vectors folder, downloaded and checked if it is not complete yet."""
    pinned_wheel.fetch(WHEEL_REQUIREMENT, FILES, directory)
    logger.info(f"subword vectors from {WHEEL_REQUIREMENT} in {directory}")
    return directory


@dataclass(frozen=True)
class SubwordVectors:
    """A subword tokenizer and its table of vectors (float16, one row per token)."""

    tokenizer: Tokenizer
    table: np.ndarray

    @classmethod
    def load(cls, directory: Path) -> "SubwordVectors":
        missing = [name for name, _ in FILES.values() if not (directory / name).is_file()]
        if missing:
            raise VectorsUnavailable(
                f"no {', '.join(missing)} in {directory}: run `make spacy` (it fetches them)"
            )
        table = load_file(str(directory / "embedding.safetensors"))[EMBEDDING_KEY]
        return cls(Tokenizer.from_file(str(directory / "tokenizer.json")), table)

    @property
    def dimensions(self) -> int:
        return int(self.table.shape[1])

    def token_ids(self, text: str) -> list[int]:
        """Subword ids of the lower-cased text (the vectors were trained on any case; lower case
        makes "YES" and "yes" one message), out-of-range ids dropped."""
        ids = self.tokenizer.encode(text.lower(), add_special_tokens=False).ids
        return [i for i in ids if 0 <= i < self.table.shape[0]]

    def mean_vector(self, text: str) -> np.ndarray:
        """Average of the text's subword vectors, length 1; zeros when it has none."""
        ids = self.token_ids(text)
        if not ids:
            return np.zeros(self.dimensions, dtype=np.float32)
        vector = self.table[ids].astype(np.float32).mean(axis=0)
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm > 0 else vector

    def similarity(self, a: str, b: str) -> float:
        return float(self.mean_vector(a) @ self.mean_vector(b))


@lru_cache(maxsize=4)
def load_vectors(directory: str) -> SubwordVectors:
    """One table per folder and process (the Rasa server may load the featurizer twice)."""
    return SubwordVectors.load(Path(directory))


def main() -> None:
    pinned_wheel.cli(__doc__, fetch, DEFAULT_DIR)


if __name__ == "__main__":
    main()
