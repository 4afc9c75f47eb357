"""The sentence-encoder red-flag detector (headache_core/red_flags/encoder.py)."""

import pytest

from headache_core.red_flags.detector import default_detector, detect
from headache_core.red_flags.encoder import (
    ExemplarFileError,
    default_encoder_detector,
    load_exemplars,
    units,
)


@pytest.fixture(scope="module")
def encoder():
    return default_encoder_detector()


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("the left side of her face has gone all saggy", "facial_droop"),
        ("her smile has gone lopsided", "facial_droop"),
        ("his words are coming out jumbled up", "speech_trouble"),
    ],
)
def test_a_concept_said_without_the_rules_words_is_heard(encoder, text, concept):
    assert concept in encoder.concepts(text)


@pytest.mark.parametrize(
    "text",
    [
        "is a drooping face always a stroke?",  # a question
        "no fever at all and my neck moves fine",  # denied (the rules' own cue words)
        "my desk job gives me a stiff neck by friday",
        "this spreadsheet is killing me",
    ],
)
def test_questions_denials_and_everyday_words_are_not(encoder, text):
    assert not encoder.concepts(text)


def test_a_flag_found_by_meaning_says_the_encoder_found_it():
    detection = detect("the left side of her face has gone all saggy since lunch")
    assert detection.flag_ids == ["neurological_deficit"]
    hit = detection.flags[0]
    assert hit.detector in ("encoder", "rules+encoder")
    assert any("like '" in words for words in hit.evidence)  # the exemplar it was close to


def test_a_question_clause_is_marked_even_after_a_report():
    found = dict(units("my neck is stiff and I have a fever, is that meningitis?"))
    assert found["my neck is stiff"] is False
    assert found["is that meningitis"] is True


def test_every_exemplar_names_a_concept_of_the_rules_with_a_source():
    exemplars = load_exemplars()
    assert len(exemplars.texts) > 500
    assert None in exemplars.labels  # negatives


def test_an_unknown_concept_is_refused(tmp_path):
    path = tmp_path / "exemplars.yml"
    path.write_text(
        'exemplars_version: "x"\nconcepts:\n  nosuch:\n    source: "s"\n    exemplars: ["a b"]\n'
        'negatives:\n  exemplars: ["c d"]\n'
    )
    with pytest.raises(ExemplarFileError, match="nosuch"):
        load_exemplars(path)


def test_neck_pressure_that_brings_on_the_headache_is_not_exertion():
    """A neck-headache sign (Sjaastad I a2), read as exertion by the encoder before."""
    text = "when my partner presses on the back of my neck it sets off my usual headache"
    assert "valsalva_triggered" not in detect(text).flag_ids
    assert "valsalva_triggered" in detect("my head pounds when I lift weights at the gym").flag_ids


def test_a_concepts_except_words_hold_for_meaning_too():
    # the encoder hears "had a baby" in this clause; the pregnancy concept's `except` says a
    # birth months ago is past the 6-week window, for the encoder as for the phrases
    text = "Had my baby 8 months ago and since going back to work I've got neck headaches"
    assert "pregnancy" not in default_detector().present_concepts(default_detector().nlp(text))
    assert "pregnancy_postpartum" in detect("had my baby 3 weeks ago, headaches since").flag_ids
