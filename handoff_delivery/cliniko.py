"""A small client for Cliniko's public REST API: free appointment times, new patients, new
appointments. Nothing else: the assistant books; the clinic manages the diary in Cliniko.

Cliniko facts it relies on (https://github.com/redguava/cliniko-api, docs.api.cliniko.com):
HTTP Basic auth with the API key as user name and no password; the key ends in its shard
("...-uk1" -> api.uk1.cliniko.com, no suffix -> au1); a User-Agent naming the app and a contact
e-mail is required; available_times takes at most 7 days (`from`/`to` dates in the account's time
zone) and is paginated through `links.next`; times are UTC; new individual appointments take
`starts_at` (the old /appointments `appointment_start` is gone); 429 when over the rate limit.

Errors never carry patient data: a ClinikoError names the operation and the HTTP status only,
because its message ends up in logs and in the handoff's error note.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

import settings

log = logging.getLogger(__name__)

DEFAULT_SHARD = "au1"
SHARD_RE = re.compile(r"^[a-z]{2}\d+$")
MAX_DAYS_PER_CALL = 7  # Cliniko refuses longer available_times ranges
MAX_RETRIES = 3  # after a 429
MAX_PAGES = 50  # a runaway `links.next` must not loop forever
PER_PAGE = 100  # Cliniko's largest page
ENV_IDS = ("CLINIKO_BUSINESS_ID", "CLINIKO_PRACTITIONER_ID", "CLINIKO_APPOINTMENT_TYPE_ID")


class ClinikoError(Exception):
    """Cliniko could not be used (down, refused, rate-limited, misconfigured). The message has
    no patient data."""


@dataclass(frozen=True)
class ClinikoConfig:
    api_key: str
    business_id: str
    practitioner_id: str
    appointment_type_id: str
    base_url: str | None = None  # overrides the shard's URL (tests, fakes, proxies)
    timeout: float = 10.0  # seconds per request
    max_retry_wait: float = 30.0  # longest wait after a 429, whatever Retry-After says

    def __repr__(self) -> str:  # the key stays out of logs and tracebacks
        return (
            f"ClinikoConfig(api_base={self.api_base!r}, business_id={self.business_id!r}, "
            f"practitioner_id={self.practitioner_id!r}, "
            f"appointment_type_id={self.appointment_type_id!r})"
        )

    @property
    def shard(self) -> str:
        """The shard at the end of the key ("...-uk1" -> "uk1"); au1 for older keys."""
        _, dash, suffix = self.api_key.rpartition("-")
        return suffix if dash and SHARD_RE.match(suffix) else DEFAULT_SHARD

    @property
    def api_base(self) -> str:
        if self.base_url:
            return self.base_url.rstrip("/")
        return f"https://api.{self.shard}.cliniko.com/v1"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ClinikoConfig | None:
        """The configuration from CLINIKO_* variables; None when CLINIKO_API_KEY is unset (the
        front desk books by hand). A key without the ids is a mistake and says which is missing."""
        key = (settings.CLINIKO_API_KEY.read(env) or "").strip()
        if not key:
            return None
        missing = [name for name in ENV_IDS if not settings.ALL[name].read(env)]
        if missing:
            raise ValueError(f"CLINIKO_API_KEY is set but {', '.join(missing)} is not")
        return cls(
            api_key=key,
            business_id=settings.CLINIKO_BUSINESS_ID.read(env),
            practitioner_id=settings.CLINIKO_PRACTITIONER_ID.read(env),
            appointment_type_id=settings.CLINIKO_APPOINTMENT_TYPE_ID.read(env),
            base_url=settings.CLINIKO_BASE_URL.read(env),
            timeout=settings.CLINIKO_TIMEOUT.read(env),
            max_retry_wait=settings.CLINIKO_MAX_RETRY_WAIT.read(env),
        )


def user_agent(app_name: str, contact_email: str) -> str:
    """Cliniko's required User-Agent: "<app> (<contact e-mail>)"."""
    if not contact_email or "@" not in contact_email:
        raise ValueError("Cliniko needs a contact e-mail for its User-Agent (clinic.yml email)")
    return f"{app_name} assistant ({contact_email})"


