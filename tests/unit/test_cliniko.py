"""The Cliniko client against a local fake of Cliniko's API, and the booking systems on top:
offered times follow the person's preferences, bookings land in Cliniko and in the handoff
store, and a Cliniko failure still leaves the request with the front desk."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import requests
from requests.adapters import HTTPAdapter

from handoff_delivery.booking import (
    NO_LAST_NAME,
    ClinikoBooking,
    FrontDeskQueue,
    booking_system_from_env,
    split_name,
    spread_over_days,
)
from handoff_delivery.cliniko import ClinikoClient, ClinikoConfig, ClinikoError, user_agent
from handoff_delivery.store import SaveResult
from headache_core.clinic import Clinic, Region
from headache_core.handoff.contact import read_preferred_times
from headache_core.handoff.model import Contact, HandoffRecord
from tests.fakes.cliniko import FakeCliniko

ZONE = ZoneInfo("Europe/London")
UA = user_agent("Example Physio", "frontdesk@example.org")
NAME, PHONE, EMAIL = "Wilhelmina Fotheringay", "+447911123456", "wilhelmina@example.org"


def week_of_times(days: int = 14, hours: tuple[int, ...] = (9, 13, 18)) -> list[datetime]:
    """Free times at these clinic hours on each of the coming days, starting tomorrow."""
    tomorrow = datetime.now(ZONE).date() + timedelta(days=1)
    return [
        datetime.combine(tomorrow + timedelta(days=d), datetime.min.time(), ZONE).replace(hour=h)
        for d in range(days)
        for h in hours
    ]


@pytest.fixture
def fake() -> Iterator[FakeCliniko]:
    with FakeCliniko(free_times=week_of_times(), zone="Europe/London") as server:
        yield server


def config_for(fake: FakeCliniko, **changes) -> ClinikoConfig:
    config = ClinikoConfig(
        api_key=fake.api_key,
        business_id=fake.business_id,
        practitioner_id=fake.practitioner_id,
        appointment_type_id=fake.appointment_type_id,
        base_url=fake.url,
        timeout=2.0,
        max_retry_wait=0.01,
    )
    return replace(config, **changes)


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def client(fake: FakeCliniko, sleeps: Sleeps) -> ClinikoClient:
    return ClinikoClient(config_for(fake), UA, sleep=sleeps)


# --- configuration --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "base"),
    [
        ("MS0xLWl4SzYYYYdtR3V2-uk1", "https://api.uk1.cliniko.com/v1"),
        ("MS0xLWl4SzYYYYdtR3V2-au4", "https://api.au4.cliniko.com/v1"),
        ("MS0xLWl4SzYYYYdtR3V2", "https://api.au1.cliniko.com/v1"),  # keys from before shards
        ("MS0x-LWl4SzY-us2", "https://api.us2.cliniko.com/v1"),
        ("MS0xLWl4SzY-notashard", "https://api.au1.cliniko.com/v1"),
    ],
)
def test_the_shard_comes_from_the_key(key: str, base: str) -> None:
    assert ClinikoConfig(key, "1", "2", "3").api_base == base


def test_base_url_overrides_the_shard() -> None:
    config = ClinikoConfig("key-uk1", "1", "2", "3", base_url="http://127.0.0.1:9/v1/")
    assert config.api_base == "http://127.0.0.1:9/v1"


class Recorder(HTTPAdapter):
    """Answers every request itself (nothing leaves the machine) and keeps it."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[requests.PreparedRequest] = []

    def send(self, request, **kwargs):
        self.sent.append(request)
        response = requests.Response()
        response.status_code = 200
        response._content = json.dumps({"available_times": [], "links": {}}).encode()
        response.url = request.url
        return response


def test_requests_go_to_the_keys_shard_with_basic_auth_and_the_headers_cliniko_requires() -> None:
    session = requests.Session()
    recorder = Recorder()
    session.mount("https://", recorder)
    config = ClinikoConfig("secret-key-uk1", "11", "22", "33")
    ClinikoClient(config, UA, session=session).available_times(date(2030, 1, 7), date(2030, 1, 8))
    (sent,) = recorder.sent
    assert sent.url.startswith(
        "https://api.uk1.cliniko.com/v1/businesses/11/practitioners/22/appointment_types/33/"
        "available_times?from=2030-01-07&to=2030-01-08"
    )
    assert sent.headers["Authorization"] == "Basic " + base64.b64encode(b"secret-key-uk1:").decode()
    assert sent.headers["User-Agent"] == "Example Physio assistant (frontdesk@example.org)"
    assert sent.headers["Accept"] == "application/json"


