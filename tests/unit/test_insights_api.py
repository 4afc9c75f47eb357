"""The insights and review-queue routes: bearer token for /api, the signed-in session (and CSRF
on a POST) for /frontdesk; their JSON shapes, CSV, labels and the NLU export; bad input 400."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from starlette.testclient import TestClient

from handoff_delivery.store import HandoffStore
from insights.store import InsightsStore, NewReviewItem
from tests.frontdesk_fixtures import (
    START,
    TOKEN,
    Clock,
    client_for,
    make_app,
    make_store,
    seed,
    sign_in,
)

AUTH = {"Authorization": f"Bearer {TOKEN}"}
COUNT_KEYS = ["conversations", "messages", "unsure_messages", "unsure_share", "journeys",
              "outcomes", "red_flags", "red_flag_levels", "handoffs", "topics", "feedback"]  # fmt: skip


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> HandoffStore:
    store = make_store(tmp_path, clock)
    yield store
    store.close()


@pytest.fixture
def insights(store: HandoffStore, clock: Clock) -> InsightsStore:
    found = InsightsStore(store.engine, "Europe/London", clock=clock)
    day = START.date()
    found.add("k1", {(day, "messages"): 4, (day, "unsure"): 1, (day, "topic:ask_posture"): 3,
                     (day, "education"): 3, (day, "helpful:ask_posture"): 2},
              [NewReviewItem("what about [NAME] tablets", "nlu_fallback", 0.25, "not_understood",
                             START)])  # fmt: skip
    found.add("k2", {(day, "messages"): 1, (day, "flag:thunderclap_onset"): 1,
                     (day, "level:emergency"): 1, (day, "outcome:red_flag_emergency"): 1},
              [NewReviewItem("play me a song", "out_of_scope", 0.9, "out_of_scope",
                             START + timedelta(minutes=1))])  # fmt: skip
    return found


@pytest.fixture
def client(store: HandoffStore, insights: InsightsStore, clock: Clock) -> TestClient:
    seed(store, clock)
    return client_for(make_app(lambda: store))


@pytest.mark.parametrize(
    "path",
    ["/api/insights", "/api/insights.csv", "/api/review", "/api/review/export"],
)
def test_the_api_needs_the_token(client: TestClient, path: str):
    assert client.get(path).status_code == 401
    assert client.get(path, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.post("/api/review/1/label", json={"label": "ignore"}).status_code == 401


def test_insights_json_has_the_agreed_shape_and_counts(client: TestClient):
    response = client.get("/api/insights?days=3", headers=AUTH)
    assert response.status_code == 200
    body = response.json()
    assert list(body)[:4] == ["days", "from", "to", "timezone"]
    assert (body["days"], body["from"], body["to"]) == (3, "2025-03-01", "2025-03-03")
    assert body["timezone"] == "Europe/London"
    assert all(key in body for key in COUNT_KEYS)
    assert (body["conversations"], body["messages"], body["unsure_share"]) == (2, 5, 0.2)
    assert body["journeys"]["education_only"] == 1 and body["journeys"]["red_flag"] == 1
    assert body["red_flags"] == {"thunderclap_onset": 1}
    assert body["red_flag_levels"] == {"emergency": 1, "urgent": 0}
    assert body["handoffs"]["booking"]["new"] == 1 and body["handoffs"]["human"]["new"] == 2
    assert body["feedback"] == {"ask_posture": {"helpful": 2, "not_helpful": 0}}
    assert [d["day"] for d in body["by_day"]] == ["2025-03-01", "2025-03-02", "2025-03-03"]
    assert all(key in body["by_day"][0] for key in COUNT_KEYS)
    assert body["by_day"][2]["messages"] == 5 and body["by_day"][0]["messages"] == 0
    assert client.get("/api/insights", headers=AUTH).json()["days"] == 7


@pytest.mark.parametrize("days", ["0", "367", "-1", "abc", "1.5", "７"])
def test_bad_days_are_refused(client: TestClient, days: str):
    response = client.get(f"/api/insights?days={days}", headers=AUTH)
    assert response.status_code == 400 and response.json()["error"] == "bad_days"


def test_the_csv_has_a_row_per_day_and_a_total(client: TestClient):
    response = client.get("/api/insights.csv?days=2", headers=AUTH)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [row["day"] for row in rows] == ["2025-03-02", "2025-03-03", "total"]
    assert rows[-1]["outcome:red_flag_emergency"] == "1" and rows[0]["topic:ask_posture"] == "0"
    assert rows[-1]["handoff:human:new"] == "2"


def test_the_review_queue_lists_newest_first_with_a_total(client: TestClient):
    response = client.get("/api/review", headers=AUTH)
    assert response.status_code == 200 and response.headers["x-total-count"] == "2"
    items = response.json()
    assert [i["text"] for i in items] == ["play me a song", "what about [NAME] tablets"]
    assert items[0]["reading"] == {"intent": "out_of_scope", "confidence": 0.9}
    assert "conversation_key" not in items[0]
    for query in ("status=done", "limit=0", "limit=501", "offset=-1", "limit=x"):
        assert client.get(f"/api/review?{query}", headers=AUTH).status_code == 400


def test_labels_are_checked_and_labelled_items_leave_the_open_queue(client: TestClient):
    first = client.get("/api/review", headers=AUTH).json()[1]
    url = f"/api/review/{first['id']}/label"
    for bad in ({"label": "not_an_intent"}, {"nothing": 1}, {"label": 3}):
        assert client.post(url, json=bad, headers=AUTH).status_code == 400
    assert (
        client.post("/api/review/999/label", json={"label": "ignore"}, headers=AUTH).status_code
        == 404
    )
    done = client.post(url, json={"label": "ask_treatment", "by": "Kim"}, headers=AUTH)
    assert done.status_code == 200 and done.json()["label"] == "ask_treatment"
    assert done.json()["labelled_by"] == "Kim"
    assert client.get("/api/review", headers=AUTH).headers["x-total-count"] == "1"
    assert client.get("/api/review?status=labelled", headers=AUTH).json()[0]["id"] == first["id"]


def test_the_export_is_nlu_yaml_of_the_labelled_items(client: TestClient):
    items = client.get("/api/review", headers=AUTH).json()
    client.post(f"/api/review/{items[0]['id']}/label", json={"label": "new_topic"}, headers=AUTH)
    client.post(
        f"/api/review/{items[1]['id']}/label", json={"label": "ask_treatment"}, headers=AUTH
    )
    response = client.get("/api/review/export", headers=AUTH)
    assert response.status_code == 200
    assert 'filename="review-examples.yml"' in response.headers["content-disposition"]
    data = yaml.safe_load(response.text)
    assert data["version"] == "3.1"
    assert data["nlu"] == [{"intent": "ask_treatment", "examples": "- what about <NAME> tablets\n"}]
    assert "#   - play me a song" in response.text  # the new topic, as a comment


def test_the_console_routes_need_a_session_and_csrf(client: TestClient):
    for path in ("/frontdesk/insights/data", "/frontdesk/insights.csv", "/frontdesk/review/data",
                 "/frontdesk/review/export"):  # fmt: skip
        assert client.get(path).status_code == 401
    csrf = sign_in(client, staff="Sam")
    body = client.get("/frontdesk/insights/data?days=1").json()
    assert body["days"] == 1 and body["messages"] == 5
    assert client.get("/frontdesk/insights/data?days=0").status_code == 400
    assert client.get("/frontdesk/insights.csv").text.startswith("day,")
    review = client.get("/frontdesk/review/data").json()
    assert review["total"] == 2 and len(review["items"]) == 2
    assert "ask_posture" in review["labels"] and review["labels"][-2:] == ["new_topic", "ignore"]
    url = f"/frontdesk/review/{review['items'][0]['id']}/label"
    assert client.post(url, json={"label": "ignore"}).status_code == 403  # no CSRF token
    done = client.post(url, json={"label": "ignore", "by": "Eve"}, headers={"X-CSRF-Token": csrf})
    assert done.status_code == 200 and done.json()["labelled_by"] == "Sam"  # the signed-in name
    assert client.get("/frontdesk/review/export").status_code == 200
