"""Entity patterns: the clinician-editable YAML turned into spaCy EntityRuler patterns."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from headache_core import KNOWLEDGE_DIR

PATTERNS_FILE = KNOWLEDGE_DIR / "entity_patterns.yml"
MATCH_MODES = ("lower", "lemma")


@dataclass(frozen=True)
class Phrase:
    """One way of saying a canonical value, e.g. body_part/suboccipital "base of my skull"."""

    label: str
    value: str
    text: str
    match: str


class PatternFileError(ValueError):
    """The patterns file is malformed; the message says where."""


def load_phrases(path: Path = PATTERNS_FILE) -> list[Phrase]:
    """Read and check the patterns file, so a typo fails the build with a clear message."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("labels"), dict):
        raise PatternFileError(f"{path}: expected a mapping with 'labels'")
    phrases: list[Phrase] = []
    for label, spec in data["labels"].items():
        match = spec.get("match", "lower")
        if match not in MATCH_MODES:
            raise PatternFileError(f"{path}: {label}: match must be one of {MATCH_MODES}")
        for value, entry in (spec.get("values") or {}).items():
            if not entry.get("source"):
                raise PatternFileError(f"{path}: {label}/{value} has no source")
            texts = entry.get("phrases") or []
            if not texts:
                raise PatternFileError(f"{path}: {label}/{value} has no phrases")
            phrases.extend(Phrase(label, str(value), str(t), match) for t in texts)
    return phrases


def ruler_patterns(
    phrases: list[Phrase], tokenize: Callable[[str], Iterator[Any]]
) -> list[dict[str, Any]]:
    """EntityRuler patterns; `tokenize` yields (lower, lemma) pairs per token of a phrase.

    Each pattern carries its canonical value as `id`, which the Rasa glue reads back from
    `ent.ent_id_`. Two values with the same tokens (after lemmatising: "number" becomes "numb")
    would make the result depend on pattern order, so that is an error naming both phrases.
    """
    patterns = []
    seen: dict[tuple, Phrase] = {}
    for phrase in phrases:
        attr = "LEMMA" if phrase.match == "lemma" else "LOWER"
        words = [lemma if attr == "LEMMA" else lower for lower, lemma in tokenize(phrase.text)]
        other = seen.setdefault(tuple(words), phrase)
        if (other.label, other.value) != (phrase.label, phrase.value):
            raise PatternFileError(
                f"'{phrase.text}' ({phrase.label}/{phrase.value}) matches the same words as "
                f"'{other.text}' ({other.label}/{other.value})"
            )
        tokens = [{attr: word} for word in words]
        patterns.append({"label": phrase.label, "pattern": tokens, "id": phrase.value})
    return patterns
