"""Security headers for the console and the API (they carry patients' details).

The CSP allows no inline script or style and nothing from other origins, so even a patient's
text that slipped into the page as markup could not run.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONSOLE_PREFIXES = ("/frontdesk", "/api/handoffs")
STATIC_PREFIX = "/static/frontdesk"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
CONSOLE_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class ConsoleSecurityHeaders:
    """Adds CONSOLE_HEADERS to every console and API response (errors and redirects too)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        console = path.startswith(CONSOLE_PREFIXES)
        static = path.startswith(STATIC_PREFIX)
        if not (console or static):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if console:
                    headers.update(CONSOLE_HEADERS)
                else:
                    headers["X-Content-Type-Options"] = "nosniff"
            await send(message)

        await self.app(scope, receive, send_with_headers)
