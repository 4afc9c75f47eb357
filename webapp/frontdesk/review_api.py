"""The review queue: messages the assistant was unsure of (redacted), for staff to mark with
the intent they should have had, "new_topic" or "ignore"; the marked ones as Rasa NLU YAML for
a developer or clinician to review. Nothing here changes the model.

GET  /api/review?status=open|labelled|all&limit=&offset=   newest first, X-Total-Count
POST /api/review/{id}/label          {"label": "<intent>" | "new_topic" | "ignore" | null, "by"}
GET  /api/review/export              review-examples.yml
and for the console (signed-in session; POST with CSRF, the signed-in name as labelled_by):
GET  /frontdesk/review/data          {"items", "total", "labels"}
POST /frontdesk/review/{id}/label
GET  /frontdesk/review/export
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from insights.export import FILENAME, SPECIAL_LABELS, nlu_yaml
from insights.store import STATUSES
from insights.tally import domain_intents
from webapp.frontdesk.api import MAX_BY, unauthorized
from webapp.frontdesk.auth import bearer_ok, staff_name
from webapp.frontdesk.console import signed_in
from webapp.frontdesk.context import frontdesk, json_error
from webapp.frontdesk.insights_api import run_insights

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


def labels() -> list[str]:
    """What staff may mark an item with: domain.yml's intents, then new_topic and ignore."""
    return [*domain_intents(), *SPECIAL_LABELS]


def _whole(raw: str | None, default: int, low: int, high: int) -> int | None:
    if raw is None or raw == "":
        return default
    if raw.isascii() and raw.isdigit() and len(raw) <= 9 and low <= int(raw) <= high:
        return int(raw)
    return None


def read_page(request: Request) -> tuple[str, int, int] | Response:
    """(status, limit, offset) from the query, or the 400 that says what is wrong."""
    query = request.query_params
    status = query.get("status") or "open"
    if status not in STATUSES:
        return json_error(400, "bad_status", "status must be open, labelled or all.")
    limit = _whole(query.get("limit"), DEFAULT_LIMIT, 1, MAX_LIMIT)
    if limit is None:
        return json_error(400, "bad_limit", f"limit must be a whole number from 1 to {MAX_LIMIT}.")
    offset = _whole(query.get("offset"), 0, 0, 10**9)
    if offset is None:
        return json_error(400, "bad_offset", "offset must be a whole number, 0 or more.")
    return status, limit, offset


def item_id(request: Request) -> int | None:
    raw = request.path_params["item_id"]
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else None


async def apply_label(request: Request, staff: str | None = None) -> Response:
    """Check the body, mark the item, answer 400, 404 or the item."""
    try:
        body: Any = json.loads(await request.body() or b"null")
    except ValueError:
        return json_error(400, "bad_json", "The body must be JSON.")
    if not isinstance(body, dict) or "label" not in body:
        return json_error(
            400, "bad_request", 'Send {"label": "<intent>", "new_topic" or "ignore"}.'
        )
    label, by = body["label"], body.get("by")
    if label is not None and label not in labels():
        return json_error(
            400, "bad_label", "label must be an intent of the assistant, new_topic or ignore."
        )
    if by is not None and (not isinstance(by, str) or len(by) > MAX_BY):
        return json_error(400, "bad_by", f"by must be text of at most {MAX_BY} characters.")
    wanted = item_id(request)
    if wanted is None:
        return _not_found()
    who = staff or ((by or "").strip() or None)
    item = await run_insights(request, lambda store: store.label(wanted, label, who))
    return _not_found() if item is None else JSONResponse(item)


def _not_found() -> Response:
    return json_error(404, "not_found", "No review item with this id.")


def export_response(items: list[dict[str, Any]]) -> Response:
    return Response(
        nlu_yaml(items),
        media_type="application/x-yaml; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{FILENAME}"'},
    )


async def api_review(request: Request) -> Response:
    if not bearer_ok(request, frontdesk(request).settings):
        return unauthorized()
    page = read_page(request)
    if isinstance(page, Response):
        return page
    items, total = await run_insights(request, lambda store: store.review(*page))
    return JSONResponse(items, headers={"X-Total-Count": str(total)})


async def api_label(request: Request) -> Response:
    if not bearer_ok(request, frontdesk(request).settings):
        return unauthorized()
    return await apply_label(request)


async def api_export(request: Request) -> Response:
    if not bearer_ok(request, frontdesk(request).settings):
        return unauthorized()
    return export_response(await run_insights(request, lambda store: store.labelled()))


@signed_in
async def console_review(request: Request) -> Response:
    page = read_page(request)
    if isinstance(page, Response):
        return page
    items, total = await run_insights(request, lambda store: store.review(*page))
    return JSONResponse({"items": items, "total": total, "labels": labels()})


@signed_in
async def console_label(request: Request) -> Response:
    return await apply_label(request, staff=staff_name(request))


@signed_in
async def console_export(request: Request) -> Response:
    return export_response(await run_insights(request, lambda store: store.labelled()))


routes = [
    Route("/api/review", api_review, methods=["GET"]),
    Route("/api/review/export", api_export, methods=["GET"]),
    Route("/api/review/{item_id}/label", api_label, methods=["POST"]),
    Route("/frontdesk/review/data", console_review, methods=["GET"]),
    Route("/frontdesk/review/export", console_export, methods=["GET"]),
    Route("/frontdesk/review/{item_id}/label", console_label, methods=["POST"]),
]
