"""Ages as patients write them: "I'm 45", "forty five", "63 yo", "in my late fifties".

Used by the red-flag detector (new headache after 50) and the screening form's age question.
"""

import re

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
DECADES = {
    "twenties": 20, "thirties": 30, "forties": 40, "fourties": 40, "fifties": 50,
    "sixties": 60, "seventies": 70, "eighties": 80, "nineties": 90,
}  # fmt: skip
_WORD_NUMBER = (
    rf"(?:(?:{'|'.join(TENS)})(?:[\s-]+(?:{'|'.join(k for k in UNITS if UNITS[k] < 10)}))?"
    rf"|{'|'.join(UNITS)})"
)
_NUMBER = rf"(?P<num>\d{{1,3}}|{_WORD_NUMBER})"
_NOT_A_QUANTITY = (
    r"(?!\s*(?:%|percent|mins?|minutes?|hours?|days?|weeks?|months?|kg|lbs?|cm|times?|pm|am"
    r"|o'?clock))"
)
# "I'm 45", "im 45", "I am 45", "aged 45", "age 45", "age: 45", "45 years old", "45yo", "45 y/o",
# "45-year-old", "a 45 year old", "just turned 45", "45 next month" is not handled on purpose.
_PATTERNS = [
    rf"\b(?:i'?m|i am|im|aged?|age:|turned|turning|he'?s|she'?s|he is|she is|who is|"
    rf"(?:mum|mom|dad|husband|wife|partner|father|mother|grandma|grandad|nan|gran)"
    rf"(?:\s+(?:is|was)|'s|’s))\s+"
    rf"(?:just\s+|now\s+|only\s+)?{_NUMBER}\b{_NOT_A_QUANTITY}",
    rf"\b{_NUMBER}\s*(?:-\s*)?(?:years?|yrs?|y\.?o\.?|y/o)(?:[\s-]*old)?\b",
]
_DECADE = re.compile(
    rf"\b(?:in\s+)?(?:my|his|her|their)\s+(?P<part>early|mid|late)?[\s-]*"
    rf"(?P<decade>{'|'.join(DECADES)}|\d0'?s)\b",
    re.I,
)
# "Retired teacher, 68, ..." / "fifty-six and started ..." / "(72)": an age standing alone.
_PATTERNS.append(rf"(?:^|[,(])\s*{_NUMBER}\s*(?=[,)+]|\s+and\b|\s*(?:m|f|male|female|here|plus)\b)")
# "Female, 71." / "male 64": a chart-style age after the sex
_PATTERNS.append(rf"\b(?:male|female|man|woman)\s*[,:]?\s*{_NUMBER}\b{_NOT_A_QUANTITY}")
# "over 60", "at 58": an age, but the weakest sign of whose ("my mum had a stroke at 70. I'm 35"),
# so read only when nothing else states one; never after a number ("200 over 120" is a reading)
_PATTERNS.append(
    rf"(?<!\d )(?<!\d)\b(?:over|past|at)\s+(?:just\s+|only\s+)?{_NUMBER}\b{_NOT_A_QUANTITY}"
)
_COMPILED = [re.compile(p, re.I) for p in _PATTERNS]
_BARE = re.compile(rf"^\s*(?:about\s+|around\s+)?{_NUMBER}\s*\.?\s*$", re.I)


def words_to_number(text: str) -> int | None:
    """ "forty five" -> 45, "63" -> 63, anything else -> None."""
    text = text.strip().lower()
    if text.isdigit():
        return int(text)
    parts = re.split(r"[\s-]+", text)
    if len(parts) == 1:
        return UNITS.get(parts[0], TENS.get(parts[0]))
    if len(parts) == 2 and parts[0] in TENS and UNITS.get(parts[1], 10) < 10:
        return TENS[parts[0]] + UNITS[parts[1]]
    return None


def _plausible(age: int | None) -> int | None:
    return age if age is not None and 1 <= age <= 120 else None


def find_age(text: str, bare_number_is_age: bool = False) -> int | None:
    """The age stated in a message, or None.

    `bare_number_is_age`: a message that is only a number ("45", "forty five") is an age, as
    when answering "How old are you?".
    """
    if bare_number_is_age and (match := _BARE.match(text)):
        return _plausible(words_to_number(match["num"]))
    for pattern in _COMPILED:
        for match in pattern.finditer(text):
            age = _plausible(words_to_number(match["num"]))
            if age is not None:
                return age
    if match := _DECADE.search(text):
        decade = match["decade"].lower()
        base = DECADES.get(decade) or int(decade[:2])
        offset = {"early": 1, "mid": 4, "late": 7}.get((match["part"] or "").lower(), 0)
        return base + offset
    return None
