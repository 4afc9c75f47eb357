"""The console for clinic staff: sign in and out, the page, and the JSON it polls and posts.

Every route here works on the signed session cookie; every POST needs the CSRF token.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timezone

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from headache_core.clinic import Clinic, load_clinic
from headache_core.handoff.card import card_words
from headache_core.handoff.model import Handoff, HandoffQuery, iso
from webapp.frontdesk.api import apply_status_change, handoff_id, not_found
from webapp.frontdesk.auth import (
    SIGNED_IN_AT,
    SessionState,
    check_secret,
    end_session,
    session_state,
    staff_name,
    start_session,
)
from webapp.frontdesk.context import frontdesk, json_error
from webapp.frontdesk.csrf import csrf_ok, csrf_token
from webapp.frontdesk.listing import BadQuery, Defaults, read_query
from webapp.rasa_client import RasaError

Handler = Callable[[Request], Awaitable[Response]]
SIGN_IN = "/frontdesk/sign-in"
# The console's list: most urgent first, 50 a page; without a status, the working list (open
# work and what was done in the last CONSOLE_DONE_DAYS days).
CONSOLE_DEFAULTS = Defaults(order="urgency", limit=50)
WORKING = "working"
NEWEST = 3  # the newest new handoffs, whatever the filters: new work is never out of sight
NOTICES = {
    "expired": "Your sign-in has ended. Please sign in again.",
    "signed_out": "You have signed out.",
}


def signed_in(handler: Handler) -> Handler:
    """JSON routes: 401 unless signed in (an ended session is cleared), 403 on a POST without
    the session's CSRF token."""

    async def guarded(request: Request) -> Response:
        state = session_state(request, frontdesk(request).settings)
        if state is not SessionState.SIGNED_IN:
            end_session(request)
            return json_error(401, state.value, "Your sign-in has ended; please sign in again.")
        if request.method != "GET" and not await csrf_ok(request):
            return json_error(403, "csrf", "This page is out of date; reload it and try again.")
        return await handler(request)

    return guarded


def sign_in_page(request: Request, status: int = 200, error: str = "", staff: str = "") -> Response:
    notice = NOTICES.get(next(iter(request.query_params), ""), "")
    page = frontdesk(request).render(
        "frontdesk_sign_in.html",
        clinic=load_clinic(),
        csrf=csrf_token(request),
        error=error,
        notice=notice,
        staff=staff,
    )
    return HTMLResponse(page, status_code=status)


async def show_sign_in(request: Request) -> Response:
    state = session_state(request, frontdesk(request).settings)
    if state is SessionState.SIGNED_IN:
        return RedirectResponse("/frontdesk", status_code=303)
    if state is SessionState.EXPIRED:
        end_session(request)
    return sign_in_page(request)


async def sign_in(request: Request) -> Response:
    desk = frontdesk(request)
    form = await request.form()
    staff = str(form.get("staff") or "")
    if not await csrf_ok(request):
        return sign_in_page(request, 403, "The form had expired. Please try again.", staff)
    client = request.client.host if request.client else "unknown"
    if desk.sign_ins.blocked(client):
        wait = desk.sign_ins.retry_after(client)
        response = sign_in_page(
            request, 429, f"Too many failed attempts. Wait {wait} seconds and try again.", staff
        )
        response.headers["Retry-After"] = str(wait)
        return response
    secret = str(form.get("secret") or "")
    if await run_in_threadpool(check_secret, secret, desk.settings) is None:
        desk.sign_ins.record(client)
        return sign_in_page(request, 401, "That password or token is not right.", staff)
    start_session(request, staff, desk.settings)
    return RedirectResponse("/frontdesk", status_code=303)


async def sign_out(request: Request) -> Response:
    if not await csrf_ok(request):
        return HTMLResponse("This page was out of date; go back, reload and try again.", 403)
    end_session(request)
    return RedirectResponse(f"{SIGN_IN}?signed_out", status_code=303)


async def console_page(request: Request) -> Response:
    desk = frontdesk(request)
    state = session_state(request, desk.settings)
    if state is not SessionState.SIGNED_IN:
        end_session(request)
        suffix = "?expired" if state is SessionState.EXPIRED else ""
        return RedirectResponse(SIGN_IN + suffix, status_code=303)
    clinic = load_clinic()
    ends = request.session[SIGNED_IN_AT] + desk.settings.session_seconds
    page = desk.render(
        "frontdesk.html",
        page="handoffs",
        clinic=clinic,
        csrf=csrf_token(request),
        staff=staff_name(request),
        poll_ms=round(desk.settings.poll_seconds * 1000),
        session_ends=datetime.fromtimestamp(ends, timezone.utc).isoformat(),
    )
    return HTMLResponse(page)


def card_json(handoff: Handoff, clinic: Clinic) -> dict:
    """The API's fields, the ref, and what the card says in words (headache_core.handoff.card)."""
    return {**handoff.to_api(), "ref": handoff.ref, "card": card_words(handoff, clinic).to_json()}


@signed_in
async def console_data(request: Request) -> Response:
    """One page of handoffs with its counts, and the newest new ones whatever the filters."""
    desk = frontdesk(request)
    clinic = load_clinic()
    params = request.query_params
    working = (params.get("status") or WORKING) == WORKING
    if working:
        params = QueryParams([(k, v) for k, v in params.multi_items() if k != "status"])
    try:
        query = read_query(
            params,
            clinic.timezone,
            CONSOLE_DEFAULTS,
            done_days=desk.settings.done_days if working else None,
        )
    except BadQuery as bad:
        return json_error(400, "bad_query", str(bad))
    page = await desk.run("search", query)
    newest = await desk.run("search", HandoffQuery(statuses=("new",), order="newest", limit=NEWEST))
    return JSONResponse(
        {
            "staff": staff_name(request),
            "handoffs": [card_json(handoff, clinic) for handoff in page.items],
            "total": page.total,
            "offset": page.offset,
            "limit": page.limit,
            "counts": page.counts,
            "aged_out": page.aged_out,
            "done_days": desk.settings.done_days if working else None,
            "newest": [
                {
                    "id": h.id,
                    "title": card_words(h, clinic).title,
                    "kind": h.kind,
                    "created_at": iso(h.created_at),
                }
                for h in newest.items
            ],
        }
    )


@signed_in
async def change_status(request: Request) -> Response:
    return await apply_status_change(request, staff=staff_name(request))


@signed_in
async def hand_back(request: Request) -> Response:
    """Let the assistant answer a patient again who had asked for a person."""
    desk = frontdesk(request)
    wanted = handoff_id(request)
    handoff = None if wanted is None else await desk.run("get", wanted)
    if handoff is None:
        return not_found()
    if handoff.kind != "human":
        return json_error(400, "not_human", "Only a request for a person can be handed back.")
    try:
        await desk.rasa.hand_back(handoff.conversation_id)
    except RasaError as err:
        return json_error(502, "rasa", str(err))
    return JSONResponse({"ok": True, "message": "The assistant answers this patient again."})


routes = [
    Route("/frontdesk", console_page, methods=["GET"]),
    Route(SIGN_IN, show_sign_in, methods=["GET"]),
    Route(SIGN_IN, sign_in, methods=["POST"]),
    Route("/frontdesk/sign-out", sign_out, methods=["POST"]),
    Route("/frontdesk/data", console_data, methods=["GET"]),
    Route("/frontdesk/handoffs/{handoff_id}/status", change_status, methods=["POST"]),
    Route("/frontdesk/handoffs/{handoff_id}/hand-back", hand_back, methods=["POST"]),
]
