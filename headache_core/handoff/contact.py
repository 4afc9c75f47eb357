"""Readers for the handoff form's free-text answers: name, phone/e-mail, preferred times, note,
consent.

Patients type these in a chat (buttons send text too), so each reader finds the answer inside
ordinary phrasing ("you can call me on 07700 900123") and returns None when it cannot tell; the
form then re-asks with an example rather than passing on something the front desk cannot use.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from phonenumbers import Leniency, NumberParseException, PhoneNumberFormat, ValidationResult

from headache_core.lexicon import alternatives, phrases, word_set

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAYS = DAYS[:5]
WEEKEND = DAYS[5:]
PARTS = ("morning", "afternoon", "evening")
# Cliniko's own day parts: morning before midday, afternoon midday to 5pm, evening 5pm onwards.
AFTERNOON_FROM = time(12, 0)
EVENING_FROM = time(17, 0)
REGION_COUNTRY = {"uk": "GB", "us": "US", "ca": "CA", "au": "AU", "eu": None}
# Ofcom keeps 07700 900000-900999 for drama and documentation; libphonenumber calls them invalid,
# but they are what examples, demos and tests use, so they are accepted like real numbers.
# Ofcom's numbers for drama and examples (mobile 07700 900xxx, landlines such as 01632 960xxx,
# 0113/0114/.../0191 496 0xxx, 020 7946 0xxx): not "valid" to phonenumbers, real to a person
# typing one in a demo or a test.
FICTIONAL_RE = re.compile(
    r"^\+44(?:7700900\d{3}|1632960\d{3}|20794600\d{2}|20794609\d{2}|"
    r"1(?:1[3-8]|21|31|41|51|61)4960\d{3}|1914980\d{3}|28964960\d{2}|29201800\d{2})$"
)


def _clean(text: Any) -> str:
    """One line of text: NFC, straight apostrophes, single spaces."""
    text = unicodedata.normalize("NFC", str(text or ""))
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    return " ".join(text.split())


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _plain(text: Any) -> str:
    """Lower case, punctuation dropped (apostrophes kept): for matching short answers."""
    return " ".join(re.sub(r"[^\w\s']", " ", _clean(text).lower()).split())


# --- name -------------------------------------------------------------------------------------

# Words people put before an answer: "ok fine, Linda Park", "oh wait, sorry: Linda".
NAME_FILLERS = re.compile(rf"^(?:(?:{alternatives('name_fillers')})\b[\s,!.:;-]*)+", re.I)
NAME_LEAD_IN = re.compile(
    rf"^(?:(?:{alternatives('name_fillers')})\b[\s,!.]*)?"
    rf"(?:{alternatives('name_lead_in')})\s*[:,-]?\s*",
    re.I,
)
NAME_TRAILER = re.compile(rf"[\s,.!-]*\b(?:{alternatives('name_trailers')})\b[\s.!]*$", re.I)
# A letter (any script), then letters joined by single spaces, hyphens or apostrophes; a full stop
# may follow a letter for initials ("Mary J. Blige").
NAME_RE = re.compile(r"^[^\W\d_]+\.?(?:(?:[ '-]|\. ?)?[^\W\d_]+\.?)*$")
# Words that turn an answer into a sentence or a refusal, never part of a name.
NOT_NAME_WORDS = word_set("never_a_name")
MAX_NAME_WORDS = 5


# Where a name answer goes on to say more: "Sarah Collins, it's for my son Jake".
CLAUSE_BREAK = re.compile(rf"\s*(?:{alternatives('clause_breaks', 'name_answer_breaks')})\s*", re.I)
# Who the appointment is for, when it is not the person writing: "for my son Jake".
BOOKED_FOR = re.compile(
    r"\bfor\s+my\s+(?P<who>(?:little\s+|young\s+|teenage\s+|elderly\s+)?(?:son|daughter|"
    r"child|kid|boy|girl|husband|wife|partner|mum|mom|mother|dad|father|gran|grandma|grandad|"
    r"grandpa|grandmother|grandfather|grandson|granddaughter|brother|sister|friend|"
    r"neighbou?r|client))\b(?:[\s,]+(?:called\s+|named\s+)?(?P<name>[A-Z][^\W\d_]+"
    r"(?:\s+[A-Z][^\W\d_]+)?))?",
)


def read_name(text: str) -> str | None:
    """The person's name from "my name is jo smith" -> "Jo Smith", "ok fine, Linda Park" ->
    "Linda Park", "Sarah Collins, it's for my son Jake" -> "Sarah Collins"; None for anything
    else ("no", "I don't want to say", an e-mail address)."""
    said = NAME_FILLERS.sub("", _clean(text), count=1)
    whole = _read_one_name(said)
    if whole is not None:
        return whole
    for part in CLAUSE_BREAK.split(said):  # the name may be one clause of a longer answer
        if part and not BOOKED_FOR.search(part):
            name = _read_one_name(NAME_FILLERS.sub("", part, count=1))
            if name is not None:
                return name
    return None


def read_booked_for(text: str) -> str | None:
    """Who the appointment is for when the person books for someone else: "son Jake" from "it's
    for my son Jake", "mum" from "booking for my mum"; None when they book for themselves."""
    found = BOOKED_FOR.search(_clean(text))
    if found is None:
        return None
    return " ".join(p for p in (found["who"].lower(), found["name"]) if p)


