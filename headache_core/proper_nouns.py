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

Reading the two tables (1M entries each) takes ~2 s and left ~80 MB resident in every process
that redacts (the Rasa server, the web app), most of it the heap the reading fragmented. What
the rules need is four word lists (common, proper, clear proper, places: 220k words, 2 MB),
so these are derived once into a small file (`python -m headache_core.proper_nouns`, run by
`make spacy`; else written on first use when the folder is writable) and held as sorted words
in one bytes block searched by bisection (`WordList`): ~0.1 s and a few MB per process.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import math
import os
import re
import sys
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

# log-probability gaps: capitalised e^1 (2.7x) as often as in lower case is a proper noun;
# e^2.5 (12x), one even at a sentence's start, where every word is capitalised.
CASE_MARGIN = 1.0
CLEAR_MARGIN = 2.5
# Brown-cluster paths (spaCy writes a path as an integer whose binary digits, read from the
# lowest, go from the tree's root) under which places and brands sit.
PLACE_BRANCHES = ("0110010", "0110001")
REPO_ROOT = Path(__file__).resolve().parents[1]
TABLES_FILE = REPO_ROOT / "build" / "redaction" / "proper_nouns.txt"
# "proper": the proper nouns that are not clear ones; "english_*": WordNet's words by part of
# speech (en_lemma_index); "lemmas": "form<TAB>lemma" lines (en_lemma_lookup: "hurts" to "hurt").
ENGLISH_KINDS = ("adj", "adv", "noun", "verb")
SECTIONS = (
    "common",
    "proper",
    "clear",
    "places",
    *(f"english_{kind}" for kind in ENGLISH_KINDS),
    "lemmas",
)


class WordList:
    """A sorted set of words in one bytes block, searched by bisection: 220k words in ~3 MB,
    where a frozenset of them holds ~25 MB."""

    def __init__(self, words: Iterable[str]) -> None:
        # UTF-8 keeps the code points' order: sorted strings are sorted bytes.
        self._adopt("\n".join(sorted(set(words))).encode("utf-8"))

    @classmethod
    def from_lines(cls, block: bytes) -> WordList:
        """From words already sorted and unique, one a line ("\n" between them)."""
        made = cls.__new__(cls)
        made._adopt(block)
        return made

    def _adopt(self, block: bytes) -> None:
        self._block = block
        self._starts = array("I", [0] if block else [])
        at = block.find(b"\n")
        while at >= 0:  # one small int at a time: no list of 220k objects to fragment the heap
            self._starts.append(at + 1)
            at = block.find(b"\n", at + 1)

    def __len__(self) -> int:
        return len(self._starts)

    def _word(self, index: int) -> bytes:
        start = self._starts[index]
        end = self._starts[index + 1] - 1 if index + 1 < len(self._starts) else len(self._block)
        return self._block[start:end]

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        wanted = word.encode("utf-8")
        index = bisect_left(range(len(self._starts)), wanted, key=self._word)
        return index < len(self._starts) and self._word(index) == wanted

    def __iter__(self):
        return (self._word(i).decode("utf-8") for i in range(len(self._starts)))

    def value(self, key: str) -> str | None:
        """For lines "key<TAB>value": the value of `key`, or None."""
        wanted = f"{key}\t".encode()
        index = bisect_left(range(len(self._starts)), wanted, key=self._word)
        if index < len(self._starts) and self._word(index).startswith(wanted):
            return self._word(index)[len(wanted) :].decode("utf-8")
        return None


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


def _derived_casing() -> tuple[set[str], set[str], set[str]] | None:
    """(common words, proper nouns, clear proper nouns) from the probabilities table: the words
    English writes capitalised, in lower case, by their gap; None without the data."""
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
    return common, proper, clear


def _derived_places() -> set[str]:
    """The capitalised words on the places' branches, in lower case (empty without the data)."""
    text = _table_text("en_lexeme_cluster.json.gz") or ""
    return {
        word.lower()
        for word, path in _CAPITALISED_ENTRY_RE.findall(text)
        if bin(int(path))[:1:-1].startswith(PLACE_BRANCHES)
    }


