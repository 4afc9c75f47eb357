"""Numbers that carry a red-flag finding: a blood-pressure reading, weeks+days of pregnancy."""

import pytest

from headache_core.red_flags.detector import detect
from headache_core.red_flags.readings import blood_pressure_high, gestation_written


@pytest.mark.parametrize(
    ("text", "high"),
    [
        ("Home BP 152/98.", True),
        ("my blood pressure was 135/95 this morning", True),
        ("bp 120/80 at the gp", False),
        ("pain 10/10 since lunch", False),  # a pain score, not a reading
        ("reading of 9/10 for the pain", False),
        ("the 12/06 appointment", False),
        ("my BP was 200 over 120 this morning", True),  # said in words
        ("blood pressure 120 over 80, fine", False),
        ("I'm over 60 and my pressure is ok", False),
    ],
)
def test_a_high_blood_pressure_reading_is_read(text, high):
    assert blood_pressure_high(text) is high


@pytest.mark.parametrize(
    ("text", "written"),
    [("First baby, 37+2.", True), ("I'm 28+5 today", True), ("2+2 is 4", False),
     ("37 + 12 days", False), ("score 10+3", False)],
)  # fmt: skip
def test_weeks_and_days_of_pregnancy_are_read(text, written):
    assert gestation_written(text) is written


def test_the_numbers_alone_make_the_flag_the_words_would():
    assert "pre_eclampsia" in detect("37+2, headache since 6am, home BP 152/98").flag_ids
    assert detect("bp 118/76, mild headache after work").flags == ()
