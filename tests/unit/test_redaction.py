"""Redaction before the review queue stores a message (issue 29): every personal detail of the
own set (tests/redaction/own.yml) is gone and every clinical word kept; the project's own
patient-like messages (the NLU examples, the red-flag corpora) come back unchanged unless they
carry a detail; and redact is idempotent, total on odd input and linear in the message."""

import random
import re
import time

import pytest
import yaml

from headache_core.redaction import PLACEHOLDERS, redact
from tests.conftest import ROOT, nlu_examples

OWN = yaml.safe_load((ROOT / "tests" / "redaction" / "own.yml").read_text(encoding="utf-8"))
CASES = OWN["cases"]
WITH_DETAILS = [c for c in CASES if not c.get("same")]
WITHOUT = [c for c in CASES if c.get("same")]
# The intent whose examples carry names, phones and e-mails ("book me in, I'm Priya, 07700 ...").
DETAIL_INTENTS = {"book_appointment"}
RED_FLAG_FILES = ("corpus.yml", "holdout.yml", "holdout2.yml")


def _id(case: dict) -> str:
    return case["text"][:50]


def test_the_own_set_is_large_and_varied():
    shown = {p for c in WITH_DETAILS for p in c.get("shows", [])}
    assert len(CASES) >= 120 and len(WITHOUT) >= 30
    assert shown == {p.strip("[]") for p in PLACEHOLDERS}


@pytest.mark.parametrize("case", WITH_DETAILS, ids=_id)
def test_every_detail_is_gone_and_every_clinical_word_kept(case):
    out = redact(case["text"])
    assert [d for d in map(str, case["gone"]) if d in out] == [], out
    assert [k for k in map(str, case.get("keep", [])) if k not in out] == [], out
    assert [p for p in case.get("shows", []) if f"[{p}]" not in out] == [], out


def test_all_details_of_the_own_set_are_removed():
    """The issue's measure on the own set: 100% of the details gone, 100% of the words kept."""
    outs = [(c, redact(c["text"])) for c in WITH_DETAILS]
    details = [(d, out) for c, out in outs for d in map(str, c["gone"])]
    keeps = [(k, out) for c, out in outs for k in map(str, c.get("keep", []))]
    assert len(details) >= 200
    assert sum(d in out for d, out in details) == 0
    assert sum(k not in out for k, out in keeps) == 0


@pytest.mark.parametrize("case", WITHOUT, ids=_id)
def test_a_message_without_details_comes_back_as_it_was(case):
    assert redact(case["text"]) == case["text"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm Sarah, 07700 900123", "I'm [NAME], [PHONE]"),
        ("my dob is 14/03/1961", "my dob is [DOB]"),
        ("jo@example.com", "[EMAIL]"),
        ("NHS number 943 476 5919.", "NHS number [NUMBER]."),
        ("Flat 4, 22 Oak Road, Bristol BS1 4DJ", "[ADDRESS]"),
        ("thanks, Tom", "thanks, [NAME]"),
        ("Dr Patel", "Dr [NAME]"),
    ],
)
def test_the_placeholders_are_the_ones_the_issue_names(text, expected):
    assert redact(text) == expected


def test_a_placeholder_is_never_followed_by_rasa_entity_markup():
    """In Rasa NLU YAML "[x](intent)" and "[x]{...}" are entities: a space keeps it text."""
    out = redact("my name is Ben(x) and I'm Tom{y}, jo@example.com(work)")
    assert not re.search(r"\[(?:NAME|EMAIL)\][({]", out)
    assert out == "my name is [NAME] (x) and I'm [NAME] {y}, [EMAIL] (work)"
    assert redact("[NAME](") == "[NAME] ("


