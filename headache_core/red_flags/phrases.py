"""A small phrase language a clinician can write, compiled to spaCy Matcher patterns.

stiff neck                 the words, any case and word ending ("stiffer necks" too)
neck is|was|feels stiff    `|` gives alternatives for one position ("can't|cannot|cant")
neck ... stiff             `...` allows up to 3 other words in between (same sentence)
really|very? bad           `?` at the end makes the position optional
#num                       any number
"""

from collections.abc import Callable
from itertools import product
from typing import Any

GAP = "..."
GAP_WORDS = 3
NUMBER = "#num"
MAX_VARIANTS = 256
Lemmas = Callable[[str], list[str]]  # text -> lemmas of its tokens, by the project's pipeline


class PhraseError(ValueError):
    """A phrase that cannot be compiled; the message quotes it."""


def _options(word: str) -> list[str]:
    optional = word.endswith("?") and len(word) > 1
    options = [o for o in word.rstrip("?").split("|") if o] if optional else word.split("|")
    if not options or any(not o for o in options):
        raise PhraseError(f"empty alternative in {word!r}")
    return options + [""] if optional else options


def compile_phrase(phrase: str, lemmas: Lemmas) -> list[list[dict[str, Any]]]:
    """All Matcher patterns one phrase stands for (one per combination of alternatives)."""
    words = phrase.lower().replace("’", "'").split()
    if not words or GAP in (words[0], words[-1]):
        raise PhraseError(f"phrase {phrase!r} must start and end with a word")
    choices = [_options(word) for word in words]
    variants = list(product(*choices))
    if len(variants) > MAX_VARIANTS:
        raise PhraseError(f"phrase {phrase!r} has too many alternatives; split it")
    patterns = []
    for variant in variants:
        pattern: list[dict[str, Any]] = []
        for item in variant:
            if item == GAP:
                pattern += [{"IS_SENT_START": False, "IS_PUNCT": False, "OP": "?"}] * GAP_WORDS
            elif item == NUMBER:
                pattern.append({"LIKE_NUM": True})
            elif item:
                pattern += [{"LEMMA": lemma} for lemma in lemmas(item)]
        if not any("LEMMA" in p or "LIKE_NUM" in p for p in pattern):
            raise PhraseError(f"phrase {phrase!r} can match without any word")
        patterns.append(pattern)
    return patterns
