"""Everything `webapp/app.py` mounts for the front desk: routes, middleware, error handlers."""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware

from handoff_delivery.store import StoreUnavailable
from webapp.frontdesk import api, caller, console, insights_api, review_api, staff_pages
from webapp.frontdesk.context import store_unavailable
from webapp.frontdesk.headers import ConsoleSecurityHeaders
from webapp.frontdesk.settings import FrontdeskSettings

SESSION_COOKIE = "frontdesk_session"

routes = [
    *api.routes,
    *console.routes,
    *caller.routes,
    *insights_api.routes,
    *review_api.routes,
    *staff_pages.routes,
]
exception_handlers = {StoreUnavailable: store_unavailable}


def middleware(settings: FrontdeskSettings) -> list[Middleware]:
    """Headers outermost (so errors get them too), then the session, sent to /frontdesk only."""
    return [
        Middleware(ConsoleSecurityHeaders),
        Middleware(
            SessionMiddleware,
            secret_key=settings.session_secret,
            session_cookie=SESSION_COOKIE,
            max_age=settings.session_seconds,
            path="/frontdesk",
            same_site="strict",
            https_only=settings.cookie_secure,
        ),
    ]
