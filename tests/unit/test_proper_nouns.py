"""The case evidence the redactor reads names by (issue 29): spaCy's word probabilities and
Brown clusters say which words English writes as proper nouns and which as places; if the
tables read wrong, every capitalised word would be a name or none would."""

from headache_core.proper_nouns import a_place, available, proper_noun


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
