"""The console in a real headless Chromium: sign in, urgency order, patient text shown as text
and never run, keyboard-only claim and done, live updates, hand back and screening a caller."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
import uvicorn

from handoff_delivery.store import HandoffStore
from handoff_delivery.tables import handoffs, row_values
from headache_core.handoff.model import Contact
from tests.browser import ARTIFACTS, CHROMIUM, chromium
from tests.frontdesk_fixtures import (
    DISSECTION_ADVICE,
    HOSTILE,
    PASSWORD,
    Clock,
    RasaStandIn,
    booking,
    emergency,
    human,
    make_app,
    make_store,
    red_flag,
    settings,
)

TABLET = {"width": 1024, "height": 768}

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip(f"{CHROMIUM} is missing (make browser)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


@dataclass
class Console:
    url: str
    store: HandoffStore
    clock: Clock
    rasa: RasaStandIn


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as browser:
        yield browser


@pytest.fixture
def console(tmp_path: Path) -> Iterator[Console]:
    """The web app under uvicorn in a thread, on a free port, over a fresh store."""
    clock = Clock()
    store = make_store(tmp_path, clock)
    with RasaStandIn().serve() as rasa:
        app = make_app(lambda: store, settings(poll_seconds=0.3), rasa_url=rasa.url)
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", ws="none"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert server.started, "uvicorn did not start"
        try:
            yield Console(f"http://127.0.0.1:{sock.getsockname()[1]}", store, clock, rasa)
        finally:
            server.should_exit = True
            thread.join(timeout=5)
            sock.close()
            store.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context(viewport=TABLET)
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


def save(console: Console, *records) -> dict[str, int]:
    ids = {}
    for record in records:
        ids[record.conversation_id] = console.store.save(record).id
        console.clock.advance(minutes=5)
    return ids


def sign_in(page, console: Console) -> None:
    page.goto(f"{console.url}/frontdesk")
    assert page.url.endswith("/frontdesk/sign-in")
    page.get_by_label("Your name").fill("Sam")
    page.get_by_label("Password or access token").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{console.url}/frontdesk")
    page.wait_for_selector("#handoff-list > li")


def card(page, handoff_id: int):
    return page.locator(f'#handoff-list > li[data-id="{handoff_id}"]')


def titles(page) -> list[str]:
    return page.locator("#handoff-list .card-title").all_text_contents()


def test_sign_in_and_handoffs_in_urgency_order(page, console) -> None:
    ids = save(console, human(), booking(), emergency())  # oldest first
    sign_in(page, console)
    assert titles(page) == [
        "Emergency red flag: Sudden, worst-ever headache (Erin Emergency)",
        "Booking request: Bea Booking",
        "Asked for a person: Hugo Human",
    ]
    first = card(page, ids["conv-emergency"])
    badge = first.locator(".badge")
    assert "Emergency red flag" in badge.text_content()  # words, not colour alone
    assert "Sudden, worst-ever headache" in first.locator(".flags").text_content()
    assert "call 999" in first.locator(".advice").text_content()
    assert first.get_by_role("link", name="+447700900001").get_attribute("href") == (
        "tel:+447700900001"
    )

    bea = card(page, ids["conv-booking"])
    assert bea.get_by_role("link", name="bea@example.org").get_attribute("href") == (
        "mailto:bea@example.org"
    )
    assert bea.locator("pre.summary").text_content() == (
        "Headache on one side, starts in the neck.\nWorse with neck movement."
    )
    criteria = bea.locator(".criteria").inner_text()
    assert "Fits\nOne-sided headache" in criteria
    assert "To check in the clinic\nNeck examination" in criteria
    assert "Booked in Cliniko" in bea.locator('[data-field="booking"]').text_content()
    assert "Weekday mornings" in bea.text_content() and "Prefers Dr Lee" in bea.text_content()
    assert "Website chat (REST)" in bea.text_content()
    assert "ago (" in bea.locator("time").text_content()  # relative and absolute
    assert bea.get_by_role("button", name="Hand back to the assistant").count() == 0

    hugo = card(page, ids["conv-human"])
    transcript = hugo.locator("details.transcript")
    assert not transcript.get_attribute("open")
    transcript.locator("summary").click()
    assert hugo.get_by_text("can I talk to a person").is_visible()

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "frontdesk.png"), full_page=True)


def test_patient_text_is_shown_literally_and_never_runs(page, console) -> None:
    hostile = human(
        contact=Contact(name=HOSTILE, phone="+447700900003", email="x@example.org"),
        note=HOSTILE,
        summary=HOSTILE,
        preferred_times=HOSTILE,
        red_flags=[HOSTILE],
        criteria={"fitted": [HOSTILE]},
        transcript=[{"who": "user", "text": HOSTILE, "at": None}],
    )
    ids = save(console, hostile)
    sign_in(page, console)
    item = card(page, ids["conv-human"])
    item.locator("details.transcript summary").click()
    page.wait_for_timeout(300)  # a couple of polls: re-rendering must stay safe too
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.dialogs == []
    assert item.locator("img, script").count() == 0
    assert item.locator(".card-title").text_content() == f"Asked for a person: {HOSTILE}"
    for selector in ('[data-field="note"]', "pre.summary", ".flags li", ".criteria li"):
        assert item.locator(selector).text_content() == HOSTILE, selector
    assert item.locator(".transcript-list .text").text_content() == HOSTILE
    assert item.get_by_text(HOSTILE, exact=True).first.is_visible()


def test_claim_then_done_with_the_keyboard_only(page, console) -> None:
    ids = save(console, human(), emergency())
    target = ids["conv-human"]
    sign_in(page, console)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to handoffs"

    def focused() -> dict:
        return page.evaluate(
            "({action: document.activeElement.dataset.action || null,"
            " id: document.activeElement.dataset.id || null})"
        )

    def tab_to(action: str) -> None:
        for _ in range(60):
            if focused() == {"action": action, "id": str(target)}:
                return
            page.keyboard.press("Tab")
        raise AssertionError(f"Tab never reached {action} on handoff {target}")

    tab_to("claimed")
    page.keyboard.press("Enter")
    status = card(page, target).locator(".status-line")
    sync_api.expect(status).to_have_text("Claimed by Sam")
    tab_to("done")  # the focus stays in the card (on Mark done) after it is re-drawn
    page.keyboard.press("Enter")
    sync_api.expect(card(page, target).locator(".status-line")).to_have_text("Done (Sam)")
    stored = console.store.get(target)
    assert (stored.status, stored.claimed_by) == ("done", "Sam")
    assert titles(page)[-1] == "Asked for a person: Hugo Human"  # done goes last
    assert page.evaluate("document.activeElement.closest('.handoff') !== null")


def test_a_new_handoff_appears_without_a_reload(page, console) -> None:
    save(console, human())
    sign_in(page, console)
    page.evaluate("window.sameDocument = true")
    ids = save(console, emergency(contact=Contact(name="Nina New", phone="+447700900009")))
    sync_api.expect(card(page, ids["conv-emergency"])).to_be_visible(timeout=5000)
    # and at the top: a red flag
    assert titles(page)[0] == "Emergency red flag: Sudden, worst-ever headache (Nina New)"
    assert page.evaluate("window.sameDocument") is True
    sync_api.expect(page.locator("#announcer")).to_contain_text("New handoff")
    assert "Nina New" in page.locator("#announcer").text_content()


def test_hand_back_and_screen_a_caller(page, console) -> None:
    ids = save(console, human(conversation_id="web/7"))
    sign_in(page, console)
    card(page, ids["web/7"]).get_by_role("button", name="Hand back to the assistant").click()
    sync_api.expect(card(page, ids["web/7"]).locator(".action-status")).to_have_text(
        "The assistant answers this patient again."
    )
    assert console.rasa.requests[0]["path"] == "/conversations/web%2F7/tracker/events"

    console.rasa.replies = [
        {
            "text": "<b>How old</b> is the caller?",
            "buttons": [{"title": "Over 18", "payload": "/adult"}],
        }
    ]
    page.get_by_label("Caller's answer").fill("hello")
    page.get_by_role("button", name="Send").click()
    log = page.locator("#screen-log")
    sync_api.expect(log).to_contain_text("<b>How old</b> is the caller?")
    log.get_by_role("button", name="Over 18").click()
    sync_api.expect(log.locator(".line-user")).to_have_count(2)
    # the caller's line shows on the click, before the request leaves; its reply comes after
    # the stand-in has recorded the request
    sync_api.expect(log.locator(".line-bot")).to_have_count(2)
    messages = [r["json"] for r in console.rasa.requests[1:]]
    assert [m["message"] for m in messages] == ["hello", "/adult"]
    assert messages[0]["sender"] == messages[1]["sender"]
    assert messages[0]["sender"].startswith("frontdesk-")
    assert log.locator("b").count() == 0


def test_a_red_flag_card_says_what_happened_in_words(page, console) -> None:
    ids = save(console, red_flag())
    sign_in(page, console)
    item = card(page, ids["conv-red-flag"])
    # what happened, not "Asked for a person: name not given"
    assert titles(page) == [
        "Emergency red flag: Possible torn neck artery (cervical artery dissection)"
    ]
    flags = item.locator(".flags li")
    assert flags.locator(".flag-reason").text_content().strip().startswith("New neck pain")
    for part in ("header", ".facts"):
        assert "cervical_artery_dissection" not in item.locator(part).inner_text()
    # no contact details: said plainly, and what the person was already told
    assert item.locator(".contact-line").text_content().startswith("No phone or e-mail given")
    assert item.locator(".advice").text_content() == (
        "Nobody to call: the patient was told to call 999 now or go to A&E. If they get in "
        "touch, make sure they did."
    )
    assert item.locator(".told-text").text_content() == DISSECTION_ADVICE
    consent = item.locator('[data-field="consent"]').text_content()
    assert consent.startswith("No contact details were asked for")
    assert (
        "Not recorded" not in item.inner_text()
        and "Call this patient first" not in item.inner_text()
    )
    assert not item.locator('[data-row="booking"]').is_visible()  # no "call back to book"
    assert item.get_by_role("button", name="Hand back to the assistant").count() == 0
    assert item.get_by_role("button", name="Claim").is_visible()
    item.screenshot(path=str(ARTIFACTS / "frontdesk-red-flag-card.png"))


def fill_red_flags(console: Console, count: int, done_every: int = 0) -> None:
    """`count` open emergency red flags, one a minute before now, written in one statement;
    every `done_every`-th one done a week ago (out of the working list)."""
    now = console.clock.now
    rows = []
    for i in range(count):
        created = now - timedelta(days=10) + timedelta(minutes=i)
        done = done_every and i % done_every == 0
        record = red_flag(ref=f"red_flag:bulk-{i}", conversation_id=f"bulk-{i}")
        rows.append({**row_values(record), "status": "done" if done else "new",
                     "created_at": created, "updated_at": created + timedelta(hours=1)})  # fmt: skip
    with console.store.engine.begin() as connection:
        connection.execute(handoffs.insert(), rows)


def summary_text(page) -> str:
    return page.locator("#page-summary").text_content()


def test_at_volume_nothing_is_hidden_silently(page, console) -> None:
    fill_red_flags(console, 300, done_every=10)  # 270 open, 30 done long ago
    ids = save(console, booking(contact=Contact(name="Newest Booking", phone="+447700900077")))
    new_booking = ids["conv-booking"]
    sign_in(page, console)
    # a page of 50, most urgent first; the counts say what else there is
    sync_api.expect(page.locator("#page-summary")).to_have_text(
        "Showing 1–50 of 271 in the working list. 270 emergencies."
    )
    assert page.locator("#handoff-list > li").count() == 50
    assert new_booking not in [int(i) for i in page.locator("#handoff-list > li").evaluate_all(
        "nodes => nodes.map(n => n.dataset.id)")]  # fmt: skip
    assert (
        page.locator("#aged-out")
        .text_content()
        .startswith("30 done more than 2 days ago are not in the working list")
    )
    # the new booking is visible: counted, and listed among the newest
    chip = page.get_by_role("button", name="Booking requests: 1")
    sync_api.expect(chip).to_be_visible()
    newest = page.locator("#newest")
    assert newest.locator(".newest-title").first.text_content() == "Booking request: Newest Booking"

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "frontdesk-volume.png"))
    # reachable in one step: the chip narrows the list to it
    chip.click()
    sync_api.expect(page.locator("#handoff-list > li")).to_have_count(1)
    assert titles(page) == ["Booking request: Newest Booking"]
    assert (
        chip.get_attribute("aria-pressed") == "true"
        or page.get_by_role("button", name="Booking requests: 1").get_attribute("aria-pressed")
        == "true"
    )
    assert "kind=booking" in page.url  # a reload keeps the filter
    page.reload()
    sync_api.expect(page.locator("#handoff-list > li")).to_have_count(1)
    assert page.locator("#filter-kind").input_value() == "booking"

    # newest first puts it at the top of the whole working list
    page.get_by_role("button", name="Clear filters").click()
    page.get_by_label("Order").select_option("newest")
    sync_api.expect(page.locator("#handoff-list .card-title").first).to_have_text(
        "Booking request: Newest Booking"
    )

    # pages: the next page, announced in the summary, with the focus at the list's heading
    page.get_by_role("button", name="Next page").click()
    sync_api.expect(page.locator("#page-summary")).to_contain_text("Showing 51–100 of 271")
    assert page.locator("#page-info").text_content() == "Page 2 of 6"
    assert page.evaluate("document.activeElement.id") == "handoffs-heading"
    page.get_by_role("button", name="Previous page").click()
    sync_api.expect(page.locator("#page-summary")).to_contain_text("Showing 1–50 of 271")
    assert page.get_by_role("button", name="Previous page").is_hidden()

    # done ones long ago: findable with the status filter
    page.get_by_label("Status").select_option("done")
    sync_api.expect(page.locator("#page-summary")).to_contain_text("Showing 1–30 of 30 done.")

    # search by name; and the Show button of the newest list
    page.get_by_role("button", name="Clear filters").click()
    page.get_by_label("Search").fill("newest booking")
    page.get_by_label("Search").press("Enter")
    sync_api.expect(page.locator("#handoff-list > li")).to_have_count(1)
    page.get_by_role("button", name="Clear filters").click()
    sync_api.expect(page.locator("#handoff-list > li")).to_have_count(50)
    newest.get_by_role("button", name="Show Booking request: Newest Booking").click()
    sync_api.expect(page.locator("#handoff-list > li")).to_have_count(1)
    sync_api.expect(card(page, new_booking).locator(".card-title")).to_be_focused()


def test_a_new_booking_behind_many_red_flags_is_announced(page, console) -> None:
    fill_red_flags(console, 120)
    sign_in(page, console)
    ids = save(console, booking(contact=Contact(name="Late Booking", phone="+447700900078")))
    sync_api.expect(page.locator("#announcer")).to_contain_text(
        "New handoff: Booking request: Late Booking", timeout=5000
    )
    sync_api.expect(page.get_by_role("button", name="Booking requests: 1")).to_be_visible()
    assert card(page, ids["conv-booking"]).count() == 0  # not on this page, yet not hidden