def test_user_agent_needs_a_contact_email() -> None:
    with pytest.raises(ValueError, match="e-mail"):
        user_agent("Example Physio", "")


def test_config_from_env() -> None:
    assert ClinikoConfig.from_env({}) is None
    env = {
        "CLINIKO_API_KEY": "abc-uk1",
        "CLINIKO_BUSINESS_ID": "1",
        "CLINIKO_PRACTITIONER_ID": "2",
        "CLINIKO_APPOINTMENT_TYPE_ID": "3",
    }
    config = ClinikoConfig.from_env(env)
    assert config == ClinikoConfig("abc-uk1", "1", "2", "3")
    assert ClinikoConfig.from_env({**env, "CLINIKO_BASE_URL": "http://fake/v1"}).api_base == (
        "http://fake/v1"
    )
    assert "abc-uk1" not in repr(config)  # the key stays out of logs
    with pytest.raises(ValueError, match="CLINIKO_PRACTITIONER_ID"):
        ClinikoConfig.from_env({**env, "CLINIKO_PRACTITIONER_ID": " "})
    with pytest.raises(ValueError, match="CLINIKO_TIMEOUT"):
        ClinikoConfig.from_env({**env, "CLINIKO_TIMEOUT": "soon"})


# --- the fake behaves like Cliniko ------------------------------------------------------------


def test_the_fake_refuses_what_cliniko_refuses(fake: FakeCliniko) -> None:
    path = (
        f"{fake.url}/businesses/{fake.business_id}/practitioners/{fake.practitioner_id}"
        f"/appointment_types/{fake.appointment_type_id}/available_times"
    )
    today = datetime.now(ZONE).date()
    week = {"from": today.isoformat(), "to": (today + timedelta(days=6)).isoformat()}
    auth = (fake.api_key, "")
    assert requests.get(path, params=week, auth=auth, headers={"User-Agent": UA}).status_code == 200
    assert requests.get(path, params=week, auth=auth, headers={"User-Agent": ""}).status_code == 400
    assert requests.get(path, params=week, headers={"User-Agent": UA}).status_code == 401
    eight_days = {**week, "to": (today + timedelta(days=7)).isoformat()}
    refused = requests.get(path, params=eight_days, auth=auth, headers={"User-Agent": UA})
    assert refused.status_code == 400


# --- client ---------------------------------------------------------------------------------


def test_available_times_are_aware_utc_times(client: ClinikoClient, fake: FakeCliniko) -> None:
    today = datetime.now(ZONE).date()
    found = client.available_times(today, today + timedelta(days=6))
    expected = [
        t for t in fake.free_times if t.astimezone(ZONE).date() <= today + timedelta(days=6)
    ]
    assert found == expected and found
    assert all(t.tzinfo is not None and t.utcoffset() == timedelta(0) for t in found)


def test_long_ranges_are_asked_for_a_week_at_a_time(
    client: ClinikoClient, fake: FakeCliniko
) -> None:
    today = datetime.now(ZONE).date()
    found = client.available_times(today, today + timedelta(days=19))  # 20 days
    assert found == fake.free_times
    ranges = [
        (date.fromisoformat(r.query["from"]), date.fromisoformat(r.query["to"]))
        for r in fake.requests_to("available_times")
    ]
    assert [(b - a).days + 1 for a, b in ranges] == [7, 7, 6]
    assert ranges[0][0] == today and ranges[-1][1] == today + timedelta(days=19)
    assert all(
        nxt[0] == prev[1] + timedelta(days=1) for prev, nxt in zip(ranges, ranges[1:], strict=False)
    )


def test_pages_are_followed(sleeps: Sleeps) -> None:
    times = week_of_times(days=3, hours=(9, 10, 11, 12, 13, 14, 15))  # 21 times
    with FakeCliniko(free_times=times, zone="Europe/London", max_per_page=5) as fake:
        client = ClinikoClient(config_for(fake), UA, sleep=sleeps)
        today = datetime.now(ZONE).date()
        assert client.available_times(today, today + timedelta(days=6)) == sorted(times)
        assert [r.query.get("page", "1") for r in fake.requests] == ["1", "2", "3", "4", "5"]


def test_rate_limit_waits_and_retries(
    client: ClinikoClient, fake: FakeCliniko, sleeps: Sleeps
) -> None:
    fake.fail_next(2, status=429, retry_after="30")
    today = datetime.now(ZONE).date()
    tomorrow = [t for t in fake.free_times if t.astimezone(ZONE).date() == today + timedelta(1)]
    assert client.available_times(today, today + timedelta(days=1)) == tomorrow
    assert len(fake.requests) == 3
    assert sleeps == [0.01, 0.01]  # Retry-After, capped by max_retry_wait


