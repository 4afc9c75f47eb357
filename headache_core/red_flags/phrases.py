"""A small phrase language a clinician can write, compiled to spaCy Matcher patterns.

stiff neck                 the words, any case and word ending ("stiffer necks" too)
neck is|was|feels stiff    `|` gives alternatives for one position ("can't|cannot|cant")
neck ... stiff             `...` allows up to 4 other words in between (same sentence)
really|very? bad           `?` at the end makes the position optional
#num                       any number
=confusing                 `=` keeps the word exactly as written: "=confusing" is not "confused"
"""

import re
from collections.abc import Callable
from itertools import product
from typing import Any

GAP = "..."
GAP_WORDS = 4
NUMBER = "#num"
EXACT = "="
MAX_VARIANTS = 256
Lemmas = Callable[[str], list[str]]  # text -> lemmas of its tokens, by the project's pipeline


class PhraseError(ValueError):
    """A phrase that cannot be compiled; the message quotes it."""


ITEM_RE = re.compile(r"\(([^()]*)\)(\??)|(\S+)")


def _options(body: str, optional: bool) -> list[str]:
    options = [" ".join(o.split()) for o in body.split("|")]
    if not options or any(not o for o in options):
        raise PhraseError(f"empty alternative in {body!r}")
    return options + [""] if optional else options


def positions(phrase: str) -> list[list[str]]:
    """Each position's alternatives; a bracketed group is one position, words inside allowed."""
    found = []
    for group, group_optional, word in ITEM_RE.findall(phrase):
        if word:
            if "(" in word or ")" in word:
                raise PhraseError(f"unbalanced bracket in {phrase!r}")
            optional = word.endswith("?") and len(word) > 1
            found.append(_options(word.rstrip("?") if optional else word, optional))
        else:
            found.append(_options(group, bool(group_optional)))
    return found


def compile_phrase(phrase: str, lemmas: Lemmas) -> list[list[dict[str, Any]]]:
    """All Matcher patterns one phrase stands for (one per combination of alternatives)."""
    choices = positions(phrase.lower().replace("’", "'"))
    if not choices or [GAP] in (choices[0], choices[-1]):
        raise PhraseError(f"phrase {phrase!r} must start and end with a word")
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
            elif item.startswith(EXACT):
                words = item[len(EXACT) :].split()
                if not words:
                    raise PhraseError(f"'=' without a word in {phrase!r}")
                pattern += [{"LOWER": word} for word in words]
            elif item:
                pattern += [{"LEMMA": lemma} for lemma in lemmas(item)]
        if not any("LEMMA" in p or "LOWER" in p or "LIKE_NUM" in p for p in pattern):
            raise PhraseError(f"phrase {phrase!r} can match without any word")
        patterns.append(pattern)
    return patterns
