"""The widget's build: pinned npm packages from a committed lock file, one bundle served by the web
app with nothing fetched from a CDN at run time; its pure modules' unit tests (Node); its welcome
buttons, the same as the server's."""

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from headache_core.clinic import load_clinic
from tests.frontdesk_fixtures import client_for, make_app

ROOT = Path(__file__).resolve().parents[2]
WIDGET = ROOT / "webapp" / "widget"
BUNDLE = ROOT / "webapp" / "static" / "widget.js"
# The only hosts named in the bundle, neither ever fetched: the SVG namespace (an identifier) and
# socket.io's documentation, linked in one of its error messages
ALLOWED_HOSTS = {"www.w3.org", "socket.io"}


def bundle_text() -> str:
    if not BUNDLE.exists():
        pytest.fail(f"{BUNDLE.relative_to(ROOT)} is missing: run `make widget`", pytrace=False)
    return BUNDLE.read_text(encoding="utf-8")


def test_npm_packages_are_pinned_by_a_lock_file():
    package = json.loads((WIDGET / "package.json").read_text())
    lock = json.loads((WIDGET / "package-lock.json").read_text())
    wanted = package["dependencies"] | package["devDependencies"]
    assert {"socket.io-client", "esbuild", "axe-core"} <= set(wanted)
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", v) for v in wanted.values()), wanted
    assert wanted["socket.io-client"].startswith("4.")  # Engine.IO v4, as python-socketio 5.9
    assert lock["lockfileVersion"] >= 2
    for name, version in wanted.items():
        locked = lock["packages"][f"node_modules/{name}"]
        assert locked["version"] == version
        assert locked["integrity"].startswith("sha512-")
    # npm may leave out `resolved` (omit-lockfile-registry-resolved): then it is the registry
    resolved = [p["resolved"] for p in lock["packages"].values() if "resolved" in p]
    assert all(r.startswith("https://registry.npmjs.org/") for r in resolved), resolved


def test_the_bundle_loads_nothing_from_another_origin():
    text = bundle_text()
    hosts = set(re.findall(r"(?:https?:)?//([a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)+)", text, re.I))
    assert hosts <= ALLOWED_HOSTS, hosts - ALLOWED_HOSTS
    assert not re.search(r"cdn|unpkg|jsdelivr|googleapis|cloudflare", text, re.IGNORECASE)
    assert "socket.io" in text and "bot_uttered" in text and "session_request" in text


def test_the_web_app_serves_the_bundle_and_each_demo_page_embeds_it_with_one_tag():
    bundle_text()
    client = client_for(make_app(lambda: None))  # no handoff store needed for these
    served = client.get("/static/widget.js")
    assert served.status_code == 200 and "javascript" in served.headers["content-type"]
    for path in ("/", "/visit"):
        tags = re.findall(r"<script\b[^>]*>", client.get(path).text)
        assert len(tags) == 1, (path, tags)
        [tag] = tags
        for attribute in ("data-server-url", "data-clinic-name", "data-primary-color"):
            assert attribute in tag
        assert 'src="/static/widget.js"' in tag and "data-greeting=" in tag and " defer" in tag


def test_each_demo_page_gives_the_widget_the_clinics_phone_for_when_it_cannot_connect():
    """clinic.yml is the one home of the number: the page passes it (data-clinic-phone)."""
    client = client_for(make_app(lambda: None))
    phone = html.escape(load_clinic().phone, quote=True)
    for path in ("/", "/visit"):
        [tag] = re.findall(r"<script\b[^>]*>", client.get(path).text)
        assert f'data-clinic-phone="{phone}"' in tag, (path, tag)


def node() -> str:
    found = shutil.which("node")
    if not found:
        if os.environ.get("CI"):
            pytest.fail("node is missing; CI needs Node 20 for the widget", pytrace=False)
        pytest.skip("node is missing")
    return found


def test_widget_unit_tests_pass_in_node():
    done = subprocess.run(
        [node(), "--test", "test/"], cwd=WIDGET, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_widgets_welcome_buttons_are_the_servers_welcome_buttons():
    """The widget greets before the server says anything: its buttons must be utter_greet's, so
    a tap there sends the same payload as a tap under the server's own welcome."""
    script = (
        'import("./src/welcome.js").then((m) => console.log(JSON.stringify(m.WELCOME_BUTTONS)))'
    )
    done = subprocess.run(
        [node(), "-e", script], cwd=WIDGET, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    [greet] = domain["responses"]["utter_greet"]
    server = [{"title": b["title"], "payload": b["payload"]} for b in greet["buttons"]]
    assert json.loads(done.stdout) == server
    assert {b["payload"] for b in server} >= {"/start_screening", "/book_appointment"}
