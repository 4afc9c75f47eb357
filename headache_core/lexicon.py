"""The cue words people use to say yes, no, "not sure", hello or thanks (`knowledge/lexicon.yml`).

One home for the words every reader of patients' words shares: the screening answers, the handoff
form, the NLU routers and the red-flag detector's context. Each group is loaded once; readers take
it as a set of words (for "is this word a yes?") or as a regular-expression alternation to put
inside their own pattern, so the words live in the file and only the shape lives in code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from headache_core import KNOWLEDGE_DIR

LEXICON_FILE = KNOWLEDGE_DIR / "lexicon.yml"
# Characters with a meaning in a regular expression; a `words` entry matches them as written.
_SPECIAL = frozenset(".^$*+?()[]{}|\\")


class LexiconFileError(ValueError):
    """The lexicon is malformed; the message names the group."""


@dataclass(frozen=True)
class Group:
    name: str
    meaning: str
    words: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()

    def alternatives(self) -> tuple[str, ...]:
        """The group as regular-expression alternatives, in the file's order."""
        return self.patterns or tuple(_escape(w) for w in self.words)


def _escape(word: str) -> str:
    """Only what a regular expression would misread: keeps "don't" and "no one" as written."""
    return "".join(f"\\{c}" if c in _SPECIAL else c for c in word)


def texts(where: str, values: object) -> tuple[str, ...]:
    """YAML reads a bare no/yes/on/off as true/false: insist on quotes rather than guess."""
    if not isinstance(values, list):
        raise LexiconFileError(f"{where}: expected a list")
    for value in values:
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise LexiconFileError(f"{where}: {value!r} is not text; put it in quotes")
    return tuple(str(v) for v in values)


def _group(name: str, raw: dict) -> Group:
    if not str(raw.get("meaning") or "").strip():
        raise LexiconFileError(f"group {name}: no `meaning`")
    if ("words" in raw) == ("patterns" in raw):
        raise LexiconFileError(f"group {name}: give `words` or `patterns`, one of them")
    words = texts(f"group {name} words", raw.get("words", []))
    patterns = texts(f"group {name} patterns", raw.get("patterns", []))
    return Group(name, " ".join(str(raw["meaning"]).split()), words, patterns)


@lru_cache(maxsize=4)
def load_lexicon(path: Path = LEXICON_FILE) -> dict[str, Group]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    unnamed = [name for name in data["groups"] if not isinstance(name, str)]
    if unnamed:  # `yes:` as a key is YAML's true
        raise LexiconFileError(f"group names {unnamed} are not text; put them in quotes")
    return {name: _group(name, raw) for name, raw in data["groups"].items()}


def group(name: str, path: Path = LEXICON_FILE) -> Group:
    try:
        return load_lexicon(path)[name]
    except KeyError:
        raise LexiconFileError(f"{path.name}: no group {name!r}") from None


def phrases(name: str, path: Path = LEXICON_FILE) -> tuple[str, ...]:
    """A `words` group's entries in the file's order (the red-flag cues keep their order)."""
    found = group(name, path)
    if found.patterns:
        raise LexiconFileError(f"group {name} holds patterns, not words")
    return found.words


def word_set(*names: str) -> frozenset[str]:
    """The words of one or more `words` groups, for membership tests."""
    return frozenset(w for name in names for w in phrases(name))


def alternatives(*names: str) -> str:
    """The groups as one alternation ("yes|yeah|..."), to put inside a pattern's group."""
    return "|".join(a for name in names for a in group(name).alternatives())
