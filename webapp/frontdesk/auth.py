"""Who may see handoffs: the API's bearer token and the console's signed-in session.

A session records when its owner signed in, and that time is checked here on every request,
so a sign-in ends after FRONTDESK_SESSION_MINUTES even if the cookie is kept or replayed.
"""

from __future__ import annotations

import hmac
import time
from collections import deque
from collections.abc import Callable
from enum import Enum

from starlette.requests import Request

from webapp.frontdesk.csrf import new_csrf_token
from webapp.frontdesk.passwords import verify_password
from webapp.frontdesk.settings import FrontdeskSettings

SIGNED_IN_AT = "signed_in_at"
STAFF = "staff"
MAX_STAFF_NAME = 60


class SessionState(Enum):
    SIGNED_OUT = "signed_out"
    SIGNED_IN = "signed_in"
    EXPIRED = "expired"


def _same(secret: str, expected: str) -> bool:
    return hmac.compare_digest(secret.encode("utf-8"), expected.encode("utf-8"))


def bearer_ok(request: Request, settings: FrontdeskSettings) -> bool:
    """True for `Authorization: Bearer <FRONTDESK_TOKEN>`; always False when it is unset."""
    if not settings.token:
        return False
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and _same(credentials.strip(), settings.token)


def check_secret(secret: str, settings: FrontdeskSettings) -> str | None:
    """How `secret` signs someone in ("password" or "token"), or None."""
    if not secret:
        return None
    if settings.password_hash and verify_password(secret, settings.password_hash):
        return "password"
    if settings.token and _same(secret, settings.token):
        return "token"
    return None


def session_state(request: Request, settings: FrontdeskSettings) -> SessionState:
    signed_in_at = request.session.get(SIGNED_IN_AT)
    if not isinstance(signed_in_at, (int, float)):
        return SessionState.SIGNED_OUT
    age = settings.clock() - signed_in_at
    if age < 0 or age > settings.session_seconds:
        return SessionState.EXPIRED
    return SessionState.SIGNED_IN


def start_session(request: Request, staff: str, settings: FrontdeskSettings) -> None:
    """A fresh session (nothing carried over from before sign-in) with a new CSRF token."""
    request.session.clear()
    request.session[SIGNED_IN_AT] = settings.clock()
    request.session[STAFF] = staff.strip()[:MAX_STAFF_NAME] or "front desk"
    new_csrf_token(request)


def end_session(request: Request) -> None:
    request.session.clear()


def staff_name(request: Request) -> str:
    return str(request.session.get(STAFF) or "front desk")


class FailedSignIns:
    """A few failed sign-ins per client per window, then wait: slows password guessing."""

    def __init__(
        self, limit: int = 5, window: float = 60.0, clock: Callable[[], float] | None = None
    ) -> None:
        self.limit, self.window = limit, window
        self.clock = clock or time.monotonic
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str) -> deque[float]:
        now = self.clock()
        failures = self._failures.get(key, deque())
        while failures and now - failures[0] > self.window:
            failures.popleft()
        if not failures:
            self._failures.pop(key, None)
        return failures

    def blocked(self, key: str) -> bool:
        return len(self._recent(key)) >= self.limit

    def record(self, key: str) -> None:
        if len(self._failures) > 10_000:  # many clients: forget the stalest, keep memory bounded
            for stale in list(self._failures)[:5_000]:
                self._failures.pop(stale, None)
        failures = self._recent(key)
        failures.append(self.clock())
        self._failures[key] = failures

    def retry_after(self, key: str) -> int:
        failures = self._recent(key)
        return max(1, round(self.window - (self.clock() - failures[0]))) if failures else 0
