"""Bad input is cleaned and named, never passed on raw and never a crash."""

import importlib

import pytest

from headache_core import input_check
from headache_core.input_check import MAX_CHARS, check_text


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("", "empty"),
        ("   \n\t  ", "empty"),
        (None, "empty"),
        ("😀🙏🔥", "no_words"),
        ("!!! ???", "no_words"),
        ("x" * 10_000, "too_long"),
        ("<b>why</b> does my neck hurt", "markup"),
        ("&lt;script&gt;alert(1)&lt;/script&gt; hi", "markup"),
        ("hi\x00 there\x1b", "control_chars"),
        ("hola, tengo dolor de cabeza muy fuerte desde ayer", "not_english"),
        ("Ich habe seit drei Tagen starke Kopfschmerzen", "not_english"),
        ("у меня болит голова и шея", "not_english"),
        ("頭痛がします", "not_english"),
    ],
)
def test_problem_is_named(raw, problem):
    assert problem in check_text(raw).problems


@pytest.mark.parametrize(
    "text",
    [
        "what causes headaches?",
        "neck pain",
        "my nek is sooo stiff tbh and i get hedaches every arvo at my desk",
        "Is a cervicogenic headache the same as a migraine?",
        "Café opening hours?",
        "45",
        "100%",
        "u ok hun",  # chat English, not Dutch
        "hi hi, how's things",
    ],
)
def test_ordinary_messages_pass_unchanged(text):
    checked = check_text(text)
    assert checked.problems == frozenset() and checked.text == text and checked.understandable


def test_script_content_is_removed_not_just_the_tags():
    checked = check_text("<script>alert('x')</script>why does my neck hurt")
    assert checked.text == "why does my neck hurt"


def test_long_message_is_cut_to_the_limit():
    assert len(check_text("neck ache " * 3000).text) <= MAX_CHARS


def test_unreadable_messages_are_flagged_as_such():
    assert not check_text("😀").understandable
    assert check_text("<i>neck</i>").understandable


def test_no_training_example_is_mistaken_for_another_language_or_noise():
    """Patients' English (slang, typos, 'r u a bot') must reach the classifier."""
    from tests.conftest import ROOT, nlu_examples

    flagged = [
        example
        for path in sorted((ROOT / "data" / "nlu").glob("*.yml"))
        for examples in nlu_examples(path).values()
        for example in examples
        if not check_text(example).understandable
    ]
    assert flagged == []


# French loads spaCy's whole French package (its tokenizer exceptions): 4-5 s for one list
@pytest.mark.parametrize(
    "language",
    ["en", "es", pytest.param("fr", marks=pytest.mark.slow), "de", "it", "pt", "nl", "pl"],
)
def test_stop_words_are_spacys_lists(language):
    module = importlib.import_module(f"spacy.lang.{language}.stop_words")
    assert input_check.stop_words(language) == frozenset(module.STOP_WORDS)


def test_an_unknown_language_is_an_import_error():
    with pytest.raises((ImportError, FileNotFoundError)):
        input_check.stop_words("xx-not-a-language")
