"""The handoff list at volume through the web app: the API's optional filters and pages (still a
JSON list, newest first, with X-Total-Count and Link rel="next"), its 400s, and the console's
JSON (the working list, the counts, the card's words, the newest new handoffs)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from handoff_delivery.store import HandoffStore
from handoff_delivery.tables import handoffs, row_values
from headache_core.handoff.model import Contact
from tests.frontdesk_fixtures import (
    START,
    TOKEN,
    Clock,
    booking,
    client_for,
    human,
    make_app,
    make_store,
    red_flag,
    sign_in,
)

AUTH = {"Authorization": f"Bearer {TOKEN}"}
VOLUME = 5_000
NEXT = re.compile(r'^<(/api/handoffs\?[^>]*)>; rel="next"$')


@pytest.fixture
def clock() -> Clock:
    return Clock(START + timedelta(days=30))


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> HandoffStore:
    store = make_store(tmp_path, clock)
    yield store
    store.close()


@pytest.fixture
def client(store: HandoffStore) -> TestClient:
    return client_for(make_app(lambda: store))


def fill(store: HandoffStore, count: int = VOLUME) -> None:
    """`count` records, one every 8 minutes from START (so about 180 a day): every 4th a
    booking, every 3rd urgent, the rest emergencies; every 5th done (finished an hour later,
    so long before the clock's now), every 7th claimed."""
    rows = []
    for i in range(count):
        created = START + timedelta(minutes=8 * i)
        if i % 4 == 0:
            record = booking(ref=f"booking:{i}", conversation_id=f"conv-{i}")
        else:
            outcome = "red_flag_urgent" if i % 3 == 0 else "red_flag_emergency"
            record = red_flag(ref=f"red_flag:{i}", conversation_id=f"conv-{i}",
                              triage_outcome=outcome)  # fmt: skip
        status = "done" if i % 5 == 0 else "claimed" if i % 7 == 0 else "new"
        rows.append({**row_values(record), "status": status, "created_at": created,
                     "updated_at": created + timedelta(hours=1)})  # fmt: skip
    with store.engine.begin() as connection:
        connection.execute(handoffs.insert(), rows)


def test_a_caller_pages_through_all_5000_by_the_link_header(client, store) -> None:
    fill(store)
    url, seen, pages = "/api/handoffs?limit=500", [], 0
    while url:
        response = client.get(url, headers=AUTH)
        assert response.status_code == 200
        body = response.json()
        assert isinstance(body, list)  # still the contract's plain list
        assert response.headers["x-total-count"] == str(VOLUME)
        seen += [(h["created_at"], h["id"]) for h in body]
        link = response.headers.get("link")
        url = NEXT.match(link).group(1) if link else None
        pages += 1
    assert pages == 10 and len(seen) == VOLUME and len(set(seen)) == VOLUME
    assert seen == sorted(seen, reverse=True)  # newest first, across every page


def test_without_parameters_the_old_answer_and_headers_saying_what_else_there_is(
    client, store
) -> None:
    fill(store, 450)
    response = client.get("/api/handoffs", headers=AUTH)
    body = response.json()
    assert len(body) == 200 and body[0]["conversation_id"] == "conv-449"
    assert response.headers["x-total-count"] == "450"
    assert response.headers["link"] == '</api/handoffs?offset=200>; rel="next"'
    last = client.get("/api/handoffs?offset=400", headers=AUTH)
    assert len(last.json()) == 50 and "link" not in last.headers


def test_the_api_filters(client, store) -> None:
    fill(store, 600)

    def get(query: str) -> list[dict]:
        response = client.get(f"/api/handoffs?limit=500&{query}", headers=AUTH)
        assert response.status_code == 200, response.text
        assert (
            int(response.headers["x-total-count"]) == len(response.json())
            or "link" in response.headers
        )
        return response.json()

    assert {h["kind"] for h in get("kind=booking")} == {"booking"}
    assert {h["status"] for h in get("status=new,claimed")} == {"new", "claimed"}
    assert {h["status"] for h in get("status=open")} == {"new", "claimed"}
    assert {h["status"] for h in get("status=done&status=claimed")} == {"done", "claimed"}
    assert {h["triage_outcome"] for h in get("level=urgent")} == {"red_flag_urgent"}
    assert {h["triage_outcome"] for h in get("level=consistent,emergency")} == {
        "consistent_with_cervicogenic", "red_flag_emergency"}  # fmt: skip
    # a clinic day (Europe/London is UTC in March): 180 records of 8 minutes from 09:00
    day = get("day=2025-03-04")
    assert len(day) == 180 and all(h["created_at"].startswith("2025-03-04") for h in day)
    window = get("since=2025-03-03T10:00:00Z&until=2025-03-03T11:00:00Z")
    assert [h["created_at"] for h in window][-1] == "2025-03-03T10:04:00Z" and len(window) == 7
    conv_17 = get("q=conv-17&order=oldest")[0]  # conv-17, conv-170, ...: the oldest first
    assert conv_17["conversation_id"] == "conv-17"
    assert [h["conversation_id"] for h in get(f"q=%23{conv_17['id']}")] == ["conv-17"]
    oldest = get("order=oldest&limit=1")
    assert oldest[0]["conversation_id"] == "conv-0"


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("limit=ten", "limit"),
        ("offset=-1", "offset"),
        ("status=opened", "status"),
        ("kind=call", "kind"),
        ("level=red", "level"),
        ("order=random", "order"),
        ("day=2026-13-01", "day"),
        ("day=2026-12-06&since=2026-12-01", "day"),
        ("since=yesterday", "since"),
        ("since=2026-12-06&until=2026-12-01", "until"),
        ("q=" + "x" * 201, "q"),
    ],
)
def test_a_bad_parameter_is_a_clear_400(client, store, query: str, name: str) -> None:
    response = client.get(f"/api/handoffs?{query}", headers=AUTH)
    assert response.status_code == 400
    assert response.json()["error"] == "bad_query"
    assert response.json()["message"].startswith(name)
    assert client.get(f"/api/handoffs?{query}").status_code == 401  # the token comes first
    sign_in(client)
    console = client.get(f"/frontdesk/data?{query}")
    assert console.status_code == 400 and console.json()["message"].startswith(name)


