"""The lexicon is the one home of the cue words: every group is read where it says, every reader
takes its words from it, and a malformed file is refused rather than guessed at."""

import ast
import re

import pytest
import yaml

from headache_core.lexicon import (
    LEXICON_FILE,
    LexiconFileError,
    alternatives,
    load_lexicon,
    word_set,
)
from tests.conftest import ROOT

GROUPS = load_lexicon()
RAW_GROUPS = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8"))["groups"]
SOURCE_DIRS = ("headache_core", "components", "actions")
# Cue words that only the lexicon may hold: found in code, they are a second home.
CUE_LITERALS = ("nope", "yeah", "yep", "nah", "dunno", "no idea", "perhaps", "i forget",
                "howdy", "cheers", "thankyou", r"my\s+(?:full", "my name is")  # fmt: skip


def _code_strings(path) -> list[tuple[int, str]]:
    """The string constants of a module, without its docstrings (prose may quote a cue)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value.lower())
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        and id(node) not in docstrings
    ]  # fmt: skip


def _cue_literals_in(path) -> list[str]:
    found = []
    for line, text in _code_strings(path):
        for cue in CUE_LITERALS:
            if re.search(rf"(?<![a-z]){re.escape(cue)}(?![a-z])", text):
                found.append(f"{path}:{line}: {cue!r}")
    return found


def test_no_cue_word_is_written_outside_the_lexicon():
    found = [
        hit for folder in SOURCE_DIRS for path in sorted((ROOT / folder).rglob("*.py"))
        for hit in _cue_literals_in(path)
    ]  # fmt: skip
    assert not found


def test_the_scan_finds_a_cue_word_written_in_code(tmp_path):
    module = tmp_path / "x.py"
    module.write_text('"""Says nope."""\nNO = re.compile(r"\\b(no|nope)\\b")\n')
    assert _cue_literals_in(module) == [f"{module}:2: 'nope'"]


@pytest.mark.parametrize("name", sorted(GROUPS))
def test_every_group_is_read_where_it_says(name):
    """`used_by` is true: each file it names reads the group by name, and some file does."""
    used_by = RAW_GROUPS[name].get("used_by") or []
    assert used_by, f"{name}: no used_by"
    quoted = (f"'{name}'", f'"{name}"')
    silent = [p for p in used_by if not any(q in (ROOT / p).read_text() for q in quoted)]
    assert not silent, f"{name} is not read by {silent}"


@pytest.mark.parametrize("name", sorted(GROUPS))
def test_every_group_compiles_as_a_pattern(name):
    assert GROUPS[name].meaning
    assert re.compile(rf"\b({alternatives(name)})\b", re.I).search("") is None


def test_words_are_matched_as_written():
    pattern = re.compile(rf"^({alternatives('nothing_to_add_whole')})$")
    assert pattern.match("n a") and not pattern.match("nxa")
    assert {"yes", "yeah", "no", "nope"} <= word_set("plain_yes", "plain_no")


@pytest.mark.parametrize(
    ("before", "after", "message"),
    [
        ('words: ["yes", yeah,', "words: [yes, yeah,", "put it in quotes"),
        ("  plain_yes:\n", "  yes:\n", "not text; put them in quotes"),
        ('    meaning: "A plain no, as people type it."\n', "", "no `meaning`"),
    ],
)
def test_a_malformed_lexicon_is_refused(tmp_path, before, after, message):
    text = LEXICON_FILE.read_text(encoding="utf-8")
    assert before in text
    bad = tmp_path / "lexicon.yml"
    bad.write_text(text.replace(before, after, 1), encoding="utf-8")
    with pytest.raises(LexiconFileError, match=re.escape(message)):
        load_lexicon(bad)
