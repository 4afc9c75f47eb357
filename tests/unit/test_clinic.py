"""The clinic configuration: validation with clear errors, hours, the open/closed answer, and
the shipped example clinic (never "PLACEHOLDER" to patients; which example values are left)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import yaml

from headache_core.clinic import (
    DEFAULT_CLINIC_FILE,
    EXAMPLE_VALUES,
    ClinicConfigError,
    example_fields,
    load_regions,
    opening_status,
    parse_clinic,
)

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def data() -> dict:
    return yaml.safe_load(DEFAULT_CLINIC_FILE.read_text())


def test_shipped_clinic_file_is_valid_and_marked_as_examples(data):
    clinic = parse_clinic(data, load_regions())
    assert data["example_values"] is True
    assert clinic.example_values is True and clinic.placeholder is True  # the old name still reads
    assert clinic.region.emergency_number == "999"


def test_no_shipped_value_says_placeholder(data):
    def values(node):
        if isinstance(node, dict):
            for value in node.values():
                yield from values(value)
        else:
            yield str(node)

    assert [v for v in values(data) if "placeholder" in v.lower()] == []


def test_every_shipped_value_is_an_example(data):
    """EXAMPLE_VALUES is a copy of the shipped file: change both together."""
    assert example_fields(parse_clinic(data, load_regions())) == list(EXAMPLE_VALUES)


def test_example_fields_names_only_the_values_left(data):
    replaced = {
        "phone": "020 7946 0999",
        "hours": data["hours"] | {"saturday": "closed"},
        "prices": "A first visit (1 hour) is £80.",
        "referral": "",  # left out: the assistant asks people to call
    }
    # a reflowed example text is still the example
    reflowed = {"parking": data["parking"].replace(" ", "\n", 3)}
    clinic = parse_clinic(data | replaced | reflowed, load_regions())
    assert example_fields(clinic) == [f for f in EXAMPLE_VALUES if f not in replaced]


def test_example_fields_is_empty_for_a_clinic_of_its_own(data):
    own = {
        "example_values": False,
        "name": "Hartley Physio",
        "phone": "020 7946 0123",
        "email": "desk@hartley.example.org",
        "address": "3 Mill Lane, Leeds, LS1 4AB",
        "booking_link": "https://hartley.example.org/book",
        "hours": data["hours"] | {"sunday": "10:00-12:00"},
        "prices": "Each session (40 minutes) is £55.",
        "insurance": "We don't take insurance.",
        "referral": "No referral needed.",
        "parking": "Street parking only.",
        "first_visit": "Wear shorts.",
        "companions": "Anyone may come along.",
    }
    clinic = parse_clinic(data | own, load_regions())
    assert example_fields(clinic) == [] and clinic.example_values is False


@pytest.mark.parametrize(
    ("flags", "example_values"),
    [
        ({"placeholder": True}, True),  # a clinic's file from before the rename
        ({"placeholder": False}, False),
        ({}, False),
        ({"example_values": False, "placeholder": True}, False),  # the new name wins
    ],
)
def test_old_placeholder_flag_still_works(data, flags, example_values):
    data = {k: v for k, v in data.items() if k != "example_values"} | flags
    clinic = parse_clinic(data, load_regions())
    assert clinic.example_values is example_values and clinic.placeholder is example_values
    assert "placeholder" not in clinic.extra


@pytest.mark.parametrize(
    ("region", "number"),
    [("uk", "999"), ("us", "911"), ("ca", "911"), ("eu", "112"), ("au", "000")],
)
def test_region_sets_emergency_number(data, region, number):
    assert parse_clinic(data | {"region": region}, load_regions()).region.emergency_number == number


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"phone": ""}, "missing fields: phone"),
        ({"region": "mars"}, "region 'mars' is not one of"),
        ({"hours": {"monday": "9-5"}}, "hours: monday must be HH:MM-HH:MM"),
    ],
)
def test_bad_clinic_data_names_the_field(data, change, message):
    if "hours" in change:
        change = {"hours": data["hours"] | change["hours"]}
    with pytest.raises(ClinicConfigError, match=message):
        parse_clinic(data | change, load_regions())


def test_hours_text_groups_days_with_the_same_hours(data):
    text = parse_clinic(data, load_regions()).hours_text()
    assert text.splitlines() == [
        "Monday-Thursday: 08:00 to 19:00",
        "Friday: 08:00 to 17:00",
        "Saturday: 09:00 to 13:00",
        "Sunday: closed",
    ]


@pytest.mark.parametrize(
    ("when", "is_open", "next_open"),
    [
        (datetime(2026, 11, 23, 10, 0, tzinfo=LONDON), True, "today at 08:00"),  # Monday
        (datetime(2026, 11, 23, 7, 0, tzinfo=LONDON), False, "today at 08:00"),
        (datetime(2026, 11, 23, 19, 0, tzinfo=LONDON), False, "tomorrow at 08:00"),
        (datetime(2026, 11, 28, 14, 0, tzinfo=LONDON), False, "on Monday at 08:00"),  # Saturday
    ],
)
def test_opening_status(data, when, is_open, next_open):
    status = opening_status(parse_clinic(data, load_regions()), when)
    assert (status.is_open, status.next_open) == (is_open, next_open)


def test_make_run_names_the_file_and_the_example_fields_left(data, tmp_path, monkeypatch):
    from tooling.run import clinic_warning  # imports the training tools: only here

    def warning_for(name: str, details: dict) -> str:
        (tmp_path / name).write_text(yaml.safe_dump(details), encoding="utf-8")
        monkeypatch.setenv("CLINIC_CONFIG", str(tmp_path / name))
        return " ".join(clinic_warning().split())  # unwrapped

    warning = warning_for("our-clinic.yml", data | {"phone": "020 7946 0123"})
    assert str(tmp_path / "our-clinic.yml") in warning and "phone" not in warning
    assert "still holds the example clinic's name, email, address," in warning
    own = {field: f"Our {field}" for field in EXAMPLE_VALUES if field != "hours"}
    own["hours"] = data["hours"] | {"sunday": "10:00-12:00"}
    assert "Set example_values: false" in warning_for("flagged.yml", data | own)
    assert warning_for("done.yml", data | own | {"example_values": False}) == ""
