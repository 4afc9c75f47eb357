"""Personal details replaced by placeholders before a message is stored for review (issue 29).

Staff read the review queue to teach the assistant new phrasings; they need the clinical words
("sharp pain behind my left eye since Tuesday"), never who wrote them. `redact` replaces names,
phone numbers, e-mail addresses, dates of birth, street addresses and postcodes, and other long
numbers (NHS, insurance, card, account) by `[NAME]`, `[PHONE]`, `[EMAIL]`, `[DOB]`,
`[ADDRESS]` and `[NUMBER]`.

It reads in passes, most certain first, each on the text the earlier ones left: e-mail
addresses (email-validator decides), dates of birth, numbers that say what they are ("NHS
number 943 476 5919"), phone numbers (phonenumbers decides, in the clinic's region, the UK
and the US), addresses, any other run of 6+ digits, and last names, which are the least
certain. A wrong guess costs a word of a message in the queue; a missed detail is a person's
details kept, so where unsure it redacts, except for the words the assistant needs to learn
from: ages ("I'm 45"), states ("I'm dizzy"), durations, times, doses, scores, blood pressure,
spinal levels ("C5-C6") and the clinical vocabulary (knowledge/entity_patterns.yml).

Names are found two ways. Cue words ("I'm", "my wife", "Dr", "thanks,") say a name follows; and,
since a cue list finds only the names it anticipated, a name is also read by its shape: a
capitalised word that English writes capitalised far more often than not, or that is no English
word at all, and is no clinical word, drug, place of care, eponym, place or misspelt symptom
(proper_nouns.py says which words English writes capitalised, and which it uses as places).
A name found once is hidden wherever the message repeats it.

A lower-case name ("im sarah btw", "... . joanne") has no capital to show it: it counts as a
name only where structure says one ends a clause after "im" / "its" or ends the message, and only
when it is no English word (WordNet's, from spacy-lookups-data, which the NLU already needs; if
that data is missing no lower-case name is guessed) and has no adjective's shape ("hypermobile").

A name that is also an English word ("Grace", "Will", "Bill") has neither shape: it counts as a
name only where a cue says so ("I'm Bill and", "Thanks, Grace", "let Bill know", "my boy jack
has", "Hope, no surname"), never by itself ("Will said to ice it" stays). A name in capitals in
a message that is not ("JAMES O'HARE. DOB ...") is read as if written as names are. A phone's
extension of three digits or more is part of the phone ("[PHONE] ext. 214" is "[PHONE]").

The cue words ("I'm", "call me", "dob", "flat", street types) live in knowledge/lexicon.yml.
Every pattern here is linear in the message: no nested repetition that can backtrack, so a
10,000-character message is read in milliseconds.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date
from functools import lru_cache

import phonenumbers
from phonenumbers import Leniency

from headache_core import KNOWLEDGE_DIR
from headache_core.handoff.contact import is_usable_number, valid_email
from headache_core.lexicon import alternatives, word_set
from headache_core.proper_nouns import a_place, english_words, lemma, proper_noun
from headache_core.proper_nouns import available as proper_nouns_known

NAME = "[NAME]"
PHONE = "[PHONE]"
EMAIL = "[EMAIL]"
DOB = "[DOB]"
ADDRESS = "[ADDRESS]"
NUMBER = "[NUMBER]"
PLACEHOLDERS = (NAME, PHONE, EMAIL, DOB, ADDRESS, NUMBER)
PLACEHOLDER_RE = re.compile(r"\[(?:NAME|PHONE|EMAIL|DOB|ADDRESS|NUMBER)\]")
LONG_NUMBER_DIGITS = 6
PHONE_FALLBACK_DIGITS = 9  # a run starting with 0 or + this long is a phone, library or not
# A date with a year before this, said without "dob" or "born", is taken for a date of birth:
# the clinic hears of falls and scans in recent years, of births in earlier ones.
BARE_DATE_BEFORE = 2010
MAX_NAME_WORDS = 6
MAX_LOWER_NAME_WORDS = 3  # after "my name is", lower-case words too (up to this many)

# Passes repeat until nothing changes (a detail can show only once its neighbour is a
# placeholder: "Sam Idris 07700 900590"), so redact(redact(x)) is redact(x).
MAX_ROUNDS = 4

Span = tuple[int, int, str]


def redact(text: str, region: str | None = "GB") -> str:
    """The text with personal details replaced by placeholders: [NAME], [PHONE], [EMAIL],
    [DOB], [ADDRESS], [NUMBER]; clinical words kept. `region` is the clinic's phonenumbers
    region (None: numbers are read as UK and US ones). Never raises on text; redact(redact(x))
    is redact(x)."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    if not text.strip():
        return text
    for _ in range(MAX_ROUNDS):
        before = text
        for step in (
            _emails,
            _birth_dates,
            _identifying_numbers,
            lambda t: _phones(t, region),
            _addresses,
            _long_numbers,
            _names,
            _tidy,
        ):
            text = step(text)
        if text == before:
            break
    return text


# --- helpers ---------------------------------------------------------------------------------


def _replace(text: str, spans: Iterable[Span]) -> str:
    """`text` with each (start, end, placeholder) span replaced; overlapping spans are merged
    (the first one's placeholder wins)."""
    merged: list[list] = []
    for start, end, label in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end, label])
    pieces, done = [], 0
    for start, end, label in merged:
        pieces += [text[done:start], label]
        done = end
    return "".join(pieces) + text[done:]


def _sub(pattern: re.Pattern, label: str | Callable[[re.Match], str | None], text: str) -> str:
    """Each match of `pattern` replaced by `label` (or what `label(match)` says; None keeps it).
    A pattern's group "detail", when it has one, is the part replaced."""

    def one(match: re.Match) -> str:
        chosen = label(match) if callable(label) else label
        if chosen is None:
            return match.group(0)
        if "detail" not in match.re.groupindex or match.group("detail") is None:
            return chosen
        start, end = match.span("detail")
        whole = match.group(0)
        return whole[: start - match.start()] + chosen + whole[end - match.start() :]

    return pattern.sub(one, text)


POSSESSIVE_RE = re.compile(r"['’]s$", re.I)
CLINICAL_SHAPE_RE = re.compile(rf"(?:{alternatives('clinical_word_shapes')})", re.I)
PLACE_PREPOSITION_RE = re.compile(rf"(?<![\w'’-])(?:{alternatives('place_prepositions')})$", re.I)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _cue(*groups: str) -> str:
    """The groups' words as one alternative, never read inside a placeholder ("[NUMBER]")."""
    return rf"(?<!\[)(?:{alternatives(*groups)})"


# --- e-mail addresses ------------------------------------------------------------------------

# "jo dot smith at gmail dot com", "jo(at)gmail.com", "jo @ gmail . com": read as an address.
_DOT = r"(?:\s*[(\[]\s*dot\s*[)\]]\s*|\s+dot\s+|\.(?=[A-Za-z0-9]))"
_AT = r"(?:\s*[(\[]\s*at\s*[)\]]\s*|\s+at\s+|\s*@\s*)"
_TLD = r"(?:com|co|uk|org|net|edu|gov|nhs|io|ie|me|us|info|biz|ca|au|nz|de|fr|es|it|nl|scot|ac)"
SPELT_EMAIL_RE = re.compile(
    rf"(?<![\w.@+-])[\w+-]+(?:{_DOT}[\w+-]+){{0,4}}{_AT}[\w-]+(?:{_DOT}[\w-]+){{0,3}}{_DOT}{_TLD}(?![\w-])",
    re.I,
)
# Like contact.py's candidates, with bounded parts (a local part has at most 64 characters,
# RFC 5321) and starting only where a word starts: linear in a message with no "@".
EMAIL_CANDIDATE_RE = re.compile(
    r"(?<![^\s<>()\[\],;\"'])[^\s<>()\[\],;\"'@]{1,64}@[^\s<>()\[\];\"'@]{1,255}"
)
LOOSE_EMAIL_RE = re.compile(r"^[^\s@]+@[\w-]+(?:\.[\w-]+)+$")


def _emails(text: str) -> str:
    spans = []
    for match in EMAIL_CANDIDATE_RE.finditer(text):
        candidate = match.group(0).rstrip(".,;!?:")
        # The validator refuses special-use domains ("jo@clinic.test"); they are still addresses.
        if "@" in candidate and (valid_email(candidate) or LOOSE_EMAIL_RE.match(candidate)):
            spans.append((match.start(), match.start() + len(candidate), EMAIL))
    text = _replace(text, spans)
    return _sub(SPELT_EMAIL_RE, _spelt_email, text)


def _spelt_email(match: re.Match) -> str | None:
    said = re.sub(_AT, "@", match.group(0), count=1, flags=re.I)
    said = re.sub(_DOT, ".", said, flags=re.I)
    return EMAIL if valid_email(said) else None


# --- dates of birth --------------------------------------------------------------------------

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|20\d\d|'\d\d)"
NUMERIC_DATE_RE = re.compile(
    r"(?<![\w/.-])(?:(?P<a>\d{1,2})(?P<s>[/.-])(?P<b>\d{1,2})(?P=s)(?P<y>\d{4}|\d{2})"
    r"|(?P<iy>\d{4})(?P<t>[/.-])(?P<im>\d{1,2})(?P=t)(?P<id>\d{1,2}))(?![\w/]|[.-]\d)"
)
# "30-Jun-1983", "30/June/1983", "30.jun.83": a month word between dashes, slashes or dots.
_SEPARATED_DATE = rf"\d{{1,2}}[-/.]{_MONTH}[-/.]?(?:\d{{4}}|\d{{2}})(?!\d)"
WORDY_DATE_RE = re.compile(
    rf"\b(?:{_DAY}(?:\s+of)?\s+{_MONTH},?\s+{_YEAR}|{_MONTH}\s+{_DAY},?\s+{_YEAR}"
    rf"|{_SEPARATED_DATE})(?![\w'])",
    re.I,
)
# After "dob" or "born", less than a full date is enough: "born in 1961", "born on 3rd March".
BIRTH_CUE = rf"\b{_cue('birth_date_cues')}\b[\s:,=-]*(?:(?:is|was|on|in|the|of)\s+)*"
CUED_BIRTH_RE = re.compile(
    rf"{BIRTH_CUE}(?P<detail>{_SEPARATED_DATE}|\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{4}}[/.-]\d{{1,2}}[/.-]\d{{1,2}}"
    rf"|{_DAY}(?:\s+of)?\s+{_MONTH}(?:,?\s+{_YEAR})?|{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?"
    rf"|{_MONTH},?\s+(?:1[89]\d\d|20\d\d)|1[89]\d\d|20[0-2]\d|\d{{8}}|\d{{6}})"
    r"(?![\w/]|[.-]\d)",
    re.I,
)
BIRTH_CUE_BEFORE_RE = re.compile(rf"{BIRTH_CUE}$", re.I)
# A date of birth in words, for who cannot type digits: "twelfth of May nineteen sixty".
_NUMBER_WORD = (
    r"(?:(?:twenty|thirty)[ -]?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth"
    r"|one|two|three|four|five|six|seven|eight|nine)?|first|second|third|fourth|fifth|sixth"
    r"|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth"
    r"|seventeenth|eighteenth|nineteenth|twentieth|thirtieth|one|two|three|four|five|six|seven"
    r"|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen"
    r"|nineteen|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|oh|and)"
)
_SPELT_PART = rf"(?:{_NUMBER_WORD}|{_MONTH}|of|the)"
SPELT_BIRTH_RE = re.compile(
    rf"{BIRTH_CUE}(?P<detail>{_SPELT_PART}(?:[ ,-]+{_SPELT_PART}){{1,9}})(?![\w'])", re.I
)


