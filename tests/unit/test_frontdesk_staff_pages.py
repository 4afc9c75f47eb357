"""The Insights and Review pages over HTTP: signed-in staff only, the period chosen by a plain
link, the figures as the insights route gives them, and the navigation between the pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from tests.frontdesk_fixtures import Clock, client_for, make_app, make_store, settings, sign_in
from tests.insights_stand_in import InsightsStandIn, insights_fixture
from webapp.frontdesk import staff_pages
from webapp.frontdesk.charts import number

PAGES = ("/frontdesk/insights", "/frontdesk/review")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def backend() -> InsightsStandIn:
    return InsightsStandIn()


@pytest.fixture
def client(tmp_path: Path, clock: Clock, backend: InsightsStandIn, monkeypatch) -> TestClient:
    monkeypatch.setattr(staff_pages, "read_insights", backend.figures)
    store = make_store(tmp_path, clock)
    app = backend.install(make_app(lambda: store, settings(clock)))
    yield client_for(app)
    store.close()


@pytest.mark.parametrize("path", PAGES)
def test_strangers_are_sent_to_sign_in(client, backend, path) -> None:
    response = client.get(path)
    assert response.status_code == 303
    assert response.headers["location"] == "/frontdesk/sign-in"
    assert backend.requested_days == []


@pytest.mark.parametrize("path", PAGES)
def test_an_ended_sign_in_says_so(client, clock, path) -> None:
    sign_in(client)
    clock.advance(minutes=31)  # the test settings' sessions last 30 minutes
    response = client.get(path)
    assert response.status_code == 303
    assert response.headers["location"] == "/frontdesk/sign-in?expired"
    assert client.get("/frontdesk/data").status_code == 401  # the session was cleared


@pytest.mark.parametrize("path", PAGES)
def test_the_pages_carry_the_consoles_security_headers(client, path) -> None:
    sign_in(client)
    response = client.get(path)
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert response.headers["cache-control"] == "no-store"
    assert "<script>" not in response.text and " style=" not in response.text


def test_insights_show_the_routes_figures_for_the_chosen_period(client, backend) -> None:
    sign_in(client)
    page = client.get("/frontdesk/insights?days=30").text
    data = insights_fixture(30)
    assert backend.requested_days == [30]
    assert "Last 30 days: Sat 7 Nov to Sun 6 Dec" in page
    assert f'<span class="headline-value">{number(data["conversations"])}</span>' in page
    assert 'href="/frontdesk/insights.csv?days=30"' in page
    assert re.search(r'href="/frontdesk/insights\?days=30"\s+aria-current="page"', page)
    assert page.count('class="chart"') == 9  # per day, unsure, journeys, outcomes, levels,
    # flags, handoffs, topics, feedback: none empty with these figures
    assert page.count('role="img"') == page.count("<table")


@pytest.mark.parametrize("asked", ["", "?days=5", "?days=abc", "?days=-7", "?days=365"])
def test_any_other_period_falls_back_to_seven_days(client, backend, asked) -> None:
    sign_in(client)
    page = client.get("/frontdesk/insights" + asked).text
    assert backend.requested_days == [7]
    assert 'href="/frontdesk/insights.csv?days=7"' in page


def test_insights_say_so_when_the_figures_cannot_be_had(client, backend) -> None:
    backend.fail = True
    sign_in(client)
    response = client.get("/frontdesk/insights")
    assert response.status_code == 200
    assert "The figures cannot be loaded right now" in response.text
    assert 'role="img"' not in response.text


def test_the_data_is_read_through_one_function_tests_can_replace(client, monkeypatch) -> None:
    seen = []

    async def figures(request, days):
        seen.append(days)
        return {**insights_fixture(7), "conversations": 4321}

    monkeypatch.setattr(staff_pages, "read_insights", figures)
    sign_in(client)
    assert "4,321" in client.get("/frontdesk/insights?days=90").text
    assert seen == [90]


def test_the_navigation_marks_the_current_page(client) -> None:
    sign_in(client)
    for path, name in (
        ("/frontdesk", "Handoffs"),
        ("/frontdesk/insights", "Insights"),
        ("/frontdesk/review", "Review"),
    ):
        page = client.get(path).text
        current = re.findall(r'<a href="([^"]+)" aria-current="page">(\w+)</a>', page)
        assert current == [(path, name)], path
    assert 'aria-label="Front desk pages"' not in client.get("/frontdesk/sign-in").text


def test_the_review_page_gives_its_script_the_words_for_every_intent(client) -> None:
    sign_in(client)
    page = client.get("/frontdesk/review").text
    assert '<script src="/static/frontdesk-review.js" defer></script>' in page
    assert '<meta name="csrf-token"' in page
    intents = re.search(r"data-intents='([^']*)'", page).group(1)
    assert '"request_human": "Asked for a person"' in intents
    assert '"nlu_fallback": "Not understood"' in intents
    assert '"new_topic": "New topic"' in intents
    topics = re.search(r"data-topics='([^']*)'", page).group(1)
    assert '"ask_posture"' in topics and '"greet"' not in topics
    assert 'href="/frontdesk/review/export"' in page


@pytest.mark.parametrize("asset", ["frontdesk-review.js", "frontdesk-insights.css"])
def test_the_pages_own_files_are_served_as_the_consoles_are(client, asset) -> None:
    response = client.get(f"/static/{asset}")
    assert response.status_code == 200
    assert response.headers["x-content-type-options"] == "nosniff"