def test_rate_limit_that_never_ends_is_an_error(
    client: ClinikoClient, fake: FakeCliniko, sleeps: Sleeps
) -> None:
    fake.fail_always(429, retry_after="1")
    with pytest.raises(ClinikoError, match="rate limited"):
        client.available_times(date.today(), date.today())
    assert len(fake.requests) == 4  # the first try and 3 retries
    assert len(sleeps) == 3


@pytest.mark.parametrize("status", [500, 502, 404, 403])
def test_other_failures_are_errors_without_retry(
    client: ClinikoClient, fake: FakeCliniko, status: int
) -> None:
    fake.fail_next(1, status=status)
    with pytest.raises(ClinikoError, match=f"HTTP {status}"):
        client.available_times(date.today(), date.today())
    assert len(fake.requests) == 1


def test_a_wrong_key_is_an_error_that_does_not_show_the_key(fake: FakeCliniko) -> None:
    client = ClinikoClient(config_for(fake, api_key="wrong-secret-uk1"), UA)
    with pytest.raises(ClinikoError, match="HTTP 401") as caught:
        client.available_times(date.today(), date.today())
    assert "wrong-secret" not in str(caught.value)


def test_a_slow_cliniko_is_a_timeout_error(fake: FakeCliniko) -> None:
    fake.delay = 1.0
    client = ClinikoClient(config_for(fake, timeout=0.2), UA)
    with pytest.raises(ClinikoError, match="no answer within 0.2s"):
        client.available_times(date.today(), date.today())


def test_an_answer_that_is_not_json_is_an_error(client: ClinikoClient, fake: FakeCliniko) -> None:
    fake.fail_next(1, status=200, body="<html>maintenance</html>")
    with pytest.raises(ClinikoError, match="not JSON"):
        client.available_times(date.today(), date.today())


def test_cliniko_unreachable_is_an_error(fake: FakeCliniko) -> None:
    config = config_for(fake)
    fake.stop()
    with pytest.raises(ClinikoError, match="could not connect"):
        ClinikoClient(config, UA).available_times(date.today(), date.today())


def test_patients_are_created_in_clinikos_shape(client: ClinikoClient, fake: FakeCliniko) -> None:
    patient = client.create_patient("Wilhelmina", "Fotheringay", email=EMAIL, phone=PHONE)
    (sent,) = fake.requests_to("/patients", "POST")
    assert sent.body == {
        "first_name": "Wilhelmina",
        "last_name": "Fotheringay",
        "email": EMAIL,
        "patient_phone_numbers": [{"phone_type": "Mobile", "number": PHONE}],
    }
    assert patient["id"] == fake.patients[0]["id"]


def test_appointments_are_created_and_the_time_is_no_longer_free(
    client: ClinikoClient, fake: FakeCliniko
) -> None:
    start = fake.free_times[0]
    patient = client.create_patient("Jo", "Smith")
    appointment = client.create_appointment(patient["id"], start.astimezone(ZONE), notes="hi")
    (sent,) = fake.requests_to("/individual_appointments", "POST")
    assert sent.body == {
        "starts_at": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "appointment_type_id": fake.appointment_type_id,
        "business_id": fake.business_id,
        "patient_id": patient["id"],
        "practitioner_id": fake.practitioner_id,
        "notes": "hi",
    }
    assert appointment["id"] == fake.appointments[0]["id"]
    assert start not in client.available_times(start.date(), start.date() + timedelta(days=1))


def test_errors_carry_no_patient_data(client: ClinikoClient, fake: FakeCliniko) -> None:
    echo = json.dumps({"errors": {"email": [f"{EMAIL} is taken"], "first_name": [NAME]}})
    fake.fail_next(1, status=422, body=echo)
    with pytest.raises(ClinikoError) as caught:
        client.create_patient("Wilhelmina", "Fotheringay", email=EMAIL, phone=PHONE)
    message = str(caught.value)
    assert "HTTP 422" in message and "email" in message and "first_name" in message
    for secret in ("Wilhelmina", "Fotheringay", EMAIL, PHONE, "7911"):
        assert secret not in message


# --- booking --------------------------------------------------------------------------------