def _spelt_birth_date(match: re.Match) -> str | None:
    """DOB for a date in words with a month or a year ("nineteen sixty"), else None."""
    said = match["detail"].lower()
    month = re.search(rf"\b{_MONTH}(?![\w])", said)
    year = re.search(r"\b(?:nineteen|eighteen|two thousand)\b", said)
    if not (month or year):
        return None
    tail = re.search(r"(?:[ ,-]+(?:and|of|the))+$", said)  # "... eighty-four and the pain"
    return DOB + (match["detail"][tail.start() :] if tail else "")


def _numeric_date_year(match: re.Match) -> int | None:
    """The year of a dd/mm/yyyy, mm/dd/yy or yyyy-mm-dd date; None when it is no date."""
    if match.group("iy"):
        year, first, second = int(match["iy"]), int(match["im"]), int(match["id"])
        if not (1 <= first <= 12 and 1 <= second <= 31):
            return None
    else:
        first, second = int(match["a"]), int(match["b"])
        if not (1 <= min(first, second) <= 12 and max(first, second) <= 31):
            return None
        year = _year(match["y"])
    return year if 1880 <= year <= date.today().year else None


def _year(said: str) -> int:
    """A year as written: "1961", "61" or "'61" (1961), "05" (2005)."""
    digits = said.lstrip("'")
    if len(digits) == 4:
        return int(digits)
    return int(digits) + (2000 if int(digits) <= date.today().year % 100 else 1900)


def _birth_dates(text: str) -> str:
    text = _sub(CUED_BIRTH_RE, DOB, text)
    text = _sub(SPELT_BIRTH_RE, _spelt_birth_date, text)

    def numeric(match: re.Match) -> str | None:
        year = _numeric_date_year(match)
        if year is None:
            return None
        cued = BIRTH_CUE_BEFORE_RE.search(text[max(0, match.start() - 40) : match.start()])
        return DOB if cued or year < BARE_DATE_BEFORE else None

    def wordy(match: re.Match) -> str | None:
        said = re.search(r"(\d{4}|'\d\d)$", match.group(0))  # "30-Jun-83": no year said
        return DOB if said and _year(said.group(1)) < BARE_DATE_BEFORE else None

    text = _sub(NUMERIC_DATE_RE, numeric, text)
    return _sub(WORDY_DATE_RE, wordy, text)


# --- identifying numbers and phones ----------------------------------------------------------

_DIGITS = r"\(?\d[\d().-]*(?:[ ]{1,2}\(?\d[\d().-]*)*"
_DIGIT_RUN = rf"\+?{_DIGITS}"
CUED_NUMBER_RE = re.compile(
    rf"\b{_cue('number_cues')}\b[\s.:#-]*(?:(?:number|no|num|nr|code|id|is|was|:|#)\b[\s.:#-]*)*"
    rf"(?P<detail>[A-Z]{{0,3}}\s?{_DIGIT_RUN}[A-Z]?)",
    re.I,
)
NHS_SHAPE_RE = re.compile(r"(?<![\d+])\b[1-9]\d{2}[ -]?\d{3}[ -]?\d{4}\b(?![ -]?\d)")
SSN_SHAPE_RE = re.compile(r"(?<![\d-])\b\d{3}-\d{2}-\d{4}\b(?!-?\d)")
PHONE_CUED_RE = re.compile(
    rf"\b{_cue('phone_cues')}(?:\W{{1,3}}\w+){{0,3}}?\W{{1,3}}(?P<detail>{_DIGIT_RUN})", re.I
)
# An extension after a number is part of the phone: "[PHONE] ext. 214", "[PHONE] x305",
# "[PHONE] (extension 2210)", and "ext 3" too: a short one can still lead to a person's desk,
# and staff learn nothing from it (sets D and E count it in the number; set B kept it).
PHONE_EXTENSION_RE = re.compile(
    rf"\[PHONE\](?P<detail>[ ,]*(?P<open>\()?[ ]*{_cue('phone_extensions')}[ .:#-]*"
    r"\d{1,6}(?(open)[ ]*\)))(?![\w-])",
    re.I,
)
PHONE_SHAPE_RE = re.compile(rf"(?<![\w+])(?:\+|(?=\(?0)){_DIGITS}")


def _digits(text: str) -> int:
    return sum(c.isdigit() for c in text)


def _nhs_checksum(digits: str) -> bool:
    """The NHS number's modulus 11 check digit."""
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _identifying_numbers(text: str) -> str:
    """Numbers that say what they are: after "NHS number", "policy", "card" ...; NHS numbers
    by their check digit; US social security numbers by their shape."""
    text = _sub(
        CUED_NUMBER_RE,
        lambda m: (
            _keeping_tail(m["detail"], NUMBER)
            if _digits(m["detail"]) >= LONG_NUMBER_DIGITS
            else None
        ),
        text,
    )

    def nhs(match: re.Match) -> str | None:
        digits = re.sub(r"\D", "", match.group(0))
        return NUMBER if _nhs_checksum(digits) else None

    text = _sub(NHS_SHAPE_RE, nhs, text)
    return _sub(SSN_SHAPE_RE, NUMBER, text)


def _phones(text: str, region: str | None) -> str:
    regions = dict.fromkeys(r for r in (region, "GB", "US") if r in phonenumbers.SUPPORTED_REGIONS)
    spans: list[Span] = []
    for code in regions:
        for match in phonenumbers.PhoneNumberMatcher(text, code, leniency=Leniency.POSSIBLE):
            if is_usable_number(match.number) and not NUMERIC_DATE_RE.fullmatch(match.raw_string):
                spans.append((match.start, match.end, PHONE))  # with its extension
    text = _replace(text, spans)

    # What the library will not take (too short, a mistyped digit) is still someone's number
    # when it is said to be one, or looks like one: "call me on 0770 090 012".
    def cued(match: re.Match) -> str | None:
        said = match["detail"]
        if _digits(said) < LONG_NUMBER_DIGITS - 1 or _is_date(said.rstrip(".-(")):
            return None
        return _keeping_tail(said, PHONE)

    text = _sub(PHONE_CUED_RE, cued, text)
    text = _sub(
        PHONE_SHAPE_RE,
        lambda m: (
            _keeping_tail(m.group(0), PHONE)
            if _digits(m.group(0)) >= PHONE_FALLBACK_DIGITS
            else None
        ),
        text,
    )
    return _sub(PHONE_EXTENSION_RE, "", text)


def _keeping_tail(said: str, label: str) -> str:
    """The placeholder, and the full stop or dash a digit run took from the sentence."""
    return label + said[len(said.rstrip(".-(")) :]


def _is_date(said: str) -> bool:
    return bool(NUMERIC_DATE_RE.fullmatch(said.strip()))


# --- addresses -------------------------------------------------------------------------------

