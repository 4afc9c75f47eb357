"""The front desk's query at volume, on SQLite and PostgreSQL: 5,000 red flags open and one
new booking. Paging reaches every record exactly once, the counts say what each page leaves
out, the filters pick what they say, and the newest booking is never lost behind old work."""

from __future__ import annotations

import time
from collections import Counter
from datetime import date, datetime, timedelta, timezone

import pytest

from handoff_delivery.store import HandoffStore
from handoff_delivery.tables import handoffs, row_values
from headache_core.handoff.model import (
    KINDS,
    LEVELS,
    STATUSES,
    Contact,
    Handoff,
    HandoffQuery,
    HandoffRecord,
    day_bounds,
    level_of,
    urgency_key,
)
from tests.services import test_handoff_store as base
from tests.services.test_handoff_store import T0, Clock

# the store tests' fixtures: both backends, a fresh schema per test, the settable clock
postgres_server, backend, clock = base.postgres_server, base.backend, base.clock
make_store, store = base.make_store, base.store

RED_FLAGS = 5_000
PAGE = 500
# Status by position: every 10th claimed, every 7th done; done ones finished at various ages.
NOW = T0 + timedelta(days=RED_FLAGS // 288 + 2)  # after the last record (one per 5 minutes)


def red_flag(i: int) -> HandoffRecord:
    emergency = i % 3 == 0
    return HandoffRecord(
        ref=f"red_flag:conv-{i}",
        kind="human",
        conversation_id=f"conv-{i}",
        channel="socketio",
        triage_outcome="red_flag_emergency" if emergency else "red_flag_urgent",
        red_flags=["thunderclap_onset" if emergency else "new_headache_over_50"],
        summary=f"Red flag number {i}",
    )


def status_of(i: int) -> str:
    return "done" if i % 7 == 0 else "claimed" if i % 10 == 0 else "new"


def fill(store: HandoffStore) -> tuple[dict[int, tuple[str, datetime, datetime]], int]:
    """5,000 red flags, one every 5 minutes from T0, written in one statement (save() per row
    would take minutes); then the booking, saved the ordinary way, the newest of all.
    Returns {i: (status, created, updated)} and the booking's id."""
    rows, made = [], {}
    for i in range(RED_FLAGS):
        created = T0 + timedelta(minutes=5 * i)
        status = status_of(i)
        # done ones: finished an hour after they came in, so most are long done
        updated = created + timedelta(hours=1) if status == "done" else created
        made[i] = (status, created, updated)
        rows.append(
            {**row_values(red_flag(i)), "status": status, "created_at": created,
             "updated_at": updated, "claimed_by": "Sam" if status != "new" else None}
        )  # fmt: skip
    with store.engine.begin() as connection:
        connection.execute(handoffs.insert(), rows)
    booking = HandoffRecord(
        ref="booking:newest",
        kind="booking",
        conversation_id="conv-booking",
        triage_outcome="consistent_with_cervicogenic",
        contact=Contact(name="Bea O'Booking", phone="+447700900123", email="bea@example.org"),
        summary="Headache on one side; 100% sure it starts in the neck",
    )
    return made, store.save(booking).id


@pytest.fixture
def full(store: HandoffStore, clock: Clock) -> tuple[HandoffStore, dict, int]:
    clock.now = NOW
    made, booking_id = fill(store)
    return store, made, booking_id


def every_page(store: HandoffStore, **query) -> tuple[list[Handoff], list[int]]:
    """All pages of a query, following next_offset; and the totals each page reported."""
    found, totals, offset = [], [], 0
    while offset is not None:
        page = store.search(HandoffQuery(limit=PAGE, offset=offset, **query))
        found += page.items
        totals.append(page.total)
        offset = page.next_offset
    return found, totals


def test_paging_reaches_every_record_exactly_once_in_each_order(full) -> None:
    store, made, booking_id = full
    everything = RED_FLAGS + 1
    for order in ("urgency", "newest", "oldest"):
        found, totals = every_page(store, order=order)
        ids = [h.id for h in found]
        assert len(ids) == everything and len(set(ids)) == everything, order
        assert set(totals) == {everything} and len(totals) == everything // PAGE + 1
        if order == "urgency":  # SQL's order is the model's rule, across page boundaries
            assert found == sorted(found, key=urgency_key)
        else:
            stamps = [(h.created_at, h.id) for h in found]
            assert stamps == sorted(stamps, reverse=order == "newest")


def test_counts_say_what_the_page_leaves_out(full) -> None:
    store, made, _ = full
    status_count = Counter(status for status, _, _ in made.values())
    page = store.search(HandoffQuery(statuses=("new", "claimed"), limit=50))
    assert len(page.items) == 50
    assert page.total == status_count["new"] + status_count["claimed"] + 1  # and the booking
    # each facet counted under the others: the status counts ignore the status filter
    assert page.counts["status"] == {
        "new": status_count["new"] + 1,
        "claimed": status_count["claimed"],
        "done": status_count["done"],
    }
    open_ones = [i for i, (status, _, _) in made.items() if status != "done"]
    emergencies = sum(1 for i in open_ones if i % 3 == 0)
    assert page.counts["level"] == {
        "emergency": emergencies,
        "urgent": len(open_ones) - emergencies,
        "consistent": 1,
        "not_typical": 0,
        "none": 0,
    }
    assert page.counts["kind"] == {"human": len(open_ones), "booking": 1}


def test_the_newest_booking_is_never_lost_behind_five_thousand_red_flags(full) -> None:
    store, _, booking_id = full
    working = HandoffQuery(statuses=("new", "claimed"), limit=50)
    urgent_first = store.search(working)
    # most urgent first, the booking is far down the list, but it is counted ...
    assert booking_id not in [h.id for h in urgent_first.items]
    assert urgent_first.counts["kind"]["booking"] == 1
    assert urgent_first.counts["level"]["consistent"] == 1
    # ... and reachable on the first page: newest first, or by its kind, level or name
    newest = store.search(HandoffQuery(statuses=("new", "claimed"), order="newest", limit=50))
    assert newest.items[0].id == booking_id
    for narrowed in (
        HandoffQuery(kinds=("booking",)),
        HandoffQuery(levels=("consistent",)),
        HandoffQuery(text="bea o'booking"),
    ):
        page = store.search(narrowed)
        assert [h.id for h in page.items] == [booking_id] and page.total == 1, narrowed


def test_filters_pick_what_they_say(full) -> None:
    store, made, booking_id = full
    everything, _ = every_page(store)
    for kinds in (("human",), ("booking",), KINDS):
        for levels in (("emergency",), ("urgent", "consistent"), ()):
            for statuses in (("done",), ("new", "claimed"), ()):
                query = dict(kinds=kinds, levels=levels, statuses=statuses)
                found, [total, *_] = every_page(store, **query)
                expected = {
                    h.id
                    for h in everything
                    if h.kind in kinds
                    and h.status in (statuses or STATUSES)
                    and level_of(h) in (levels or LEVELS)
                }
                assert {h.id for h in found} == expected and total == len(expected), query
    # a clinic day: 288 records of 5 minutes each, in the clinic's zone (UTC+1 in Paris)
    since, until = day_bounds(date(2026, 11, 21), "Europe/Paris")
    assert since == datetime(2026, 11, 20, 23, 0, tzinfo=timezone.utc)
    found, [total] = every_page(store, since=since, until=until)
    expected = {i for i, (_, created, _) in made.items() if since <= created < until}
    assert total == len(expected) == 288
    assert {int(h.conversation_id.split("-")[1]) for h in found} == expected


def test_text_search_over_name_phone_email_ref_and_id(full) -> None:
    store, _, booking_id = full
    for text in ("BEA@EXAMPLE", "07700 900123", "+44 7700 900 123", "booking:newest", "100%",
                 f"#{booking_id}", "starts in the NECK"):  # fmt: skip
        page = store.search(HandoffQuery(text=text))
        assert booking_id in [h.id for h in page.items], text
    assert store.search(HandoffQuery(text="Red flag number 4999")).total == 1
    assert store.search(HandoffQuery(text="%")).total == 1  # % is a character, not "anything"
    assert store.search(HandoffQuery(text="flag_number")).total == 0  # nor _ "any one"


def test_done_ones_age_out_of_the_working_list_and_stay_findable(full) -> None:
    store, made, _ = full
    cutoff = NOW - timedelta(days=2)
    recent = {i for i, (s, _, updated) in made.items() if s == "done" and updated >= cutoff}
    aged = {i for i, (s, _, updated) in made.items() if s == "done" and updated < cutoff}
    assert recent and aged
    working, _ = every_page(store, done_days=2)
    done_shown = {int(h.conversation_id.split("-")[1]) for h in working if h.status == "done"}
    assert done_shown == recent
    page = store.search(HandoffQuery(done_days=2))
    assert page.aged_out == len(aged)
    assert page.counts["status"]["done"] == len(recent)
    everything_done = store.search(HandoffQuery(statuses=("done",)))
    assert everything_done.total == len(recent) + len(aged)


def test_a_page_costs_little_at_five_thousand_rows(full) -> None:
    store, _, _ = full
    store.search(HandoffQuery())  # warm the connection pool
    started = time.perf_counter()
    for order in ("urgency", "newest"):
        store.search(HandoffQuery(order=order, statuses=("new", "claimed"), limit=50))
        store.search(HandoffQuery(order=order, text="bea", limit=50))
    elapsed = time.perf_counter() - started
    assert elapsed < 2.0, f"four pages took {elapsed:.2f}s"


@pytest.mark.parametrize(
    "bad",
    [
        {"statuses": ("open",)},
        {"kinds": ("call",)},
        {"levels": ("red",)},
        {"order": "random"},
        {"limit": 0},
        {"limit": 501},
        {"offset": -1},
        {"done_days": -1},
    ],
)
def test_a_query_refuses_what_it_cannot_mean(bad: dict) -> None:
    with pytest.raises(ValueError):
        HandoffQuery(**bad)
