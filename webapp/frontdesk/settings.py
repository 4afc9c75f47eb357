"""The console's configuration, read once from the environment.

FRONTDESK_TOKEN            bearer token for /api/handoffs; also accepted at sign-in
FRONTDESK_PASSWORD_HASH    staff password hash (python -m webapp.frontdesk.hash_password)
FRONTDESK_PASSWORD         or the plain password, hashed here and not kept
FRONTDESK_SESSION_SECRET   signs the session cookie (random per process if unset)
FRONTDESK_SESSION_MINUTES  how long a sign-in lasts (default 480)
FRONTDESK_COOKIE_SECURE    1/true: the cookie is sent over HTTPS only
CONSOLE_DONE_DAYS          days a done handoff stays in the working list (default 2)
RASA_INTERNAL_URL          Rasa as the web app reaches it (default http://localhost:$RASA_PORT)
RASA_API_TOKEN             Rasa's --auth-token, for handing a conversation back
"""

from __future__ import annotations

import logging
import os
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import settings
from webapp.frontdesk.passwords import hash_password, parse_hash

log = logging.getLogger("webapp.frontdesk")
DEFAULT_SESSION_MINUTES = settings.FRONTDESK_SESSION_MINUTES.default


@dataclass(frozen=True)
class FrontdeskSettings:
    token: str | None = None
    password_hash: str | None = None
    session_secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    session_minutes: float = DEFAULT_SESSION_MINUTES
    cookie_secure: bool = False
    rasa_url: str = "http://localhost:5005"
    rasa_token: str | None = None
    poll_seconds: float = 5.0  # how often the console page asks for the list
    done_days: int = settings.CONSOLE_DONE_DAYS.default  # then out of the working list
    clock: Callable[[], float] = time.time  # tests move time forward through this

    @property
    def session_seconds(self) -> int:
        return max(1, round(self.session_minutes * 60))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> FrontdeskSettings:
        """Read and check the environment; warns about what leaves the console closed."""
        env = os.environ if env is None else env
        token = settings.FRONTDESK_TOKEN.read(env)
        if token is None:
            log.warning("FRONTDESK_TOKEN is unset: /api/handoffs answers 401 to everyone")
        password_hash = _password_hash(env)
        if token is None and password_hash is None:
            log.warning("no FRONTDESK_PASSWORD(_HASH) or FRONTDESK_TOKEN: nobody can sign in")
        secret = settings.FRONTDESK_SESSION_SECRET.read(env)
        if secret is None:
            log.warning(
                "FRONTDESK_SESSION_SECRET is unset: using a random one, so sign-ins end "
                "when the web app restarts"
            )
            secret = secrets.token_urlsafe(32)
        rasa_port = settings.RASA_PORT.read(env)
        return cls(
            token=token,
            password_hash=password_hash,
            session_secret=secret,
            session_minutes=settings.FRONTDESK_SESSION_MINUTES.read(env),
            cookie_secure=settings.FRONTDESK_COOKIE_SECURE.read(env),
            rasa_url=(
                settings.RASA_INTERNAL_URL.read(env) or f"http://localhost:{rasa_port}"
            ).rstrip("/"),
            rasa_token=settings.RASA_API_TOKEN.read(env),
            done_days=settings.CONSOLE_DONE_DAYS.read(env),
        )


def _password_hash(env: Mapping[str, str]) -> str | None:
    encoded = settings.FRONTDESK_PASSWORD_HASH.read(env)
    plain = settings.FRONTDESK_PASSWORD.read(env)
    if encoded:
        parse_hash(encoded)  # a typo fails at start-up, not at the first sign-in
        if plain:
            log.warning("FRONTDESK_PASSWORD is ignored because FRONTDESK_PASSWORD_HASH is set")
        return encoded
    return hash_password(plain) if plain else None