POSTCODE = (
    r"(?:GIR\s?0AA|[A-PR-UWYZ](?:\d[A-HJKPSTUW]|[A-HK-Y]\d[ABEHMNPRVWXY]|\d\d?|[A-HK-Y]\d\d?)"
    r"\s?\d[ABD-HJLNP-UW-Z]{2})"
)
POSTCODE_RE = re.compile(rf"\b{POSTCODE}\b", re.I)
US_STATES = _words(
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ "
    "NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC"
)
_STATE = rf"(?:{'|'.join(sorted(US_STATES))})"
STATE_ZIP_RE = re.compile(rf"\b{_STATE},?\s+\d{{5}}(?:-\d{{4}})?\b")
_HOUSE = r"\d{1,5}[A-Za-z]?(?:\s?[-/]\s?\d{1,5}[A-Za-z]?)?"
_WORD = r"(?:[^\W\d_][\w'’.-]*|\d{1,4}(?:st|nd|rd|th))"  # "83rd" in "412 E 83rd St"
STREET_RE = re.compile(
    rf"\b(?P<house>{_HOUSE}),?\s+(?P<words>{_WORD}(?:\s+{_WORD}){{0,3}}?)\s+"
    rf"(?P<type>{_cue('street_types')})\b\.?",
    re.I,
)
# Where the type comes first: "15 Rue des Lilas", "22 calle mayor".
LEAD_STREET_RE = re.compile(
    rf"\b{_HOUSE},?\s+(?P<type>{_cue('street_types_before')})\s+"
    rf"(?P<words>{_WORD}(?:\s+{_WORD}){{0,3}})",
    re.I,
)
# Without a house number only capitalised names of unmistakable streets: "Harley Street".
NAMED_STREET_RE = re.compile(
    r"\b(?P<words>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2})\s+"
    r"(?P<type>Street|St|Road|Rd|Avenue|Ave|Lane|Crescent|Terrace|Gardens|Boulevard|Blvd|Close|"
    r"Drive|Grove|Mews)\b\.?"
)
UNIT_RE = re.compile(
    rf"\b{_cue('address_units')}\s*(?:no\.?\s*|number\s+|#\s*)?\d{{1,5}}[A-Za-z]?\b", re.I
)
CUED_ADDRESS_RE = re.compile(
    rf"\b{_cue('address_cues')}\s+(?P<detail>{_HOUSE},?\s+{_WORD}(?:\s+{_WORD}){{0,3}}|{POSTCODE}"
    rf"|[A-Z]{{1,2}}\d[A-Z\d]?\b|\d{{5}}(?:-\d{{4}})?)",
    re.I,
)
# A house's name before the rest of an address: "Rose Cottage, [ADDRESS]", or any capitalised
# words after "I live at" that the rest of an address follows ("live at Albion, [ADDRESS]").
_HOUSE_TYPES = "|".join(sorted(w.capitalize() for w in word_set("house_types")))
HOUSE_BEFORE_RE = re.compile(
    rf"(?P<detail>\b(?:[A-Z][\w'’-]*[ ]){{0,3}}(?:{_HOUSE_TYPES})\b),?[ ]*(?=\[ADDRESS\])"
)
# A house named "The ...": "The Old Bakery, [ADDRESS]", "The Laurels, [ADDRESS]".
THE_HOUSE_RE = re.compile(r"(?P<detail>\bThe(?:[ ][A-Z][\w'’-]*){1,3}),?[ ]*(?=\[ADDRESS\])")
CUED_HOUSE_RE = re.compile(
    rf"\b{_cue('address_cues')}\s+(?P<detail>(?-i:[A-Z])[\w'’-]*(?:[ ](?-i:[A-Z])[\w'’-]*){{0,3}})"
    r",?[ ]*(?=\[ADDRESS\])",
    re.I,
)
# What may follow a street in the same address: ", London NW1 6XE", ", Springfield, IL 62704".
NEXT_PART_RE = re.compile(
    rf"(?:,\s*|\s+)(?:{POSTCODE}\b|{_STATE},?\s+\d{{5}}(?:-\d{{4}})?\b|\d{{5}}(?:-\d{{4}})?\b"
    r"|[A-Z][\w'’-]+(?:[ -][A-Z][\w'’-]+){0,2}\b)"
)
UNITS_OF_MEASURE = _words(
    "minute minutes min mins hour hours hr hrs second seconds sec secs day days week weeks "
    "month months year years yr yrs time times mile miles km metre metres meter meters yard "
    "yards feet foot ft step steps mg ml kg lb lbs pound pounds stone cup cups set sets rep reps "
    "tablet tablets pill pills dose doses session sessions x"
)


# The knowledge files that hold clinical words (not lexicon.yml, whose street types and sign-offs
# are what redaction looks for, nor handoff.yml and messages.yml, which quote example names).
CLINICAL_FILES = (
    "education.yml",
    "entity_patterns.yml",
    "red_flag_exemplars.yml",
    "red_flags.yml",
    "regions.yml",
    "screening.yml",
)


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    """Words that are never a name, even right after "my name is" or "Dr": the lexicon's."""
    return word_set("never_a_name", "not_a_name") | UNITS_OF_MEASURE


@lru_cache(maxsize=1)
def _ordinary_words() -> frozenset[str]:
    """Besides the stop words, the words the assistant's knowledge writes in lower case (its
    clinical words: "whiplash", "temples", "osteopath"): a capitalised one after "I'm" or
    "thanks" is no name. Names are written capitalised, so the knowledge holds none in lower
    case; a few names are also words ("Will", "Hope") and are missed after "I'm" (not after
    "my name is")."""
    words: set[str] = set()
    for name in CLINICAL_FILES:
        path = KNOWLEDGE_DIR / name
        said = path.read_text(encoding="utf-8")
        words |= set(re.findall(r"(?<![A-Za-z'])[a-z]{3,}(?![A-Za-z])", said))
    return _stop_words() | frozenset(words) | word_set("proper_words_kept")


def _plain_word(word: str) -> str:
    return word.lower().strip(".'’-")


