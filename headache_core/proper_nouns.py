"""Whether English writes a word as a proper noun, from how often it is seen capitalised (issue 29).

A list of name cues ("I'm", "my wife") only finds the names it anticipated. What marks a name in
any sentence is its capital: English writes "Sarah", "Lorenzo" and "Zhou" capitalised far more
often than in lower case, and "comfort", "will" or "migraine" the other way round. spaCy's
English word probabilities (spacy-lookups-data's `en_lexeme_prob`, which the NLU pipeline needs
anyway) are case-sensitive, so the gap between a word's capitalised and lower-case log
probability says which it is. A word seen in neither form ("Adebayo", "aarav") is no common
English word: a name, a rare drug, or a misspelling, which the caller tells apart.

Places and brands are proper nouns too, and the clinic needs none of them hidden ("from
Birmingham", "a cab in London", "Yorkshire puddings"). spaCy's Brown clusters
(`en_lexeme_cluster`: words grouped by the words around them) put most of them on one branch of
their tree, apart from people's names: measured on 88 towns, countries, regions and brands and
130 first names and surnames of many origins, the branches below held 59 of the former and 3 of
the latter ("Ana", "Ava", "Ewa").

When the data is missing nothing is a proper noun: redaction falls back to its cues.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from functools import lru_cache
from importlib import resources

# log-probability gaps: capitalised e^1 (2.7x) as often as in lower case is a proper noun;
# e^2.5 (12x), one even at a sentence's start, where every word is capitalised.
CASE_MARGIN = 1.0
CLEAR_MARGIN = 2.5
# Brown-cluster paths (spaCy writes a path as an integer whose binary digits, read from the
# lowest, go from the tree's root) under which places and brands sit.
PLACE_BRANCHES = ("0110010", "0110001")


def lookups(name: str) -> dict | None:
    """One of spaCy's English lookup tables (spacy-lookups-data), or None when it is missing."""
    text = _table_text(name)
    try:
        return None if text is None else json.loads(text)
    except ValueError:
        return None


# One "word": value pair of spaCy's JSON tables, for a word with a capital and then lower case
# only, or with lower case only. Reading the pairs this way keeps the 1M-entry table (150 MB
# as a dict) out of memory: only the capitalised words and their verdicts are kept.
_CAPITALISED_ENTRY_RE = re.compile(r'^  "([A-Z][a-z]+)":(-?[\d.e-]+|\d+),?$', re.M)
_LOWER_ENTRY_RE = re.compile(r'^  "([a-z]+)":(-?[\d.e-]+),?$', re.M)


def _table_text(name: str) -> str | None:
    try:
        with (resources.files("spacy_lookups_data") / "data" / name).open("rb") as raw:
            return gzip.decompress(raw.read()).decode("utf-8")
    except (ModuleNotFoundError, OSError, ValueError):
        return None


@lru_cache(maxsize=1)
def _casing() -> tuple[frozenset[str], frozenset[str], frozenset[str]] | None:
    """(common words, proper nouns, clear proper nouns): the words English writes capitalised,
    in lower case, by their gap; None without the data."""
    text = _table_text("en_lexeme_prob.json.gz")
    if not text:
        return None
    capitalised = {word.lower(): float(prob) for word, prob in _CAPITALISED_ENTRY_RE.findall(text)}
    if not capitalised:
        return None  # a table written another way: no verdicts rather than wrong ones
    lower = {
        word: float(prob) for word, prob in _LOWER_ENTRY_RE.findall(text) if word in capitalised
    }
    del text
    common: set[str] = set()
    proper: set[str] = set()
    clear: set[str] = set()
    for plain, prob in capitalised.items():
        gap = prob - lower[plain] if plain in lower else math.inf
        (proper if gap >= CASE_MARGIN else common).add(plain)
        if gap >= CLEAR_MARGIN:
            clear.add(plain)
    return frozenset(common), frozenset(proper), frozenset(clear)


@lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    """The capitalised words on the places' branches, in lower case (empty without the data)."""
    text = _table_text("en_lexeme_cluster.json.gz") or ""
    return frozenset(
        word.lower()
        for word, path in _CAPITALISED_ENTRY_RE.findall(text)
        if bin(int(path))[:1:-1].startswith(PLACE_BRANCHES)
    )


def a_place(word: str) -> bool:
    """Whether English uses `word` (any case) as it uses towns, countries and brands."""
    return word.lower() in _places()


def available() -> bool:
    return _casing() is not None


def proper_noun(word: str, *, clear: bool = False) -> bool | None:
    """True: `word` is mostly written capitalised ("Sarah"; `clear`: by a wide margin); False:
    a common word in lower case ("comfort") or no data; None: seen in neither form."""
    casing = _casing()
    if casing is None:
        return False
    common, proper, clearly = casing
    plain = word.lower()
    if plain in (clearly if clear else proper):
        return True
    if plain in common or plain in proper:
        return False
    return None
