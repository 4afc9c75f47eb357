"""The clinic web app (contract port 8080).

Issue 2 serves the demo clinic page and `/healthz`; issue 5 adds the front-desk console
(`/frontdesk`) and the handoff API (`/api/handoffs`) from `webapp/frontdesk/`. Issue 6: the chat
widget is served as `/static/widget.js` (built from `webapp/widget/` by `make widget`) and the demo
page embeds it with one script tag pointing at Rasa's public URL (RASA_PUBLIC_URL).
"""

import contextlib
import html
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

import settings
from headache_core.clinic import load_clinic
from stores.retention import RetentionThread
from webapp.frontdesk import routes as frontdesk_routes
from webapp.frontdesk.context import Frontdesk
from webapp.frontdesk.settings import FrontdeskSettings

HERE = Path(__file__).parent
RASA_URL = settings.RASA_PUBLIC_URL.read() or "http://localhost:5005"
DEMO_TEMPLATE = (HERE / "templates" / "demo.html").read_text(encoding="utf-8")


# The demo clinic site: two pages, so moving between them shows the chat keeping the conversation
DEMO_PAGES = {
    "/": (
        "Why your neck (and upper back) might be giving you a headache",
        "Your head might be where the pain shows up, but your neck and upper back are often the "
        "ones stirring the pot. Our assistant can explain how, share posture and self-care tips, "
        "run a short check of your headache, and help you reach our front desk: use the chat "
        "button at the bottom of the page.",
    ),
    "/visit": (
        "Plan your visit",
        "Find us at {address}. Call {phone} to book, or ask the assistant: it can take your "
        "details for the front desk. Your chat carries on from page to page.",
    ),
}


def demo_page(request: Request) -> HTMLResponse:
    clinic = load_clinic()
    heading, intro = DEMO_PAGES[request.url.path]
    values = {
        "heading": heading,
        "intro": intro.format(address=clinic.address, phone=clinic.phone),
        "clinic_name": clinic.name,
        "phone": clinic.phone,
        "address": clinic.address,
        "emergency_number": clinic.region.emergency_number,
        "rasa_url": RASA_URL,
    }
    page = DEMO_TEMPLATE
    for key, value in values.items():
        page = page.replace("{{ " + key + " }}", html.escape(value, quote=True))
    return HTMLResponse(page)


def healthz(request: Request) -> JSONResponse:
    load_clinic()  # a broken clinic file makes the app unhealthy, not a patient's reply
    return JSONResponse({"status": "ok"})


def retention_interval_s() -> float:
    """How often the web app runs the retention job: RETENTION_EVERY_HOURS (default 24; 0 turns
    it off, e.g. where a Kubernetes CronJob runs `python -m stores.retention`). Only with a
    tracker store configured (TRACKER_STORE_URL), as the stack and production have."""
    if not settings.TRACKER_STORE_URL.read():
        return 0
    return settings.RETENTION_EVERY_HOURS.read() * 3600


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    """Settings checked (a bad value stops the start, named), then the retention job at start
    and then daily, in a background thread (issue 7)."""
    settings.check()
    interval = retention_interval_s()
    thread = RetentionThread(interval) if interval > 0 else None
    if thread:
        thread.start()
    yield
    if thread:
        thread.stop()


def create_app(frontdesk: Frontdesk | None = None) -> Starlette:
    """The app; tests pass a `Frontdesk` with their own settings and store."""
    frontdesk = frontdesk or Frontdesk(FrontdeskSettings.from_env())
    app = Starlette(
        lifespan=lifespan,
        routes=[
            *(Route(path, demo_page) for path in DEMO_PAGES),
            Route("/healthz", healthz),
            *frontdesk_routes.routes,
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ],
        middleware=frontdesk_routes.middleware(frontdesk.settings),
        exception_handlers=frontdesk_routes.exception_handlers,
    )
    app.state.frontdesk = frontdesk
    return app


app = create_app()