def _project_messages() -> list[tuple[str, str]]:
    found = [
        (intent, text)
        for path in sorted((ROOT / "data" / "nlu").glob("*.yml"))
        for intent, texts in nlu_examples(path).items()
        for text in texts
    ]
    for name in RED_FLAG_FILES:
        data = yaml.safe_load((ROOT / "tests" / "red_flags" / name).read_text(encoding="utf-8"))
        found += [(name, c["text"]) for part in ("cases", "negatives") for c in data[part]]
    return found


def test_the_projects_own_messages_keep_their_words():
    """Thousands of patient-like messages: none changes except booking requests that carry a
    name, phone or e-mail, and those keep no digit run or address."""
    messages = _project_messages()
    assert len(messages) > 4000
    changed = [(intent, text, redact(text)) for intent, text in messages if redact(text) != text]
    assert [(i, t, o) for i, t, o in changed if i not in DETAIL_INTENTS] == []
    assert changed, "the booking examples carry details"
    leftovers = [o for _, _, o in changed if "@" in o or re.search(r"\d{4}", o)]
    assert leftovers == []


ODD = [
    "",
    " ",
    "\n\n",
    "🙂🤕🙂",
    "\x00\x01\ud800",
    "[NAME] [PHONE] [EMAIL] [DOB] [ADDRESS] [NUMBER]",
    "@@@@ ... @",
    "12/13/1961 31/31/1999 00/00/0000 99-99-99",
    "Mr Mrs Dr. Ms. - thanks, regards\n",
    "+" * 50,
    "٠٧٧٠٠ ٩٠٠١٢٣",  # Arabic-Indic digits
    "私の名前は田中です I'm 田中",
]


@pytest.mark.parametrize("text", ODD + [c["text"] for c in CASES])
def test_redact_is_idempotent_and_total(text):
    once = redact(text)
    assert isinstance(once, str)
    assert redact(once) == once


def test_random_text_never_raises_and_stays_redacted():
    """A seeded mix of the pieces details are made of, glued at random."""
    pieces = ["I'm", "Sarah", "07700", "900123", "@", "example.com", "14/03/1961", "12", "Oak",
              "Road", "SW1A", "1AA", "dob", "thanks,", "Tom", "-", "(", "{", ".", "\n", "my",
              "name", "is", "neck", "pain", "8/10", "C5-C6", "🙂", "x", "Flat", "4", "+44"]  # fmt: skip
    generator = random.Random(29)
    for _ in range(300):
        text = " ".join(generator.choice(pieces) for _ in range(generator.randint(0, 30)))
        once = redact(text)
        assert redact(once) == once, text
        assert not re.search(r"\[(?:NAME|PHONE|EMAIL|DOB|ADDRESS|NUMBER)\][({]", once)


@pytest.mark.parametrize(
    "unit",
    ["1", "1 ", "12-", "07700 900123 ", "a@", "a.", "jo at gmail dot ", "I'm Sarah ", "Mr ",
     "12 Oak ", "SW1A ", "🙂", "12/12/12/", "thanks ", "my neck hurts and I'm tired "],
)  # fmt: skip
def test_a_10kb_message_is_read_in_well_under_a_second(unit):
    """No pattern backtracks catastrophically. Measured (2-core machine, shared): 15-800 ms
    for 10,000 characters, the most for 770 phone numbers in a row (phonenumbers' matcher);
    a message of 2,000 characters (InputCleaner's limit) takes a fifth of that. The word tables
    (proper_nouns.py, about 2 s, once per process) are loaded before the clock starts."""
    redact("thanks, Priyanka here. im jake")
    text = (unit * (10_000 // len(unit) + 1))[:10_000]
    started = time.perf_counter()
    redact(text)
    assert time.perf_counter() - started < 5.0


def test_the_region_reads_local_numbers_and_none_still_reads_uk_and_us():
    assert redact("ring 0412 345 678", region="AU") == "ring [PHONE]"
    assert redact("ring 07700 900123", region=None) == "ring [PHONE]"
    assert redact("ring (202) 555-0143", region="XX") == "ring [PHONE]"
