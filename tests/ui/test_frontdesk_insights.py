"""The Insights and Review pages in a real headless Chromium, over the insights routes'
stand-in (tests/insights_stand_in.py): the figures shown, the period links, the CSV download,
and marking, filtering and exporting review items, keyboard-only where staff would."""

from __future__ import annotations

import csv
import io
import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
import yaml

from tests.browser import ARTIFACTS, CHROMIUM, chromium
from tests.frontdesk_fixtures import HOSTILE, PASSWORD, make_app, make_store, settings
from tests.insights_stand_in import InsightsStandIn, insights_fixture
from tests.nlu_validate import validate_with
from webapp.frontdesk import staff_pages, words

TABLET = {"width": 1024, "height": 768}
PORT = int(os.environ.get("UI_TEST_PORT", "0"))  # 0: any free port

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip(f"{CHROMIUM} is missing (make browser)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


@dataclass
class Site:
    url: str
    backend: InsightsStandIn


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as browser:
        yield browser


@pytest.fixture
def site(tmp_path: Path, monkeypatch) -> Iterator[Site]:
    store = make_store(tmp_path)
    backend = InsightsStandIn()
    monkeypatch.setattr(staff_pages, "read_insights", backend.figures)
    app = backend.install(make_app(lambda: store, settings()))
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", PORT))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", ws="none"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    try:
        yield Site(f"http://127.0.0.1:{sock.getsockname()[1]}", backend)
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()
        store.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context(viewport=TABLET, accept_downloads=True)
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


def sign_in(page, site: Site, path: str) -> None:
    page.goto(f"{site.url}{path}")
    assert page.url.endswith("/frontdesk/sign-in")
    page.get_by_label("Your name").fill("Sam")
    page.get_by_label("Password or access token").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{site.url}/frontdesk")
    page.get_by_role("navigation", name="Front desk pages").get_by_role(
        "link", name=path.rsplit("/", 1)[-1].capitalize()
    ).click()
    page.wait_for_url(f"{site.url}{path}")


def hidden_table(page, chart_id: str) -> list[list[str]]:
    return page.evaluate(
        """id => [...document.querySelectorAll('#' + id + ' tbody tr')]
             .map(row => [...row.cells].map(cell => cell.textContent))""",
        chart_id,
    )


def chart_labels(page, chart_id: str) -> list[str]:
    """A chart's labels as read, the lines of a wrapped one joined by a space."""
    return page.evaluate(
        """id => [...document.querySelectorAll('#' + id + ' .chart-label')]
             .map(text => [...text.children].map(line => line.textContent).join(' '))""",
        chart_id,
    )


def test_insights_show_the_figures_and_the_csv_downloads(page, site) -> None:
    sign_in(page, site, "/frontdesk/insights")
    data = insights_fixture(7)
    nav = page.get_by_role("navigation", name="Front desk pages")
    assert nav.get_by_role("link", name="Insights").get_attribute("aria-current") == "page"
    expect(page.locator("#period")).to_contain_text("Last 7 days: Mon 30 Nov to Sun 6 Dec")
    headlines = page.locator(".headline").all_inner_texts()
    assert headlines[0].split("\n") == ["Conversations", "100", "600 messages"]
    assert headlines[3].split("\n") == ["Assistant unsure", "8%", "48 of 600 messages"]
    per_day = page.get_by_role(
        "img", name="100 conversations in all; most on Sat 5 Dec (19)."
    )  # the chart's accessible name: its <title>
    expect(per_day).to_be_visible()
    counts = [int(count) for _, count in hidden_table(page, "chart-per-day")]
    assert counts == [day["conversations"] for day in data["by_day"]]
    assert page.locator("#chart-per-day .chart-value").all_text_contents() == [
        str(c) for c in counts
    ]
    assert chart_labels(page, "chart-flags") == [
        words.flag_words("fever_neck_stiffness"),
        words.flag_words("thunderclap_onset"),
    ]
    assert "Booking requests: 7 new, 7 done" in page.locator("#chart-handoffs").text_content()
    assert chart_labels(page, "chart-topics")[0] == "Why posture matters"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for target in (ARTIFACTS / "insights.png", Path("/tmp/insights.png")):
        page.screenshot(path=str(target), full_page=True)

    page.get_by_role("navigation", name="Period").get_by_role("link", name="30 days").click()
    page.wait_for_url(f"{site.url}/frontdesk/insights?days=30")
    expect(page.locator("#period")).to_contain_text("Last 30 days: Sat 7 Nov to Sun 6 Dec")
    assert len(hidden_table(page, "chart-per-day")) == 30
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    path = download.value.path()
    rows = list(csv.reader(io.StringIO(Path(path).read_text())))
    assert download.value.suggested_filename.endswith(".csv")
    assert rows[0][:2] == ["day", "conversations"] and len(rows) == 32
    assert rows[-1][:2] == ["total", str(insights_fixture(30)["conversations"])]
    assert site.backend.requested_days == [7, 30]
    assert page.dialogs == []


def test_mark_filter_page_and_export_review_items(page, site) -> None:
    sign_in(page, site, "/frontdesk/review")
    summary = page.locator("#review-summary")
    expect(summary).to_have_text("Showing 1 to 20 of 25 open messages, newest first.")
    first = page.locator('#review-list > li[data-id="25"]')
    assert first.locator(".review-text").text_content().startswith("message 25: my name is [NAME]")
    assert "Not understood (fairly sure, 61%)" in first.text_content()
    assert "Didn't understand" in first.text_content()

    # keyboard only: choose the topic in the select, Tab to Save, Enter
    select = first.get_by_label("It should have been")
    groups = select.locator("optgroup")
    assert [groups.nth(i).get_attribute("label") for i in range(3)] == [
        "Topics",
        "Other things people say",
        "Neither",
    ]
    assert groups.nth(0).locator("option").all_text_contents() == [
        "Neck anatomy",
        "Neck headaches",
        "Self-care at home",
        "Why posture matters",
    ]
    assert groups.nth(2).locator("option").all_text_contents() == ["New topic", "Ignore"]
    select.focus()
    select.select_option(label="Why posture matters")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").startswith("Save")
    page.keyboard.press("Enter")
    expect(first.locator(".action-status")).to_have_text("Saved: marked as Why posture matters.")
    assert "Why posture matters (by Sam)" in first.text_content()
    marked = next(item for item in site.backend.items if item["id"] == 25)
    assert (marked["label"], marked["labelled_by"]) == ("ask_posture", "Sam")

    page.locator('#review-list > li[data-id="24"]').get_by_label(
        "It should have been"
    ).select_option(label="Ignore")
    page.locator('#review-list > li[data-id="24"]').get_by_role("button", name="Save").click()
    expect(page.locator('#review-list > li[data-id="24"] .action-status')).to_contain_text("Ignore")

    filters = page.get_by_role("navigation", name="Which messages")
    filters.get_by_role("link", name="Marked").click()
    page.wait_for_url(f"{site.url}/frontdesk/review?status=labelled")
    expect(summary).to_have_text("Showing 1 to 2 of 2 marked messages, newest first.")
    assert filters.get_by_role("link", name="Marked").get_attribute("aria-current") == "page"

    filters.get_by_role("link", name="Open").click()
    expect(summary).to_have_text("Showing 1 to 20 of 23 open messages, newest first.")
    assert page.locator('#review-list > li[data-id="25"]').count() == 0
    page.get_by_role("link", name="Next page").click()
    page.wait_for_url(f"{site.url}/frontdesk/review?status=open&page=2")
    expect(summary).to_have_text("Showing 21 to 23 of 23 open messages, newest first.")
    assert page.get_by_role("link", name="Next page").is_hidden()

    with page.expect_download() as download:
        page.get_by_role("link", name="Export marked examples").click()
    assert download.value.suggested_filename == "review-examples.yml"
    exported = yaml.safe_load(Path(download.value.path()).read_text())
    assert exported["nlu"] == [
        {
            "intent": "ask_posture",
            "examples": "- message 25: my name is [NAME] and my neck is stiff\n",
        }
    ]


def test_review_text_is_shown_literally_and_never_runs(page, site) -> None:
    site.backend.items[0]["text"] = HOSTILE
    site.backend.items[0]["reading"] = {"intent": HOSTILE, "confidence": 0.3}
    sign_in(page, site, "/frontdesk/review")
    item = page.locator('#review-list > li[data-id="25"]')
    expect(item.locator(".review-text")).to_have_text(HOSTILE)
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.dialogs == []
    assert page.locator("#review-list img, #review-list script").count() == 0


@pytest.fixture
def real_site(tmp_path: Path) -> Iterator[Site]:
    """The pages over the real insights backend (package `insights`), with a few stored counts
    and review items. Skipped on a branch without it: it checks the merge of both."""
    store_module = pytest.importorskip("insights.store")
    from tests.frontdesk_fixtures import START, Clock

    clock = Clock(START)
    store = make_store(tmp_path, clock)
    insights = store_module.InsightsStore(store.engine, "Europe/London", clock=clock)
    day = START.date()
    insights.add(
        "k1",
        {(day, "messages"): 4, (day, "unsure"): 1, (day, "topic:ask_posture"): 3,
         (day, "education"): 3, (day, "helpful:ask_posture"): 2},
        [store_module.NewReviewItem(f"item {n}: what about [NAME] tablets", "nlu_fallback",
                                    0.25, "not_understood", START) for n in range(3)],
    )  # fmt: skip
    insights.add(
        "k2",
        {(day, "messages"): 1, (day, "flag:thunderclap_onset"): 1, (day, "level:emergency"): 1,
         (day, "outcome:red_flag_emergency"): 1},
    )  # fmt: skip
    app = make_app(lambda: store, settings(clock))
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", PORT))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", ws="none"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield Site(f"http://127.0.0.1:{sock.getsockname()[1]}", InsightsStandIn(items=[]))
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()
        store.close()


def test_the_pages_over_the_real_insights_backend(page, real_site, tmp_path: Path) -> None:
    site = real_site
    sign_in(page, site, "/frontdesk/insights")
    headlines = page.locator(".headline").all_inner_texts()
    assert headlines[0].split("\n")[:2] == ["Conversations", "2"]
    assert chart_labels(page, "chart-flags") == [words.flag_words("thunderclap_onset")]
    assert "Why posture matters: 2 helpful" in page.locator("#chart-feedback").text_content()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
    assert rows[-1][0] == "total" and len(rows) == 9

    page.get_by_role("navigation", name="Front desk pages").get_by_role(
        "link", name="Review"
    ).click()
    expect(page.locator("#review-summary")).to_have_text(
        "Showing 1 to 3 of 3 open messages, newest first."
    )
    item = page.locator("#review-list > li").first
    assert "Not understood (unsure, 25%)" in item.text_content()
    item.get_by_label("It should have been").select_option(label="Why posture matters")
    item.get_by_role("button", name="Save").click()
    expect(item.locator(".action-status")).to_have_text("Saved: marked as Why posture matters.")
    page.get_by_role("navigation", name="Which messages").get_by_role("link", name="Marked").click()
    expect(page.locator("#review-summary")).to_have_text(
        "Showing 1 to 1 of 1 marked message, newest first."
    )
    with page.expect_download() as download:
        page.get_by_role("link", name="Export marked examples").click()
    text = Path(download.value.path()).read_text()
    exported = yaml.safe_load(text)
    assert exported["nlu"][0]["intent"] == "ask_posture"
    assert "item 2: what about" in exported["nlu"][0]["examples"]  # the newest one, marked
    # the file as downloaded, merged into a copy of data/, passes Rasa's validation
    done = validate_with(text, tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
