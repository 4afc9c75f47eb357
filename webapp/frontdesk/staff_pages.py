"""The staff pages beside the handoff console: Insights (charts of what the assistant did) and
Review (the messages it did not handle well, to mark with the topic they should have had).

Both need the signed-in session, as /frontdesk does. The figures and the queue come from the
insights backend (insights/): the insights page reads the store on the server through
`read_insights`, the review page the JSON routes in the browser
(webapp/static/frontdesk-review.js).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from handoff_delivery.store import StoreUnavailable
from headache_core.clinic import load_clinic
from headache_core.content import education_intents
from webapp.frontdesk import insights_api, insights_view, words
from webapp.frontdesk.auth import SessionState, end_session, session_state, staff_name
from webapp.frontdesk.context import frontdesk
from webapp.frontdesk.csrf import csrf_token

log = logging.getLogger("webapp.frontdesk")
Handler = Callable[[Request], Awaitable[Response]]
SIGN_IN = "/frontdesk/sign-in"
PERIODS = (7, 30, 90)
DEFAULT_DAYS = 7


def staff_page(handler: Handler) -> Handler:
    """HTML pages: to the sign-in page unless signed in (saying so when the sign-in ended)."""

    async def guarded(request: Request) -> Response:
        state = session_state(request, frontdesk(request).settings)
        if state is not SessionState.SIGNED_IN:
            end_session(request)
            suffix = "?expired" if state is SessionState.EXPIRED else ""
            return RedirectResponse(SIGN_IN + suffix, status_code=303)
        return await handler(request)

    return guarded


def chosen_days(request: Request) -> int:
    raw = request.query_params.get("days", "")
    return int(raw) if raw.isdigit() and int(raw) in PERIODS else DEFAULT_DAYS


async def read_insights(request: Request, days: int) -> dict[str, Any] | None:
    """The figures for the last `days` days (the insights store, as /frontdesk/insights/data
    and the CSV give them), or None when the store cannot answer: the page then says so."""
    try:
        return await insights_api.run_insights(request, lambda store: store.summary(days))
    except StoreUnavailable as exc:
        log.warning("insights page: %s", exc)
        return None


def render(request: Request, template: str, **context: Any) -> HTMLResponse:
    page = frontdesk(request).render(
        template,
        clinic=load_clinic(),
        csrf=csrf_token(request),
        staff=staff_name(request),
        **context,
    )
    return HTMLResponse(page)


@staff_page
async def insights_page(request: Request) -> Response:
    days = chosen_days(request)
    data = await read_insights(request, days)
    return render(
        request,
        "frontdesk_insights.html",
        page="insights",
        days=days,
        periods=PERIODS,
        data=data is not None,
        period=insights_view.period_words(data or {}),
        timezone=(data or {}).get("timezone") or "",
        headlines=insights_view.headlines(data or {}),
        charts={name: Markup(html) for name, html in insights_view.charts(data or {}).items()},
    )


@staff_page
async def review_page(request: Request) -> Response:
    intents = {
        **{name: words.intent_words(name) for name in words.intents_shown()},
        **words.LABEL_WORDS,
    }
    return render(
        request,
        "frontdesk_review.html",
        page="review",
        reasons=words.REASONS,
        intents=intents,
        topics=sorted(education_intents()),
    )


routes = [
    Route("/frontdesk/insights", insights_page, methods=["GET"]),
    Route("/frontdesk/review", review_page, methods=["GET"]),
]
