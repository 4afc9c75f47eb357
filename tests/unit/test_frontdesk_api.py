"""The handoff API (contract): bearer token, newest first, status changes, clear errors."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from handoff_delivery.store import HandoffStore
from tests.frontdesk_fixtures import (
    TOKEN,
    Clock,
    client_for,
    make_app,
    make_store,
    seed,
    settings,
    sign_in,
)

AUTH = {"Authorization": f"Bearer {TOKEN}"}
CONTRACT_FIELDS = {
    "id",
    "created_at",
    "kind",
    "triage_outcome",
    "red_flags",
    "summary",
    "contact",
    "status",
    "conversation_id",
}


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> HandoffStore:
    store = make_store(tmp_path, clock)
    yield store
    store.close()


@pytest.fixture
def ids(store: HandoffStore, clock: Clock) -> dict[str, int]:
    return seed(store, clock)


@pytest.fixture
def client(store: HandoffStore) -> TestClient:
    return client_for(make_app(lambda: store))


def assert_refused(response) -> None:
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert set(response.json()) <= {"error", "message"}  # nothing about any handoff


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": f"Bearer {TOKEN}x"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": TOKEN},
    ],
    ids=["none", "wrong", "longer", "basic", "no-scheme"],
)
def test_without_the_token_nothing_is_shown(client, ids, headers) -> None:
    for path in ("/api/handoffs", f"/api/handoffs/{ids['human']}", "/api/handoffs/nope"):
        response = client.get(path, headers=headers)
        assert_refused(response)
        assert "Hugo" not in response.text


def test_with_the_token_the_list_is_newest_first_with_the_contract_fields(client, ids) -> None:
    response = client.get("/api/handoffs", headers=AUTH)
    assert response.status_code == 200
    handoffs = response.json()
    assert [h["id"] for h in handoffs] == [ids["emergency"], ids["booking"], ids["human"]]
    for handoff in handoffs:
        assert set(handoff) >= CONTRACT_FIELDS
    emergency = handoffs[0]
    assert emergency["kind"] == "human"
    assert emergency["triage_outcome"] == "red_flag_emergency"
    assert emergency["red_flags"] == ["Sudden, worst-ever headache"]
    assert emergency["contact"]["phone"] == "+447700900001"
    assert emergency["status"] == "new"
    assert emergency["conversation_id"] == "conv-emergency"
    assert emergency["created_at"] == "2025-03-03T09:10:00Z"


def test_one_handoff_by_id(client, ids) -> None:
    response = client.get(f"/api/handoffs/{ids['booking']}", headers=AUTH)
    assert response.status_code == 200
    assert response.json()["contact"]["name"] == "Bea Booking"
    assert client.get("/api/handoffs/999", headers=AUTH).status_code == 404
    assert client.get("/api/handoffs/abc", headers=AUTH).status_code == 404


def test_claim_then_done(client, ids) -> None:
    url = f"/api/handoffs/{ids['human']}/status"
    claimed = client.post(url, json={"status": "claimed", "by": "Ana"}, headers=AUTH)
    assert claimed.status_code == 200
    assert (claimed.json()["status"], claimed.json()["claimed_by"]) == ("claimed", "Ana")
    done = client.post(url, json={"status": "done"}, headers=AUTH)
    assert done.status_code == 200
    assert done.json()["status"] == "done"
    stored = client.get(f"/api/handoffs/{ids['human']}", headers=AUTH).json()
    assert (stored["status"], stored["claimed_by"]) == ("done", "Ana")


@pytest.mark.parametrize(
    "body",
    [
        {"status": "new"},
        {"status": "archived"},
        {},
        ["claimed"],
        {"status": "claimed", "by": 7},
        {"status": "claimed", "by": "x" * 101},
    ],
)
def test_a_bad_status_change_is_400_and_changes_nothing(client, ids, body) -> None:
    url = f"/api/handoffs/{ids['human']}/status"
    response = client.post(url, json=body, headers=AUTH)
    assert response.status_code == 400
    assert response.json()["message"]
    assert client.get(f"/api/handoffs/{ids['human']}", headers=AUTH).json()["status"] == "new"


def test_a_body_that_is_not_json_is_400(client, ids) -> None:
    response = client.post(
        f"/api/handoffs/{ids['human']}/status", content=b"status=done", headers=AUTH
    )
    assert response.status_code == 400


def test_a_status_change_for_an_unknown_id_is_404(client, ids) -> None:
    response = client.post("/api/handoffs/999/status", json={"status": "done"}, headers=AUTH)
    assert response.status_code == 404


def test_a_status_change_without_the_token_is_refused_and_changes_nothing(client, ids) -> None:
    url = f"/api/handoffs/{ids['human']}/status"
    assert_refused(client.post(url, json={"status": "done"}))
    assert_refused(client.post(url, json={"status": "done"}, headers={"Authorization": "Bearer x"}))
    assert client.get(f"/api/handoffs/{ids['human']}", headers=AUTH).json()["status"] == "new"


def test_no_token_configured_refuses_everyone(store, ids) -> None:
    client = client_for(make_app(lambda: store, settings(token=None)))
    assert_refused(client.get("/api/handoffs", headers=AUTH))
    assert_refused(client.get("/api/handoffs", headers={"Authorization": "Bearer "}))
    assert_refused(client.get("/api/handoffs", headers={"Authorization": "Bearer None"}))


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_database_that_is_down_gives_503_json(tmp_path) -> None:
    down = HandoffStore(f"postgresql://u:p@127.0.0.1:{closed_port()}/clinic", tmp_path / "outbox")
    client = client_for(make_app(lambda: down))
    for response in (
        client.get("/api/handoffs", headers=AUTH),
        client.get("/api/handoffs/1", headers=AUTH),
        client.post("/api/handoffs/1/status", json={"status": "done"}, headers=AUTH),
    ):
        assert response.status_code == 503
        assert response.json()["error"] == "store_unavailable"
        assert "Traceback" not in response.text and "psycopg2" not in response.text
    assert_refused(client.get("/api/handoffs"))  # the token is still checked first
    sign_in(client)  # the console page itself does not need the database
    data = client.get("/frontdesk/data")
    assert data.status_code == 503 and data.json()["message"]


def test_an_unmigrated_database_or_a_bad_url_gives_503(tmp_path) -> None:
    unmigrated = HandoffStore(f"sqlite:///{tmp_path / 'empty.sqlite3'}", tmp_path / "outbox")
    response = client_for(make_app(lambda: unmigrated)).get("/api/handoffs", headers=AUTH)
    assert response.status_code == 503

    def broken() -> HandoffStore:
        return HandoffStore("nosuchdb://x", tmp_path / "outbox")

    response = client_for(make_app(broken)).get("/api/handoffs", headers=AUTH)
    assert response.status_code == 503
    assert response.json()["error"] == "store_unavailable"


def test_the_demo_page_and_healthz_still_work(client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    page = client.get("/")
    assert page.status_code == 200 and "Content-Security-Policy" not in page.headers