def derive() -> dict[str, set[str]] | None:
    """The four word lists from spaCy's tables (~2 s, 170 MB peak); None without the data."""
    casing = _derived_casing()
    if casing is None:
        return None
    common, proper, clear = casing
    english = lookups("en_lemma_index.json.gz") or {}
    lemmas = lookups("en_lemma_lookup.json.gz") or {}
    return {
        "common": common,
        "proper": proper - clear,
        "clear": clear,
        "places": _derived_places(),
        **{f"english_{kind}": set(english.get(kind, ())) for kind in ENGLISH_KINDS},
        "lemmas": {f"{form}\t{lemma}" for form, lemma in lemmas.items()},
    }


def _source() -> str:
    """What the derived file was made from: a file from other tables or margins is remade."""
    try:
        version = metadata.version("spacy-lookups-data")
    except metadata.PackageNotFoundError:
        version = "none"
    return (
        f"# proper_nouns v2 spacy-lookups-data={version} margins={CASE_MARGIN},{CLEAR_MARGIN} "
        f"branches={','.join(PLACE_BRANCHES)}"
    )


def write_tables(path: Path = TABLES_FILE, lists: dict[str, set[str]] | None = None) -> Path:
    """The derived word lists written to `path` (atomically: a reader never sees half a file)."""
    lists = derive() if lists is None else lists
    if lists is None:
        raise RuntimeError("spacy-lookups-data is missing: no tables to derive")
    lines = [_source()]
    for section in SECTIONS:
        lines += [f"[{section}]", *sorted(lists[section])]
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    partial.write_text("\n".join(lines) + "\n", encoding="utf-8")
    partial.replace(path)
    return path


def read_tables(path: Path = TABLES_FILE) -> dict[str, WordList] | None:
    """The word lists of a derived file made from the installed tables, or None."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    header, _, body = data.partition(b"\n")
    if header != _source().encode("utf-8"):
        return None
    tables: dict[str, WordList] = {}
    for name, following in zip(SECTIONS, (*SECTIONS[1:], None), strict=True):
        start = body.find(f"[{name}]\n".encode())
        end = len(body) if following is None else body.find(f"[{following}]\n".encode())
        if start < 0 or end < start:
            return None
        tables[name] = WordList.from_lines(body[start + len(name) + 3 : end].rstrip(b"\n"))
    return tables


@lru_cache(maxsize=1)
def _tables() -> dict[str, WordList] | None:
    """The word lists: from the derived file, else derived now (and the file written for the
    next process, where the folder can be written); None without the data."""
    tables = read_tables(TABLES_FILE)
    if tables is not None:
        return tables
    lists = derive()
    if lists is None:
        return None
    with contextlib.suppress(OSError):  # a read-only install: derived in each process
        write_tables(TABLES_FILE, lists)
    return {name: WordList(lists[name]) for name in SECTIONS}


def _casing() -> tuple[WordList, WordList, WordList] | None:
    """(common words, proper nouns that are not clear ones, clear proper nouns)."""
    tables = _tables()
    return None if tables is None else (tables["common"], tables["proper"], tables["clear"])


def _places() -> WordList | frozenset[str]:
    tables = _tables()
    return frozenset() if tables is None else tables["places"]


def english_words() -> dict[str, WordList] | None:
    """WordNet's English words by part of speech ("adj", "adv", "noun", "verb"); None without
    the data."""
    tables = _tables()
    return None if tables is None else {k: tables[f"english_{k}"] for k in ENGLISH_KINDS}


def lemma(word: str) -> str:
    """spaCy's lemma of a word form ("hurts": "hurt"); the word itself when it has none."""
    tables = _tables()
    found = None if tables is None else tables["lemmas"].value(word)
    return word if found is None else found


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
    if plain in clearly or (not clear and plain in proper):
        return True
    if plain in common or plain in proper:
        return False
    return None


if __name__ == "__main__":
    print(write_tables(Path(sys.argv[1]) if len(sys.argv) > 1 else TABLES_FILE))
