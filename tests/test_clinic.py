"""The clinic configuration: validation with clear errors, hours, the open/closed answer."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import yaml

from headache_core.clinic import (
    DEFAULT_CLINIC_FILE,
    ClinicConfigError,
    load_regions,
    opening_status,
    parse_clinic,
)

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def data() -> dict:
    return yaml.safe_load(DEFAULT_CLINIC_FILE.read_text())


def test_shipped_clinic_file_is_valid_and_marked_as_placeholder(data):
    clinic = parse_clinic(data, load_regions())
    assert clinic.placeholder is True
    assert clinic.region.emergency_number == "999"


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
