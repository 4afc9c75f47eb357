""" "Helpful" / "Not helpful" under each answer (issue 29), in real headless Chromium, against the
project's socketio channel on a stand-in Rasa server (tests/ui/feedback_standin.py: no trained
model needed): the buttons and their names under each answer and not under the emergency alert,
keyboard use without losing focus, the thanks, one choice per answer, the rating reaching the
recorder with the person's message as the server has it, the choice after a reload, axe-core.
The same against the whole assistant: tests/ui/test_widget_browser.py."""

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import settings
from tests.browser import ARTIFACTS, chromium
from tests.ui.test_widget_browser import Chat

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "webapp" / "static" / "widget.js"


@pytest.fixture(scope="module")
def standin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The stand-in on the port after the test web app's (TEST_WEB_PORT + 1, free while the
    test stack runs too); its URL and the file the ratings go to."""
    if not BUNDLE.exists():
        pytest.fail("webapp/static/widget.js is missing: run `make widget`", pytrace=False)
    port = settings.TEST_WEB_PORT.read() + 1
    url = f"http://localhost:{port}"
    ratings = tmp_path_factory.mktemp("feedback") / "ratings.jsonl"
    env = {**os.environ, "RASA_CORS_ORIGINS": url, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "tests.ui.feedback_standin", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--ratings", str(ratings)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/", timeout=1) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"the stand-in did not start: {process.stderr.read()[-2000:]}")
            time.sleep(0.2)
        yield url, ratings
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


class StandInChat(Chat):
    def __init__(self, page: Any, ratings: Path) -> None:
        super().__init__(page, None)
        self.ratings = ratings

    def recorded(self) -> list[dict[str, Any]]:
        """The ratings of this browser's session that reached the recorder."""
        if not self.ratings.exists():
            return []
        lines = self.ratings.read_text(encoding="utf-8").splitlines()
        mine = self.session_id()
        return [r for r in map(json.loads, lines) if r["sender_id"] == mine]

    def wait_recorded(self, count: int) -> list[dict[str, Any]]:
        for _ in range(100):
            found = self.recorded()
            if len(found) >= count:
                return found
            time.sleep(0.1)
        raise AssertionError(f"{count} rating(s) expected, got {self.recorded()}")


@pytest.fixture
def chat(browser: Any, standin: tuple[str, Path]) -> Iterator[StandInChat]:
    url, ratings = standin
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{url}/")
    yield StandInChat(page, ratings)
    context.close()
    assert not errors, errors


def rate_buttons(message: Any) -> Any:
    return message.get_by_role("button", name="Helpful", exact=True), message.get_by_role(
        "button", name="Not helpful", exact=True
    )


def test_each_answer_has_the_two_buttons_and_not_helpful_reaches_the_recorder(chat):
    chat.open()
    chat.say("does posture matter")
    chat.say("what are your opening hours")  # two messages: Rasa splits at a blank line
    chat.expect(chat.bots).to_have_count(3)
    for index in range(3):
        for button in rate_buttons(chat.bots.nth(index)):
            chat.expect(button).to_have_count(1)
            chat.expect(button).to_have_attribute("aria-pressed", "false")
    chat.expect(chat.log.get_by_role("button", name="Helpful", exact=True)).to_have_count(3)

    # by keyboard: the focus stays on the button, which shows the choice; thanks is said
    helpful, not_helpful = rate_buttons(chat.bots.last)
    not_helpful.focus()
    chat.page.keyboard.press("Enter")
    chat.expect(not_helpful).to_have_attribute("aria-pressed", "true")
    chat.expect(not_helpful).to_be_focused()
    chat.expect(helpful).to_have_attribute("aria-pressed", "false")
    chat.expect(chat.bots.last).to_contain_text("Thanks for your feedback.")
    chat.expect(chat.bots.first).not_to_contain_text("Thanks")
    [rating] = chat.wait_recorded(1)
    assert rating == {
        "sender_id": chat.session_id(),
        "helpful": False,
        "text": "what are your opening hours",  # the server's, not anything the page sent
        "intent": "ask_clinic_info",
        "confidence": 0.97,
    }

    # one choice per answer: the other button says so (aria-disabled) and does nothing now
    chat.expect(helpful).to_have_attribute("aria-disabled", "true")
    helpful.focus()
    chat.page.keyboard.press("Enter")
    chat.expect(helpful).to_have_attribute("aria-pressed", "false")
    # the first paragraph of the same answer: the server counts that answer once
    rate_buttons(chat.bots.nth(1))[0].click()
    # another answer can be rated
    rate_buttons(chat.bots.first)[0].click()
    ratings = chat.wait_recorded(2)
    time.sleep(0.5)  # a third (the same answer again) would have arrived by now
    assert [(r["text"], r["helpful"]) for r in chat.recorded()] == [
        ("what are your opening hours", False),
        ("does posture matter", True),
    ], ratings

    chat.bots.last.scroll_into_view_if_needed()
    chat.page.screenshot(path=str(ARTIFACTS / "widget-feedback.png"))
    assert chat.axe_problems() == []

    # a reload draws the choices again from the stored conversation
    chat.page.reload()
    chat.expect(chat.box).to_be_visible()
    chat.expect(chat.bots).to_have_count(3)
    chat.expect(rate_buttons(chat.bots.last)[1]).to_have_attribute("aria-pressed", "true")
    chat.expect(rate_buttons(chat.bots.first)[0]).to_have_attribute("aria-pressed", "true")
    chat.expect(rate_buttons(chat.bots.nth(1))[0]).to_have_attribute("aria-pressed", "true")


def test_no_buttons_under_the_emergency_alert_and_quick_keyboard_path_kept(chat):
    chat.open()
    chat.say("worst headache of my life")
    alert = chat.log.locator(".bot-message").last
    chat.expect(alert).to_contain_text("call 999")
    for button in rate_buttons(alert):
        chat.expect(button).to_have_count(0)
    assert chat.axe_problems() == []


def test_a_rating_pressed_while_offline_is_sent_once_back(chat):
    chat.open()
    chat.say("does posture matter")
    chat.page.context.set_offline(True)
    chat.expect(chat.status).to_contain_text("Reconnecting")
    rate_buttons(chat.bots.last)[1].click()
    chat.expect(chat.bots.last).to_contain_text("Thanks for your feedback.")
    time.sleep(0.3)
    assert chat.recorded() == []
    chat.page.context.set_offline(False)
    chat.expect(chat.status).to_contain_text("Reconnected")
    [rating] = chat.wait_recorded(1)
    assert (rating["text"], rating["helpful"]) == ("does posture matter", False)
