"""Numbers that carry a red-flag finding: a blood-pressure reading, a temperature, weeks+days of
pregnancy, rising pain scores."""

import pytest

from headache_core.red_flags.detector import detect
from headache_core.red_flags.readings import (
    blood_pressure_high,
    gestation_written,
    pain_scores_rising,
    temperature_high,
)


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


@pytest.mark.parametrize(
    ("text", "fever"),
    [
        ("Running 102.5 F since this afternoon", True),
        ("she has a 38.9 fever", True),
        ("temp 38.4 this morning", True),
        ("39 degrees and shivering", True),
        ("thermometer says 101", True),
        ("my temperature is normal at 36.8", False),  # a reading, not a fever
        ("I'm 38 weeks pregnant", False),  # weeks, not degrees
        ("he's 39 and has a headache", False),  # an age
        ("running 40 minutes a day", False),
        ("just checked and I'm 38.4", True),  # one decimal in a fever's range is a reading
        ("the jacket was 39.99", False),  # a price has two
        ("I'm 37.5 weeks along", False),
        ("BP 150/95", False),
        ("temp normal, pulse 104", False),  # the naming word is in another clause
        ("I was reading 40 pages a night", False),
        ("the pain came back 3, 5 and 8 weeks after", False),
    ],
)
def test_a_temperature_is_read_with_its_unit_or_its_word(text, fever):
    assert temperature_high(text) is fever


@pytest.mark.parametrize(
    ("text", "rising"),
    [
        ("it was a 2/10, then 4, then 6, now it's 8/10", True),  # bare steps after a score
        ("week 1: 2/10, week 3: 5/10, now 8/10", True),
        ("it was 8/10, then 4, now 2", False),
        ("headache scores by week: 2, 3, 5, 6, 8", True),  # a list after the word
        ("pain 2, 2, 3", False),
        ("headache pain on days 1, 4 and 9 of my cycle", False),  # days, not scores
        ("pain 2, 2 and 2 at first, now 4/10, 6/10, 9/10", True),
        ("it was a 2/10, then 4 sessions later a 6", False),
        ("pain 3/10, then 5 weeks later the same", False),  # weeks, not a score
    ],
)
def test_pain_scores_said_as_steps_are_read(text, rising):
    assert pain_scores_rising(text) is rising


def test_a_temperature_makes_the_fever_a_word_would():
    assert detect("Running 102.5 F, pounding headache, neck too stiff to bend").level == "emergency"
    assert not detect("temperature normal at 36.8, just a stiff neck from the pillow").flags
