"""The handoff form's readers: what patients type for name, contact details, times, note and
consent, and what must be re-asked instead of passed on."""

from dataclasses import replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from headache_core.clinic import Clinic, Region
from headache_core.handoff.contact import (
    ContactDetails,
    PreferredTimes,
    describe_problem,
    phone_for_people,
    read_booked_for,
    read_consent,
    read_contact,
    read_name,
    read_note,
    read_preferred_times,
    region_code,
)

LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 11, 26)  # a Thursday


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in late November 2026, clinic time: 23 is a Monday ... 29 a Sunday."""
    return datetime(2026, 11, day, hour, minute, tzinfo=LONDON)


# --- name ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Jo Smith", "Jo Smith"),
        ("my name is jo smith", "Jo Smith"),
        ("My name's Tom Jones, thanks", "Tom Jones"),
        ("I'm José García", "José García"),
        ("I’m Siobhán", "Siobhán"),  # curly apostrophe from a phone keyboard
        ("it's Sarah", "Sarah"),
        ("name: Dave", "Dave"),
        ("call me Liz", "Liz"),
        ("this is Priya Patel.", "Priya Patel"),
        ("O'NEILL", "O'Neill"),
        ("anne-marie o'neill", "Anne-Marie O'Neill"),
        ("Jean-Luc Picard", "Jean-Luc Picard"),
        ("McDonald", "McDonald"),  # mixed case is kept as typed
        ("Mary J. Blige", "Mary J. Blige"),
        ("Nguyễn Văn An", "Nguyễn Văn An"),
        ("  zoë   KRAVITZ ", "zoë KRAVITZ"),  # mixed case: kept
        ("J", "J"),
        ("ok fine, Linda Park", "Linda Park"),  # lead-in words before the name
        ("oh sorry - yes, Tom Baker", "Tom Baker"),
        ("Sarah Collins, it's for my son Jake", "Sarah Collins"),  # the name is one clause
        ("Yes my name is Jennifer Lowe but everyone calls me Jen", "Jennifer Lowe"),
    ],
)
def test_names_are_read_from_ordinary_phrasing(text: str, name: str) -> None:
    assert read_name(text) == name


@pytest.mark.parametrize(
    "text",
    [
        "",
        "no",
        "I don't want to say",
        "why do you need it?",
        "jo@example.org",
        "Bob 123",
        "07700 900123",
        "www.example.com",
        "I'm fine",
        "call me maybe",
        "I would rather not give my name to a bot",  # a sentence, not a name
        "Anna Maria Luisa Theresa Sophia Charlotte",  # six words
        "x" * 81,
        "ok",
    ],
)
def test_answers_that_are_not_names_are_re_asked(text: str) -> None:
    assert read_name(text) is None


# --- region -------------------------------------------------------------------------------


def clinic(region: str, **extra: str) -> Clinic:
    return Clinic(
        name="Test Physio",
        phone="020 7946 0000",
        address="1 Test Street",
        region=Region(region, "999", "A&E", "111"),
        hours={},
        prices="",
        insurance="",
        parking="",
        extra=dict(extra),
    )


@pytest.mark.parametrize(
    ("code", "iso"), [("uk", "GB"), ("us", "US"), ("ca", "CA"), ("au", "AU"), ("eu", None)]
)
def test_phone_region_follows_the_clinic_region(code: str, iso: str | None) -> None:
    assert region_code(clinic(code)) == iso


def test_clinic_country_overrides_the_region() -> None:
    assert region_code(clinic("eu", country="ie")) == "IE"
    with pytest.raises(ValueError, match="country"):
        region_code(clinic("eu", country="Ireland"))


# --- phone and e-mail ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "region", "phone", "email"),
    [
        ("07911 123456", "GB", "+447911123456", None),
        ("you can call me on 07700 900123", "GB", "+447700900123", None),  # Ofcom drama range
        ("my mobile is 07911-123-456 thanks", "GB", "+447911123456", None),
        ("ring 020 7946 0000 after 5", "GB", "+442079460000", None),
        ("0044 7911 123456", "GB", "+447911123456", None),
        ("my email is Jo.Smith@Example.org", "GB", None, "Jo.Smith@example.org"),
        ("+44 7700 900123 or jo@x.org", None, "+447700900123", "jo@x.org"),
        ("jo@x.org, 07911 123456", "GB", "+447911123456", "jo@x.org"),
        ("email: jo.smith2@example.co.uk.", "GB", None, "jo.smith2@example.co.uk"),
        ("(201) 555-0123", "US", "+12015550123", None),
        ("call me at 415.555.0199 after 5", "US", "+14155550199", None),
        ("202-555-0147 or sam@example.com", "US", "+12025550147", "sam@example.com"),
        ("613 555 0123", "CA", "+16135550123", None),
        ("0412 345 678", "AU", "+61412345678", None),
        ("+353 85 123 4567", None, "+353851234567", None),
        ("+1 202 555 0147 is my cell", "GB", "+12025550147", None),  # foreign number, + given
    ],
)
def test_contact_details_are_found_anywhere_in_the_text(
    text: str, region: str | None, phone: str | None, email: str | None
) -> None:
    assert read_contact(text, region) == ContactDetails(phone=phone, email=email)


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("hello", "GB"),
        ("07700 900", "GB"),  # too short
        ("0770090012345678", "GB"),  # too long
        ("my number is 123", "GB"),
        ("07911 123456", None),  # eu clinic: the country code is needed
        ("jo@", "GB"),
        ("@example.org", "GB"),
        ("jo@example", "GB"),
        ("jo@@example.org", "GB"),
        ("jo@gmail,com", "GB"),
        ("I'd rather you didn't", "GB"),
    ],
)
def test_unusable_contact_details_are_re_asked(text: str, region: str | None) -> None:
    assert read_contact(text, region) is None


def test_digits_inside_an_email_address_are_not_a_phone_number() -> None:
    assert read_contact("jo07911123456@example.org", "GB") == ContactDetails(
        phone=None, email="jo07911123456@example.org"
    )


@pytest.mark.parametrize(
    ("text", "region", "reason"),
    [
        ("07700 900", "GB", "that phone number looks too short"),
        ("my number is 123", "GB", "that phone number looks too short"),
        ("0770090012345678", "GB", "that phone number looks too long"),
        ("07911 123456", None, "please write the phone number with its country code"),
        ("+999 1234", None, "country code"),
        ("jo@", "GB", "that e-mail address is missing the part after @"),
        ("@example.org", "GB", "that e-mail address is missing the part before @"),
        ("jo@example", "GB", "it needs a dot"),
        ("jo@@example.org", "GB", "more than one @"),
        ("jo@example..org", "GB", "two dots in a row"),
        ("hello there", "GB", "I couldn't find a phone number or e-mail address"),
    ],
)
def test_the_re_ask_says_what_is_wrong(text: str, region: str | None, reason: str) -> None:
    assert reason in describe_problem(text, region)


# --- preferred times ------------------------------------------------------------------------


def times(text: str) -> PreferredTimes:
    found = read_preferred_times(text, today=TODAY)
    assert found is not None, text
    return found


@pytest.mark.parametrize(
    ("text", "days", "parts"),
    [
        ("tuesday", ("tuesday",), ()),
        ("TUESDAYS", ("tuesday",), ()),
        ("tues or thurs", ("tuesday", "thursday"), ()),
        ("wed", ("wednesday",), ()),
        ("wednsday afternoon", ("wednesday",), ("afternoon",)),  # typo
        ("thursady", ("thursday",), ()),
        ("Mon, Wed & Fri", ("monday", "wednesday", "friday"), ()),
        ("mon-wed", ("monday", "tuesday", "wednesday"), ()),
        (
            "Monday to Friday evenings",
            ("monday", "tuesday", "wednesday", "thursday", "friday"),
            ("evening",),
        ),
        (
            "weekday mornings",
            ("monday", "tuesday", "wednesday", "thursday", "friday"),
            ("morning",),
        ),
        ("week days", ("monday", "tuesday", "wednesday", "thursday", "friday"), ()),
        ("during the week", ("monday", "tuesday", "wednesday", "thursday", "friday"), ()),
        ("weekends", ("saturday", "sunday"), ()),
        ("sat am", ("saturday",), ("morning",)),
        ("fri pm", ("friday",), ("afternoon",)),
        ("arvo", (), ("afternoon",)),
        ("lunchtime", (), ("afternoon",)),
        ("after work", (), ("evening",)),
        ("I am free on weds", ("wednesday",), ()),  # "am" after "I" is not the morning
        ("not Fridays", ("monday", "tuesday", "wednesday", "thursday", "saturday", "sunday"), ()),
        ("weekdays but not fridays", ("monday", "tuesday", "wednesday", "thursday"), ()),
        (
            "except mondays and tuesdays",
            ("wednesday", "thursday", "friday", "saturday", "sunday"),
            (),
        ),
        ("not monday, tuesday is fine", ("tuesday",), ()),
        ("mondays not tuesdays", ("monday",), ()),
        ("I can't do mornings", (), ("afternoon", "evening")),
        ("mornings don't work for me", (), ("afternoon", "evening")),
        ("I work mornings", (), ("afternoon", "evening")),
        ("mornings are no good, afternoons fine", (), ("afternoon",)),
        ("not sure, maybe tuesday", ("tuesday",), ()),
    ],
)
def test_days_and_parts_of_the_day(text: str, days: tuple, parts: tuple) -> None:
    found = times(text)
    assert (found.days, found.parts, found.any_time) == (days, parts, False)
    assert found.text == " ".join(text.split())  # the person's words are kept


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("after 4pm", time(16), None),
        ("after 4", time(16), None),  # nobody means 4 in the morning
        ("before 10", None, time(10)),
        ("before 10am", None, time(10)),
        ("not before 9:30", time(9, 30), None),
        ("any time after 5", time(17), None),
        ("between 2 and 4", time(14), time(16)),
        ("10-12", time(10), time(12)),
        ("11-1pm", time(11), time(13)),
        ("around 3pm", time(14), time(16)),
        ("at 3", time(14), time(16)),
        ("16:30 or later", time(16, 30), None),
        ("4pm onwards", time(16), None),
        ("10 at the latest", None, time(10)),
    ],
)
def test_clock_limits(text: str, earliest: time | None, latest: time | None) -> None:
    found = times(text)
    assert (found.earliest, found.latest) == (earliest, latest)


@pytest.mark.parametrize(
    "text",
    ["any time", "anytime", "Whenever", "I'm flexible", "asap", "as soon as possible",
     "earliest available", "no preference", "I don't mind", "not fussed", "any day"],
)  # fmt: skip
def test_any_time(text: str) -> None:
    found = times(text)
    assert found.any_time
    assert found.allows(at(29, 8)) and found.allows(at(24, 18))


def test_any_time_with_a_limit_is_the_limit() -> None:
    found = times("anytime after 5")
    assert not found.any_time
    assert found.allows(at(24, 17)) and not found.allows(at(24, 16, 30))


@pytest.mark.parametrize(
    "text", ["", "I don't know", "maybe", "2 to 3 days a week", "yes", "not sure", "the usual"]
)
def test_no_time_named_is_re_asked(text: str) -> None:
    assert read_preferred_times(text, today=TODAY) is None


def test_tuesday_or_thursday_after_four() -> None:
    found = times("Tues or Thurs after 4pm")
    assert found.allows(at(24, 16))  # Tuesday 16:00
    assert found.allows(at(26, 17, 30))  # Thursday 17:30
    assert not found.allows(at(24, 15, 45))  # too early
    assert not found.allows(at(25, 17))  # Wednesday


def test_parts_of_the_day_follow_clinikos_split() -> None:
    mornings, afternoons, evenings = times("mornings"), times("afternoons"), times("evenings")
    assert mornings.allows(at(24, 11, 59)) and not mornings.allows(at(24, 12))
    assert afternoons.allows(at(24, 12)) and afternoons.allows(at(24, 16, 59))
    assert not afternoons.allows(at(24, 17))
    assert evenings.allows(at(24, 17)) and not evenings.allows(at(24, 16, 59))


def test_before_is_a_start_before_that_time() -> None:
    found = times("mornings before 10")
    assert found.allows(at(24, 9, 45)) and not found.allows(at(24, 10))


def test_tomorrow_and_tonight_are_dates() -> None:
    tomorrow = times("tomorrow morning")
    assert tomorrow.allows(at(27, 9))
    assert not tomorrow.allows(at(27, 14)) and not tomorrow.allows(at(28, 9))
    tonight = times("tonight")
    assert tonight.allows(at(26, 18)) and not tonight.allows(at(26, 10))
    either = times("tomorrow or monday")
    assert either.allows(at(27, 9)) and either.allows(at(30, 9)) and not either.allows(at(28, 9))


def test_next_week_is_a_window() -> None:
    found = times("sometime next week, afternoons")
    assert found.allows(datetime(2026, 12, 1, 14, tzinfo=LONDON))
    assert not found.allows(datetime(2026, 12, 1, 10, tzinfo=LONDON))
    assert not found.allows(at(27, 14))  # this week
    assert not found.allows(datetime(2026, 12, 8, 14, tzinfo=LONDON))  # the week after


def test_allows_reads_the_clock_of_the_time_it_is_given() -> None:
    found = times("evenings")
    utc_17 = datetime(2026, 7, 1, 16, 30, tzinfo=ZoneInfo("UTC"))  # 17:30 in London (BST)
    assert not found.allows(utc_17)
    assert found.allows(utc_17.astimezone(LONDON))


def test_preferred_times_are_comparable_values() -> None:
    assert times("tuesday") == replace(times("Tuesday"), text="tuesday")


# --- note and consent -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["no", "No.", "nothing", "none", "skip", "no thanks!", "No thank you", "That's all",
             "that’s all", "nope", "nothing else", "all good"],
)  # fmt: skip
def test_nothing_to_add(text: str) -> None:
    assert read_note(text) == ""


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("I get dizzy when I turn my head", "I get dizzy when I turn my head"),
        ("  please   call after 5 \n thanks ", "please call after 5 thanks"),
        ("No mornings please, I work", "No mornings please, I work"),
    ],
)
def test_notes_are_kept_cleaned(text: str, note: str) -> None:
    assert read_note(text) == note


@pytest.mark.parametrize(
    "text",
    ["yes", "Yes!", "y", "yes I agree", "I agree", "I consent", "ok that's fine", "OK",
     "sure", "Yes please", "yeah go ahead", "of course", "yes no problem", "I do",
     "absolutely", "fine by me", "I agree to that"],
)  # fmt: skip
def test_consent_given(text: str) -> None:
    assert read_consent(text) == "yes"


@pytest.mark.parametrize(
    "text", ["thanks so much!! x", "great thank you", "Looks good 👍", "👍", "perfect, cheers",
             "lovely thanks", "ye", "yes thats right thank you so much"],
)  # fmt: skip
def test_thanks_and_emoji_at_a_confirmation_are_yes(text: str) -> None:
    assert read_consent(text) == "yes"


@pytest.mark.parametrize(
    "text", ["no", "No.", "nope", "no thanks", "I don't agree", "I do not consent", "rather not",
             "no way", "I refuse"],
)  # fmt: skip
def test_consent_refused(text: str) -> None:
    assert read_consent(text) == "no"


def test_a_thumbs_down_is_no() -> None:
    assert read_consent("👎") == "no"


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("Sarah Collins, it's for my son Jake", "son Jake"),
        ("booking for my mum", "mum"),
        ("it's for my elderly father", "elderly father"),
        ("Priya Shah", None),
        ("for my own neck", None),
    ],
)
def test_who_the_appointment_is_for(text: str, who: str | None) -> None:
    assert read_booked_for(text) == who


@pytest.mark.parametrize(
    "text", ["", "maybe", "what do you store?", "not sure", "yes, but what is it for",
             "hmm", "can I think about it", "who sees it", "my neck hurts", "later"],
)  # fmt: skip
def test_consent_unclear_is_asked_again(text: str) -> None:
    assert read_consent(text) is None


@pytest.mark.parametrize(
    ("e164", "region", "shown"),
    [("+447700900123", "GB", "07700 900123"), ("+441632960123", "GB", "01632 960123"),
     ("+12025550143", "GB", "+1 202-555-0143"), ("+12025550143", "US", "(202) 555-0143")],
)  # fmt: skip
def test_a_number_is_said_back_as_people_write_it(e164: str, region: str, shown: str) -> None:
    assert phone_for_people(e164, region) == shown


@pytest.mark.parametrize("text", ["send it", "perfect, send it", "sure thing", "yes please dear"])
def test_a_go_ahead_is_consent_and_never_a_name(text: str) -> None:
    assert read_consent(text) == "yes" and read_name(text) is None
