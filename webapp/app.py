"""The clinic web app (contract port 8080).

Issue 2 serves the demo clinic page and `/healthz`; the widget (issue 6) and the front-desk
console (issue 5) are added here.
"""

import html
import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from headache_core.clinic import load_clinic

HERE = Path(__file__).parent
RASA_URL = os.environ.get("RASA_PUBLIC_URL", "http://localhost:5005")
DEMO_TEMPLATE = (HERE / "templates" / "demo.html").read_text(encoding="utf-8")


def demo_page(request: Request) -> HTMLResponse:
    clinic = load_clinic()
    values = {
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


def create_app() -> Starlette:
    return Starlette(
        routes=[
            Route("/", demo_page),
            Route("/healthz", healthz),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ]
    )


app = create_app()
