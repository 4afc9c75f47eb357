"""A stand-in for the insights backend's staff routes (issue 29 interfaces), for testing the
Insights and Review pages on their own: fixture figures in the agreed JSON shape, a small
review queue in memory that filters, pages, takes labels and exports them as Rasa NLU YAML.

It serves the same paths as the real backend, so the pages are tested over HTTP as they run.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import yaml
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from webapp.frontdesk.console import signed_in, staff_name

LAST_DAY = date(2026, 12, 6)
TOPIC_INTENTS = ["ask_cervicogenic_headache", "ask_posture", "ask_self_care", "ask_neck_anatomy"]
LABELS = [*TOPIC_INTENTS, "greet", "request_human", "new_topic", "ignore"]  # as domain.yml


def day_figures(index: int) -> dict[str, Any]:
    """One day's figures; they vary with the day so totals and peaks are checkable."""
    conversations = 10 + (index * 7) % 13
    return {
        "conversations": conversations,
        "messages": conversations * 6,
        "unsure_messages": conversations // 2,
        "unsure_share": round((conversations // 2) / (conversations * 6), 4),
        "journeys": {
            "education_only": conversations - 5,
            "screening_started": 1,
            "screening_finished": 2,
            "red_flag": 1,
            "other": 1,
        },
        "outcomes": {
            "red_flag_emergency": 1 if index % 2 else 0,
            "red_flag_urgent": 0 if index % 2 else 1,
            "consistent_with_cervicogenic": 1,
            "not_typical_cervicogenic": 1,
        },
        "red_flags": {
            "thunderclap_onset": 1 if index % 2 else 0,
            "fever_neck_stiffness": 0 if index % 2 else 1,
        },
        "red_flag_levels": {"emergency": 1 if index % 2 else 0, "urgent": 0 if index % 2 else 1},
        "handoffs": {
            "booking": {"new": 1, "claimed": 0, "done": 1},
            "human": {"new": 0, "claimed": 1, "done": 0},
        },
        "topics": {
            "ask_posture": 4 + index % 3,
            "ask_self_care": 2,
            "ask_cervicogenic_headache": 3,
        },
        "feedback": {
            "ask_posture": {"helpful": 2, "not_helpful": 1},
            "ask_self_care": {"helpful": 1, "not_helpful": 0},
        },
    }


def add(total: dict[str, Any], part: dict[str, Any]) -> dict[str, Any]:
    for key, value in part.items():
        if isinstance(value, dict):
            add(total.setdefault(key, {}), value)
        elif key != "unsure_share":
            total[key] = total.get(key, 0) + value
    return total


def insights_fixture(days: int = 7, last: date = LAST_DAY) -> dict[str, Any]:
    by_day = []
    total: dict[str, Any] = {}
    for index in range(days):
        day = last - timedelta(days=days - 1 - index)
        figures = day_figures(index)
        by_day.append({"day": day.isoformat(), **figures})
        add(total, figures)
    total["unsure_share"] = round(total["unsure_messages"] / total["messages"], 4)
    return {
        "days": days,
        "from": by_day[0]["day"],
        "to": by_day[-1]["day"],
        "timezone": "Europe/London",
        **total,
        "by_day": by_day,
    }


def review_fixture(count: int = 25) -> list[dict[str, Any]]:
    """Newest first: item `count` is the newest."""
    reasons = ["unsure", "not_understood", "out_of_scope", "not_helpful"]
    items = []
    for n in range(count, 0, -1):
        items.append(
            {
                "id": n,
                "created_at": f"2026-12-06T{n % 24:02d}:00:00+00:00",
                "text": f"message {n}: my name is [NAME] and my neck is stiff",
                "reading": {
                    "intent": "nlu_fallback" if n % 2 else "ask_posture",
                    "confidence": 0.21 + (n % 7) / 10,
                },
                "reason": reasons[n % 4],
                "label": None,
                "labelled_by": None,
                "labelled_at": None,
            }
        )
    return items


@dataclass
class InsightsStandIn:
    items: list[dict[str, Any]] = field(default_factory=review_fixture)
    requested_days: list[int] = field(default_factory=list)
    fail: bool = False  # the insights data route answers 503

    def routes(self) -> list[Route]:
        return [
            Route("/frontdesk/insights/data", signed_in(self.insights_data), methods=["GET"]),
            Route("/frontdesk/insights.csv", signed_in(self.insights_csv), methods=["GET"]),
            Route("/frontdesk/review/data", signed_in(self.review_data), methods=["GET"]),
            Route("/frontdesk/review/export", signed_in(self.review_export), methods=["GET"]),
            Route("/frontdesk/review/{item_id}/label", signed_in(self.label), methods=["POST"]),
        ]

    def install(self, app: Any) -> Any:
        app.router.routes[:0] = self.routes()
        return app

    async def figures(self, request: Request, days: int) -> dict[str, Any] | None:
        """Stands in for `webapp.frontdesk.staff_pages.read_insights` (the page reads the
        store directly): the fixture, or None as when the store is down."""
        self.requested_days.append(days)
        return None if self.fail else insights_fixture(days)

    async def insights_data(self, request: Request) -> Response:
        days = int(request.query_params.get("days", "7"))
        self.requested_days.append(days)
        if self.fail:
            return JSONResponse({"error": "down", "message": "down"}, status_code=503)
        return JSONResponse(insights_fixture(days))

    async def insights_csv(self, request: Request) -> Response:
        data = insights_fixture(int(request.query_params.get("days", "7")))
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["day", "conversations", "messages"])
        for row in data["by_day"]:
            writer.writerow([row["day"], row["conversations"], row["messages"]])
        writer.writerow(["total", data["conversations"], data["messages"]])
        return Response(
            out.getvalue(),
            media_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="insights.csv"'},
        )

    def chosen(self, status: str) -> list[dict[str, Any]]:
        if status == "labelled":
            return [i for i in self.items if i["label"]]
        if status == "all":
            return list(self.items)
        return [i for i in self.items if not i["label"]]

    async def review_data(self, request: Request) -> Response:
        query = request.query_params
        chosen = self.chosen(query.get("status", "open"))
        offset, limit = int(query.get("offset", "0")), int(query.get("limit", "50"))
        return JSONResponse(
            {"items": chosen[offset : offset + limit], "total": len(chosen), "labels": LABELS}
        )

    async def label(self, request: Request) -> Response:
        body = json.loads(await request.body())
        label = body.get("label")
        if label is not None and label not in LABELS:
            return JSONResponse({"error": "bad_label", "message": "Not a label."}, status_code=400)
        item = next(i for i in self.items if i["id"] == int(request.path_params["item_id"]))
        item.update(label=label, labelled_by=staff_name(request) if label else None)
        item["labelled_at"] = "2026-12-07T09:00:00+00:00" if label else None
        return JSONResponse(item)

    async def review_export(self, request: Request) -> Response:
        blocks = []
        for intent in TOPIC_INTENTS:
            texts = [i["text"] for i in self.items if i["label"] == intent]
            if texts:
                blocks.append({"intent": intent, "examples": "".join(f"- {t}\n" for t in texts)})
        text = yaml.safe_dump({"version": "3.1", "nlu": blocks}, sort_keys=False)
        return Response(
            text,
            media_type="application/x-yaml",
            headers={"Content-Disposition": 'attachment; filename="review-examples.yml"'},
        )
