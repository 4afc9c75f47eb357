"""The clinic configuration (`clinic.yml`): who the clinic is and where to send people."""

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

import settings
from headache_core import KNOWLEDGE_DIR

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CLINIC_FILE = REPO_ROOT / "clinic.yml"
REGIONS_FILE = KNOWLEDGE_DIR / "regions.yml"
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
HOURS_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")
REQUIRED = ("name", "phone", "address", "region", "hours", "prices", "insurance", "parking")

# The made-up clinic clinic.yml ships with. Kept here, not read from clinic.yml, because clinics
# edit that file in place: `example_fields` needs the originals to say which values are left.
# tests/unit/test_clinic.py checks that these are exactly the shipped file's values.
EXAMPLE_VALUES: dict[str, object] = {
    "name": "Wrenfield Physiotherapy",
    "phone": "020 7946 0000",
    "email": "frontdesk@example.org",
    "address": "12 Wrenfield Road, London, N8 7QT",
    "booking_link": "https://example.org/book",
    "hours": {
        "monday": "08:00-19:00",
        "tuesday": "08:00-19:00",
        "wednesday": "08:00-19:00",
        "thursday": "08:00-19:00",
        "friday": "08:00-17:00",
        "saturday": "09:00-13:00",
        "sunday": "closed",
    },
    "prices": "A first assessment (45 minutes) is £65. Follow-up sessions (30 minutes) are £50. "
    "You can pay by card or cash. If you can't come, please tell us at least 24 hours before.",
    "insurance": "We work with most big health insurers. Please bring your member number and "
    "claim code to your first visit. If you pay for yourself, we give you a receipt you can send "
    "to your insurer.",
    "referral": "You don't need a referral from your GP to see us. Some insurers ask for one, so "
    "check with yours before your first visit.",
    "parking": "There is free parking behind the clinic, with two wide spaces for Blue Badge "
    "holders. There is step-free access from the car park, and all our rooms are on the ground "
    "floor. The nearest bus stop is a two-minute walk away.",
    "first_visit": "Wear loose, comfy clothes so we can see your neck and shoulders move. Bring a "
    "list of any medicines you take and any scans or letters about your neck. Please come 10 "
    "minutes early to fill in a short form.",
    "companions": "Yes, you are welcome to bring someone with you, in the room too if you like. "
    "If you need an interpreter, tell the front desk when you book.",
}


class ClinicConfigError(ValueError):
    """The clinic file is incomplete or malformed; the message names the field."""


@dataclass(frozen=True)
class Region:
    code: str
    emergency_number: str
    emergency_place: str
    urgent_route: str


@dataclass(frozen=True)
class Clinic:
    name: str
    phone: str
    address: str
    region: Region
    hours: dict[str, str]
    prices: str
    insurance: str
    parking: str
    referral: str = ""  # whether patients need a GP's referral; optional
    first_visit: str = ""  # what to wear and bring to the first visit; optional
    companions: str = ""  # whether someone may come along (a partner, a carer); optional
    email: str = ""
    booking_link: str = ""
    timezone: str = "UTC"
    example_values: bool = False  # the file says its details are examples; patients are told
    extra: dict = field(default_factory=dict)

    @property
    def placeholder(self) -> bool:
        """The old name of `example_values`, still read by actions/clinic_info.py."""
        return self.example_values

    def hours_text(self) -> str:
        """Opening hours as short lines, consecutive days with the same hours grouped."""
        groups: list[list[str]] = []
        for day in DAYS:
            if groups and self.hours[groups[-1][0]] == self.hours[day]:
                groups[-1].append(day)
            else:
                groups.append([day])
        lines = []
        for group in groups:
            days = (
                group[0].title() if len(group) == 1 else f"{group[0].title()}-{group[-1].title()}"
            )
            value = self.hours[group[0]]
            lines.append(f"{days}: {'closed' if value == 'closed' else value.replace('-', ' to ')}")
        return "\n".join(lines)


def load_regions(path: Path = REGIONS_FILE) -> dict[str, Region]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))["regions"]
    return {
        code: Region(code, str(r["emergency_number"]), r["emergency_place"], r["urgent_route"])
        for code, r in data.items()
    }


