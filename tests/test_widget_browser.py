"""The website widget in real headless Chromium, talking to the running assistant over Rasa's
socketio channel: the demo page, a conversation with buttons, a screening to its outcome card,
history after a reload and on another page, a lost connection, the emergency message, keyboard-only
use, axe-core, small screens and zoom. Screenshots go to run/test-artifacts/."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import ARTIFACTS, chromium
from tests.test_handoff_server import SCREENING

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "webapp" / "widget" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# The screening answered by clicking its buttons where one fits, typing the rest (SCREENING)
CLICK = {
    "red_flag_check": "No, none of those",
    "red_flag_history": "No, none of those",
    "pain_side": "Always the right side",
    "neck_provoked": "Yes, it does",
    "shoulder_arm_pain": "No",
    "other_symptoms": "No, nothing else",
}
EMERGENCY = "worst headache of my life, came on in seconds"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


class Chat:
    """The widget on a page, driven the way a person would: by its accessible names."""

    def __init__(self, page: Any, assistant: Any) -> None:
        from playwright.sync_api import expect

        self.page, self.assistant, self.expect = page, assistant, expect
        self.log = page.get_by_role("log")
        self.box = page.get_by_role("textbox", name="Type your message")
        self.status = page.locator(".ccw-status")

    @property
    def bots(self) -> Any:
        return self.log.locator(".bot-message")

    @property
    def users(self) -> Any:
        return self.log.locator(".user-message")

    def open(self) -> None:
        self.page.get_by_role("button", name="Open chat").click()
        self.expect(self.box).to_be_focused()

    def settle(self, bots_before: int) -> None:
        """Until the replies to the last message are in: one more at least, and no more coming
        (the typing indicator goes once Rasa has handled the message)."""
        self.expect(self.bots).not_to_have_count(bots_before)
        self.expect(self.page.locator(".ccw-typing")).to_be_hidden()

    def say(self, text: str) -> None:
        before = self.bots.count()
        self.box.fill(text)
        self.box.press("Enter")
        self.expect(self.users.last).to_contain_text(text)
        self.settle(before)

    def click(self, title: str) -> None:
        before = self.bots.count()
        self.log.get_by_role("button", name=title, exact=True).click()
        self.expect(self.users.last).to_contain_text(title)
        self.settle(before)

    def session_id(self) -> str:
        return self.page.evaluate(
            """() => Object.keys(localStorage)
                .filter((k) => k.startsWith("clinic-chat:session:"))
                .map((k) => localStorage.getItem(k))[0]"""
        )

    def slots(self) -> dict[str, Any]:
        return self.assistant.tracker(self.session_id())["slots"]

    def said(self) -> list[str]:
        """What the server heard from this browser's session, in order."""
        events = self.assistant.tracker(self.session_id())["events"]
        return [e.get("text") for e in events if e["event"] == "user"]

    def axe_problems(self) -> list[dict[str, Any]]:
        """axe-core's serious and critical violations on the page as it is now."""
        self.page.add_script_tag(path=str(AXE))
        found = self.page.evaluate(
            """async (tags) => {
                const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
                return result.violations.map((v) => ({
                    id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(" ")),
                }));
            }""",
            AXE_TAGS,
        )
        return [v for v in found if v["impact"] in ("serious", "critical")]

    def no_horizontal_scroll(self) -> None:
        widths = self.page.evaluate(
            """() => ({page: document.documentElement.scrollWidth, view: window.innerWidth,
                       log: document.querySelector("[role=log]").scrollWidth,
                       logView: document.querySelector("[role=log]").clientWidth})"""
        )
        assert widths["page"] <= widths["view"] and widths["log"] <= widths["logView"], widths


