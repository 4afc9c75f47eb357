"""The handoff API for other systems (contract): `Authorization: Bearer $FRONTDESK_TOKEN`.

GET  /api/handoffs                newest first; optional filters and paging (listing.py),
                                  X-Total-Count and Link rel="next" headers
GET  /api/handoffs/{id}
POST /api/handoffs/{id}/status    {"status": "claimed" | "done", "by": "..."}
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from headache_core.clinic import load_clinic
from webapp.frontdesk.auth import bearer_ok
from webapp.frontdesk.context import frontdesk, json_error
from webapp.frontdesk.listing import BadQuery, page_headers, read_query

SETTABLE_STATUSES = ("claimed", "done")
MAX_BY = 100


def handoff_id(request: Request) -> int | None:
    """The path's id as an int, or None (then: 404). Parsed after the token check, so a
    caller without the token learns nothing from the path."""
    raw = request.path_params["handoff_id"]
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else None


def not_found() -> Response:
    return json_error(404, "not_found", "No handoff with this id.")


def unauthorized() -> Response:
    return json_error(
        401, "unauthorized", "A valid bearer token is required.", **{"WWW-Authenticate": "Bearer"}
    )


async def read_status_change(request: Request) -> tuple[str, str | None] | Response:
    """(status, by) from a JSON body, or the 400 that says what is wrong with it."""
    try:
        body: Any = json.loads(await request.body() or b"null")
    except ValueError:
        return json_error(400, "bad_json", "The body must be JSON.")
    if not isinstance(body, dict):
        return json_error(400, "bad_request", 'Send {"status": "claimed" or "done"}.')
    status, by = body.get("status"), body.get("by")
    if status not in SETTABLE_STATUSES:
        return json_error(400, "bad_status", 'status must be "claimed" or "done".')
    if by is not None and (not isinstance(by, str) or len(by) > MAX_BY):
        return json_error(400, "bad_by", f"by must be text of at most {MAX_BY} characters.")
    return status, (by.strip() or None) if by else None


async def list_handoffs(request: Request) -> Response:
    if not bearer_ok(request, frontdesk(request).settings):
        return unauthorized()
    try:
        query = read_query(request.query_params, load_clinic().timezone)
    except BadQuery as bad:
        return json_error(400, "bad_query", str(bad))
    page = await frontdesk(request).run("search", query)
    # still a plain list, as the contract says; the headers say what else there is
    return JSONResponse(
        [handoff.to_api() for handoff in page.items], headers=page_headers(request.url, page)
    )


async def get_handoff(request: Request) -> Response:
    if not bearer_ok(request, frontdesk(request).settings):
        return unauthorized()
    wanted = handoff_id(request)
    handoff = None if wanted is None else await frontdesk(request).run("get", wanted)
    if handoff is None:
        return not_found()
    return JSONResponse(handoff.to_api())


async def apply_status_change(request: Request, staff: str | None = None) -> Response:
    """Check the body, change the status, answer 400, 404 or the handoff. The console passes
    the signed-in `staff` name; API callers say who in the body."""
    change = await read_status_change(request)
    if isinstance(change, Response):
        return change
    status, by = change
    wanted = handoff_id(request)
    if wanted is None:
        return not_found()
    handoff = await frontdesk(request).run("set_status", wanted, status, by=staff or by)
    return not_found() if handoff is None else JSONResponse(handoff.to_api())


async def set_status(request: Request) -> Response:
    if not bearer_ok(request, frontdesk(request).settings):
        return unauthorized()
    return await apply_status_change(request)


routes = [
    Route("/api/handoffs", list_handoffs, methods=["GET"]),
    Route("/api/handoffs/{handoff_id}", get_handoff, methods=["GET"]),
    Route("/api/handoffs/{handoff_id}/status", set_status, methods=["POST"]),
]
