"""Insights for other systems (bearer FRONTDESK_TOKEN) and for the console's insights page
(signed-in session): counts of how conversations went, per clinic day and in total.

GET /api/insights?days=N            JSON (docs: the interfaces of issue 29); N 1..366, default 7
GET /api/insights.csv?days=N        one row per day and a total row
GET /frontdesk/insights/data?days=N the same JSON, for the console
GET /frontdesk/insights.csv?days=N  the same CSV
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy.exc import DBAPIError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from handoff_delivery.store import HandoffStore, StoreUnavailable
from headache_core.clinic import load_clinic
from insights.store import MAX_DAYS, InsightsStore
from insights.summary import to_csv
from webapp.frontdesk.api import unauthorized
from webapp.frontdesk.auth import bearer_ok
from webapp.frontdesk.console import signed_in
from webapp.frontdesk.context import Frontdesk, frontdesk, json_error

DEFAULT_DAYS = 7
T = TypeVar("T")
_stores: WeakKeyDictionary[HandoffStore, InsightsStore] = WeakKeyDictionary()


def insights_store(desk: Frontdesk) -> InsightsStore:
    """The insights on the handoff store's own engine and clock (one database, one pool)."""
    handoffs = desk.store()
    found = _stores.get(handoffs)
    if found is None:
        found = InsightsStore(handoffs.engine, load_clinic().timezone, clock=handoffs._now)
        _stores[handoffs] = found
    return found


async def run_insights(request: Request, work: Callable[[InsightsStore], T]) -> T:
    """`work` on the insights store, off the event loop; a database that is down or not
    migrated answers 503 (the front desk's handler for StoreUnavailable)."""

    def call() -> T:
        try:
            return work(insights_store(frontdesk(request)))
        except DBAPIError as exc:
            raise StoreUnavailable(f"insights unavailable ({type(exc.orig).__name__})") from exc

    return await run_in_threadpool(call)


def read_days(request: Request) -> int | Response:
    """?days=N, 1..366, default 7; else the 400 that says so."""
    raw = request.query_params.get("days")
    if raw is None or raw == "":
        return DEFAULT_DAYS
    if raw.isascii() and raw.isdigit() and len(raw) <= 3 and 1 <= int(raw) <= MAX_DAYS:
        return int(raw)
    return json_error(400, "bad_days", f"days must be a whole number from 1 to {MAX_DAYS}.")


async def _summary(request: Request) -> dict[str, Any] | Response:
    days = read_days(request)
    if isinstance(days, Response):
        return days
    return await run_insights(request, lambda store: store.summary(days))


def csv_response(result: dict[str, Any]) -> Response:
    name = f"insights-{result['from']}-to-{result['to']}.csv"
    return Response(
        to_csv(result),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def api_insights(request: Request) -> Response:
    if not bearer_ok(request, frontdesk(request).settings):
        return unauthorized()
    result = await _summary(request)
    return result if isinstance(result, Response) else JSONResponse(result)


async def api_insights_csv(request: Request) -> Response:
    if not bearer_ok(request, frontdesk(request).settings):
        return unauthorized()
    result = await _summary(request)
    return result if isinstance(result, Response) else csv_response(result)


@signed_in
async def console_insights(request: Request) -> Response:
    result = await _summary(request)
    return result if isinstance(result, Response) else JSONResponse(result)


@signed_in
async def console_insights_csv(request: Request) -> Response:
    result = await _summary(request)
    return result if isinstance(result, Response) else csv_response(result)


routes = [
    Route("/api/insights", api_insights, methods=["GET"]),
    Route("/api/insights.csv", api_insights_csv, methods=["GET"]),
    Route("/frontdesk/insights/data", console_insights, methods=["GET"]),
    Route("/frontdesk/insights.csv", console_insights_csv, methods=["GET"]),
]
