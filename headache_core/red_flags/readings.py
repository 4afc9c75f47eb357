"""Numbers that carry a finding without words: a blood-pressure reading, a temperature, a
pregnancy in weeks, pain scores that keep rising.

"Home BP 152/98", "37+2" (weeks+days of pregnancy, as midwives write it) and "week 1: 2/10 ...
week 6: 7/10" say what "high blood pressure", "pregnant" and "getting worse every week" say; the
phrase rules cannot read numbers, so these do.
Thresholds: clinical-reference.md §2 (pre-eclampsia: raised blood pressure, NICE NG133 >= 140/90;
fever: 38 °C / 100.4 °F or more, NICE NG143).
"""

import re

# a temperature: a number with a unit ("102.5 F", "38.9°C", "39 degrees"), one decimal in a
# fever's range ("I'm 38.4": ages and counts are whole numbers, prices have two decimals), or a
# number named by a word in its clause ("temp 38.4", "a 38.9 fever")
_TEMP_NUMBER = re.compile(
    r"(?<![\d./£$€])(\d{2,3}(?:\.\d{1,2})?)\s*(°\s*|º\s*|deg(?:rees?)?\s*)?"
    r"(c|f|celsius|fahrenheit|centigrade)?\b(?!\s*(?:weeks?|wks?|days?|years?|yrs?|hours?|hrs?|"
    r"min|mins|minutes?|kg|lbs?|km|k|miles?|mph|bpm|am|pm|times|pages|%|/|\+))",
    re.I,
)
_TEMP_WORDS = re.compile(
    r"\b(temp|temps|temperature|temperatures|fever|feverish|thermometer|running|spiked?|spiking)\b",
    re.I,
)
# a number in the same clause as these is not the person's temperature ("40C outside", "BMI 39")
_NOT_BODY = re.compile(
    r"\b(outside|heatwave|weather|forecast|sun|oven|bath|water|room|car|pulse|heart\s+rate|bmi|"
    r"weigh|weighs|weight|sats|oxygen|glucose|sugar|bp|blood\s+pressure)\b",
    re.I,
)
# ... nor one dated in the past ("it was 38.5 last week")
_PAST = re.compile(r"\b(last\s+(week|month|year)|(weeks|months|years)\s+ago)\b", re.I)
_CLAUSE_END = re.compile(r"[,;:!?]|\.(?!\d)")
NAMING_WINDOW = 25  # characters before the number in which a naming word counts
FEVER_C = 38.0


def _temperature(value: float, unit: str) -> float | None:
    """The reading in °C, or None when it cannot be a body temperature in that unit."""
    unit = unit.lower()[:1]
    if unit in ("c", "") and 34 <= value <= 43:
        return value
    if unit in ("f", "") and 93 <= value <= 110:
        return round((value - 32) * 5 / 9, 1)
    return None


def _clause_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The characters of the clause a number sits in (between punctuation marks)."""
    left = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    right = next((m.start() for m in _CLAUSE_END.finditer(text, end)), len(text))
    return left, right


def temperature_readings(text: str) -> list[tuple[int, int, float]]:
    """The body temperatures a message gives: (start, end, °C) for each number with a unit or a
    degree sign, one decimal in a fever's range, or a naming word in its clause."""
    found: list[tuple[int, int, float]] = []
    for match in _TEMP_NUMBER.finditer(text):
        number, degree, unit = match.group(1), match.group(2), match.group(3) or ""
        left, right = _clause_around(text, match.start(), match.end())
        if _NOT_BODY.search(text, left, right) or _PAST.search(text, left, right):
            continue
        before = text[max(left, match.start() - NAMING_WINDOW) : match.start()]
        after = text[match.end() : right]
        named = _TEMP_WORDS.search(before) or re.match(r"\s*(fever|temp)", after, re.I)
        if not (unit or degree or re.fullmatch(r"\d{2,3}\.\d", number) or named):
            continue
        celsius = _temperature(float(number), unit)
        if celsius is not None:
            found.append((match.start(), match.end(), celsius))
    return found


def high_temperatures(text: str) -> list[tuple[int, int]]:
    """Where a message gives a fever as a number: 38 °C (100.4 °F) or more ("running 102.5 F",
    "a 38.9 fever"); "normal at 36.8" is none. The detector checks each for a denial or a
    what-if ("what if it hits 39?") as it does a phrase."""
    return [
        (start, end) for start, end, celsius in temperature_readings(text) if celsius >= FEVER_C
    ]


def temperature_high(text: str) -> bool:
    """Whether a message gives a fever as a number (the detector reads `high_temperatures`)."""
    return bool(high_temperatures(text))


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


# after a first score, a bare number said as the next step counts too: "a 2/10, then 4, then 6"
_NOT_A_SCORE = (
    r"(?!\s*(?:/|out\b|weeks?|days?|months?|years?|hours?|times|sessions?|later|of\b|am\b|pm\b"
    r"|[:.]\d))"
)
_NEXT_SCORE = re.compile(
    r"\b(?:then|now|to|and now|now it's|now its|now it is)\s+(?:a\s+)?(\d{1,2})\b" + _NOT_A_SCORE,
    re.I,
)
# scores listed after the word: "headache scores by week: 2, 3, 5, 6, 8"
_SCORE_LIST = re.compile(
    r"\b(?:scores?|rated?|ratings?)\b[^.\d]{0,30}((?:\d{1,2}\s*(?:,|and|then)\s*){2,}\d{1,2})\b"
    + _NOT_A_SCORE,
    re.I,
)


def _scores(text: str) -> list[int]:
    """Pain scores in the order told: "7/10", "7 out of 10", a list after the word ("scores by
    week: 2, 3, 5"), and after the first such score, numbers said as the next step ("then 4",
    "now 8/10")."""
    found = {m.start(): int(m.group(1)) for m in _SCORE.finditer(text)}
    for listed in _SCORE_LIST.finditer(text):
        for number in re.finditer(r"\d{1,2}", listed.group(1)):
            found.setdefault(listed.start(1) + number.start(), int(number.group()))
    if not found:
        return []
    first = min(found)
    for m in _NEXT_SCORE.finditer(text):
        if m.start() > first:
            found.setdefault(m.start(1), int(m.group(1)))
    return [n for _, n in sorted(found.items()) if n <= 10]


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
