"""Numbers that carry a finding without words: a blood-pressure reading, a pregnancy in weeks,
pain scores that keep rising.

"Home BP 152/98", "37+2" (weeks+days of pregnancy, as midwives write it) and "week 1: 2/10 ...
week 6: 7/10" say what "high blood pressure", "pregnant" and "getting worse every week" say; the
phrase rules cannot read numbers, so these do.
Thresholds: clinical-reference.md §2 (pre-eclampsia: raised blood pressure, NICE NG133 >= 140/90).
"""

import re

# systolic/diastolic ("190/115", "200 over 120") named as blood pressure nearby; 2-3 digits each
_READING = re.compile(r"(?<![\d/.])(\d{2,3})\s*(?:/|\bover\b)\s*(\d{2,3})(?!\d|[./]\d)", re.I)
_BP_WORDS = re.compile(r"\b(bp|blood\s+pressure|pressure|reading|mmhg)\b", re.I)
# 24+0 .. 42+6: weeks and days of gestation
# a pain score: "7/10", "7 / 10", "7 out of 10" (not "10/10" as a date's day/month: a score is
# out of 10 only)
_SCORE = re.compile(r"(?<![\d/.])(\d{1,2})\s*(?:/\s*10|out\s+of\s+10)(?!\d)", re.I)
RISING_SCORES = 3  # at least this many scores, never falling, the last 3 or more above the first
_GESTATION = re.compile(r"(?<![\d.+])(2[4-9]|3\d|4[0-2])\s*\+\s*[0-6](?!\d|[.+]\d)")


def blood_pressure_high(text: str) -> bool:
    """A reading of 140/90 or more, named as blood pressure (so "10/10 pain" is no reading)."""
    if not _BP_WORDS.search(text):
        return False
    for systolic, diastolic in _READING.findall(text):
        high, low = int(systolic), int(diastolic)
        if 60 <= high <= 300 and 30 <= low < high and (high >= 140 or low >= 90):
            return True
    return False


# "33 weeks, headache since this morning": a message that opens with a late pregnancy's weeks
_OPENING_WEEKS = re.compile(
    r"^\W*(2\d|3\d|4[0-2])\s*(?:weeks?|wks?)\b(?!\s*(?:ago|of|since|into|off|out|later|after"
    r"|before|post|now|in|on|at|with|and))",
    re.I,
)


def gestation_written(text: str) -> bool:
    """Weeks of a pregnancy written as midwives do ("37+2"), or opening a message ("33 weeks,
    headache since this morning")."""
    return _GESTATION.search(text) is not None or _OPENING_WEEKS.search(text) is not None


def pain_scores_rising(text: str) -> bool:
    """Three or more pain scores in the order told, never falling and ending at least 3 points
    above the first ("2/10 ... 4/10 ... 7/10"): a steadily worsening headache."""
    scores = [int(n) for n in _SCORE.findall(text) if int(n) <= 10]
    return (
        len(scores) >= RISING_SCORES
        and all(a <= b for a, b in zip(scores, scores[1:], strict=False))
        and scores[-1] - scores[0] >= 3
    )
