"""Booking systems behind one small interface, so the handoff form does not care which one the
clinic uses: the front-desk queue (no online diary: the front desk calls back) or Cliniko (real
free times offered, the appointment made there).

Whatever happens in the booking system, the handoff record is saved, so the front desk sees
every request: a Cliniko failure falls back to the queue instead of losing the patient.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from handoff_delivery.cliniko import ClinikoClient, ClinikoConfig, ClinikoError, user_agent
from headache_core.handoff.contact import PreferredTimes
from headache_core.handoff.model import HandoffRecord, iso

if TYPE_CHECKING:
    from handoff_delivery.store import SaveResult
    from headache_core.clinic import Clinic

log = logging.getLogger(__name__)

HORIZON_DAYS = 14  # free times are offered from the next two weeks
NO_LAST_NAME = "(not given)"  # Cliniko requires a last name; some people give one name


@dataclass(frozen=True)
class BookingResult:
    system: str  # where the request ended up: "cliniko" or "frontdesk"
    saved: SaveResult  # the handoff record's save (database or outbox)
    appointment: dict[str, Any] | None  # what went into record.booking, when booked
    fell_back: bool  # the booking system failed and the front desk has it instead
    error: str | None  # why it fell back (no patient data)


class RecordStore(Protocol):
    def save(self, record: HandoffRecord) -> SaveResult: ...


class BookingSystem(Protocol):
    name: str

    def offer_times(
        self, preferences: PreferredTimes | None, now: datetime | None = None, limit: int = 4
    ) -> list[datetime]: ...

    def book(self, record: HandoffRecord, start: datetime | None) -> BookingResult: ...


class FrontDeskQueue:
    """No online diary: the request is saved and the front desk calls the person back."""

    name = "frontdesk"

    def __init__(self, store: RecordStore) -> None:
        self.store = store

    def offer_times(
        self, preferences: PreferredTimes | None, now: datetime | None = None, limit: int = 4
    ) -> list[datetime]:
        return []

    def book(self, record: HandoffRecord, start: datetime | None = None) -> BookingResult:
        return BookingResult(self.name, self.store.save(record), None, False, None)


class ClinikoBooking:
    """Free times from Cliniko and appointments made there; the record is saved either way."""

    name = "cliniko"

    def __init__(
        self,
        client: ClinikoClient,
        store: RecordStore,
        zone: str | ZoneInfo = "UTC",
        horizon_days: int = HORIZON_DAYS,
    ) -> None:
        self.client = client
        self.store = store
        self.zone = ZoneInfo(zone) if isinstance(zone, str) else zone
        self.horizon_days = horizon_days
        self.queue = FrontDeskQueue(store)

    def _local(self, moment: datetime) -> datetime:
        """In the clinic's time zone; a naive time is taken as clinic time."""
        if moment.tzinfo is None:
            return moment.replace(tzinfo=self.zone)
        return moment.astimezone(self.zone)

    def offer_times(
        self, preferences: PreferredTimes | None, now: datetime | None = None, limit: int = 4
    ) -> list[datetime]:
        """Up to `limit` free times (clinic time zone) in the next `horizon_days` that the
        preferences allow, on different days where possible; [] when Cliniko fails."""
        now = self._local(now or datetime.now(timezone.utc))
        last = now.date() + timedelta(days=self.horizon_days - 1)
        try:
            free = self.client.available_times(now.date(), last)
        except ClinikoError as err:
            log.warning("no times offered: %s", err)
            return []
        except Exception:  # a bug must not end the conversation: the front desk calls back
            log.exception("no times offered: unexpected error")
            return []
        local = [self._local(t) for t in free if t > now]
        suitable = [t for t in local if preferences is None or preferences.allows(t)]
        return spread_over_days(suitable, limit)

    def book(self, record: HandoffRecord, start: datetime | None) -> BookingResult:
        """The appointment at `start` in Cliniko, noted in `record.booking`; on any Cliniko
        failure (or no time chosen) the front desk gets the request instead."""
        if start is None:
            return self.queue.book(record)
        try:
            booking = self._book(record, self._local(start))
        except ClinikoError as err:
            return self._fall_back(record, str(err))
        except Exception as err:  # whatever goes wrong, the request is not lost
            log.exception("handoff %s: unexpected error while booking", record.ref)
            return self._fall_back(record, f"unexpected error while booking ({type(err).__name__})")
        record.booking = booking
        return BookingResult(self.name, self.store.save(record), booking, False, None)

    def _fall_back(self, record: HandoffRecord, error: str) -> BookingResult:
        log.warning("handoff %s passed to the front desk: %s", record.ref, error)
        record.booking = None
        return BookingResult(self.queue.name, self.store.save(record), None, True, error)

    def _book(self, record: HandoffRecord, start: datetime) -> dict[str, Any]:
        if not record.contact.name:
            raise ClinikoError("Cliniko create patient: the handoff has no name")
        # Cliniko lets the API double-book, so the chosen time is checked once more first.
        if start not in self.client.available_times(start.date(), start.date()):
            raise ClinikoError("Cliniko: the chosen time is no longer free")
        first, last = split_name(record.contact.name)
        patient = self.client.create_patient(
            first, last, email=record.contact.email, phone=record.contact.phone
        )
        try:
            appointment = self.client.create_appointment(
                str(patient["id"]), start, notes=appointment_notes(record)
            )
        except ClinikoError as err:
            raise ClinikoError(
                f"{err}; Cliniko patient {patient['id']} was created without an appointment"
            ) from err
        return {
            "system": self.name,
            "appointment_id": str(appointment["id"]),
            "patient_id": str(patient["id"]),
            "start": iso(start),
        }


def spread_over_days(times: list[datetime], limit: int) -> list[datetime]:
    """The earliest time of each day first (so the person gets a choice of days), then the next
    earliest times, up to `limit`; in time order."""
    ordered = sorted(times)
    chosen: list[datetime] = []
    days: set = set()
    for moment in ordered:
        if len(chosen) < limit and moment.date() not in days:
            chosen.append(moment)
            days.add(moment.date())
    for moment in ordered:
        if len(chosen) >= limit:
            break
        if moment not in chosen:
            chosen.append(moment)
    return sorted(chosen)


def split_name(name: str) -> tuple[str, str]:
    """First word, then the rest, as Cliniko wants them; one word gets a visible placeholder."""
    first, _, rest = " ".join(name.split()).partition(" ")
    return first, rest or NO_LAST_NAME


def appointment_notes(record: HandoffRecord) -> str:
    """What the practitioner sees on the appointment in Cliniko (the clinic's own record)."""
    lines = [f"Booked by the clinic's online assistant (handoff {record.ref})."]
    if record.red_flags:
        lines.append("Warning signs mentioned: " + ", ".join(record.red_flags))
    if record.summary:
        lines.append("Screening: " + record.summary.strip())
    if record.note:
        lines.append("Patient's note: " + record.note.strip())
    return "\n".join(lines)


def booking_system_from_env(
    store: RecordStore,
    env: Mapping[str, str] | None = None,
    clinic: Clinic | None = None,
) -> BookingSystem:
    """Cliniko when CLINIKO_API_KEY is set (with its ids), else the front-desk queue."""
    config = ClinikoConfig.from_env(env)
    if config is None:
        return FrontDeskQueue(store)
    if clinic is None:
        from headache_core.clinic import load_clinic

        clinic = load_clinic()
    client = ClinikoClient(config, user_agent(clinic.name, clinic.email))
    return ClinikoBooking(client, store, zone=clinic.timezone)
