"""The project's spaCy pipeline recognises what the clinician's pattern file says it should."""

import pytest

from headache_core.nlp.patterns import PatternFileError, Phrase, load_phrases, ruler_patterns
from headache_core.nlp.pipeline import load_pipeline

PHRASES = load_phrases()


def entities(text: str) -> set[tuple[str, str]]:
    return {(e.label_, e.ent_id_) for e in load_pipeline()(text).ents}


@pytest.mark.parametrize("phrase", PHRASES, ids=lambda p: f"{p.label}/{p.value}/{p.text}")
def test_every_phrase_is_recognised_in_a_sentence(phrase):
    assert (phrase.label, phrase.value) in entities(f"well, {phrase.text} is why I asked")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Muscles at the BASE OF MY SKULL are tight", ("body_part", "suboccipital")),
        ("pain between my shoulder blades", ("body_part", "upper_back")),
        ("my upper traps are in knots", ("body_part", "trapezius")),
        ("always on the right side", ("side", "right")),
        ("it swaps sides", ("side", "alternating")),
        ("I stretched with chin tucks", ("treatment", "exercise")),
        ("hunched over my laptop all day", ("posture", "desk")),
        ("Is this a Migraine?", ("headache_type", "migraine")),
        ("how much does it cost", ("clinic_topic", "prices")),
        ("how long are the appointments usually", ("clinic_topic", "prices")),  # they say
    ],
)
def test_patient_wording_maps_to_canonical_values(text, expected):
    assert expected in entities(text)


def test_lemmatizer_ignores_case():
    doc = load_pipeline()("Muscles STRETCHES headaches")
    assert [t.lemma_ for t in doc] == ["muscle", "stretch", "headache"]


def test_unrelated_text_has_no_entities():
    assert entities("who won the football last night") == set()


def test_pattern_file_without_source_is_rejected(tmp_path):
    bad = tmp_path / "patterns.yml"
    bad.write_text("labels:\n  side:\n    values:\n      left:\n        phrases: [left]\n")
    with pytest.raises(PatternFileError, match="left has no source"):
        load_phrases(bad)


def test_pattern_file_with_unknown_match_mode_is_rejected(tmp_path):
    bad = tmp_path / "patterns.yml"
    bad.write_text("labels:\n  side:\n    match: fuzzy\n    values: {}\n")
    with pytest.raises(PatternFileError, match="match must be one of"):
        load_phrases(bad)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (Phrase("side", "left", "lhs", "lower"), Phrase("side", "right", "LHS", "lower")),
        # the lookup lemmatizer reads "number" as a form of "numb"
        (Phrase("symptom", "numbness", "numb", "lemma"), Phrase("x", "contact", "number", "lemma")),
    ],
)
def test_two_values_matching_the_same_words_are_rejected(first, second):
    lemmatize = load_pipeline().get_pipe("lowercase_lemmatizer")

    def tokenize(text):
        return ((t.lower_, t.lemma_) for t in lemmatize(load_pipeline().make_doc(text)))

    with pytest.raises(PatternFileError, match="matches the same words as"):
        ruler_patterns([first, second], tokenize)