class MemoryStore:
    """The HandoffStore's `save`, in memory: keeps a JSON copy of each saved record."""

    def __init__(self) -> None:
        self.saved: dict[str, dict] = {}

    def save(self, record: HandoffRecord) -> SaveResult:
        self.saved[record.ref] = record.to_json()
        return SaveResult(saved=True, id=list(self.saved).index(record.ref) + 1, queued=False)


def handoff(**changes) -> HandoffRecord:
    record = HandoffRecord(
        ref="booking:test-1",
        kind="booking",
        conversation_id="conv-1",
        triage_outcome="consistent_with_cervicogenic",
        summary="Headache on one side, worse with neck movement.",
        contact=Contact(name=NAME, phone=PHONE, email=EMAIL),
        preferred_times="weekday mornings",
        note="I get dizzy when I turn my head",
    )
    return replace(record, **changes)


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def cliniko(client: ClinikoClient, store: MemoryStore) -> ClinikoBooking:
    return ClinikoBooking(client, store, zone="Europe/London")


def test_offered_times_follow_the_preferences(cliniko: ClinikoBooking) -> None:
    wanted = read_preferred_times("Tues or Thurs after 4pm")
    offered = cliniko.offer_times(wanted)
    assert 3 <= len(offered) <= 4  # 13 days of free times hold at least 3 Tuesdays/Thursdays
    for start in offered:
        assert start.tzinfo is not None
        local = start.astimezone(ZONE)
        assert local.strftime("%A") in ("Tuesday", "Thursday") and local.hour >= 16
    assert len({t.date() for t in offered}) == len(offered)  # different days


def test_without_preferences_the_earliest_time_of_four_days_is_offered(
    cliniko: ClinikoBooking, fake: FakeCliniko
) -> None:
    offered = cliniko.offer_times(None)
    first_days = sorted({t.astimezone(ZONE).date() for t in fake.free_times})[:4]
    assert [t.date() for t in offered] == first_days
    assert all(t.astimezone(ZONE).hour == 9 for t in offered)


def test_offers_stay_in_the_next_two_weeks_and_after_now(
    fake: FakeCliniko, client: ClinikoClient
) -> None:
    booking = ClinikoBooking(client, MemoryStore(), zone="Europe/London")
    now = datetime.now(ZONE)
    offered = booking.offer_times(read_preferred_times("evenings"), limit=50)
    assert offered and all(now < t < now + timedelta(days=14) for t in offered)
    assert all(t.hour == 18 for t in offered)


def test_nothing_is_offered_when_cliniko_is_down(
    cliniko: ClinikoBooking, fake: FakeCliniko
) -> None:
    fake.fail_always(503)
    assert cliniko.offer_times(None) == []


def test_booking_creates_patient_and_appointment_and_saves_the_record(
    cliniko: ClinikoBooking, fake: FakeCliniko, store: MemoryStore
) -> None:
    start = cliniko.offer_times(None)[1]
    record = handoff()
    result = cliniko.book(record, start)
    assert (result.system, result.fell_back, result.error) == ("cliniko", False, None)
    assert result.saved == SaveResult(saved=True, id=1, queued=False)
    (patient,) = fake.patients
    (appointment,) = fake.appointments
    assert (patient["first_name"], patient["last_name"], patient["email"]) == (
        "Wilhelmina",
        "Fotheringay",
        EMAIL,
    )
    assert appointment["starts_at"] == start.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert "I get dizzy" in appointment["notes"] and "booking:test-1" in appointment["notes"]
    booking = {
        "system": "cliniko",
        "appointment_id": appointment["id"],
        "patient_id": patient["id"],
        "start": start.astimezone(timezone.utc).isoformat().replace("+00:00", "Z"),
    }
    assert record.booking == booking == result.appointment
    assert store.saved["booking:test-1"]["booking"] == booking  # the front desk sees it too
    assert start not in cliniko.offer_times(None, limit=50)


def test_cliniko_down_falls_back_to_the_front_desk_and_still_saves(
    cliniko: ClinikoBooking, fake: FakeCliniko, store: MemoryStore
) -> None:
    start = cliniko.offer_times(None)[0]
    fake.fail_always(500)
    record = handoff()
    result = cliniko.book(record, start)
    assert (result.system, result.fell_back, result.appointment) == ("frontdesk", True, None)
    assert "HTTP 500" in result.error
    assert store.saved["booking:test-1"]["contact"]["phone"] == PHONE
    assert record.booking is None
    for secret in ("Wilhelmina", EMAIL, PHONE):
        assert secret not in result.error