@pytest.fixture
def chat(browser: Any, assistant: Any) -> Iterator[Chat]:
    """A fresh browser profile (so a new conversation) on the demo page; page errors fail it."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{assistant.web_url}/")
    yield Chat(page, assistant)
    context.close()
    assert not errors, errors


def test_greet_click_a_button_and_screen_to_the_outcome_card_then_reload(chat):
    chat.open()
    chat.say("hello")
    chat.expect(chat.log).to_contain_text("What would you like to know?")
    chat.expect(chat.log).to_contain_text("can't tell you what is wrong")  # the disclaimer

    # a quick reply: its title becomes the user's message, its set goes away
    chat.click("Check my headache")
    chat.expect(chat.log.get_by_role("button", name="Book an appointment")).to_have_count(0)
    chat.expect(chat.bots.last).to_contain_text("safety question")

    for _ in range(15):
        slot = chat.slots()["requested_slot"]
        if slot is None:
            break
        if slot in CLICK:
            chat.click(CLICK[slot])
        else:
            chat.say(SCREENING[slot])
    else:
        raise AssertionError("the screening kept asking")

    outcome = chat.slots()["triage_outcome"]
    assert outcome == "consistent_with_cervicogenic"
    card = chat.log.locator('.bot-message[data-kind="outcome"]')
    chat.expect(card).to_have_count(1)
    chat.expect(card).to_have_attribute("data-outcome", outcome)
    chat.expect(card.get_by_role("heading", name="Your screening result")).to_be_visible()
    chat.expect(card).to_contain_text("fit the pattern of a headache that comes from the neck")
    card.scroll_into_view_if_needed()
    chat.page.screenshot(path=str(ARTIFACTS / "widget.png"))

    # a reload keeps the conversation: the same session, its history drawn again
    session, bots, users = chat.session_id(), chat.bots.count(), chat.users.count()
    chat.page.reload()
    chat.expect(chat.box).to_be_visible()  # it was open, it stays open
    chat.expect(chat.bots).to_have_count(bots)
    chat.expect(chat.users).to_have_count(users)
    chat.expect(card.get_by_role("heading", name="Your screening result")).to_be_visible()
    assert chat.session_id() == session
    # ... and goes on: the reply to a message after the reload reaches this page
    chat.say("what are your opening hours")
    chat.expect(chat.log).to_contain_text("Our opening hours are")
    said = chat.said()
    assert said[0] == "hello" and said[-1] == "what are your opening hours"


def test_another_page_of_the_site_keeps_the_conversation(chat):
    chat.open()
    chat.say("hello")
    chat.page.get_by_role("link", name="Plan your visit").click()
    chat.expect(chat.page.get_by_role("heading", name="Plan your visit")).to_be_visible()
    chat.expect(chat.box).to_be_visible()  # still open on the new page
    chat.expect(chat.users.first).to_contain_text("hello")
    chat.expect(chat.bots.last).to_contain_text("What would you like to know?")
    chat.say("thank you")
    assert chat.said() == ["hello", "thank you"]  # one conversation across the two pages


def test_a_conversation_left_for_a_day_starts_afresh(chat):
    chat.open()
    chat.say("hello")
    first = chat.session_id()
    chat.page.evaluate(
        """(session) => {
            const key = `clinic-chat:history:${session}`;
            const record = JSON.parse(localStorage.getItem(key));
            record.savedAt = Date.now() - 25 * 60 * 60 * 1000;
            localStorage.setItem(key, JSON.stringify(record));
        }""",
        first,
    )
    chat.page.reload()
    chat.expect(chat.box).to_be_visible()
    chat.expect(chat.users).to_have_count(0)
    assert chat.session_id() != first
    assert chat.page.evaluate(f"() => localStorage.getItem('clinic-chat:history:{first}')") is None


def test_one_tag_on_any_page_and_a_too_light_colour_falls_back(chat):
    """The tag as a clinic would paste it into its own page, with a colour white text cannot be
    read on: the widget keeps its default. (No conversation here: Chromium does not let a page
    it did not load from the network reach a loopback server.)"""
    web = chat.assistant.web_url
    tag = (
        f'<script src="{web}/static/widget.js" data-server-url="{chat.assistant.rasa_url}" '
        'data-clinic-name="Other Street Physio" data-primary-color="#ffff66" '
        'data-greeting="Hi from the other clinic." defer></script>'
    )
    html = f'<!doctype html><html lang="en"><title>Other</title><main><h1>Other</h1></main>{tag}'
    chat.page.route(
        f"{web}/other", lambda route: route.fulfill(body=html, content_type="text/html")
    )
    chat.page.goto(f"{web}/other")
    launcher = chat.page.get_by_role("button", name="Open chat")
    chat.expect(launcher).to_have_css("background-color", "rgb(11, 95, 107)")  # the default
    launcher.click()
    title = chat.page.get_by_role("heading", name="Chat with Other Street Physio")
    chat.expect(title).to_be_visible()
    chat.expect(chat.log).to_contain_text("Hi from the other clinic.")


def test_a_lost_connection_says_so_and_what_was_typed_meanwhile_is_sent_after(chat):
    chat.open()
    chat.say("hello")
    chat.page.context.set_offline(True)
    chat.expect(chat.status).to_contain_text("Reconnecting")
    before = chat.bots.count()
    chat.box.fill("what are your opening hours")
    chat.box.press("Enter")
    waiting = chat.users.last
    chat.expect(waiting).to_contain_text("Not sent yet")

    chat.page.context.set_offline(False)
    chat.expect(chat.status).to_contain_text("Reconnected")
    chat.expect(waiting).not_to_contain_text("Not sent yet")
    chat.settle(before)
    chat.expect(chat.log).to_contain_text("Our opening hours are")


def test_the_emergency_message_stands_out_and_the_open_chat_passes_axe(chat):
    chat.open()
    chat.say(EMERGENCY)
    alert = chat.log.locator('.bot-message[data-kind="emergency"]')
    chat.expect(alert).to_have_count(1)
    chat.expect(alert.get_by_role("heading", name="Emergency: get help now")).to_be_visible()
    chat.expect(alert.locator("svg")).to_have_count(1)  # an icon and words, not colour alone
    chat.expect(alert).to_contain_text("call 999")
    chat.expect(alert.get_by_role("link", name="999")).to_have_attribute("href", "tel:999")
    assert chat.slots()["triage_outcome"] == "red_flag_emergency"
    alert.scroll_into_view_if_needed()
    chat.page.screenshot(path=str(ARTIFACTS / "widget-emergency.png"))
    assert chat.axe_problems() == []


def test_the_urgent_message_stands_out_too(chat):
    chat.open()
    chat.say("the headache is much worse every morning when I wake up and I've been throwing up")
    card = chat.log.locator('.bot-message[data-kind="urgent"]')
    chat.expect(card).to_have_count(1)
    chat.expect(card.get_by_role("heading", name="Urgent: see a doctor today")).to_be_visible()
    chat.expect(card.locator("svg")).to_have_count(1)
    assert chat.slots()["triage_outcome"] == "red_flag_urgent"


def test_the_chat_with_quick_replies_passes_axe(chat):
    chat.open()
    chat.say("hello")
    chat.expect(chat.log.get_by_role("button", name="Check my headache")).to_be_visible()
    assert chat.axe_problems() == []


def test_keyboard_only_open_type_send_choose_and_escape(chat):
    page = chat.page
    launcher = page.get_by_role("button", name="Open chat")
    for _ in range(20):
        page.keyboard.press("Tab")
        if launcher.evaluate("(el) => el === document.activeElement"):
            break
    else:
        raise AssertionError("Tab never reached the launcher")
    outline = launcher.evaluate("(el) => getComputedStyle(el).outlineStyle")
    assert outline != "none"  # focus is visible

    page.keyboard.press("Enter")
    chat.expect(chat.box).to_be_focused()
    page.keyboard.type("hello")
    page.keyboard.press("Enter")
    chat.expect(chat.users.last).to_contain_text("hello")
    chat.settle(0)

    page.keyboard.press("Shift+Tab")  # back from the message box: the last quick reply
    focused = page.evaluate("() => document.activeElement.closest('.ccw-buttons') !== null")
    assert focused
    title = page.evaluate("() => document.activeElement.textContent")
    before = chat.bots.count()
    page.keyboard.press("Enter")
    chat.expect(chat.users.last).to_contain_text(title)
    chat.expect(chat.box).to_be_focused()
    chat.settle(before)

    page.keyboard.press("Escape")
    chat.expect(page.get_by_role("dialog")).to_be_hidden()
    chat.expect(launcher).to_be_focused()


@pytest.mark.parametrize(
    ("width", "height", "name"),
    [(320, 640, "320px"), (640, 400, "1280x800-at-200-percent-zoom")],
)
def test_small_screens_and_zoom_get_a_full_screen_panel_without_sideways_scrolling(
    browser, assistant, width, height, name
):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(f"{assistant.web_url}/")
        chat = Chat(page, assistant)
        chat.no_horizontal_scroll()
        chat.open()
        chat.say("hello")
        chat.say("what are your opening hours")
        box = page.get_by_role("dialog").bounding_box()
        assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, width, height)
        chat.no_horizontal_scroll()
        page.screenshot(path=str(ARTIFACTS / f"widget-{name}.png"))
    finally:
        context.close()


def test_forget_me_clears_the_chat_on_this_device_too(chat):
    """Issue 7: after "forget me" and yes, the widget keeps nothing of the old conversation
    (the server has deleted it): not on screen, not in localStorage, not after a reload."""
    chat.open()
    chat.say("hello, I'm Ada Quillington")
    chat.say("please delete everything I told you")
    chat.log.get_by_role("button", name="Yes, delete it", exact=True).click()
    chat.expect(chat.bots.last).to_contain_text("I've deleted this chat")
    chat.expect(chat.users).to_have_count(0)
    chat.expect(chat.bots).to_have_count(1)
    chat.expect(chat.log).not_to_contain_text("Quillington")
    stored = chat.page.evaluate(
        "() => Object.keys(localStorage).map((k) => localStorage.getItem(k)).join(' ')"
    )
    assert "Quillington" not in stored and "delete everything" not in stored
    chat.page.reload()
    chat.expect(chat.box).to_be_visible()
    chat.expect(chat.bots).to_have_count(1)
    chat.expect(chat.log).not_to_contain_text("Quillington")
    chat.say("hello")  # a fresh conversation on the server
    assert chat.said() == ["hello"]
