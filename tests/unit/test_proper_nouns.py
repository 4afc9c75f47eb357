"""The case evidence the redactor reads names by (issue 29): spaCy's word probabilities and
Brown clusters say which words English writes as proper nouns and which as places; if the
tables read wrong, every capitalised word would be a name or none would."""

from headache_core import proper_nouns
from headache_core.proper_nouns import (
    SECTIONS,
    WordList,
    a_place,
    available,
    proper_noun,
    read_tables,
    write_tables,
)


def test_the_tables_are_read():
    assert available()


def test_names_are_proper_nouns_and_words_are_not():
    assert [proper_noun(w) for w in ("Sarah", "lorenzo", "Zhou")] == [True, True, True]
    assert [proper_noun(w) for w in ("comfort", "Will", "migraine", "Physio")] == [False] * 4


def test_a_word_seen_in_neither_case_is_unknown():
    assert proper_noun("Adebayo-Quist") is None


def test_clear_proper_nouns_are_fewer():
    assert proper_noun("Sarah", clear=True) is True
    assert proper_noun("Zainab") is True and proper_noun("Zainab", clear=True) is False


def test_towns_and_brands_are_places_and_names_are_not():
    assert all(a_place(w) for w in ("London", "Birmingham", "Venice", "Yorkshire", "Uber"))
    assert not any(a_place(w) for w in ("Sarah", "Priya", "Okafor", "Lorenzo", "Smith"))


# --- the compact tables: the same verdicts in a few MB instead of ~80 MB per process ---------


def test_a_word_list_holds_exactly_its_words():
    words = {"zhou", "ménière", "a", "sarah", "sara", "zz"}
    listed = WordList(words)
    assert list(listed) == sorted(words) and len(listed) == len(words)
    assert all(w in listed for w in words)
    assert not any(w in listed for w in ("", "sar", "sarahs", "b", "zzz", "menière", 3))
    assert "x" not in WordList([])


def test_a_word_list_of_pairs_gives_a_words_value():
    pairs = WordList(["hurts\thurt", "hurt\thurt", "went\tgo", "wen\twe"])
    assert [pairs.value(w) for w in ("hurts", "went", "wen", "hur", "goes")] == [
        "hurt",
        "go",
        "we",
        None,
        None,
    ]


def test_the_derived_file_is_read_back_as_written_and_refused_when_stale(tmp_path):
    lists = {name: {f"{name}1", f"{name}2"} for name in SECTIONS}
    path = write_tables(tmp_path / "words.txt", lists)
    tables = read_tables(path)
    assert {name: list(tables[name]) for name in SECTIONS} == {
        name: sorted(words) for name, words in lists.items()
    }
    path.write_text(path.read_text().replace("v2", "v0", 1))
    assert read_tables(path) is None
    assert read_tables(tmp_path / "missing.txt") is None


def test_the_compact_tables_say_what_the_spacy_tables_say():
    """The derived word lists, as the redactor holds them, are the lists derived from spaCy's
    tables: no verdict changes with the compact form."""
    derived = proper_nouns.derive()
    held = proper_nouns._tables()
    assert derived is not None and held is not None
    for name in SECTIONS:
        assert list(held[name]) == sorted(derived[name]), name
    assert "sarah" in held["clear"] and "comfort" in held["common"]
    assert proper_nouns.lemma("hurts") == "hurt" and proper_nouns.lemma("qzxv") == "qzxv"