class ClinikoClient:
    def __init__(
        self,
        config: ClinikoConfig,
        user_agent: str,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not user_agent.strip():
            raise ValueError("Cliniko requires a User-Agent")
        self.config = config
        self.session = session or requests.Session()
        self.sleep = sleep
        self.headers = {"User-Agent": user_agent, "Accept": "application/json"}

    # --- the three operations -----------------------------------------------------------------

    def available_times(self, first: date, last: date) -> list[datetime]:
        """Free start times (aware, UTC) from the start of `first` to the end of `last`, in the
        account's time zone; longer ranges are asked for a week at a time."""
        c = self.config
        path = (
            f"/businesses/{c.business_id}/practitioners/{c.practitioner_id}"
            f"/appointment_types/{c.appointment_type_id}/available_times"
        )
        found: set[datetime] = set()
        start = first
        while start <= last:
            end = min(start + timedelta(days=MAX_DAYS_PER_CALL - 1), last)
            params = {"from": start.isoformat(), "to": end.isoformat(), "per_page": PER_PAGE}
            for page in self._pages("available times", path, params):
                for item in page.get("available_times") or []:
                    found.add(_parse_time(item, "available times"))
            start = end + timedelta(days=1)
        return sorted(found)

    def create_patient(
        self, first_name: str, last_name: str, email: str | None = None, phone: str | None = None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"first_name": first_name, "last_name": last_name}
        if email:
            body["email"] = email
        if phone:
            body["patient_phone_numbers"] = [{"phone_type": "Mobile", "number": phone}]
        patient = self._request("create patient", "POST", "/patients", json=body)
        _require_id(patient, "create patient")
        return patient

    def create_appointment(
        self, patient_id: str, start: datetime, notes: str | None = None
    ) -> dict[str, Any]:
        c = self.config
        body: dict[str, Any] = {
            "starts_at": _utc_text(start),
            "appointment_type_id": c.appointment_type_id,
            "business_id": c.business_id,
            "patient_id": str(patient_id),
            "practitioner_id": c.practitioner_id,
        }
        if notes:
            body["notes"] = notes
        appointment = self._request(
            "create appointment", "POST", "/individual_appointments", json=body
        )
        _require_id(appointment, "create appointment")
        return appointment

    # --- HTTP -------------------------------------------------------------------------------

    def _pages(self, what: str, path: str, params: dict[str, Any]):
        url: str | None = self.config.api_base + path
        for _ in range(MAX_PAGES):
            page = self._request(what, "GET", url, params=params)
            yield page
            url = ((page.get("links") or {}).get("next")) or None
            if not url:
                return
            url = urljoin(self.config.api_base + "/", url)
            if urlsplit(url)[:2] != urlsplit(self.config.api_base)[:2]:
                raise ClinikoError(f"Cliniko {what}: the next page is on another server")
            params = {}  # the next link carries its own query
        raise ClinikoError(f"Cliniko {what}: more than {MAX_PAGES} pages")

    def _request(
        self,
        what: str,
        method: str,
        url: str,
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """One call, retried after a 429 (waiting Retry-After, capped) up to MAX_RETRIES times."""
        if url.startswith("/"):
            url = self.config.api_base + url
        for attempt in range(MAX_RETRIES + 1):
            try:
                response = self.session.request(
                    method,
                    url,
                    params=params,
                    json=json,
                    headers=self.headers,
                    auth=(self.config.api_key, ""),
                    timeout=self.config.timeout,
                )
            except requests.Timeout:
                raise ClinikoError(
                    f"Cliniko {what}: no answer within {self.config.timeout:g}s"
                ) from None
            except requests.RequestException as err:
                raise ClinikoError(
                    f"Cliniko {what}: could not connect ({type(err).__name__})"
                ) from None
            if response.status_code == 429 and attempt < MAX_RETRIES:
                wait = self._retry_wait(response)
                log.warning("Cliniko %s: rate limited, retrying in %.1fs", what, wait)
                self.sleep(wait)
                continue
            if response.status_code == 429:
                raise ClinikoError(f"Cliniko {what}: rate limited after {MAX_RETRIES} retries")
            return self._json(what, response)
        raise AssertionError("unreachable")  # pragma: no cover

    def _retry_wait(self, response: requests.Response) -> float:
        """Seconds to wait after a 429: Retry-After (seconds or a date), else Cliniko's
        X-RateLimit-Reset (a UNIX time), else a second; never more than max_retry_wait."""
        now = time.time()
        wait = 1.0
        retry_after = response.headers.get("Retry-After", "").strip()
        reset = response.headers.get("X-RateLimit-Reset", "").strip()
        try:
            if retry_after.replace(".", "", 1).isdigit():
                wait = float(retry_after)
            elif retry_after:
                wait = parsedate_to_datetime(retry_after).timestamp() - now
            elif reset.isdigit():
                wait = float(reset) - now
        except (TypeError, ValueError, OverflowError):
            wait = 1.0
        return max(0.0, min(wait, self.config.max_retry_wait))

    @staticmethod
    def _json(what: str, response: requests.Response) -> dict[str, Any]:
        status = response.status_code
        if not 200 <= status < 300:
            raise ClinikoError(f"Cliniko {what}: HTTP {status}{_error_fields(response)}")
        try:
            data = response.json()
        except ValueError:
            raise ClinikoError(f"Cliniko {what}: the answer was not JSON") from None
        if not isinstance(data, dict):
            raise ClinikoError(f"Cliniko {what}: unexpected answer ({type(data).__name__})")
        return data


def _error_fields(response: requests.Response) -> str:
    """For a 422, the names of the fields Cliniko rejected (never their values)."""
    try:
        errors = response.json().get("errors")
    except (ValueError, AttributeError):
        return ""
    if isinstance(errors, dict) and errors:
        names = [str(name) for name in errors if re.fullmatch(r"[a-z_]{1,40}", str(name))]
        return f" (fields: {', '.join(sorted(names))})" if names else ""
    return ""


def _require_id(data: dict[str, Any], what: str) -> None:
    if data.get("id") in (None, ""):
        raise ClinikoError(f"Cliniko {what}: the answer has no id")


def _parse_time(item: Any, what: str) -> datetime:
    raw = item.get("appointment_start") if isinstance(item, dict) else None
    try:
        moment = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        raise ClinikoError(f"Cliniko {what}: a time could not be read") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)  # Cliniko's times are UTC
    return moment.astimezone(timezone.utc)


def _utc_text(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("appointment times must be time-zone aware")
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
