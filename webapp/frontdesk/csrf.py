"""CSRF tokens: one random token per session, rendered into the page, required on every
state-changing request as the `csrf_token` form field or the `X-CSRF-Token` header.

The sign-in form gets one too (the session then holds nothing else), so nobody can sign a
browser into their own account from another site. Signing in replaces the token.
"""

from __future__ import annotations

import hmac
import secrets

from starlette.requests import Request

SESSION_KEY = "csrf"
FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def csrf_token(request: Request) -> str:
    """The session's token, made on first use."""
    token = request.session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_KEY] = token
    return token


def new_csrf_token(request: Request) -> str:
    request.session[SESSION_KEY] = secrets.token_urlsafe(32)
    return request.session[SESSION_KEY]


async def csrf_ok(request: Request) -> bool:
    """True when the request carries the session's token (header, or form field for forms)."""
    expected = request.session.get(SESSION_KEY)
    if not isinstance(expected, str) or not expected:
        return False
    sent = request.headers.get(HEADER)
    content_type = request.headers.get("content-type", "")
    if sent is None and content_type.startswith(FORM_TYPES):
        value = (await request.form()).get(FIELD)
        sent = value if isinstance(value, str) else None
    return sent is not None and hmac.compare_digest(sent.encode(), expected.encode())