@pytest.mark.parametrize("name", ["limit", "offset"])
def test_thousands_of_digits_are_a_400_not_a_500(client, store, name: str) -> None:
    """int() refuses more than 4300 digits (a ValueError past the checks: a 500)."""
    for digits in ("9" * 5000, "0" * 5000):
        response = client.get(f"/api/handoffs?{name}={digits}", headers=AUTH)
        assert response.status_code == 400
        assert response.json()["message"].startswith(name)


def test_the_console_json_is_the_working_list_with_counts_and_words(client, store, clock) -> None:
    fill(store, 1_000)  # all before the clock's now - 2 days: every done one has aged out
    ids = {}
    for record in (
        human(),
        red_flag(),
        booking(contact=Contact(name="Newest", phone="+447700900050")),
    ):
        ids[record.conversation_id] = store.save(record).id
        clock.advance(minutes=1)
    sign_in(client)
    data = client.get("/frontdesk/data").json()
    assert len(data["handoffs"]) == 50 and data["offset"] == 0 and data["limit"] == 50
    done = sum(1 for i in range(1_000) if i % 5 == 0)
    claimed = sum(1 for i in range(1_000) if i % 7 == 0 and i % 5)
    assert data["total"] == 1_000 - done + 3 and data["aged_out"] == done
    assert data["counts"]["status"] == {
        "new": 1_000 - done - claimed + 3,
        "claimed": claimed,
        "done": 0,
    }
    assert data["done_days"] == 2
    assert (
        data["counts"]["kind"]["booking"]
        == sum(1 for i in range(1_000) if i % 4 == 0 and i % 5) + 1
    )
    # the newest new ones, whatever the page shows
    assert [n["id"] for n in data["newest"]] == [
        ids["conv-booking"],
        ids["conv-red-flag"],
        ids["conv-human"],
    ]
    assert data["newest"][0]["title"] == "Booking request: Newest"
    # newest first: the three new ones on top; the red-flag record in words
    newest = client.get("/frontdesk/data?order=newest").json()["handoffs"]
    assert [h["id"] for h in newest[:3]] == [n["id"] for n in data["newest"]]
    first = newest[1]
    assert first["card"]["title"] == (
        "Emergency red flag: Possible torn neck artery (cervical artery dissection)"
    )
    assert first["card"]["reachable"] is False and first["card"]["told_source"] == "conversation"
    assert first["ref"] == "red_flag:conv-red-flag"
    # done ones are findable; the page asks what it needs
    done_page = client.get("/frontdesk/data?status=done&limit=10").json()
    assert (
        done_page["total"] == done
        and done_page["aged_out"] == 0
        and len(done_page["handoffs"]) == 10
    )
    bookings = client.get("/frontdesk/data?kind=booking&order=newest").json()
    assert bookings["handoffs"][0]["id"] == ids["conv-booking"]
    assert {h["kind"] for h in bookings["handoffs"]} == {"booking"}