def _read_one_name(text: str) -> str | None:
    said = NAME_LEAD_IN.sub("", text, count=1)
    if not said or any(c in said for c in "@?/\\:") or re.search(r"\d|www\.|https?", said, re.I):
        return None
    said = NAME_TRAILER.sub("", said)
    said = said.strip(" \t.,;!\"'()-")
    words = said.split()
    if not 1 <= len(said) <= 80 or len(words) > MAX_NAME_WORDS or not NAME_RE.match(said):
        return None
    if any(w.lower().strip(".'") in NOT_NAME_WORDS for w in words):
        return None
    letters = [c for c in said if c.isalpha()]
    if all(c.islower() for c in letters) or all(c.isupper() for c in letters):
        said = _title(said)
    return said


def _title(name: str) -> str:
    """ "o'neill" -> "O'Neill", "anne-marie" -> "Anne-Marie" (str.title() breaks on accents)."""
    return re.sub(r"[^\W\d_]+", lambda m: m.group(0)[0].upper() + m.group(0)[1:].lower(), name)


# --- phone and e-mail ------------------------------------------------------------------------


def region_code(clinic: Any) -> str | None:
    """The ISO region phone numbers are read in: clinic.yml `country`, else from the region.
    None (eu) means numbers must be written with their country code."""
    country = (getattr(clinic, "extra", None) or {}).get("country")
    if country:
        code = str(country).strip().upper()
        if code not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(f"clinic.yml country {country!r} is not a two-letter ISO region code")
        return code
    return REGION_COUNTRY.get(clinic.region.code)


@dataclass(frozen=True)
class ContactDetails:
    phone: str | None  # E.164
    email: str | None  # normalised


EMAIL_CANDIDATE_RE = re.compile(r"[^\s<>()\[\],;\"']*@[^\s<>()\[\];\"']*")


def _email_candidates(text: str) -> list[str]:
    return [m.group(0).rstrip(".,;!?:") for m in EMAIL_CANDIDATE_RE.finditer(text)]


