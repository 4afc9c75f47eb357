"""Build, save and load the project's spaCy pipeline.

blank English + a case-insensitive lookup lemmatizer (tables from spacy-lookups-data, saved
with the pipeline) + spelling repair for the clinical words (`spelling.py`) + an EntityRuler from
`knowledge/entity_patterns.yml`. Rasa's `SpacyNLP`
loads the saved folder by path; the clinical core loads the same folder for its own matching.
"""

import hashlib
import json
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language

import settings
from headache_core.nlp import lemmatizer as _lemmatizer  # noqa: F401  (registers the factory)
from headache_core.nlp import sentence_encoder, spelling, subword_vectors
from headache_core.nlp.patterns import PATTERNS_FILE, load_phrases, ruler_patterns
from headache_core.red_flags.rules import RED_FLAGS_FILE, load_rules

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PIPELINE_DIR = REPO_ROOT / "build" / "spacy" / "en_headache"
PIPELINE_NAME = "headache"
# The red-flag phrases are an input too: their words are the spelling repair's vocabulary.
BUILD_INPUTS = (
    PATTERNS_FILE,
    RED_FLAGS_FILE,
    Path(__file__),
    Path(_lemmatizer.__file__),
    Path(spelling.__file__),
)


def inputs_fingerprint() -> str:
    """Hash of everything the saved pipeline is built from."""
    digest = hashlib.sha256()
    for path in BUILD_INPUTS:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def build_pipeline() -> Language:
    """A fresh pipeline; patterns are added after `initialize()`, which would clear them."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")  # sentences bound the red-flag detector's context cues
    nlp.add_pipe("lowercase_lemmatizer")
    nlp.add_pipe(spelling.FACTORY)
    nlp.initialize()  # loads lemma_lookup from spacy-lookups-data into the lemmatizer
    lemmatize = nlp.get_pipe("lowercase_lemmatizer")

    def tokenize(text: str):
        doc = lemmatize(nlp.make_doc(text))
        return ((t.lower_, t.lemma_) for t in doc)

    entity_phrases = load_phrases()
    phrases = [p.text for p in entity_phrases]
    phrases += [text for concept in load_rules().concepts.values() for text in concept.phrases]
    spelling.build_spelling(nlp, phrases, lambda word: next(lemma for _, lemma in tokenize(word)))

    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})
    ruler.add_patterns(ruler_patterns(entity_phrases, tokenize))
    nlp.meta["name"] = PIPELINE_NAME
    nlp.meta["version"] = "1.0.0"
    nlp.meta["description"] = "Headache assistant pipeline; fingerprint " + inputs_fingerprint()
    return nlp


def save_pipeline(target: Path = DEFAULT_PIPELINE_DIR) -> Path:
    """Build and save, skipping the work when the saved copy was built from the same inputs."""
    stamp = target / "inputs.fingerprint"
    fingerprint = inputs_fingerprint()
    if stamp.exists() and stamp.read_text().strip() == fingerprint:
        return target
    nlp = build_pipeline()
    target.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(target)
    stamp.write_text(fingerprint + "\n")
    (target / "patterns.count").write_text(json.dumps(len(nlp.get_pipe("entity_ruler"))))
    return target


def prepare_model_inputs(target: Path = DEFAULT_PIPELINE_DIR) -> tuple[Path, Path, Path]:
    """Everything the model reads by path, built or fetched when missing or stale: the spaCy
    pipeline, the intent classifier's subword vectors and the red-flag sentence encoder."""
    return save_pipeline(target), subword_vectors.fetch(), sentence_encoder.fetch()


def pipeline_dir() -> Path:
    return Path(settings.HEADACHE_SPACY_PIPELINE.read() or DEFAULT_PIPELINE_DIR)


@lru_cache(maxsize=1)
def load_pipeline() -> Language:
    """The saved pipeline, built first if it is missing or stale (tests, action server)."""
    return spacy.load(save_pipeline(pipeline_dir()))


if __name__ == "__main__":
    print(*prepare_model_inputs(pipeline_dir()), sep="\n")