def parse_clinic(data: dict, regions: dict[str, Region]) -> Clinic:
    """Check the clinic data and build a `Clinic`; every problem names its field."""
    if not isinstance(data, dict):
        raise ClinicConfigError("the clinic file must be a mapping of fields")
    missing = [k for k in REQUIRED if not data.get(k)]
    if missing:
        raise ClinicConfigError(f"missing fields: {', '.join(missing)}")
    region = str(data["region"]).lower()
    if region not in regions:
        raise ClinicConfigError(f"region '{region}' is not one of {sorted(regions)}")
    hours = {str(k).lower(): str(v).strip().lower() for k, v in data["hours"].items()}
    for day in DAYS:
        value = hours.get(day)
        if value is None:
            raise ClinicConfigError(f"hours: {day} is missing")
        if value != "closed" and not HOURS_RE.match(value):
            raise ClinicConfigError(f"hours: {day} must be HH:MM-HH:MM or closed, not {value!r}")
    known = set(REQUIRED) | {
        "referral", "first_visit", "companions", "email", "booking_link", "timezone",
        "example_values", "placeholder",
    }  # fmt: skip
    return Clinic(
        name=str(data["name"]),
        phone=str(data["phone"]),
        address=str(data["address"]),
        region=regions[region],
        hours=hours,
        prices=str(data["prices"]).strip(),
        insurance=str(data["insurance"]).strip(),
        parking=str(data["parking"]).strip(),
        referral=str(data.get("referral") or "").strip(),
        first_visit=str(data.get("first_visit") or "").strip(),
        companions=str(data.get("companions") or "").strip(),
        email=str(data.get("email") or ""),
        booking_link=str(data.get("booking_link") or ""),
        timezone=str(data.get("timezone") or "UTC"),
        # `placeholder` is the flag's old name: clinic files written before it still work
        example_values=bool(data.get("example_values", data.get("placeholder", False))),
        extra={k: v for k, v in data.items() if k not in known},
    )


def example_fields(clinic: Clinic) -> list[str]:
    """The fields that still hold the shipped example values, so `make run` can say which
    details a clinic has not yet replaced (spacing and line breaks in texts don't count)."""

    def same(value: object) -> object:
        return " ".join(value.split()) if isinstance(value, str) else value

    return [
        name
        for name, example in EXAMPLE_VALUES.items()
        if same(getattr(clinic, name)) == same(example)
    ]


def clinic_file() -> Path:
    return Path(settings.CLINIC_CONFIG.read() or DEFAULT_CLINIC_FILE)


@lru_cache(maxsize=4)
def _load(path: Path) -> Clinic:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise ClinicConfigError(f"clinic file not found: {path}") from err
    return parse_clinic(data, load_regions())


def load_clinic() -> Clinic:
    """The configured clinic (CLINIC_CONFIG or ./clinic.yml), read once per process."""
    return _load(clinic_file())


@dataclass(frozen=True)
class OpeningStatus:
    is_open: bool
    closes: str | None  # "19:00" when open
    next_open: str  # "tomorrow at 08:00", "on Monday at 08:00"


def opening_status(clinic: Clinic, now: datetime | None = None) -> OpeningStatus:
    """Whether the front desk is open at `now` (clinic's local time) and when it next opens."""
    zone = ZoneInfo(clinic.timezone)
    now = (now or datetime.now(zone)).astimezone(zone)
    today = DAYS[now.weekday()]
    current = now.strftime("%H:%M")
    hours = clinic.hours[today]
    if hours != "closed":
        start, end = hours.split("-")
        if start <= current < end:
            return OpeningStatus(True, end, f"today at {start}")
        if current < start:
            return OpeningStatus(False, None, f"today at {start}")
    for ahead in range(1, 8):
        day = DAYS[(now.weekday() + ahead) % 7]
        if clinic.hours[day] != "closed":
            start = clinic.hours[day].split("-")[0]
            when = "tomorrow" if ahead == 1 else f"on {day.title()}"
            return OpeningStatus(False, None, f"{when} at {start}")
    return OpeningStatus(False, None, "soon (no opening hours are set)")
