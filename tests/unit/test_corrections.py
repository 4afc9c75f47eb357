"""Corrections to an earlier handoff answer, read from the words alone."""

from datetime import date

import pytest

from headache_core.handoff.corrections import Correction, find_correction

TODAY = date(2026, 11, 26)
ALL = {"contact_name", "contact_details", "preferred_times", "handoff_note"}


def correction(text: str, answered: set[str] = ALL, cue_needed: bool = True):
    return find_correction(text, answered, "GB", TODAY, cue_needed=cue_needed)


@pytest.mark.parametrize(
    ("text", "slot"),
    [
        ("no wait the number is wrong its 07700 900132 sorry", "contact_details"),
        ("actually use jo@example.com instead", "contact_details"),
        ("oh wait, my full name is Linda Park-Jones", "contact_name"),
        ("actually weekday evenings are better", "preferred_times"),
        ("sorry, it's Linda, not Lynda", "contact_name"),
    ],
)
def test_a_cued_correction_carries_its_new_value(text: str, slot: str) -> None:
    assert correction(text) == Correction(slot, True)


@pytest.mark.parametrize(
    ("text", "slot"),
    [
        ("can I change my number?", "contact_details"),
        ("I need to change the time", "preferred_times"),
        ("could I correct my name", "contact_name"),
        ("actually can I change the note", "handoff_note"),
    ],
)
def test_asking_to_change_names_the_question_to_ask_again(text: str, slot: str) -> None:
    assert correction(text) == Correction(slot, False)


@pytest.mark.parametrize(
    "text",
    [
        "weekday evenings",  # an answer to the times question, not a correction: no cue
        "my neck is worse in the mornings",
        "actually I have a question about parking",
    ],
)
def test_answers_and_side_questions_are_not_corrections(text: str) -> None:
    assert correction(text) is None


@pytest.mark.parametrize("text", ["07700 900132", "my email is jo@example.com"])
def test_a_new_number_or_email_changes_the_answer_without_a_cue(text: str) -> None:
    """A phone number or e-mail is never a note or a time (issue 27: a changed e-mail at the
    note question became the note)."""
    assert correction(text) == Correction("contact_details", True)


def test_only_answered_questions_can_be_corrected() -> None:
    assert correction("actually, 07700 900132", answered={"contact_name"}) is None


def test_at_the_read_back_a_new_value_needs_no_cue() -> None:
    found = correction("not evenings, mornings only", cue_needed=False)
    assert found == Correction("preferred_times", True)
    assert correction("yes that's right", cue_needed=False) is None
