"""A fake Cliniko API on 127.0.0.1 for tests: the three endpoints the assistant uses, with
Cliniko's JSON shapes, pagination and refusals, plus switches to simulate an outage.

    with FakeCliniko(free_times=[...]) as fake:
        config = ClinikoConfig(fake.api_key, fake.business_id, ..., base_url=fake.url)
        fake.fail_next(2, status=429, retry_after="3")   # then answers normally
        fake.fail_on("/individual_appointments", 500)    # that endpoint only
        fake.fail_always(500)                            # until fake.recover()
        fake.delay = 1.0                                 # every answer takes a second

Like Cliniko it refuses: no or non-compliant User-Agent (400), a wrong key (401), an
available_times range over 7 days or starting in the past (400), a patient without first or
last name and an appointment without its ids or a known patient (422). Booking a time takes it
out of available_times. Everything received is kept in `requests`; created records in
`patients` and `appointments`.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit
from zoneinfo import ZoneInfo

AVAILABLE_RE = re.compile(
    r"^/v1/businesses/(?P<business>[^/]+)/practitioners/(?P<practitioner>[^/]+)"
    r"/appointment_types/(?P<type>[^/]+)/available_times$"
)
USER_AGENT_RE = re.compile(r"\S.*\(\s*[^()\s]+@[^()\s]+\s*\)")
BAD_TIME_FRAME = "Invalid time frame definition. Please check from/to param limitations."
APPOINTMENT_MINUTES = 45


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass
class Failure:
    status: int
    retry_after: str | None = None
    body: str | None = None


def utc_text(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class FakeCliniko:
    def __init__(
        self,
        free_times: list[datetime] | tuple[datetime, ...] = (),
        api_key: str = "MS0xLWZha2Uta2V5LW5vdC1yZWFs-uk1",
        business_id: str = "1390053865344214699",
        practitioner_id: str = "1390053863163176768",
        appointment_type_id: str = "1390053865100944805",
        zone: str = "UTC",
        max_per_page: int = 100,
    ) -> None:
        self.api_key = api_key
        self.business_id = business_id
        self.practitioner_id = practitioner_id
        self.appointment_type_id = appointment_type_id
        self.zone = ZoneInfo(zone)
        self.max_per_page = max_per_page
        self.free_times = sorted(t.astimezone(timezone.utc) for t in free_times)
        self.patients: list[dict[str, Any]] = []
        self.appointments: list[dict[str, Any]] = []
        self.requests: list[Recorded] = []
        self.delay = 0.0
        self._failures: deque[Failure] = deque()
        self._always: Failure | None = None
        self._failing_paths: dict[str, Failure] = {}
        self._ids = count(1390710863102485699)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- switches -----------------------------------------------------------------------------

    def fail_next(
        self,
        times: int = 1,
        status: int = 500,
        retry_after: str | None = None,
        body: str | None = None,
    ) -> None:
        """The next `times` requests get `status` (with Retry-After and/or a raw body)."""
        with self._lock:
            self._failures.extend(Failure(status, retry_after, body) for _ in range(times))

    def fail_on(self, path_fragment: str, status: int = 500) -> None:
        """Requests whose path contains `path_fragment` get `status`, the others an answer."""
        with self._lock:
            self._failing_paths[path_fragment] = Failure(status)

    def fail_always(self, status: int = 500, retry_after: str | None = None) -> None:
        with self._lock:
            self._always = Failure(status, retry_after)

    def recover(self) -> None:
        with self._lock:
            self._failures.clear()
            self._failing_paths.clear()
            self._always = None
            self.delay = 0.0

    def requests_to(self, fragment: str, method: str | None = None) -> list[Recorded]:
        return [r for r in self.requests if fragment in r.path and method in (None, r.method)]

    # --- server -------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None, "start the fake first (use it as a context manager)"
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def start(self) -> FakeCliniko:
        self._server = _QuietServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeCliniko:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- behaviour ----------------------------------------------------------------------------

    def handle(self, request: Recorded, host: str) -> tuple[int, dict[str, str], str]:
        with self._lock:
            self.requests.append(request)
            failure = self._failures.popleft() if self._failures else self._always
            for fragment, on_path in self._failing_paths.items():
                failure = on_path if fragment in request.path else failure
        if self.delay:
            time.sleep(self.delay)
        if failure is not None:
            headers = {"Retry-After": failure.retry_after} if failure.retry_after else {}
            body = failure.body if failure.body is not None else json.dumps({"message": "fake"})
            return failure.status, headers, body
        if not USER_AGENT_RE.fullmatch(request.headers.get("user-agent", "")):
            return _error(400, "A User-Agent with your app's name and contact e-mail is required")
        if not self._authorised(request.headers.get("authorization", "")):
            return _error(401, "Unauthorized")
        with self._lock:
            return self._route(request, host)

    def _authorised(self, header: str) -> bool:
        scheme, _, encoded = header.partition(" ")
        if scheme != "Basic":
            return False
        try:
            user, _, password = base64.b64decode(encoded).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        # Cliniko takes the key with or without its shard suffix.
        return password == "" and user in (self.api_key, self.api_key.rpartition("-")[0])

    def _route(self, request: Recorded, host: str) -> tuple[int, dict[str, str], str]:
        match = AVAILABLE_RE.match(request.path)
        if request.method == "GET" and match:
            return self._available_times(request, match, host)
        if request.method == "POST" and request.path == "/v1/patients":
            return self._create_patient(request.body, host)
        if request.method == "POST" and request.path == "/v1/individual_appointments":
            return self._create_appointment(request.body, host)
        return _error(404, "Not found")

    def _available_times(
        self, request: Recorded, match: re.Match, host: str
    ) -> tuple[int, dict[str, str], str]:
        ids = (match["business"], match["practitioner"], match["type"])
        if ids != (self.business_id, self.practitioner_id, self.appointment_type_id):
            return _error(404, "Not found")
        q = request.query
        try:
            first, last = date.fromisoformat(q["from"]), date.fromisoformat(q["to"])
        except (KeyError, ValueError):
            return _error(400, BAD_TIME_FRAME)
        today = datetime.now(self.zone).date()
        if last < first or (last - first).days >= 7 or first < today - timedelta(days=1):
            return _error(400, BAD_TIME_FRAME)
        per_page = max(1, min(int(q.get("per_page", 50)), 100, self.max_per_page))
        page = max(1, int(q.get("page", 1)))
        times = [t for t in self.free_times if first <= t.astimezone(self.zone).date() <= last]
        chunk = times[(page - 1) * per_page : page * per_page]
        base = f"http://{host}{request.path}"
        query = {"from": q["from"], "to": q["to"], "per_page": per_page}
        links = {"self": f"{base}?{urlencode({**query, 'page': page})}"}
        if page * per_page < len(times):
            links["next"] = f"{base}?{urlencode({**query, 'page': page + 1})}"
        body = {
            "available_times": [{"appointment_start": utc_text(t)} for t in chunk],
            "total_entries": len(times),
            "links": links,
        }
        return 200, {}, json.dumps(body)

    def _create_patient(self, body: Any, host: str) -> tuple[int, dict[str, str], str]:
        if not isinstance(body, dict):
            return _error(400, "The request body must be JSON")
        errors = {f: ["can't be blank"] for f in ("first_name", "last_name") if not body.get(f)}
        if errors:
            return 422, {}, json.dumps({"message": "Validation failed", "errors": errors})
        patient_id = str(next(self._ids))
        now = utc_text(datetime.now(timezone.utc))
        patient = {
            "id": patient_id,
            "first_name": body["first_name"],
            "last_name": body["last_name"],
            "email": body.get("email"),
            "patient_phone_numbers": body.get("patient_phone_numbers") or [],
            "created_at": now,
            "updated_at": now,
            "archived_at": None,
            "links": {"self": f"http://{host}/v1/patients/{patient_id}"},
        }
        self.patients.append(patient)
        return 201, {"Location": patient["links"]["self"]}, json.dumps(patient)

    def _create_appointment(self, body: Any, host: str) -> tuple[int, dict[str, str], str]:
        if not isinstance(body, dict):
            return _error(400, "The request body must be JSON")
        needed = (
            "starts_at",
            "patient_id",
            "practitioner_id",
            "appointment_type_id",
            "business_id",
        )
        errors = {f: ["can't be blank"] for f in needed if not body.get(f)}
        if not errors and str(body["patient_id"]) not in {p["id"] for p in self.patients}:
            errors["patient_id"] = ["does not exist"]
        try:
            start = datetime.fromisoformat(str(body.get("starts_at")).replace("Z", "+00:00"))
            if start.tzinfo is None:
                raise ValueError
        except ValueError:
            errors.setdefault("starts_at", ["is not a valid date-time"])
        if errors:
            return 422, {}, json.dumps({"message": "Validation failed", "errors": errors})
        start = start.astimezone(timezone.utc)
        self.free_times = [t for t in self.free_times if t != start]
        appointment_id = str(next(self._ids))
        api = f"http://{host}/v1"
        appointment = {
            "id": appointment_id,
            "starts_at": utc_text(start),
            "ends_at": utc_text(start + timedelta(minutes=APPOINTMENT_MINUTES)),
            "notes": body.get("notes"),
            "patient_name": next(
                f"{p['first_name']} {p['last_name']}"
                for p in self.patients
                if p["id"] == str(body["patient_id"])
            ),
            "cancelled_at": None,
            "appointment_type": {
                "links": {"self": f"{api}/appointment_types/{body['appointment_type_id']}"}
            },
            "business": {"links": {"self": f"{api}/businesses/{body['business_id']}"}},
            "practitioner": {"links": {"self": f"{api}/practitioners/{body['practitioner_id']}"}},
            "patient": {"links": {"self": f"{api}/patients/{body['patient_id']}"}},
            "links": {"self": f"{api}/individual_appointments/{appointment_id}"},
        }
        self.appointments.append(appointment)
        return 201, {"Location": appointment["links"]["self"]}, json.dumps(appointment)


def _error(status: int, message: str) -> tuple[int, dict[str, str], str]:
    return status, {}, json.dumps({"message": message})


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (a timeout test) is not an error worth a traceback."""


def _handler_for(fake: FakeCliniko) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def _answer(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode(errors="replace")
            request = Recorded(
                method=self.command,
                path=parts.path,
                query={k: v[-1] for k, v in parse_qs(parts.query).items()},
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
            )
            status, headers, text = fake.handle(request, self.headers.get("Host", ""))
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

    return Handler
