"""Spelling repair of clinical words: typos get the meant lemma, real words and names do not."""

import pytest

from headache_core.nlp.pipeline import load_pipeline
from headache_core.nlp.spelling import ClinicalSpelling, edit_distance, vocabulary_words
from headache_core.red_flags.detector import detect


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("vision", "vision", 0),
        ("vison", "vision", 1),  # a letter dropped
        ("numbbness", "numbness", 1),  # one added
        ("nausae", "nausea", 1),  # two swapped
        ("stiffnes", "stiffness", 1),
        ("heacahe", "headache", 2),
        ("shoulder", "elbow", 3),  # past the limit: limit + 1
    ],
)
def test_edit_distance(a, b, distance):
    assert edit_distance(a, b, limit=2) == distance


def test_vocabulary_takes_the_words_of_the_phrase_language():
    words = vocabulary_words(["can't|cannot swallow", "room ... spin|spins|spinning", "#num weeks"])
    assert words == {"cannot", "swallow", "spins", "spinning", "weeks"}  # 5 letters or more


def _repair() -> ClinicalSpelling:
    return ClinicalSpelling(
        {
            "vision": "vision",
            "vomiting": "vomit",
            "vomit": "vomit",
            "stiff": "stiff",
            "still": "still",
        },
        known={"visit"},
    )


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("vison", "vision"), ("vomitting", "vomit"), ("vommiting", "vomit"), ("vomitt", "vomit")],
)
def test_a_typo_of_one_clinical_word_gets_its_lemma(typed, meant):
    assert _repair().meant(typed) == meant


@pytest.mark.parametrize(
    "typed",
    [
        "visit",  # an English word is never changed
        "stilf",  # one edit from both "stiff" and "still" (different lemmas): left alone
        "bision",  # typos keep the first letter; a different first letter is another word
        "vsn",  # too short to guess
        "vomitting123",  # not a word
    ],
)
def test_unclear_or_real_words_are_left_alone(typed):
    assert _repair().meant(typed) is None


def test_a_commoner_english_word_as_near_wins_over_the_clinical_one():
    repair = ClinicalSpelling(
        {"sneeze": "sneeze", "vision": "vision"},
        known={"squeeze", "visor"},
        log_prob={"squeeze": -11.6, "sneeze": -14.1, "vision": -10.8, "visor": -15.3},
    )
    assert repair.meant("sqeeze") is None  # "squeeze" is likelier than "sneeze"
    assert repair.meant("vison") == "vision"  # "vision" is far likelier than "visor"


def test_a_doubled_letter_is_the_likeliest_typo():
    repair = ClinicalSpelling({"coming": "come", "combing": "comb"}, known=())
    assert repair.meant("comming") == "come"


@pytest.mark.parametrize(
    ("text", "word", "lemma"),
    [
        ("my vission went blurry", "vission", "vision"),
        ("real bad hedache today", "hedache", "headache"),
        ("i keep vommiting", "vommiting", "vomit"),
        ("my neck is so stif", "stif", "stif"),  # 4 letters: left as typed
        ("my friend jessica said", "jessica", "jessica"),
    ],
)
def test_the_saved_pipeline_repairs_typos_and_keeps_other_words(text, word, lemma):
    doc = load_pipeline()(text)
    assert next(t.lemma_ for t in doc if t.text == word) == lemma


@pytest.mark.parametrize(
    "text",
    [
        "woke up with the worst heachache of my life out of nowhere",
        "sudden headache and my vission has gone double",
        "my mum has a hedache and her speach is slurred",
    ],
)
def test_red_flags_are_found_through_typos(text):
    assert detect(text).level == "emergency"