def _unaccented(word: str) -> str:
    """`word` without its accents: "ménière" is the lexicon's "meniere"."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _known(word: str, words: frozenset[str]) -> bool:
    """`word`, its singular ("Headaches", "Temples") or what it is the possessive of
    ("Physiotherapy's") is one of `words`."""
    plain = POSSESSIVE_RE.sub("", _plain_word(word))
    if plain in words or _unaccented(plain) in words:
        return True
    # Only stems of three letters or more: "Ines" is no plural of "in", nor "Amos" of "am".
    stems = (plain[:-1], plain[:-2] if plain.endswith("es") else "")
    return plain.endswith("s") and any(len(stem) >= 3 and stem in words for stem in stems)


def _stop(word: str) -> bool:
    return _known(word, _stop_words())


def _ordinary(word: str) -> bool:
    return _known(word, _ordinary_words())


# Typed in lower case, only these end a street: "2 kids park" is no address, "12 oak road" is.
PLAIN_STREET_TYPES = _words(
    "street st road rd avenue ave lane ln drive crescent terrace gardens boulevard blvd close "
    "grove mews court place"
)


def _street_words_ok(words: str, street_type: str) -> bool:
    """Whether "12 <words> <type>" names a street, not "5 minutes down the lane"."""
    said = words.split()
    for i, word in enumerate(said):
        if word[0].isupper() and not (i and word.lower() == "the"):
            continue  # "1 The Green", "Baker"
        if _ordinary(word) or word.lower() in ("the", "a", "an"):
            return False
        if _plain_word(street_type) not in PLAIN_STREET_TYPES:
            return False
    return True


def _extend_address(text: str, end: int) -> int:
    """The end of the address run that starts with a street ending at `end`."""
    for _ in range(4):
        match = NEXT_PART_RE.match(text, end)
        if match is None:
            break
        words = match.group(0).strip(" ,").split()
        # A town may start with an ordinary word ("New York", "West Bromwich"), not be all such
        # words ("My Neck Hurts"); "I" starts a sentence.
        ordinary = words[0] == "I" or all(_ordinary(w) for w in words if not w[0].isdigit())
        if ordinary and not words[-1][-1].isdigit():
            break
        end = match.end()
    return end


# A town before a postcode or a state's zip code is part of the address: "Leeds LS6 2AB"; so is
# a numbered street before the town, whatever its type: "40 Station Approach, Leeds LS1 5AB".
TOWN_BEFORE_RE = re.compile(r"(?<![\w'’-])(?:[A-Z][\w'’-]+,?[ ]+){1,3}$")
STREET_BEFORE_RE = re.compile(r"(?<![\w'’.,/-])\d{1,5}[A-Za-z]?,?[ ]+(?:[A-Z][\w'’-]+,?[ ]+){2,4}$")


def _start_of_address(text: str, start: int) -> int:
    """Where the address ending in a postcode at `start` begins: its house number and street,
    or its town, if capitalised."""
    window = text[max(0, start - 80) : start]
    street = STREET_BEFORE_RE.search(window)
    if street is not None:
        words = street.group(0).replace(",", " ").split()[1:]
        if words[0].lower() not in UNITS_OF_MEASURE and not all(_ordinary(w) for w in words):
            return start - len(street.group(0))
    found = TOWN_BEFORE_RE.search(text[max(0, start - 60) : start])
    if found is None:
        return start
    words = found.group(0).replace(",", " ").split()
    while words and _ordinary(words[0]):
        words = words[1:]
    if not words:
        return start
    return start - len(found.group(0)) + found.group(0).index(words[0])


# Joined to an address found: a room, block or floor before it ("Room 4, [ADDRESS]"), a few
# words between two parts of it ("[ADDRESS], sheffield [ADDRESS]"), a town after it in lower
# case ("[ADDRESS], sheffield").
UNIT_BEFORE_RE = re.compile(
    rf"\b{_cue('address_units_before', 'address_units')}\s*(?:\d{{1,4}}[A-Za-z]?|[A-Z])\b,?[ ]*"
    r"(?=\[ADDRESS\])",
    re.I,
)
ADDRESS_GAP_RE = re.compile(r"\[ADDRESS\](?P<gap>,?[ ]+(?:[^\W\d_][\w'’-]*[ ]+){1,3})\[ADDRESS\]")
TOWN_AFTER_RE = re.compile(r"\[ADDRESS\](?P<gap>,[ ]*(?P<town>[^\W\d_]+))(?=[ ]*(?:[,.;!?\n]|$))")


def _joined_addresses(text: str) -> str:
    text = _sub(UNIT_BEFORE_RE, "", text)

    def gap(match: re.Match) -> str | None:
        words = match["gap"].replace(",", " ").split()
        return None if any(_ordinary(w) for w in words) else ADDRESS

    text = _sub(ADDRESS_GAP_RE, gap, text)
    return _sub(TOWN_AFTER_RE, lambda m: ADDRESS if _a_town(m["town"]) else None, text)


def _a_town(word: str) -> bool:
    """Whether a word after an address ("[ADDRESS], sheffield") is its town: no ordinary word,
    and a place, a word English writes capitalised, or no English word at all."""
    plain = _plain_word(word)
    if len(plain) < 3 or _ordinary(plain) or _greeting_or_thanks(plain):
        return False
    verdict = proper_noun(plain)
    return a_place(plain) or verdict is True or (verdict is None and not _english(plain))


# After an address, its unit ("[ADDRESS] #1104", "[ADDRESS], apt 3B"); before it, a capitalised
# house or farm name ("Lower [ADDRESS]", "Rosedene, [ADDRESS]")
UNIT_AFTER_RE = re.compile(
    r"(?<=\[ADDRESS\])(?P<detail>[ ,]*(?:#|(?:apt|apartment|unit|suite|ste|flat)\.?[ ]*#?)[ ]*"
    r"\d{1,5}[A-Za-z]?)(?![\w-])",
    re.I,
)
NAMED_BEFORE_ADDRESS_RE = re.compile(
    r"(?<![\w'’\[\]./@#&+-])(?P<word>(?-i:[A-Z])[^\W\d_]+(?:['’-][^\W\d_]+)*),?[ ](?=\[ADDRESS\])"
)


def _addresses(text: str) -> str:
    text = _joined_addresses(_found_addresses(text))
    text = _sub(UNIT_AFTER_RE, "", text)
    spans = [
        (m.start("word"), m.end(), ADDRESS)
        for m in NAMED_BEFORE_ADDRESS_RE.finditer(text)
        if _beside_a_name(m["word"], english=True)
    ]
    return _replace(text, spans)


def _found_addresses(text: str) -> str:
    spans: list[Span] = []
    for match in STREET_RE.finditer(text):
        if _street_words_ok(match["words"], match["type"]):
            spans.append((match.start(), _extend_address(text, match.end()), ADDRESS))
    for match in LEAD_STREET_RE.finditer(text):
        said = match["words"].split()
        kept = 0
        while kept < len(said) and not _ordinary(said[kept]):
            kept += 1
        if kept:
            tail = re.match(rf"\S+(?:\s+\S+){{{kept - 1}}}", match["words"])
            end = match.start("words") + tail.end()
            spans.append((match.start(), _extend_address(text, end), ADDRESS))
    for match in NAMED_STREET_RE.finditer(text):
        words = match["words"].split()
        while words and _ordinary(words[0]):
            words = words[1:]
        if words:
            start = match.start("words") + match["words"].rfind(" ".join(words))
            spans.append((start, _extend_address(text, match.end()), ADDRESS))
    for pattern in (UNIT_RE, POSTCODE_RE, STATE_ZIP_RE):
        for match in pattern.finditer(text):
            after = re.match(r"\s*([a-z]+)", text[match.end() : match.end() + 20], re.I)
            if after and after.group(1).lower() in UNITS_OF_MEASURE:
                continue  # "feeling flat 3 days"
            begin = match.start() if pattern is UNIT_RE else _start_of_address(text, match.start())
            spans.append((begin, _extend_address(text, match.end()), ADDRESS))
    for pattern in (
        HOUSE_BEFORE_RE,
        THE_HOUSE_RE,
        CUED_HOUSE_RE,
    ):  # "lives at Rose Cottage, [ADDRESS]"
        for match in pattern.finditer(text):
            spans.append((match.start("detail"), match.end(), ADDRESS))
    for match in CUED_ADDRESS_RE.finditer(text):
        start, end = match.span("detail")
        words = match["detail"].split()
        # "I live at 12 Ferndale, Bristol": up to the first ordinary word.
        kept = [words[0]]
        for word in words[1:]:
            if _ordinary(word):
                break
            kept.append(word)
        end = start + re.match(rf"\S+(?:\s+\S+){{{len(kept) - 1}}}", match["detail"]).end()
        spans.append((start, _extend_address(text, end), ADDRESS))
    return _replace(text, spans)


# --- other long numbers ----------------------------------------------------------------------

LONG_NUMBER_RE = re.compile(r"(?<![\w.,/])\+?\d+(?:[ -]\d{2,})*(?![\w/]|[.,]\d)")
YEAR_ONLY_RE = re.compile(r"^(?:(?:19|20)\d\d[ -]?)+$")


def _long_numbers(text: str) -> str:
    def one(match: re.Match) -> str | None:
        said = match.group(0).strip()
        if _digits(said) < LONG_NUMBER_DIGITS or YEAR_ONLY_RE.match(said) or _is_date(said):
            return None
        return NUMBER

    text = _sub(LONG_NUMBER_RE, one, text)
    return _sub(LETTERED_NUMBER_RE, lambda m: m.group(0).replace(m["digits"], NUMBER), text)


# A reference with its letters: "PT/2231874", "REF-4410928" (the letters stay, as a kind).
LETTERED_NUMBER_RE = re.compile(r"(?<![\w/])[A-Za-z]{1,4}[/-](?P<digits>\d{6,})(?![\w/])")


# --- names -----------------------------------------------------------------------------------

NAME_WORD_RE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*\.?(?!\w)")
# Never ending inside a word: "forename Isla" is no "name is" + "la".
STRONG_NAME_CUE_RE = re.compile(
    rf"\b{_cue('name_stated', 'name_said_outright')}(?!(?<=\w)\w)[\s:,-]*", re.I
)
INTRODUCED_CUE_RE = re.compile(rf"\b{_cue('name_introduced', 'name_relations')}[\s:,-]*\s", re.I)
# "Her carer is Precious", "my physio was Tom": a relation, then "is"/"was", then a capital.
RELATION_IS_RE = re.compile(rf"\b{_cue('name_relations')}\s+(?:is|was)\s+(?=(?-i:[A-Z]))", re.I)
TITLE_CUE_RE = re.compile(rf"\b{_cue('name_titles')}\b\.?\s+", re.I)
CALLED_CUE_RE = re.compile(rf"\b{_cue('name_called')}\b[\s:,-]*", re.I)
GREETING_CUE_RE = re.compile(rf"(?:^|[\n.!?]\s*)(?:{alternatives('greeting')})[\s,]+", re.I)
SIGN_OFF_RE = re.compile(rf"(?<![\w'])(?:{alternatives('sign_offs')})[\s,.!:]*\s(?=\S)", re.I)
LAST_LINE_RE = re.compile(r"\n\s*(?=\S)")
# A name said beside a phone number or e-mail address, without a cue: "Sam Idris 07700 900590",
# "Sam Idris | 07700 900590", "jo@example.com, Jo Idris, thanks" (after it, the name ends a clause).
_CONTACT_SEPARATOR = r"[ ]*[,:;|/•–—-]?[ ]*"
BESIDE_CONTACT_RE = re.compile(
    rf"(?P<words>[^\W\d_][\w'’-]*(?:[ ][^\W\d_][\w'’-]*){{0,3}}){_CONTACT_SEPARATOR}"
    r"\[(?:PHONE|EMAIL)\]"
)
AFTER_CONTACT_RE = re.compile(
    rf"\[(?:PHONE|EMAIL)\]{_CONTACT_SEPARATOR}"
    r"(?P<words>[^\W\d_][\w'’.-]*(?:[ ][^\W\d_][\w'’.-]*){0,3}?)"
    r"(?=[ ]*(?:[,;|/•–—\n!?]|\.(?!\w)|$))"
)
# A chat word after a lower-case name ("im sarah btw", "its jamal lol"), or the clause's end.
LOWER_NAME_END_RE = re.compile(
    rf"[ ]*(?:[,.!?;:\n)]|$)|[ ]+(?:{alternatives('after_a_name')})(?![\w'])", re.I
)
NOT_A_NAME_SHAPE_RE = re.compile(rf"(?:{alternatives('not_a_name_shapes')})", re.I)
SELF_CUE_RE = re.compile(rf"(?:{alternatives('name_introduced_self')})", re.I)
# A last sentence of one word, after a full stop or on a line of its own: "... call me. joanne".
LAST_WORD_RE = re.compile(r"(?:[.!?]\s|\n)\s*(?P<word>[^\W\d_]+)(?=[\s.!,:;)~-]*$)")
# What may follow a signed-off name besides the message's end: a role or an organisation
# ("Regards, Denise Walters, HR", "Best, Sam - Practice Manager").
SIGNATURE_TAIL_RE = re.compile(r"[ ]*(?:,|[ ][-|–—])[ ]*[^\W\d_][^\n.!?]{0,40}[.!]?\s*$")
CONTACT_WORD_RE = re.compile(rf"{_cue('phone_cues', 'number_cues')}", re.I)
NAME_THEN_SELF_RE = re.compile(rf"\s+(?:{alternatives('name_then_self')})\b(?![ ]+\w)", re.I)
HERE_RE = re.compile(
    r"(?:^|[\n.!?]\s*)(?:(?:" + alternatives("greeting") + r")[\s,]+)?(?=\w)", re.I
)


NAME_FROM_RE = re.compile(rf"\b{_cue('name_from')}\s+from\s+(?=(?-i:[A-Z]))", re.I)
NAME_ALONE_RE = re.compile(
    rf"(?<![\w'’-])(?P<name>(?-i:[A-Z])[^\W\d_]+)[ ,;:-]+{_cue('name_alone')}", re.I
)
_RELATION = alternatives("name_relations")
NAME_IS_RELATION_RE = re.compile(
    rf"(?:^|(?<=[\n.!?])\s*|(?<=\band)[ ]+)(?P<name>(?-i:[A-Z])[^\W\d_]+(?:-[^\W\d_]+)?)"
    rf"(?:[ ]+(?:is|was|'s|’s)[ ]+|[ ]*,[ ]*|[ ]*\([ ]*)(?:{_RELATION})\b",
    re.I,
)
AVAILABILITY_RE = re.compile(
    rf"(?:^|[\n.!?,]\s*)(?:so\s+|and\s+|hi\s+|hey\s+)?(?:is|was|will)\s+"
    rf"(?P<name>[^\W\d_]+(?:-[^\W\d_]+)?)\s+(?:be\s+)?(?:{alternatives('name_availability')})\b",
    re.I,
)
NAME_AROUND_RE = re.compile(rf"\b(?:{alternatives('name_around')})", re.I)
NAME_SAID_RE = re.compile(
    r"(?:^|(?<=[\n.!?])\s*|(?<=\bso)[ ]+|(?<=\band)[ ]+|(?<=\bbut)[ ]+)"
    rf"(?P<name>[A-Z][^\W\d_]+(?:-[A-Z][^\W\d_]+)?)[ ]+"
    rf"(?:{alternatives('name_reporting_verbs')})\b"
)
LOWER_AFTER_RE = re.compile(rf"\b{_cue('name_after_lower')}[ ]+(?=[^\W\d_]+)", re.I)
GIVEN_AFTER_RE = re.compile(
    r",[ ]*(?P<name>[A-Z][^\W\d_]+(?:-[A-Z][^\W\d_]+)?)[ ]*(?P<next>[,;.\n]|$)[ ]*"
)
NAME_FOLLOWS_RE = re.compile(
    rf"[ ]*(?:[,.;:!?)\n~]|$|\[|-[ ])|[ ]+(?:{alternatives('name_then_verb', 'after_a_name')})"
    r"(?![\w'’])|[ ]+x+\b",
    re.I,
)
OPENING_RE = re.compile(rf"\s*(?:(?:{alternatives('greeting')})[\s,!.]*)?", re.I)
RELATION_CUE_RE = re.compile(rf"(?:{_RELATION})[\s:,-]*", re.I)
SELF_OR_IT_RE = re.compile(
    r"(?:i\s*['’]?\s*m|i\s+am|this\s+is|it\s*['’]?\s*s|it\s+is|here\s+is)[\s:,-]*", re.I
)
ORGANISATION_AFTER_RE = re.compile(rf"[ ]+{_cue('after_an_organisation')}\b", re.I)


def _capitalised(word: str) -> bool:
    first = word[0]
    return first.isupper() or not first.islower()  # scripts without case count as capitalised


def _name_end(text: str, pos: int, *, lower: bool, strong: bool) -> int | None:
    """Where the name starting at `pos` ends, or None when no name starts there. `lower`: a
    lower-case word may be a name (after "my name is"); `strong`: the cue says a name follows
    ("my name is", "Dr"), so only stop words end it; otherwise ("I'm", "thanks") an ordinary
    or clinical word, an -ing verb ("I'm Having ...") or shouting ("I'm OK") is no name."""
    end = None
    lower_words = 0
    previous = ""
    for count in range(MAX_NAME_WORDS):
        lower = lower and (count == 0 or lower_words > 0)  # "Mr. Hughes last year": no
        match = NAME_WORD_RE.match(text, pos)
        if match is None:
            break
        word = match.group(0)
        plain = _plain_word(word)
        capitalised = _capitalised(word)
        if end is not None and plain in _particles():
            after = _after_particles(text, pos)  # "Liesel van der Berg"
            if after is not None:
                pos = after
                continue
        if len(plain) == 1 and not word.endswith("."):
            break  # "I", "a"; an initial has its full stop ("J. Smith")
        if not capitalised and plain in _after_a_name():
            break  # "my names dave btw"
        surname = end is not None and capitalised and _kept_surname(text, match)
        surname = surname or (
            end is not None
            and (_name_shaped(previous) or not _english(previous))
            and _word_surname(text, match)
        )
        initial = len(plain) == 1 and capitalised  # "Mr A. Krishnamurthy": "A." no article
        if (
            not surname
            and not initial
            and (_stop(word) if strong and capitalised else _ordinary(word))
        ):
            break
        if not capitalised:
            if not lower or lower_words >= MAX_LOWER_NAME_WORDS or len(plain) < 2:
                break
            lower_words += 1
        elif (
            not strong
            and count == 0
            and (
                (word.isupper() and len(plain) > 1)
                or (plain.endswith("ing") and _english(plain))  # "I'm Having", not "Mei-Ling"
            )
        ):
            break
        previous = word
        end = match.end() - (word.endswith(".") and len(plain) > 2)  # "Dr J. Smith."
        gap = re.match(r"[ ]{1,2}(?=[^\W\d_])", text[end : end + 3])
        if gap is None:
            break
        pos = end + gap.end()
    return end


def _kept_surname(text: str, match: re.Match) -> bool:
    """Whether a kept word (an eponym, a brand) after a first name is a surname ("Marcus Bell
    and ..."), not a condition ("Bell's palsy", "Bell palsy")."""
    word = match.group(0)
    if (
        POSSESSIVE_RE.search(word)
        or _stop(word)
        or _unaccented(_plain_word(word)) not in _proper_kept()
    ):
        return False
    following = re.match(r"[ ]+([^\W\d_]+)", text[match.end() : match.end() + 40])
    return not (following and following.group(1).lower() in _eponym_heads())


def _word_surname(text: str, match: re.Match) -> bool:
    """Whether a capitalised English word after a first name of a name's shape is its surname
    ("Ji-woo Park,", "Anneke Baker."): it ends the clause, and is no stop, body, clinical-shape,
    place or greeting word."""
    word = match.group(0)
    return (
        _capitalised(word)
        and not word.isupper()
        and len(word) > 2
        and not _stop(word)
        and not _known(word, _body_words())
        and not CLINICAL_SHAPE_RE.fullmatch(_plain_word(word))
        and not _greeting_or_thanks(word)
        and not a_place(word)
        and re.match(r"[ ]*(?:[,;!?\n]|\.(?!\w)|$)", text[match.end() :]) is not None
    )


@lru_cache(maxsize=1)
def _eponym_heads() -> frozenset[str]:
    return word_set("eponym_heads")


@lru_cache(maxsize=1)
def _plain_eponym_heads() -> frozenset[str]:
    return word_set("eponym_heads_plain")


PARTICLES_RE = re.compile(r"(?:[^\W\d_]+[ ]){1,3}")


@lru_cache(maxsize=1)
def _particles() -> frozenset[str]:
    return word_set("name_particles")


def _after_particles(text: str, pos: int) -> int | None:
    """Where the capitalised part after the lower-case particles at `pos` starts ("van der
    Berg"), or None: particles are part of a name only before a capitalised part."""
    found = PARTICLES_RE.match(text, pos)
    if found is None:
        return None
    words = found.group(0).split()
    for count, word in enumerate(words):
        if word.lower() not in _particles():
            if count and _capitalised(word):
                return pos + len(" ".join(words[:count])) + 1
            return None
    following = NAME_WORD_RE.match(text, found.end())
    if following and _capitalised(following.group(0)):
        return found.end()
    return None


# After a sign-off or on a last line of its own, a name ends the message: only these may follow.
ENDING_RE = re.compile(r"[\s.!,:;)\-~]*(?:x+[\s.!]*)?\W*")
HONORIFICS = frozenset({"mr", "mrs", "ms", "mx"})  # not "miss": "I miss work"


def _names(text: str) -> str:
    """Names replaced. A message written all in capitals ("ITS PETE AGAIN") has no capital to
    show a name: it is also read as if typed in lower case (its cues, "SURNAME PEMBERTON", are
    read as written)."""
    spans = _name_spans(text)
    letters = PLACEHOLDER_RE.sub("", text)
    if len(re.findall(r"[^\W\d_]{2,}", letters)) >= 3 and letters.upper() == letters:
        lowered = "".join(
            piece if PLACEHOLDER_RE.fullmatch(piece) else piece.lower()
            for piece in re.split(rf"({PLACEHOLDER_RE.pattern})", text)
        )
        if len(lowered) == len(text):
            spans += _name_spans(lowered)
    spans += _capitals_names(text)
    spans += _beside_names(text)
    return _replace(text, spans)


# --- words beside a name already found (the passes repeat, so "[NAME]" is in the text) -------
_CAPITALISED = r"(?-i:[A-Z])[^\W\d_]+(?:['’-][^\W\d_]+)*"
BEFORE_NAME_RE = re.compile(rf"(?<![\w'’\[\]./@#&+-])(?P<word>{_CAPITALISED})[ ](?=\[NAME\])")
AND_NAME_RE = re.compile(
    rf"(?<![\w'’\[\]./@#&+-])(?P<word>{_CAPITALISED})[ ]+(?:and|&)[ ]+"
    rf"(?i:{alternatives('name_titles')})?\.?[ ]*(?=\[NAME\])"
    rf"|(?<=\[NAME\])[ ]+(?:and|&)[ ]+(?P<after>{_CAPITALISED})(?![\w'’-])"
)
# "siobhan o'leary", "mr c. o'brien": a surname's own prefix says it is one, in lower case too
PREFIXED_SURNAME_RE = re.compile(
    rf"(?<![\w'’-])(?P<word>(?:{alternatives('surname_prefixes')})[^\W\d_]{{2,}})(?![\w'’-])",
    re.I,
)
APOSTROPHE_WORDS = frozenset({"o'clock", "o’clock"})  # English, though "o'" starts them
# "and I (Parisa)": a capitalised word alone in brackets, no English one
BRACKETED_NAME_RE = re.compile(rf"\((?P<word>{_CAPITALISED})\)")
# A sign-off after the last sentence: "... or [PHONE]. Mei Ling"
SIGNED_RE = re.compile(
    rf"(?<=[.!?\n])\s*(?P<word>{_CAPITALISED}(?:[ ]{_CAPITALISED}){{0,2}})[.!]?\s*$"
)
# Initials signing a message off, or saying who writes: "speak soon. R.M.", "JB here", "Mark T"
INITIALS_RE = re.compile(
    r"(?:^|(?<=[.!?\n])\s*)(?P<word>(?-i:[A-Z])\.(?:[ ]?(?-i:[A-Z])\.){1,2})\s*$"
    r"|(?:^|(?<=[.!?\n]\s))(?P<caps>(?-i:[A-Z]{2,3}))[ ]+(?=here\b|speaking\b)"
    r"|(?<=[.!?\n]\s)(?P<short>(?-i:[A-Z])[^\W\d_]+[ ](?-i:[A-Z])\.?)\s*$"
)


def _beside_names(text: str) -> list[Span]:
    """Words beside a name found that belong to it: a capitalised word right before it ("Rose
    [NAME]", "(Olumide [NAME])"), a name joined to it by "and" ("Sunita and [NAME]"), a
    prefixed surname after it ("[NAME] o'leary"); and initials signing off ("R.M.")."""
    spans: list[Span] = []
    for match in BEFORE_NAME_RE.finditer(text):
        if _beside_a_name(match["word"], english=True):
            spans.append((match.start("word"), match.end("word"), NAME))
    for match in AND_NAME_RE.finditer(text):
        group = "word" if match["word"] else "after"
        word = match[group]
        if _beside_a_name(word, english=False) or proper_noun(word):
            spans.append((match.start(group), match.end(group), NAME))
    for match in PREFIXED_SURNAME_RE.finditer(text):
        word = match["word"]
        english = word.lower() in APOSTROPHE_WORDS or (
            "'" not in word and "’" not in word and _english(word)
        )
        if not english and not _ordinary(word) and word.lower() not in _proper_kept():
            spans.append((match.start("word"), match.end("word"), NAME))
    for match in BRACKETED_NAME_RE.finditer(text):
        if _beside_a_name(match["word"], english=False):
            spans.append((match.start("word"), match.end("word"), NAME))
    signed = SIGNED_RE.search(text)
    if signed:
        words = signed["word"].split()
        # a role signs off too ("Consultant Rheumatologist"): one word must be no English
        if all(_beside_a_name(w, english=True) for w in words) and not all(map(_english, words)):
            spans.append((signed.start("word"), signed.end("word"), NAME))
    for match in INITIALS_RE.finditer(text):
        group = next(g for g in ("word", "caps", "short") if match[g])
        if group == "caps" and match[group].lower() in _ordinary_words():
            continue
        spans.append((match.start(group), match.end(group), NAME))
    return spans


def _beside_a_name(word: str, *, english: bool) -> bool:
    """Whether a capitalised word beside a name is part of it: no cue, kept, clinical or place
    word; an English word only where `english` (right before a surname: "Rose [NAME]")."""
    return (
        len(word) > 1
        and not word.isupper()
        and not _ordinary(word)
        and not _greeting_or_thanks(word)
        and word.lower() not in _proper_kept()
        and not a_place(word)
        # a drug's shape ("-ide", "-ol") says little right before a surname ("Olumide [NAME]")
        and (english or not CLINICAL_SHAPE_RE.fullmatch(word))
        and (english or not _english(word))
    )


CAPITALS_WORD_RE = re.compile(r"(?<![\w\[])[^\W\d_]{2,}(?:['’-][^\W\d_]+)*(?![\w\]])")


def _capitals_names(text: str) -> list[Span]:
    """Names written in capitals ("JAMES O'HARE. DOB ...", "this is ANNE-MARIE from ...", "I AM
    SEAN MURPHY AND ..."): the text is read again with each word in capitals written as a name
    is ("James O'Hare"), and a name found there is kept when one of its words in capitals is a
    clear proper noun (never an acronym: "NHS", "TIA", "MRI" are none)."""
    words = [m for m in CAPITALS_WORD_RE.finditer(text) if m.group(0).isupper()]
    if not words:
        return []
    pieces, done = [], 0
    for match in words:
        titled = re.sub(r"[^\W\d_]+", lambda m: m[0][0] + m[0][1:].lower(), match.group(0))
        pieces += [text[done : match.start()], titled]
        done = match.end()
    titled_text = "".join(pieces) + text[done:]
    if len(titled_text) != len(text):
        return []
    found = []
    for start, end, label in _name_spans(titled_text):
        inside = [m.group(0) for m in words if start <= m.start() and m.end() <= end]
        cued = CUE_BEFORE_RE.search(titled_text, max(0, start - 60), start) is not None
        if label == NAME and (
            any(_clear_capitals_name(w) for w in inside)
            or (cued and inside and all(_capitals_name_word(w) for w in inside))
        ):
            found.append((start, end, label))
    return found


# A cue right before a name ("THANKS, PRIYA", "MRS OKONKWO"): there a word in capitals that is
# no acronym's shape (a vowel, three letters or more, no English word) is a name too.
CUE_BEFORE_RE = re.compile(
    rf"(?<![\w'’])(?:{alternatives('name_titles', 'name_introduced', 'name_relations')}"
    rf"|{alternatives('sign_offs')}|{alternatives('name_stated', 'name_said_outright')})"
    r"[\s:,.-]*$",
    re.I,
)


def _capitals_name_word(word: str) -> bool:
    plain = _plain_word(word)
    return (
        len(plain) >= 3
        and re.search(r"[aeiouy]", plain) is not None
        and not _ordinary(plain)
        and not _english(plain)
        and plain not in _proper_kept()
        and not _misspelt(plain)
    )


def _clear_capitals_name(word: str) -> bool:
    parts = [p for p in re.split(r"['’-]", word) if len(p) > 2]
    return bool(parts) and any(
        proper_noun(p, clear=True) is True and not _ordinary(p) and p.lower() not in _proper_kept()
        for p in [word, *parts]
        if "'" not in p and "’" not in p
    )


def _name_spans(text: str) -> list[Span]:
    spans: list[Span] = []

    def take(pos: int, *, at_end: bool = False, signed: bool = False, **how: bool) -> int | None:
        end = _name_end(text, pos, **how)
        if end is None:
            return None
        ended = ENDING_RE.fullmatch(text, end) or (signed and _signature_tail(text, end))
        if at_end and not ended:
            return None
        spans.append((pos, end, NAME))
        return end

    for match in STRONG_NAME_CUE_RE.finditer(text):
        end = take(match.end(), lower=True, strong=True)
        if end is not None:  # "name: O'Sullivan, Declan."
            given = re.match(r",[ ]+(?=[^\W\d_])", text[end : end + 3])
            if given is not None:
                after = _name_end(text, end + given.end(), lower=False, strong=False)
                if after is not None and re.match(r"[ ]*(?:[.,;\n]|$)", text[after:]):
                    spans.append((end + given.end(), after, NAME))
    for match in INTRODUCED_CUE_RE.finditer(text):
        if take(match.end(), lower=False, strong=False) is None:  # "im sarah btw"
            about_self = SELF_CUE_RE.fullmatch(match.group(0).strip())
            said = _lower_name(text, match.end(), about_self)
            if said is None:  # "my boyfriend jake thinks", "im aarav and ..."
                said = _lower_proper_name(text, match.end(), about_self=bool(about_self))
            if said is None:  # "I'm Bill and ...", "my boy jack has had ..."
                opening = (
                    OPENING_RE.fullmatch(text, 0, match.start()) is not None
                    and SELF_OR_IT_RE.fullmatch(match.group(0).strip()) is not None
                )
                relation = RELATION_CUE_RE.fullmatch(match.group(0).strip()) is not None
                said = _word_name(text, match.end(), relation=relation, opening=opening)
            if said is not None:  # "im sarah okoro, ..."
                spans.append((match.end(), _lower_surname(text, said), NAME))
    for match in NAME_FROM_RE.finditer(text):  # "Greetings from Ji-woo Park, ..."
        first = NAME_WORD_RE.match(text, match.end())
        if first and not a_place(first.group(0)) and _capitalised(first.group(0)):
            take(match.end(), lower=False, strong=False)
    for match in NAME_ALONE_RE.finditer(text):  # "Just Hope, no surname"
        if not _stop(match["name"]) and not _greeting_or_thanks(match["name"]):
            spans.append((match.start("name"), match.end("name"), NAME))
    for match in NAME_IS_RELATION_RE.finditer(text):  # "Sunny is my son", "Dev, my physio, ..."
        word = match["name"]
        if not _stop(word) and not _greeting_or_thanks(word) and not a_place(word):
            spans.append((match.start("name"), match.end("name"), NAME))
    for match in NAME_AROUND_RE.finditer(text):  # "let Bill know", "thank Will for ..."
        if _word_name(text, match.start("name"), relation=False, last=True) or _name_shaped(
            match["name"]
        ):
            spans.append((match.start("name"), match.end("name"), NAME))
    for match in NAME_SAID_RE.finditer(text):  # "Greta said ...", "Will reckons ..."
        word = match["name"]  # an English word here ("Will", "Research") may be no one: stays
        if not _greeting_or_thanks(word) and (
            _name_shaped(word) or (proper_noun(word) is True and not _ordinary(word))
        ):
            spans.append((match.start("name"), match.end("name"), NAME))
    for match in AVAILABILITY_RE.finditer(text):  # "is priya in today", "is Tom working"
        word = match["name"]
        if _person_word(word):
            spans.append((match.start("name"), match.end("name"), NAME))
    for match in LOWER_AFTER_RE.finditer(text):  # "book in with seán again"
        said = _lower_proper_name(text, match.end(), about_self=False)
        if said is not None:
            spans.append((match.end(), said, NAME))
    for match in RELATION_IS_RE.finditer(text):
        take(match.end(), lower=False, strong=False)
    for match in CALLED_CUE_RE.finditer(text):  # "he's called Will"
        take(match.end(), lower=False, strong=True)
    for match in TITLE_CUE_RE.finditer(text):
        honorific = match.group(0).lower().rstrip(". \t\n") in HONORIFICS
        end = take(match.end(), lower=honorific, strong=True)
        if end is None:  # "love from nanna joan x"
            said = _lower_proper_name(text, match.end(), about_self=False)
            if said is not None:
                spans.append((match.end(), said, NAME))
        else:  # "Ms Chen, Clara, DOB ..."
            given = GIVEN_AFTER_RE.match(text, end)
            if given is not None and _given_name(given):
                spans.append((given.start("name"), given.end("name"), NAME))
    for match in GREETING_CUE_RE.finditer(text):
        take(match.end(), lower=False, strong=False)
    for pattern in (SIGN_OFF_RE, LAST_LINE_RE):
        for match in pattern.finditer(text):
            signed = bool(CLAUSE_START_RE.search(text, 0, match.start()))
            if pattern is LAST_LINE_RE and _a_role(text, match.end()):
                continue  # "Dr. Amara Nwosu\nConsultant Rheumatologist"
            if take(match.end(), at_end=True, signed=signed, lower=False, strong=False) is None:
                said = _word_name(text, match.end(), relation=False)  # "Thanks, Grace"
                if said is not None and ENDING_RE.fullmatch(text, said):
                    spans.append((match.end(), said, NAME))
    for match in LAST_WORD_RE.finditer(text):  # "... it's 07700 900826 . joanne"
        word = match["word"]
        # Capitalised ("... the 21st. Jo"), a noun may be a name; no adjective, verb or greeting.
        capital = word[0].isupper() and not word.isupper()
        if (
            len(word) > 1 + (not capital)
            and not _ordinary(word)
            and not _english(word, nouns=not capital)
            and not (capital and (_greeting_or_thanks(word) or word.lower() in _proper_kept()))
            and not NOT_A_NAME_SHAPE_RE.fullmatch(word)
            and word.lower() not in _after_a_name()
            and not CONTACT_WORD_RE.fullmatch(word)
        ) or (capital and _word_name(text, match.start("word"), relation=False, last=True)):
            spans.append((match.start("word"), match.end("word"), NAME))
    for match in HERE_RE.finditer(text):  # "Sarah here, ..." (not "tradie here")
        end = _name_end(text, match.end(), lower=False, strong=False)
        if end is not None and NAME_THEN_SELF_RE.match(text, end):
            spans.append((match.end(), end, NAME))
    for match in BESIDE_CONTACT_RE.finditer(text):  # "Hana Sato, [EMAIL]"
        words = match["words"].split()
        while words and not _bare_name(words):
            words = words[1:]
        if words:
            spans.append((match.end("words") - len(" ".join(words)), match.end("words"), NAME))
    for match in AFTER_CONTACT_RE.finditer(text):  # "[EMAIL], G O McAllister, thanks"
        if _bare_name(match["words"].split()):
            end = match.end("words") - match["words"].endswith(".")
            spans.append((match.start("words"), end, NAME))
    for match in LAST_AFTER_COMMA_RE.finditer(text):  # "ta for the advice, nikhil"
        if _lower_proper_name(text, match.start("word"), about_self=False) is not None:
            spans.append((match.start("word"), match.end("word"), NAME))
    spans += _shaped_names(text)
    whole = text.strip(" \t\n.!,")
    if 2 <= len(whole.split()) <= 4 and _bare_name(whole.split()):  # "Linda Park" alone
        start = text.index(whole)
        spans.append((start, start + len(whole), NAME))
    spans += _said_again(text, spans)
    return spans + _first_names_before(text, spans)


@lru_cache(maxsize=1)
def _clinical_core() -> frozenset[str]:
    """The clinical vocabulary proper (entity patterns, body regions): never a name, even
    capitalised after a cue; the stop and kept words too."""
    words: set[str] = set()
    for name in ("entity_patterns.yml", "regions.yml"):
        said = (KNOWLEDGE_DIR / name).read_text(encoding="utf-8")
        words |= set(re.findall(r"(?<![A-Za-z'])[a-z]{3,}(?![A-Za-z])", said))
    return frozenset(words) | _stop_words() | _proper_kept()


@lru_cache(maxsize=1)
def _body_words() -> frozenset[str]:
    said = (KNOWLEDGE_DIR / "regions.yml").read_text(encoding="utf-8")
    return frozenset(re.findall(r"(?<![A-Za-z'])[a-z]{3,}(?![A-Za-z])", said))


def _word_kinds(word: str) -> set[str]:
    index = _english_index() or {}
    plain = _plain_word(word)
    return {kind for kind, words in index.items() if plain in words or lemma(plain) in words}


def _word_name(
    text: str, pos: int, *, relation: bool, last: bool = False, opening: bool = False
) -> int | None:
    """Where a name that is also an English word ends ("I'm Bill and ...", "Thanks, Grace",
    "my boy jack has ..."), or None. Capitalised after a cue, a noun (never only an adjective
    or adverb: "I'm Sunny" stays) that is no clinical or stop word, and that a clause end, "and",
    a chat word or a verb of the person follows. In lower case only after a relation ("my boy
    jack"), and only before such a verb; or when the cue opens the message and the word ends its
    clause ("hiya its grace, ..."). `last`: the word ends the message (a one-word last
    sentence: "... over the place. Bill")."""
    match = NAME_WORD_RE.match(text, pos)
    if match is None:
        return None
    word = match.group(0).rstrip(".")
    end = pos + len(word)
    plain = _plain_word(word)
    if len(plain) < 3 or word.isupper() or "'" in word or "’" in word:
        return None
    if _known(word, _clinical_core()) or _greeting_or_thanks(word) or a_place(word):
        return None
    if CONTACT_WORD_RE.fullmatch(word) or NOT_A_NAME_SHAPE_RE.fullmatch(plain):
        return None
    kinds = _word_kinds(word)
    if kinds and "noun" not in kinds:
        return None  # "I'm Sunny", "it's Gone"
    if _capitalised(word):
        if last:
            return end
        follows = NAME_FOLLOWS_RE.match(text, end)
        if follows is None:
            return None
        after = re.match(r"[ ]+(?=[A-Z])", text[end : end + 2])
        if after is not None:  # "I'm Bill Evans, ..."
            more = _name_end(text, end + after.end(), lower=False, strong=False)
            return end if more is None else more
        return end
    if "adj" in kinds or "adv" in kinds:
        return None
    if opening and not relation and LOWER_NAME_END_RE.match(text, end):
        return end
    if not relation or "noun" not in kinds:
        return None
    verb = re.match(rf"[ ]+(?:{alternatives('name_then_verb')})\b", text[end : end + 30], re.I)
    if verb is None or verb.group(0).strip().lower() in ("and", "here", "from", "again"):
        return None
    return end


def _person_word(word: str) -> bool:
    """Whether a word asked after ("is priya in today") is a person's name: capitalised and no
    English word, or a word English writes capitalised (accents aside), no place or clinical
    word."""
    plain = _unaccented(_plain_word(word))
    if len(plain) < 3 or _known(plain, _clinical_core()) or _ordinary(plain) or a_place(plain):
        return False
    if _capitalised(word):
        return _name_shaped(word) or proper_noun(plain) is True
    return proper_noun(plain) is True or (
        proper_noun(plain) is None and not _english(plain) and not _misspelt(plain)
    )


def _given_name(match: re.Match) -> bool:
    """Whether ", Clara," after "Ms Chen" is her given name: a word English writes capitalised
    (a town too, when a detail follows: "Ms Chen, Clara, DOB ...")."""
    word = match["name"]
    if _stop(word) or _greeting_or_thanks(word) or _known(word, _clinical_core()):
        return False
    if _name_shaped(word):
        return True
    following = match.string[match.end() : match.end() + 20]
    detail = PLACEHOLDER_RE.match(following) or re.match(
        rf"(?:{alternatives('birth_date_cues', 'number_cues', 'phone_cues')})\b", following, re.I
    )
    return proper_noun(word) is True and detail is not None


# A capitalised word right before a name, "Elif [NAME]": a first name when it is no English word.
WORD_BEFORE_RE = re.compile(r"(?<![\w'’\[\]./@#&+-])(?P<word>[^\W\d_]+(?:-[^\W\d_]+)?)[ ]$")


def _first_names_before(text: str, spans: list[Span]) -> list[Span]:
    """First names before a name found ("Elif Yılmaz" where only "Yılmaz" was read as one): a
    capitalised word, no English, ordinary, kept or greeting word, place, misspelling."""
    found: list[Span] = []
    for start, _end, label in spans:
        match = WORD_BEFORE_RE.search(text, max(0, start - 40), start)
        if label != NAME or match is None:
            continue
        word = match["word"]
        before = text[max(0, match.start() - 40) : match.start()].rstrip(OPENING_MARKS)
        if (
            len(word) > 1
            and word[0].isupper()
            and not word.isupper()
            and not _ordinary(word)
            and not _english(word)
            and not _greeting_or_thanks(word)
            and word.lower() not in _proper_kept()
            and not a_place(word)
            and not _misspelt(word)
            and not CLINICAL_SHAPE_RE.fullmatch(word)
            and not PLACE_OPENER_RE.search(before)
            and not PLACE_PREPOSITION_RE.search(before)
        ):
            found.append((match.start("word"), start, NAME))
    return found


def _lower_surname(text: str, end: int) -> int:
    """Where a lower-case name ending at `end` ends with its surname ("im sarah okoro, ..."): a
    next word of no English, no misspelling, that ends the clause."""
    match = re.compile(r"[ ](?P<word>[^\W\d_]{3,})").match(text, end)
    if match is None:
        return end
    word = match["word"]
    if (
        not word.islower()
        or _ordinary(word)
        or word in _after_a_name()
        or NOT_A_NAME_SHAPE_RE.fullmatch(word)
        or _english(word)
        or _misspelt(word)
        or a_place(word)
        or proper_noun(word) is False
        or not LOWER_NAME_END_RE.match(text, match.end())
    ):
        return end
    return match.end()


# --- names by their shape --------------------------------------------------------------------
# A cue list only finds the names it anticipated ("I'm", "my wife"). Anywhere in a sentence, a
# capitalised word that English writes capitalised (proper_nouns.py), or that is no English word
# at all, and is no clinical, kept or cue word, is a name: "session with Priyanka", "I,
# Bartholomew Achterberg, consent", "me again (Lorenzo)". At a sentence's start every word is
# capitalised, so there only a clear proper noun counts, or one that a comma, "here", a bracket
# or the message's end follows, or another name-shaped word ("Sarah Jones said ..."). The run
# goes on through the capitalised words, particles and initials after it ("Niamh Ó Briain").
# All-capital words ("NHS", "GP", "A&E") are acronyms, never read this way.
SHAPED_WORD_RE = re.compile(
    r"(?<![\w'’\[\]./@#&+-])[^\W\d_][^\W\d_'’-]*(?:['’-][^\W\d_]+)*(?![\w@&])"
)
SENTENCE_END_CHARS = ".!?\n"
OPENING_MARKS = " \t\"'“‘*•>"
AFTER_OPENING_NAME_RE = re.compile(rf"[ ]*(?:[,)]|$|(?:{alternatives('name_then_self')})\b)", re.I)
PLACE_OPENER_RE = re.compile(
    rf"(?<![\w'’-])(?=(?-i:[A-Z]))(?:{alternatives('place_openers')})\.?$", re.I
)
NOT_BEFORE_NAME_RE = re.compile(rf"[ ]+(?:{alternatives('name_not_before')})\b", re.I)
MISSPELLING_CUTOFF = 0.8  # difflib's ratio: "Hedache" is "headache" misspelt, no name


def _shaped_names(text: str) -> list[Span]:
    """Names found by their shape, not by a cue (see above)."""
    spans: list[Span] = []
    done = 0
    for match in SHAPED_WORD_RE.finditer(text):
        start, word = match.start(), match.group(0)
        if start < done or not word[0].isupper() or (word.isupper() and len(word) > 1):
            continue
        before = text[max(0, start - 40) : start].rstrip(OPENING_MARKS)
        if PLACE_OPENER_RE.search(before) or PLACE_PREPOSITION_RE.search(before):
            continue  # "St Thomas' hospital", "San Diego", "work in Swindon"
        if _eponym_follows(text, match.end(), possessive=bool(POSSESSIVE_RE.search(word))):
            continue  # "Ménière's disease", "Tietze's syndrome", "Sjaastad criteria"
        if ORGANISATION_AFTER_RE.match(text, match.end()):
            continue  # "Westfield plan ref ...": an insurer
        opening = not before or before[-1] in SENTENCE_END_CHARS
        if opening and not _opening_name(text, match):
            continue
        if not opening and not _name_shaped(word):
            continue
        end = _name_end(text, start, lower=False, strong=False) or match.end()
        end = max(end, match.end() - (word.endswith(".")))
        spans.append((start, end, NAME))
        done = end
    return spans


def _eponym_follows(text: str, pos: int, *, possessive: bool = True) -> bool:
    """Whether a condition's or test's noun follows ("Bell's palsy"; without the apostrophe,
    only the plain heads: "Sjaastad criteria")."""
    following = re.match(r"[ ]+([^\W\d_]+)", text[pos : pos + 40])
    heads = _eponym_heads() if possessive else _plain_eponym_heads()
    return bool(following and following.group(1).lower() in heads)


def _opening_name(text: str, match: re.Match) -> bool:
    """Whether a capitalised word opening a sentence is a name: a clear proper noun ("Sarah
    said ..."), or a name-shaped word before a comma, "here", a bracket or the end ("Jean-Luc"),
    or before another name-shaped word ("Harriet Quinn went ...")."""
    word = match.group(0)
    if _greeting_or_thanks(word) or NOT_BEFORE_NAME_RE.match(text, match.end()):
        return False  # "Will you be open?", "Mark my words"
    if _name_shaped(word, clear=True):
        return True
    if not _name_shaped(word):
        return False
    if AFTER_OPENING_NAME_RE.match(text, match.end()):
        return True
    following = SHAPED_WORD_RE.match(text, match.end() + 1)
    return bool(
        following
        and text[match.end()] == " "
        and following.group(0)[0].isupper()
        and _name_shaped(following.group(0))
    )


def _greeting_or_thanks(word: str) -> bool:
    return bool(GREETING_WORD_RE.fullmatch(word) or word.lower() in _after_a_name())


GREETING_WORD_RE = re.compile(
    rf"(?:{alternatives('greeting', 'sign_offs', 'thanks', 'name_fillers')})", re.I
)


def _name_shaped(word: str, *, clear: bool = False) -> bool:
    """Whether a capitalised word is a name by its shape: each part ("Quinn-Adebayo") no
    ordinary, clinical or kept word nor a place, and one written capitalised by English
    (`clear`: by a wide margin), or all no English word and no misspelt clinical word."""
    plain = POSSESSIVE_RE.sub("", _plain_word(word))
    parts = [p for p in re.split(r"['’-]", plain) if len(p) > 1]
    if not parts or _ordinary(plain) or plain in _proper_kept():
        return False
    if any(_ordinary(p) or p in _proper_kept() for p in parts):
        return False  # "Co-codamol", "Bell's"
    # A place is no name ("Birmingham"), but may be one part of a double-barrelled surname whose
    # parts are all capitalised ("Souza-Lima"); not all parts places ("Austria-Hungary").
    places = [a_place(p) for p in parts]
    barrelled = len(parts) > 1 and all(p[:1].isupper() for p in re.split(r"-", word) if p)
    if any(places) and (not barrelled or all(places)):
        return False
    verdicts = [proper_noun(p, clear=clear) for p in parts]
    if True in verdicts:
        return True
    if False in verdicts:
        return False
    # Seen in neither case: a name, unless an English word, a clinical word's shape
    # ("Rizatriptan", "Spondylosis") or a misspelt clinical word ("Hedache").
    return not any(_english(p) or CLINICAL_SHAPE_RE.fullmatch(p) or _misspelt(p) for p in parts)


@lru_cache(maxsize=1)
def _proper_kept() -> frozenset[str]:
    return word_set("proper_words_kept")


@lru_cache(maxsize=1)
def _spelling_words() -> dict[str, frozenset[str]]:
    """The words a patient may misspell that matter most, the clinical and cue words, by their
    first letter and by their last two: a misspelling keeps one end ("hedache", "eadache")."""
    index: dict[str, set[str]] = {}
    for word in (w for w in _ordinary_words() if len(w) > 3):
        index.setdefault(word[0], set()).add(word)
        index.setdefault(word[-2:], set()).add(word)
    return {key: frozenset(words) for key, words in index.items()}


@lru_cache(maxsize=4096)
def _misspelt(word: str) -> bool:
    """Whether `word`, no English word, is close to a clinical or cue word ("hedache", "dizy")."""
    plain = _plain_word(word)
    index = _spelling_words()
    slack = len(plain) // 4 + 1  # within the cutoff, lengths differ by at most this
    near = [
        w
        for w in index.get(plain[:1], frozenset()) | index.get(plain[-2:], frozenset())
        if abs(len(w) - len(plain)) <= slack
    ]
    return bool(difflib.get_close_matches(plain, near, n=1, cutoff=MISSPELLING_CUTOFF))


# A lower-case word ending the message after a comma: "ta very much for the advice, nikhil".
LAST_AFTER_COMMA_RE = re.compile(r",[ ]*(?P<word>[^\W\d_]+)(?=[\s.!~]*(?:x+[\s.!]*)?$)")


def _lower_proper_name(text: str, pos: int, *, about_self: bool) -> int | None:
    """Where a lower-case name at `pos` ends, or None: a word English writes capitalised
    ("jake", "tanisha"); after "im", also a word of no English at all that misspells no
    clinical word ("im aarav and ..."). Never an English adjective, verb or adverb."""
    match = NAME_WORD_RE.match(text, pos)
    if match is None:
        return None
    word = match.group(0).rstrip(".")
    if not word.islower() or len(word) < 3 or "'" in word:
        return None
    if "-" in word:  # "lucy-ann": each part a word English writes capitalised
        parts = word.split("-")
        if all(len(p) > 1 and proper_noun(_unaccented(p)) is True for p in parts) and not any(
            _ordinary(p) or _english(p, nouns=False) for p in parts
        ):
            return pos + len(word)
        return None
    if _ordinary(word) or word in _after_a_name() or NOT_A_NAME_SHAPE_RE.fullmatch(word):
        return None
    if _english(word, nouns=False) or word in _proper_kept() or a_place(word):
        return None
    verdict = proper_noun(_unaccented(word))
    if verdict is True or (
        verdict is None and about_self and not _english(word) and not _misspelt(word)
    ):
        return pos + len(word)
    return None


def _a_role(text: str, pos: int) -> bool:
    """Whether the last line starting at `pos` is a role, not a name: only English words of
    three letters or more, none written capitalised by English ("Consultant Rheumatologist")."""
    words = re.findall(r"[^\W\d_]+", text[pos : pos + 80])
    return bool(words) and all(
        len(w) > 2 and _english(w) and proper_noun(w) is not True for w in words
    )


def _said_again(text: str, spans: list[Span]) -> list[Span]:
    """A name found once is a name wherever the message says it again, capitalised as it was
    ("called Will ... can Will book too?")."""
    said = {
        word
        for start, end, label in spans
        if label == NAME
        for word in re.findall(r"[^\W\d_][\w'’-]*", text[start:end])
        if word[0].isupper() and len(word) > 1 and not _stop(word) and not word.isupper()
    }
    found: list[Span] = []
    for word in said:
        for match in re.finditer(rf"(?<![\w\[]){re.escape(word)}(?![\w\]])", text):
            if not NOT_BEFORE_NAME_RE.match(text, match.end()):  # "Will you be open?"
                found.append((match.start(), match.end(), NAME))
    return found


CLAUSE_START_RE = re.compile(r"(?:^|[\n.!?,;:|])\s*$")


def _signature_tail(text: str, end: int) -> bool:
    """Whether what follows a signed-off name is a role or an organisation and then the end:
    ", HR", " - Practice Manager, Acme Physio" (up to four words, no sentence)."""
    tail = SIGNATURE_TAIL_RE.fullmatch(text, end)
    return tail is not None and len(re.findall(r"[^\W\d_]+", tail.group(0))) <= 4


def _lower_name(text: str, pos: int, about_self: re.Match | None) -> int | None:
    """Where a lower-case name after "im", "its" or "this is" ends ("im sarah btw", "its
    marcus."), or None: one word, ending its clause, and no English word (after "im", a noun
    may be a name: "sarah" is one of WordNet's nouns, "tired" no noun)."""
    match = NAME_WORD_RE.match(text, pos)
    if match is None:
        return None
    word = match.group(0).rstrip(".")
    end = pos + len(word)
    if not word.islower() or len(word) < 3 or not LOWER_NAME_END_RE.match(text, end):
        return None
    if not re.search(r"[aeiouyw]", _unaccented(word)):
        return None  # an acronym typed in lower case: "its bppv"
    if _ordinary(word) or word in _after_a_name() or NOT_A_NAME_SHAPE_RE.fullmatch(word):
        return None
    if any(_ordinary(part) for part in word.split("-")):
        return None  # "it's neck-related"
    # A word English writes in lower case is none ("their GP themselves", "husband, emoji").
    known = _english(word, nouns=about_self is None) or _misspelt(word)  # "im dizy"
    return None if known or (proper_nouns_known() and proper_noun(word) is False) else end


@lru_cache(maxsize=1)
def _after_a_name() -> frozenset[str]:
    return word_set("after_a_name")


def _english_index() -> dict | None:
    """WordNet's English words by part of speech (proper_nouns.py's compact tables); None when
    the data is missing, and then every word counts as English (no lower-case name is
    guessed)."""
    return english_words()


def _english(word: str, *, nouns: bool = True) -> bool:
    """Whether `word` (lower-cased) is an English word, or a form of one ("hurts"); `nouns`:
    whether WordNet's nouns count (a name is often one of them: "sarah", "lee")."""
    index = _english_index()
    if index is None:
        return True
    plain = _plain_word(word)
    kinds = ("adj", "adv", "verb", "noun") if nouns else ("adj", "adv", "verb")
    forms = {plain, lemma(plain)}
    return any(form in index.get(kind, ()) for form in forms for kind in kinds)


def _bare_name(words: list[str]) -> bool:
    """Whether capitalised words said without a cue ("Sam Idris") are a name: the first no
    ordinary or clinical word ("Neck Pain"), none a stop word, a phone or a number cue."""
    return _ordinary(words[0]) is False and all(
        NAME_WORD_RE.fullmatch(w)
        and _capitalised(w)
        and not (w.isupper() and len(w) > 1)
        and not _stop(w)
        and not CONTACT_WORD_RE.fullmatch(w)
        for w in words
    )


# --- tidy ------------------------------------------------------------------------------------

ADJACENT_RE = re.compile(r"(\[(?:NAME|ADDRESS)\])(?:,?\s*\1)+")
BEFORE_MARKUP_RE = re.compile(r"(\[(?:NAME|PHONE|EMAIL|DOB|ADDRESS|NUMBER)\])(?=[({])")


def _tidy(text: str) -> str:
    """One placeholder for a detail split in parts ("Flat 4, 12 High St" is one address); never a
    placeholder directly before "(" or "{", which Rasa's NLU YAML would read as an entity."""
    text = ADJACENT_RE.sub(r"\1", text)
    return BEFORE_MARKUP_RE.sub(r"\1 ", text)