def test_a_time_taken_meanwhile_is_not_double_booked(
    cliniko: ClinikoBooking, fake: FakeCliniko, store: MemoryStore
) -> None:
    start = cliniko.offer_times(None)[0]
    fake.free_times.remove(start.astimezone(timezone.utc))  # someone else booked it
    result = cliniko.book(handoff(), start)
    assert result.fell_back and "no longer free" in result.error
    assert fake.patients == [] and fake.appointments == []
    assert "booking:test-1" in store.saved


def test_a_failed_appointment_after_the_patient_was_made_says_so(
    cliniko: ClinikoBooking, fake: FakeCliniko, store: MemoryStore
) -> None:
    start = cliniko.offer_times(None)[0]
    fake.fail_on("/individual_appointments", 500)
    result = cliniko.book(handoff(), start)
    assert result.fell_back
    assert f"Cliniko patient {fake.patients[0]['id']} was created" in result.error
    assert store.saved["booking:test-1"]["booking"] is None


def test_an_unexpected_error_still_leaves_the_request_with_the_front_desk(
    cliniko: ClinikoBooking, fake: FakeCliniko, store: MemoryStore
) -> None:
    start = cliniko.offer_times(None)[0]
    fake.fail_on("/patients", 201)  # an answer without the patient's id ...
    result = cliniko.book(handoff(), start)
    assert result.fell_back and "no id" in result.error

    def broken(*args, **kwargs):
        raise KeyError("bug")

    cliniko.client.create_patient = broken  # ... or a plain bug
    result = cliniko.book(handoff(ref="booking:test-2"), start)
    assert result.fell_back and "unexpected error while booking (KeyError)" in result.error
    assert {"booking:test-1", "booking:test-2"} <= set(store.saved)


def test_no_time_chosen_goes_to_the_front_desk(
    cliniko: ClinikoBooking, fake: FakeCliniko, store: MemoryStore
) -> None:
    result = cliniko.book(handoff(), None)
    assert (result.system, result.fell_back, result.error) == ("frontdesk", False, None)
    assert fake.requests == [] and "booking:test-1" in store.saved


def test_a_handoff_without_a_name_goes_to_the_front_desk(
    cliniko: ClinikoBooking, fake: FakeCliniko, store: MemoryStore
) -> None:
    start = cliniko.offer_times(None)[0]
    result = cliniko.book(handoff(contact=Contact(phone=PHONE)), start)
    assert result.fell_back and fake.patients == []
    assert "booking:test-1" in store.saved


def test_the_front_desk_queue_offers_nothing_and_saves(store: MemoryStore) -> None:
    queue = FrontDeskQueue(store)
    assert queue.offer_times(read_preferred_times("anytime")) == []
    result = queue.book(handoff(), None)
    assert (result.system, result.appointment, result.fell_back) == ("frontdesk", None, False)
    assert result.saved.saved and "booking:test-1" in store.saved


def test_spread_over_days() -> None:
    day = datetime(2030, 1, 7, 9, tzinfo=ZONE)
    times = [day, day.replace(hour=10), day.replace(hour=11), day + timedelta(days=1)]
    assert spread_over_days(times, 2) == [day, day + timedelta(days=1)]
    assert spread_over_days(times, 3) == [day, day.replace(hour=10), day + timedelta(days=1)]
    assert spread_over_days([], 4) == []


def test_split_name() -> None:
    assert split_name("José García López") == ("José", "García López")
    assert split_name("Jo") == ("Jo", NO_LAST_NAME)


def test_booking_system_from_env(store: MemoryStore) -> None:
    clinic = Clinic(
        name="Example Physio",
        phone="020 7946 0000",
        address="1 Example Street",
        region=Region("uk", "999", "A&E", "111"),
        hours={},
        prices="",
        insurance="",
        parking="",
        email="frontdesk@example.org",
        timezone="Europe/London",
    )
    assert isinstance(booking_system_from_env(store, env={}, clinic=clinic), FrontDeskQueue)
    env = {
        "CLINIKO_API_KEY": "abc-uk1",
        "CLINIKO_BUSINESS_ID": "1",
        "CLINIKO_PRACTITIONER_ID": "2",
        "CLINIKO_APPOINTMENT_TYPE_ID": "3",
    }
    system = booking_system_from_env(store, env=env, clinic=clinic)
    assert isinstance(system, ClinikoBooking) and system.zone == ZONE
    assert system.client.headers["User-Agent"] == "Example Physio assistant (frontdesk@example.org)"
    with pytest.raises(ValueError, match="CLINIKO_BUSINESS_ID"):
        booking_system_from_env(store, env={**env, "CLINIKO_BUSINESS_ID": ""}, clinic=clinic)
