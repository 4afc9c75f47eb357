"""Fixed messages (`knowledge/messages.yml`) rendered with the clinic's details."""

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from headache_core import KNOWLEDGE_DIR
from headache_core.clinic import Clinic, load_clinic
from headache_core.content import Button

MESSAGES_FILE = KNOWLEDGE_DIR / "messages.yml"
PLACEHOLDER_RE = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = ()

    def button_dicts(self) -> list[dict[str, str]]:
        return [{"title": b.title, "payload": b.payload} for b in self.buttons]


@lru_cache(maxsize=1)
def _messages(path: Path = MESSAGES_FILE) -> dict[str, dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]


def message_keys() -> list[str]:
    return list(_messages())


def clinic_values(clinic: Clinic) -> dict[str, str]:
    """The clinic details every message may use."""
    return {
        "clinic_name": clinic.name,
        "phone": clinic.phone,
        "email": clinic.email or "our front desk",
        "address": clinic.address,
        "booking_link": clinic.booking_link or "our website",
        "hours": clinic.hours_text(),
        "prices": clinic.prices,
        "insurance": clinic.insurance,
        "parking": clinic.parking,
        "referral": clinic.referral,
        "first_visit": clinic.first_visit,
        "companions": clinic.companions,
        "emergency_number": clinic.region.emergency_number,
        "emergency_place": clinic.region.emergency_place,
        "urgent_route": clinic.region.urgent_route,
    }


def _filled(text: str, values: dict[str, str], where: str) -> str:
    """`text` with its {placeholders} from `values`; a missing one is an error, not a '{gap}'."""

    def fill(match: re.Match) -> str:
        if match[1] not in values:
            raise KeyError(f"{where}: no value for {{{match[1]}}}")
        return values[match[1]]

    return PLACEHOLDER_RE.sub(fill, text)


def fill_clinic_values(text: str, clinic: Clinic | None = None) -> str:
    """A text from another knowledge file (a red flag's `meanwhile`) with the clinic's values
    filled in, as in messages."""
    return _filled(text, clinic_values(clinic or load_clinic()), repr(text))


def render(key: str, clinic: Clinic | None = None, **extra: str) -> Reply:
    """The message `key` filled in; a placeholder with no value is an error, not a '{gap}'."""
    raw = _messages()[key]
    values = clinic_values(clinic or load_clinic()) | extra
    text = _filled(str(raw["text"]).strip(), values, f"message {key}")
    buttons = tuple(Button(str(b["title"]), str(b["payload"])) for b in raw.get("buttons") or [])
    return Reply(text, buttons)