def valid_email(candidate: str) -> str | None:
    try:
        return validate_email(candidate, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def is_usable_number(number: phonenumbers.PhoneNumber) -> bool:
    """A number that exists (libphonenumber calls it valid) or one of Ofcom's fictional ones."""
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return phonenumbers.is_valid_number(number) or bool(FICTIONAL_RE.match(e164))


def read_contact(text: str, region: str | None) -> ContactDetails | None:
    """A phone number (E.164) and/or e-mail address found anywhere in `text`, or None.

    Numbers without a country code are read as numbers of `region` (None: only numbers written
    with + or 00 count). Only numbers that exist in the numbering plan are taken.
    """
    said = _clean(text)
    email = None
    for candidate in _email_candidates(said):
        email = email or valid_email(candidate)
        said = said.replace(candidate, " ")  # digits inside an address are not a phone number
    phone = None
    for match in phonenumbers.PhoneNumberMatcher(said, region, leniency=Leniency.POSSIBLE):
        if is_usable_number(match.number):
            phone = phonenumbers.format_number(match.number, PhoneNumberFormat.E164)
            break
    if phone is None and email is None:
        return None
    return ContactDetails(phone=phone, email=email)


PHONE_CANDIDATE_RE = re.compile(r"(?:\+|\b)\(?\d[\d\s().-]*\d")


def phone_for_people(e164: str, region: str | None) -> str:
    """A stored number as people write it: "07700 900123" for a number of the clinic's
    `region`, "+1 202-555-0143" for one from elsewhere (the store keeps E.164)."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    home = region is not None and number.country_code == phonenumbers.country_code_for_region(
        region
    )
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if home
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def describe_problem(text: str, region: str | None) -> str:
    """Why `text` gave no usable phone number or e-mail address, in a few plain words for the
    re-ask ("that phone number looks too short")."""
    said = _clean(text)
    for candidate in _email_candidates(said):
        try:
            validate_email(candidate, check_deliverability=False)
        except EmailNotValidError as err:
            return _email_reason(str(err))
        said = said.replace(candidate, " ")
    digits = [m.group(0).strip() for m in PHONE_CANDIDATE_RE.finditer(said)]
    digits = [d for d in digits if sum(c.isdigit() for c in d) >= 3]
    if not digits:
        return "I couldn't find a phone number or e-mail address in that"
    return _phone_reason(max(digits, key=len), region)


EMAIL_REASONS = (
    ("something after the @", "that e-mail address is missing the part after @"),
    ("something before the @", "that e-mail address is missing the part before @"),
    ("should have a period", "the part after @ looks unfinished (it needs a dot, like gmail.com)"),
    ("two periods in a row", "that e-mail address has two dots in a row"),
    ("invalid characters: '@'", "that e-mail address has more than one @"),
    ("one @-sign", "that e-mail address has more than one @"),
    ("space", "that e-mail address has a space in it"),
    ("end with a period", "that e-mail address ends with a dot"),
    ("start with a period", "that e-mail address starts with a dot"),
)


def _email_reason(message: str) -> str:
    lowered = message.lower()
    for clue, reason in EMAIL_REASONS:
        if clue.lower() in lowered:
            return reason
    return f"that e-mail address doesn't look right ({message.rstrip('.')})"


PARSE_REASONS = {
    NumberParseException.INVALID_COUNTRY_CODE: "I don't recognise that phone number's country code",
    NumberParseException.NOT_A_NUMBER: "that doesn't look like a phone number",
    NumberParseException.TOO_SHORT_AFTER_IDD: "that phone number looks too short",
    NumberParseException.TOO_SHORT_NSN: "that phone number looks too short",
    NumberParseException.TOO_LONG: "that phone number looks too long",
}
POSSIBLE_REASONS = {
    ValidationResult.TOO_SHORT: "that phone number looks too short",
    ValidationResult.TOO_LONG: "that phone number looks too long",
    ValidationResult.INVALID_LENGTH: "that phone number has the wrong number of digits",
    ValidationResult.INVALID_COUNTRY_CODE: "I don't recognise that phone number's country code",
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "that phone number seems to be missing its area code",
}


def _phone_reason(candidate: str, region: str | None) -> str:
    international = candidate.startswith(("+", "00"))
    if region is None and not international:
        return "please write the phone number with its country code, starting with +"
    try:
        number = phonenumbers.parse(candidate, region)
    except NumberParseException as err:
        return PARSE_REASONS.get(err.error_type, "that doesn't look like a phone number")
    possible = phonenumbers.is_possible_number_with_reason(number)
    if possible in POSSIBLE_REASONS:
        return POSSIBLE_REASONS[possible]
    # "Possible" covers every length some number in the country has; compare with ordinary
    # mobile and landline numbers to say more than "invalid".
    lengths = _usual_lengths(phonenumbers.region_code_for_number(number) or region)
    digits = len(phonenumbers.national_significant_number(number))
    if lengths and digits < min(lengths):
        return "that phone number looks too short"
    if lengths and digits > max(lengths):
        return "that phone number looks too long"
    return "that phone number doesn't look right; could you check the digits?"


def _usual_lengths(region: str | None) -> list[int]:
    lengths = []
    for kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE):
        example = phonenumbers.example_number_for_type(region, kind) if region else None
        if example is not None:
            lengths.append(len(phonenumbers.national_significant_number(example)))
    return lengths


# --- preferred times --------------------------------------------------------------------------


@dataclass(frozen=True)
class PreferredTimes:
    """When the person said they can come, in their own words (`text`) and read for matching
    free times: weekdays, parts of the day, clock limits, and dates said relative to today."""

    text: str
    days: tuple[str, ...]
    parts: tuple[str, ...]
    any_time: bool
    earliest: time | None = None  # "after 4pm": starts at or after
    latest: time | None = None  # "before 10": starts before
    dates: tuple[date, ...] = ()  # "today", "tomorrow": these dates (or the days above)
    between: tuple[date, date] | None = None  # "next week": only within these dates

    def allows(self, start: datetime) -> bool:
        """Whether an appointment starting at `start` suits; judged on `start`'s own clock, so
        pass times in the clinic's time zone."""
        if self.any_time:
            return True
        day = start.date()
        if (self.days or self.dates) and not (
            DAYS[start.weekday()] in self.days or day in self.dates
        ):
            return False
        if self.between and not self.between[0] <= day <= self.between[1]:
            return False
        if self.parts and part_of_day(start) not in self.parts:
            return False
        clock = start.time().replace(tzinfo=None)
        if self.earliest and clock < self.earliest:
            return False
        return not (self.latest and clock >= self.latest)


def part_of_day(start: datetime) -> str:
    clock = start.time()
    if clock < AFTERNOON_FROM:
        return "morning"
    return "afternoon" if clock < EVENING_FROM else "evening"


ANY_TIME_RE = re.compile(
    r"\b(any ?time|any day|whenever|flexible|asap|a\.?s\.?a\.?p|as soon as possible|"
    r"(?:the )?earliest|soonest|first available|next available|no preference|"
    r"(?:do not|don't|dont) mind|not fussed|doesn't matter|does not matter|i'm easy|either|"
    r"anything works|any works|all good|whatever suits|whatever works)\b"
)
# Phrases for parts of the day, read before single words so "after work" is not "work".
PART_PHRASES = (
    (r"\bafter (?:work|hours|dinner|tea)\b", "evening"),
    (r"\bbefore work\b|\bfirst thing\b|\bearly (?:in the )?morning", "morning"),
    (r"\bafter (?:school|lunch)\b|\blunch ?time\b|\bmidday\b|\bnoon\b", "afternoon"),
)
PART_WORDS = {
    "morning": "morning", "mornings": "morning", "am": "morning", "morn": "morning",
    "afternoon": "afternoon", "afternoons": "afternoon", "pm": "afternoon", "arvo": "afternoon",
    "arvos": "afternoon", "lunch": "afternoon", "evening": "evening", "evenings": "evening",
    "eve": "evening", "night": "evening", "nights": "evening", "tonight": "evening",
}  # fmt: skip
DAY_WORDS = {
    "mon": "monday", "mond": "monday", "tue": "tuesday", "tues": "tuesday",
    "wed": "wednesday", "weds": "wednesday", "thu": "thursday", "thur": "thursday",
    "thurs": "thursday", "thr": "thursday", "fri": "friday", "sat": "saturday",
    "sun": "sunday",
}  # fmt: skip
GROUP_WORDS = {
    "weekday": WEEKDAYS, "weekdays": WEEKDAYS, "midweek": WEEKDAYS,
    "weekend": WEEKEND, "weekends": WEEKEND,
}  # fmt: skip
NEGATIONS = word_set("time_ruled_out_before")
NEGATION_REACH = 3
AFTER_NO = word_set("time_ruled_out_after")
AFTER_YES = word_set("time_suits_after")
CONJUNCTIONS = _words("and or , & / nor plus also")
RANGE_WORDS = _words("- to through thru till til until")
RELATIVE = re.compile(r"\b(today|tonight|tomorrow|tmrw|tmr|this week|next week)\b")
_CLOCK = r"(\d{1,2})(?!\d)(?:[:.](\d{2}))?\s*(am|pm|o'?clock|ish|h)?\b"
TIME_RANGE_RE = re.compile(
    rf"\b(between|from)?\s*{_CLOCK}\s*(?:-|to|and|till|til|until)\s*{_CLOCK}(?!\s*(?:days?|weeks?))"
)
TIME_RE = re.compile(
    r"\b(after|from|before|by|until|till|til|not before|not after|no earlier than|"
    r"no later than|around|about|at|earliest|latest)?\s*"
    rf"{_CLOCK}"
    r"(?:\s*(or later|or after|onwards|or earlier|or before|at the latest|latest))?"
)


def read_preferred_times(text: str, today: date | None = None) -> PreferredTimes | None:
    """Days, parts of the day and clock limits in "Tues or Thurs after 4pm", "weekday mornings",
    "not Fridays", "anytime" (any_time); None when it names none of them. `today` (default: the
    computer's date) places "tomorrow" and "next week"."""
    words = _clean(text)
    said = words.lower().replace("a.m.", "am").replace("p.m.", "pm")
    said = re.sub(r"\bweek ?(days?|ends?)\b", r"week\1", said)
    today = today or date.today()
    earliest, latest, said = _read_clock(said)
    dates, between, parts_from_dates = _read_relative(said, today)
    said = RELATIVE.sub(" ", said)
    extra_parts = set(parts_from_dates)
    for pattern, part in PART_PHRASES:
        if re.search(pattern, said):
            extra_parts.add(part)
            said = re.sub(pattern, " ", said)
    any_time = bool(ANY_TIME_RE.search(said))
    said = ANY_TIME_RE.sub(" ", said)
    days, parts = _read_days_and_parts(said)
    parts = tuple(p for p in PARTS if p in set(parts) | extra_parts)
    said_something = days or parts or dates or between or earliest or latest
    if not said_something and not any_time:
        return None
    return PreferredTimes(
        text=words,
        days=days,
        parts=parts,
        any_time=any_time and not said_something,
        earliest=earliest,
        latest=latest,
        dates=dates,
        between=between,
    )


def _read_clock(said: str) -> tuple[time | None, time | None, str]:
    """Clock limits ("after 4pm", "before 10", "between 2 and 4", "around 3pm") and the text
    without them."""
    earliest: list[time] = []
    latest: list[time] = []

    def take_range(m: re.Match) -> str:
        _, h1, m1, s1, h2, m2, s2 = m.groups()
        second = _clock(h2, m2, s2)
        first = _clock(h1, m1, s1 or (s2 if s2 in ("am", "pm") else None), before=second)
        if first is None or second is None:
            return m.group(0)
        earliest.append(first)
        latest.append(second)
        return " "

    def take_one(m: re.Match) -> str:
        op, hour, minute, suffix, after = m.groups()
        if not (op or minute or suffix or after):
            return m.group(0)
        at = _clock(hour, minute, suffix)
        if at is None:
            return m.group(0)
        if after:  # "4:30 or later", "10 at the latest"
            op = "after" if after in ("or later", "or after", "onwards") else "before"
        if op in ("after", "from", "not before", "no earlier than", "earliest"):
            earliest.append(at)
        elif op in ("before", "by", "until", "till", "til", "not after", "no later than", "latest"):
            latest.append(at)
        else:  # "at 3pm", "around 3", "3pm": an hour either side
            minutes = at.hour * 60 + at.minute
            earliest.append(_from_minutes(max(minutes - 60, 0)))
            latest.append(_from_minutes(min(minutes + 60, 23 * 60 + 59)))
        return " "

    said = TIME_RANGE_RE.sub(take_range, said)
    said = TIME_RE.sub(take_one, said)
    return (min(earliest) if earliest else None, max(latest) if latest else None, said)


def _from_minutes(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def _clock(
    hour: str, minute: str | None, suffix: str | None, before: time | None = None
) -> time | None:
    """A clock time from "4", "4pm", "16:30", "10am"; hours 1-7 without am/pm are afternoon
    (nobody books at 4 in the morning)."""
    h, m = int(hour), int(minute or 0)
    if m > 59 or h > 23:
        return None
    if suffix == "pm" and h < 12:
        h += 12
    elif suffix == "am" and h == 12:
        h = 0
    elif suffix not in ("am", "pm") and 1 <= h <= 7:
        h += 12
    if before is not None and h * 60 + m > before.hour * 60 + before.minute and h >= 12:
        h -= 12  # "11-1pm": the 11 is in the morning
    return time(h, m)


def _read_relative(
    said: str, today: date
) -> tuple[tuple[date, ...], tuple[date, date] | None, set]:
    dates: list[date] = []
    between = None
    parts: set[str] = set()
    for word in RELATIVE.findall(said):
        if word in ("today", "tonight"):
            dates.append(today)
            if word == "tonight":
                parts.add("evening")
        elif word in ("tomorrow", "tmrw", "tmr"):
            dates.append(today + timedelta(days=1))
        elif word == "this week":
            between = (today, today + timedelta(days=6 - today.weekday()))
        else:  # next week
            monday = today + timedelta(days=7 - today.weekday())
            between = (monday, monday + timedelta(days=6))
    return tuple(dict.fromkeys(dates)), between, parts


def _day_of(token: str) -> str | None:
    word = token.strip("'")
    if word in DAY_WORDS:
        return DAY_WORDS[word]
    singular = word[:-1] if word.endswith("s") and len(word) > 4 else word
    if singular in DAYS:
        return singular
    if len(singular) >= 5:  # typos: "wednsday", "thursady", "tusday"
        close = difflib.get_close_matches(singular, DAYS, n=1, cutoff=0.8)
        return close[0] if close else None
    return None


def _mention(tokens: list[str], i: int) -> tuple[str, tuple[str, ...], int] | None:
    """The day(s) or part named at tokens[i]: (kind, values, tokens used)."""
    token = tokens[i]
    day = _day_of(token)
    if day:
        if i + 2 < len(tokens) and tokens[i + 1] in RANGE_WORDS and _day_of(tokens[i + 2]):
            first, last = DAYS.index(day), DAYS.index(_day_of(tokens[i + 2]))
            span = [DAYS[(first + k) % 7] for k in range((last - first) % 7 + 1)]
            return "day", tuple(span), 3
        return "day", (day,), 1
    if token in GROUP_WORDS:
        return "day", GROUP_WORDS[token], 1
    if token in PART_WORDS and not (token == "am" and i > 0 and tokens[i - 1] in ("i", "i'm")):
        return "part", (PART_WORDS[token],), 1
    return None


def _verdict_after(tokens: list[str], j: int) -> str | None:
    """ "no" for "mornings don't work" / "Fridays are bad", "yes" for "Tuesday is fine", from
    the few words after a name (up to the next name, comma or "but")."""
    for k in range(j, min(j + 3, len(tokens))):
        if tokens[k] in (",", "but") or _mention(tokens, k):
            return None
        if tokens[k] in AFTER_NO and not (k + 1 < len(tokens) and _mention(tokens, k + 1)):
            return "no"
        if tokens[k] in AFTER_YES:
            return "yes"
    return None


def _read_days_and_parts(said: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Named days and parts of the day, minus those negated ("not Fridays", "except mornings",
    "I work Mondays"). A negation reaches the next name within a few words and carries over
    "and"/"or" to further names of the same kind; "but" or a comma right after it ends it."""
    said = re.sub(r"\bnot sure\b", " ", said)
    said = re.sub(r"\bduring the week\b", " weekdays ", said)
    tokens = re.findall(r"[a-z']+|[-,&/]", said)
    chosen: dict[str, list[str]] = {"day": [], "part": []}
    refused: dict[str, list[str]] = {"day": [], "part": []}
    negating: str | None = None  # None, "next" (a negation word seen) or the kind it applies to
    reach = 0  # words a pending negation still reaches
    i = 0
    while i < len(tokens):
        token = tokens[i]
        found = _mention(tokens, i)
        if found:
            kind, values, used = found
            verdict = _verdict_after(tokens, i + used)
            if verdict == "no" or (negating in ("next", kind) and verdict != "yes"):
                refused[kind].extend(values)
                negating = kind if verdict != "no" else None
            else:
                chosen[kind].extend(values)
                negating = None
            i += used
            continue
        if token in NEGATIONS:
            negating, reach = "next", NEGATION_REACH
        elif token in ("but", "though", "however") or (negating == "next" and token == ","):
            negating = None
        elif negating == "next":
            reach -= 1
            negating = negating if reach > 0 else None
        elif token not in CONJUNCTIONS:
            negating = None
        i += 1
    result = []
    for kind, every in (("day", DAYS), ("part", PARTS)):
        wanted = set(chosen[kind]) or (set(every) if refused[kind] else set())
        wanted -= set(refused[kind])
        result.append(tuple(v for v in every if v in wanted))
    return result[0], result[1]


# --- note and consent -------------------------------------------------------------------------

# "no note", "nope nothing else thanks", "that's all", "ok i'm good": nothing to add.
NOTHING_RE = re.compile(
    r"^(?:ok(?:ay)? |um+ |erm+ )?"
    rf"(?:(?:no+|{alternatives('plain_no', 'nothing_to_add')})"
    rf"(?: (?:{alternatives('nothing_to_add_more')}))*"
    rf"|{alternatives('nothing_to_add_whole')})$"
)


def read_note(text: str) -> str:
    """The person's note for the front desk, cleaned; "" when they have nothing to add (also
    "perfect, send it": a go-ahead, not a note)."""
    cleaned = _clean(text)
    if NOTHING_RE.match(_plain(cleaned)) or read_consent(cleaned) == "yes":
        return ""
    return cleaned


CONSENT_YES_PHRASES = phrases("consent_yes_phrases")
# At a confirmation, thanks and "great" mean yes: the person is thanking for what was offered.
STRONG_YES = word_set("plain_yes", "consent_yes", "thanks")
FILLER = word_set("consent_filler")
# Emoji people answer with, read as the word they stand for.
EMOJI_WORDS = {
    "yes": "\U0001f44d\U0001f44c\u2705\u2714\U0001f642\U0001f60a\U0001f600\U0001f603"
    "\U0001f604\U0001f64f\u2764\U0001f495\U0001f44f\U0001f970\U0001f60d\u263a",
    "no": "\U0001f44e\u274c\U0001f645\u2716",
}


def _emoji_as_words(text: str) -> str:
    for word, marks in EMOJI_WORDS.items():
        text = re.sub(f"[{marks}]", f" {word} ", text)
    return text.replace("\ufe0f", "")


UNSURE = re.compile(rf"\b({alternatives('not_sure', 'consent_needs_more')})\b")
REFUSAL = re.compile(rf"\b({alternatives('plain_no', 'consent_refusal')})\b")


def read_consent(text: str) -> str | None:
    """ "yes" for explicit agreement ("yes I agree", "I consent", "ok that's fine", "sure"),
    "no" for a refusal, None for anything else ("maybe", "what do you store?")."""
    said = _emoji_as_words(_clean(text)).lower()
    if not said.strip() or "?" in said:
        return None
    said = _plain(said)
    if said in ("i do", "yes i do", "i accept", "i agree"):
        return "yes"
    for phrase in CONSENT_YES_PHRASES:
        said = re.sub(rf"\b{re.escape(phrase)}\b", " fine ", said)
    if UNSURE.search(said):
        return None
    if REFUSAL.search(said):
        return "no"
    words = said.split()
    agrees = all(w in STRONG_YES or w in FILLER for w in words)
    return "yes" if agrees and any(w in STRONG_YES for w in words) else None
