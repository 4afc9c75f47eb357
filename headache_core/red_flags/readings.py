"""Numbers that carry a finding without words: a blood-pressure reading, a temperature, a
pregnancy in weeks, pain scores that keep rising.

"Home BP 152/98", "37+2" (weeks+days of pregnancy, as midwives write it) and "week 1: 2/10 ...
week 6: 7/10" say what "high blood pressure", "pregnant" and "getting worse every week" say; the
phrase rules cannot read numbers, so these do.
Thresholds: clinical-reference.md §2 (pre-eclampsia: raised blood pressure, NICE NG133 >= 140/90;
fever: 38 °C / 100.4 °F or more, NICE NG143).
"""

import re

# a temperature: a number with a unit ("102.5 F", "38.9°C", "39 degrees"), or one right after a
# word that names it ("temp 38.4", "running 102", "a 38.9 fever")
_TEMP_UNIT = re.compile(
    r"(?<![\d.£$€])(\d{2,3}(?:\.\d{1,2})?)\s*(?:°\s*|º\s*|deg(?:rees?)?\s*)?"
    r"(c|f|celsius|fahrenheit|centigrade)?\b(?!\s*(?:weeks?|wks?|days?|years?|yrs?|hours?|hrs?|min|mins|minutes?|"
    r"kg|lbs?|km|k|miles?|mph|bpm|am|pm|times|%|/|\+))",
    re.I,
)
_TEMP_WORDS = re.compile(
    r"\b(temp|temps|temperature|temperatures|fever|feverish|thermometer|running|reading|read|"
    r"spiked?|spiking|burning|boiling)\b",
    re.I,
)
FEVER_C, FEVER_F = 38.0, 100.4

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


def _temperature(value: float, unit: str) -> float | None:
    """The reading in °C, or None when it cannot be a body temperature in that unit."""
    unit = (unit or "").lower()[:1]
    if unit in ("c", "") and 34 <= value <= 43:
        return value
    if unit in ("f", "") and 93 <= value <= 110:
        return round((value - 32) * 5 / 9, 1)
    return None


def temperatures(text: str) -> list[float]:
    """The body temperatures a message gives, in °C: numbers with a unit or a degree sign, or
    named by a word just before or after them ("temp 38.4", "a 38.9 fever")."""
    found = []
    for match in _TEMP_UNIT.finditer(text):
        value, unit = float(match.group(1)), match.group(2)
        # one decimal in a fever's range is a reading ("just checked and I'm 38.4"): ages and
        # counts are whole numbers, prices have two decimals
        marked = (
            unit
            or re.search(r"°|º|deg", match.group(0), re.I)
            or re.fullmatch(r"\d{2,3}\.\d", match.group(1))
        )
        before = text[max(0, match.start() - 25) : match.start()]
        after = text[match.end() : match.end() + 12]
        named = _TEMP_WORDS.search(before) or re.match(r"\s*(fever|temp)", after, re.I)
        if not (marked or named):
            continue
        celsius = _temperature(value, unit or "")
        if celsius is not None:
            found.append(celsius)
    return found


def temperature_high(text: str) -> bool:
    """A fever given as a number: 38 °C (100.4 °F) or more ("running 102.5 F", "38.9 fever");
    "normal at 36.8" is no fever."""
    return any(t >= FEVER_C for t in temperatures(text))


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


# after a first score, a bare number said as the next step counts too: "a 2/10, then 4, then 6"
_NEXT_SCORE = re.compile(
    r"\b(?:then|now|to|and now|now it's|now its|now it is)\s+(?:a\s+)?(\d{1,2})\b(?!\s*(?:/|out\b|"
    r"weeks?|days?|months?|years?|hours?|times|am|pm|[:.]\d))",
    re.I,
)


# scores listed after the word: "headache scores by week: 2, 3, 5, 6, 8"
_SCORE_LIST = re.compile(
    r"\b(?:scores?|pain|rated?|ratings?)\b[^.\d]{0,30}((?:\d{1,2}\s*(?:,|and|then)\s*){2,}\d{1,2})\b",
    re.I,
)


def _scores(text: str) -> list[int]:
    """Pain scores in the order told: "7/10", "7 out of 10", a list after the word ("scores by
    week: 2, 3, 5"), and after the first such score, numbers said as the next step ("then 4",
    "now 8/10")."""
    listed = _SCORE_LIST.search(text)
    if listed:
        return [int(n) for n in re.findall(r"\d{1,2}", listed.group(1)) if int(n) <= 10]
    marked = [(m.start(), int(m.group(1))) for m in _SCORE.finditer(text)]
    if not marked:
        return []
    first = marked[0][0]
    steps = [(m.start(1), int(m.group(1))) for m in _NEXT_SCORE.finditer(text) if m.start() > first]
    return [n for _, n in sorted(marked + steps) if n <= 10]


def pain_scores_rising(text: str) -> bool:
    """Three or more pain scores in the order told, never falling and ending at least 3 points
    above the first ("2/10 ... 4/10 ... 7/10", "a 2/10, then 4, then 6"): a steadily worsening
    headache."""
    scores = _scores(text)
    return (
        len(scores) >= RISING_SCORES
        and all(a <= b for a, b in zip(scores, scores[1:], strict=False))
        and scores[-1] - scores[0] >= 3
    )
