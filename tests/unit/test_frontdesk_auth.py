"""Signing in to the console: password or token, CSRF on every change, session expiry,
signing out, a limit on guessing, and the security headers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from handoff_delivery.store import HandoffStore
from tests.frontdesk_fixtures import (
    PASSWORD,
    TOKEN,
    Clock,
    client_for,
    csrf_from,
    make_app,
    make_store,
    seed,
    settings,
    sign_in,
)
from webapp.frontdesk.passwords import BadPasswordHash, hash_password, verify_password
from webapp.frontdesk.settings import FrontdeskSettings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> HandoffStore:
    store = make_store(tmp_path, clock)
    seed(store, clock)
    yield store
    store.close()


@pytest.fixture
def client(store: HandoffStore, clock: Clock) -> TestClient:
    return client_for(make_app(lambda: store, settings(clock)))


def signed_in(client: TestClient) -> bool:
    return client.get("/frontdesk/data").status_code == 200


def test_the_console_sends_strangers_to_sign_in(client) -> None:
    response = client.get("/frontdesk")
    assert response.status_code == 303
    assert response.headers["location"] == "/frontdesk/sign-in"
    data = client.get("/frontdesk/data")
    assert data.status_code == 401 and "Hugo" not in data.text


@pytest.mark.parametrize("secret", [PASSWORD, TOKEN], ids=["password", "token"])
def test_sign_in_with_the_password_or_the_token(client, secret) -> None:
    sign_in(client, secret, staff="Sam")
    page = client.get("/frontdesk")
    assert page.status_code == 200
    assert "Signed in as <strong>Sam</strong>" in page.text
    data = client.get("/frontdesk/data").json()
    assert [h["contact"]["name"] for h in data["handoffs"]] == [
        "Erin Emergency",
        "Bea Booking",
        "Hugo Human",
    ]


def test_a_wrong_password_does_not_sign_in(client) -> None:
    csrf = csrf_from(client.get("/frontdesk/sign-in").text)
    for secret in ("wrong", "", PASSWORD.upper(), TOKEN[:-1]):
        response = client.post("/frontdesk/sign-in", data={"csrf_token": csrf, "secret": secret})
        assert response.status_code == 401
        assert "not right" in response.text
    assert not signed_in(client)


@pytest.mark.parametrize("sent", [None, "", "forged"], ids=["missing", "empty", "wrong"])
def test_sign_in_needs_the_forms_csrf_token(client, sent) -> None:
    client.get("/frontdesk/sign-in")  # the pre-session token exists, but is not sent
    form = {"secret": PASSWORD} | ({} if sent is None else {"csrf_token": sent})
    response = client.post("/frontdesk/sign-in", data=form)
    assert response.status_code == 403
    assert not signed_in(client)


def test_sign_in_from_another_browser_without_a_session_is_refused(client, store, clock) -> None:
    csrf = csrf_from(client.get("/frontdesk/sign-in").text)
    other = client_for(make_app(lambda: store, settings(clock)))
    response = other.post("/frontdesk/sign-in", data={"csrf_token": csrf, "secret": PASSWORD})
    assert response.status_code == 403


def test_every_change_needs_the_csrf_token(client, store) -> None:
    csrf = sign_in(client)
    handoff_id = store.list()[0].id
    changes = [
        (f"/frontdesk/handoffs/{handoff_id}/status", {"status": "claimed"}),
        (f"/frontdesk/handoffs/{handoff_id}/hand-back", None),
        ("/frontdesk/caller/new", None),
        ("/frontdesk/caller/message", {"message": "hello"}),
    ]
    for url, body in changes:
        for headers in ({}, {"X-CSRF-Token": "forged"}, {"X-CSRF-Token": ""}):
            response = client.post(url, json=body, headers=headers)
            assert response.status_code == 403, url
            assert response.json()["error"] == "csrf"
    assert store.get(handoff_id).status == "new"
    ok = client.post(
        f"/frontdesk/handoffs/{handoff_id}/status",
        json={"status": "claimed", "by": "Mallory"},  # the console says who: the signed-in name
        headers={"X-CSRF-Token": csrf},
    )
    assert ok.status_code == 200
    assert (store.get(handoff_id).status, store.get(handoff_id).claimed_by) == ("claimed", "Sam")


def test_signing_in_replaces_the_csrf_token(client) -> None:
    before = csrf_from(client.get("/frontdesk/sign-in").text)
    after = sign_in(client)
    assert after != before
    response = client.post("/frontdesk/caller/new", headers={"X-CSRF-Token": before})
    assert response.status_code == 403


def test_an_expired_session_is_sent_back_to_sign_in(client, clock) -> None:
    csrf = sign_in(client)
    clock.advance(minutes=29)
    assert client.get("/frontdesk").status_code == 200
    clock.advance(minutes=2)  # 31 minutes after signing in; the limit is 30
    response = client.get("/frontdesk")
    assert response.status_code == 303
    assert response.headers["location"] == "/frontdesk/sign-in?expired"
    assert "sign-in has ended" in client.get(response.headers["location"]).text
    clock.advance(minutes=-31)  # the session was cleared: going back in time does not revive it
    assert client.get("/frontdesk/data").status_code == 401
    assert client.post("/frontdesk/caller/new", headers={"X-CSRF-Token": csrf}).status_code == 401


def test_the_expiry_is_checked_even_on_a_kept_cookie(client, clock) -> None:
    sign_in(client)
    kept = dict(client.cookies)
    clock.advance(minutes=31)
    assert client.get("/frontdesk/data").status_code == 401
    client.cookies.clear()
    client.cookies.update(kept)  # the old cookie replayed: still signed, but too old
    assert client.get("/frontdesk/data").status_code == 401


def test_sign_out(client) -> None:
    csrf = sign_in(client)
    assert client.post("/frontdesk/sign-out", data={"csrf_token": "forged"}).status_code == 403
    assert signed_in(client)
    response = client.post("/frontdesk/sign-out", data={"csrf_token": csrf})
    assert response.status_code == 303
    assert response.headers["location"] == "/frontdesk/sign-in?signed_out"
    assert not signed_in(client)
    assert client.get("/frontdesk").status_code == 303


def test_failed_sign_ins_are_limited(client) -> None:
    csrf = csrf_from(client.get("/frontdesk/sign-in").text)
    for _ in range(5):
        form = {"csrf_token": csrf, "secret": "guess"}
        assert client.post("/frontdesk/sign-in", data=form).status_code == 401
    blocked = client.post("/frontdesk/sign-in", data={"csrf_token": csrf, "secret": PASSWORD})
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    assert not signed_in(client)


def test_security_headers_and_cookie_flags(client) -> None:
    sign_in_page = client.get("/frontdesk/sign-in")
    cookie = sign_in_page.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/frontdesk" in cookie
    assert "secure" not in cookie
    sign_in(client)
    for response in (
        sign_in_page,
        client.get("/frontdesk"),
        client.get("/frontdesk/data"),
        client.get("/api/handoffs"),
    ):
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "default-src 'none'" in csp
        assert "unsafe-inline" not in csp
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["cache-control"] == "no-store"
    assert client.get("/static/frontdesk.js").headers["x-content-type-options"] == "nosniff"


def test_the_page_has_no_inline_script_and_carries_the_csrf_token(client) -> None:
    csrf = sign_in(client)
    page = client.get("/frontdesk").text
    assert '<script src="/static/frontdesk.js" defer></script>' in page
    assert page.count("<script") == 1
    assert f'<meta name="csrf-token" content="{csrf}">' in page


def test_the_cookie_is_https_only_when_configured(store, clock) -> None:
    client = client_for(make_app(lambda: store, settings(clock, cookie_secure=True)))
    assert "secure" in client.get("/frontdesk/sign-in").headers["set-cookie"].lower()


def test_the_staff_name_is_escaped(client) -> None:
    sign_in(client, staff="<b>Sam</b>")
    page = client.get("/frontdesk").text
    assert "&lt;b&gt;Sam&lt;/b&gt;" in page and "<b>Sam</b>" not in page


def test_the_password_hash_round_trips_and_rejects_others() -> None:
    encoded = hash_password("a long enough password")
    assert encoded.startswith("scrypt$") and "a long enough password" not in encoded
    assert verify_password("a long enough password", encoded)
    assert not verify_password("a long enough passworD", encoded)
    assert hash_password("a long enough password") != encoded  # salted
    with pytest.raises(BadPasswordHash):
        verify_password("x", "pbkdf2$1$abc")


def test_settings_from_the_environment() -> None:
    encoded = hash_password(PASSWORD)
    env = {
        "FRONTDESK_TOKEN": TOKEN,
        "FRONTDESK_PASSWORD_HASH": encoded,
        "FRONTDESK_SESSION_SECRET": "s3cret",
        "FRONTDESK_SESSION_MINUTES": "15",
        "FRONTDESK_COOKIE_SECURE": "true",
        "RASA_PORT": "5999",
        "RASA_API_TOKEN": "rt",
    }
    read = FrontdeskSettings.from_env(env)
    assert (read.token, read.password_hash, read.session_secret) == (TOKEN, encoded, "s3cret")
    assert (read.session_seconds, read.cookie_secure) == (900, True)
    assert (read.rasa_url, read.rasa_token) == ("http://localhost:5999", "rt")
    assert FrontdeskSettings.from_env({"RASA_INTERNAL_URL": "http://rasa:5005/"}).rasa_url == (
        "http://rasa:5005"
    )
    with pytest.raises(BadPasswordHash):
        FrontdeskSettings.from_env({"FRONTDESK_PASSWORD_HASH": "plain-text-by-mistake"})
    with pytest.raises(ValueError, match="FRONTDESK_SESSION_MINUTES"):
        FrontdeskSettings.from_env({"FRONTDESK_SESSION_MINUTES": "eight hours"})


def test_a_plain_password_is_hashed_and_not_kept() -> None:
    read = FrontdeskSettings.from_env({"FRONTDESK_PASSWORD": PASSWORD})
    assert read.password_hash and verify_password(PASSWORD, read.password_hash)
    assert PASSWORD not in repr(read)
    assert read.session_secret  # random when unset
    assert FrontdeskSettings.from_env({}).session_secret != read.session_secret


def test_the_hash_password_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "webapp.frontdesk.hash_password"],
        input="a long enough password\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert verify_password("a long enough password", result.stdout.strip())
    short = subprocess.run(
        [sys.executable, "-m", "webapp.frontdesk.hash_password"],
        input="short\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=30,
    )
    assert short.returncode == 2 and short.stdout == ""
