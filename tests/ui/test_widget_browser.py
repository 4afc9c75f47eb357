"""The website widget in real headless Chromium, talking to the running assistant over Rasa's
socketio channel: the demo page, a conversation with buttons, a screening to its outcome card,
history after a reload and on another page, a lost connection, the emergency message, keyboard-only
use, axe-core, small screens and zoom; where the conversation is kept (data-storage), clearing it,
the welcome's buttons on a phone, and "Helpful" / "Not helpful" under each answer reaching the
insights and the review queue. Screenshots go to run/test-artifacts/."""

import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from headache_core.clinic import load_clinic
from tests.browser import ARTIFACTS, chromium
from tests.private_services import free_port
from tests.relay import Relay
from tests.server.test_handoff_server import SCREENING, api

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[2]
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
WELCOME = ["Why my neck hurts my head", "Check my headache", "Book an appointment"]
# What a widget before data-storage left in localStorage: a recent conversation with this server
OLD_CONVERSATION = """(text) => {
    const url = new URL(document.querySelector("script[data-server-url]").dataset.serverUrl);
    const server = url.origin + url.pathname.replace(/\\/+$/, "");
    const id = "a".repeat(32);
    const entries = [{id: "1", from: "user", text, status: "delivered"}];
    localStorage.setItem(`clinic-chat:session:${server}`, id);
    localStorage.setItem(`clinic-chat:history:${id}`, JSON.stringify({savedAt: Date.now(), entries}));
}"""


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

    def stored(self, area: str = "sessionStorage") -> dict[str, str]:
        """The widget's keys in localStorage or sessionStorage, with their values."""
        return self.page.evaluate(
            """(area) => Object.fromEntries(Object.keys(window[area])
                .filter((k) => k.startsWith("clinic-chat:"))
                .map((k) => [k, window[area].getItem(k)]))""",
            area,
        )

    def session_id(self, area: str = "sessionStorage") -> str:
        [found] = [v for k, v in self.stored(area).items() if k.startswith("clinic-chat:session:")]
        return found

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


# The demo page's widget tag pointed elsewhere as the parser adds it, before the deferred widget
# reads it. Not by rewriting the page (page.route): Chromium does not let a page it did not load
# from the network reach a loopback server.
POINT_WIDGET_AT = """(url) => new MutationObserver((changes, observer) => {
    const tag = document.querySelector("script[data-server-url]");
    if (!tag) return;
    tag.dataset.serverUrl = url;
    observer.disconnect();
}).observe(document, {childList: true, subtree: true})"""


@contextmanager
def chat_at(browser: Any, assistant: Any, web_url: str, server_url: str = "") -> Iterator[Chat]:
    """A fresh browser profile (so a new conversation) on the demo page at `web_url`, its widget
    pointed at `server_url` if given; page errors fail it."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    if server_url:
        page.add_init_script(f"({POINT_WIDGET_AT})({json.dumps(server_url)})")
    page.goto(f"{web_url}/")
    yield Chat(page, assistant)
    context.close()
    assert not errors, errors


@pytest.fixture
def chat(browser: Any, assistant: Any) -> Iterator[Chat]:
    with chat_at(browser, assistant, assistant.web_url) as opened:
        yield opened


def test_greet_click_a_button_and_screen_to_the_outcome_card_then_reload(chat):
    chat.open()
    chat.say("hello")
    chat.expect(chat.log).to_contain_text("What would you like to know?")
    chat.expect(chat.log).to_contain_text("can't tell you what is wrong")  # the disclaimer

    # a quick reply: its title becomes the user's message, its set goes away
    chat.click("Check my headache")
    assert chat.said() == ["hello", "/start_screening"]  # the button's payload, not its title
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
            const record = JSON.parse(sessionStorage.getItem(key));
            record.savedAt = Date.now() - 25 * 60 * 60 * 1000;
            sessionStorage.setItem(key, JSON.stringify(record));
        }""",
        first,
    )
    chat.page.reload()
    chat.expect(chat.box).to_be_visible()
    chat.expect(chat.users).to_have_count(0)
    assert chat.session_id() != first
    assert f"clinic-chat:history:{first}" not in chat.stored()


def own_page(chat: Chat, attributes: str, page: Any = None) -> None:
    """The tag as a clinic would paste it into its own page (at /other of the web app's origin).
    No conversation there: Chromium does not let a page it did not load from the network reach
    a loopback server."""
    web = chat.assistant.web_url
    tag = (
        f'<script src="{web}/static/widget.js" data-server-url="{chat.assistant.rasa_url}" '
        f"{attributes} defer></script>"
    )
    html = f'<!doctype html><html lang="en"><title>Other</title><main><h1>Other</h1></main>{tag}'
    page = page or chat.page
    page.route(f"{web}/other", lambda route: route.fulfill(body=html, content_type="text/html"))
    page.goto(f"{web}/other")


def test_one_tag_on_any_page_and_a_too_light_colour_falls_back(chat):
    """A colour white text cannot be read on: the widget keeps its default."""
    own_page(
        chat,
        'data-clinic-name="Other Street Physio" data-primary-color="#ffff66" '
        'data-greeting="Hi from the other clinic."',
    )
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
    # nothing to rate beside "call 999" (issue 29)
    chat.expect(alert.get_by_role("button", name="Helpful", exact=True)).to_have_count(0)
    chat.expect(alert.get_by_role("button", name="Not helpful", exact=True)).to_have_count(0)
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
    chat.expect(card.locator(".ccw-card-title svg")).to_have_count(
        1
    )  # its icon (the rating has its own)
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
    (the server has deleted it): not on screen, not in the browser's storage, not after a
    reload."""
    chat.open()
    chat.say("hello, I'm Ada Quillington")
    chat.say("please delete everything I told you")
    chat.log.get_by_role("button", name="Yes, delete it", exact=True).click()
    chat.expect(chat.bots.last).to_contain_text("I've deleted this chat")
    chat.expect(chat.users).to_have_count(0)
    chat.expect(chat.bots).to_have_count(1)
    chat.expect(chat.log).not_to_contain_text("Quillington")
    stored = " ".join([*chat.stored().values(), *chat.stored("localStorage").values()])
    assert "Quillington" not in stored and "delete everything" not in stored
    chat.page.reload()
    chat.expect(chat.box).to_be_visible()
    chat.expect(chat.bots).to_have_count(1)
    chat.expect(chat.log).not_to_contain_text("Quillington")
    chat.say("hello")  # a fresh conversation on the server
    assert chat.said() == ["hello"]


# --- issue 27: privacy on shared devices, first steps --------------------------------------------


def test_by_default_the_chat_is_kept_in_this_tab_only_and_says_so(chat):
    chat.open()
    keeps = chat.page.locator(".ccw-keeps")
    chat.expect(keeps).to_be_visible()
    chat.expect(keeps).to_have_text(
        "This chat is kept only in this tab until you close it. Clear it any time."
    )
    chat.say("my neck has been stiff for a week")
    session = chat.session_id()
    assert "stiff for a week" in chat.stored()[f"clinic-chat:history:{session}"]
    assert chat.stored("localStorage") == {}  # nothing at all there, health details included

    # another tab of the same browser does not get it
    other = chat.page.context.new_page()
    other.goto(f"{chat.assistant.web_url}/")
    other.get_by_role("button", name="Open chat").click()
    chat.expect(other.get_by_role("log").locator(".bot-message, .user-message")).to_have_count(0)
    chat.expect(other.get_by_role("log")).not_to_contain_text("stiff for a week")
    other.close()


def test_a_conversation_an_older_widget_left_in_local_storage_is_removed(chat):
    chat.page.evaluate(OLD_CONVERSATION, "I'm Ada Quillington and my neck hurts")
    assert len(chat.stored("localStorage")) == 2
    chat.page.reload()
    chat.open()
    chat.expect(chat.users).to_have_count(0)
    chat.expect(chat.log).not_to_contain_text("Quillington")
    assert chat.stored("localStorage") == {}
    assert chat.session_id() != "a" * 32


def test_local_storage_when_the_page_asks_for_it_and_the_line_says_so(chat):
    own_page(chat, 'data-storage="local"')
    chat.page.evaluate(OLD_CONVERSATION, "a conversation from earlier today")
    chat.page.reload()
    chat.page.get_by_role("button", name="Open chat").click()
    chat.expect(chat.users).to_have_count(1)
    chat.expect(chat.users.first).to_contain_text("a conversation from earlier today")
    chat.expect(chat.page.locator(".ccw-keeps")).to_have_text(
        "This chat is kept in this browser for a day after your last message. Clear it any time."
    )
    assert chat.session_id("localStorage") == "a" * 32
    assert not any(k.startswith("clinic-chat:session:") for k in chat.stored())


def test_nothing_is_kept_when_the_page_asks_for_none_and_the_line_says_so(chat):
    own_page(chat, 'data-storage="none"')
    chat.page.evaluate(OLD_CONVERSATION, "a conversation from earlier today")
    chat.page.reload()
    chat.page.get_by_role("button", name="Open chat").click()
    chat.expect(chat.page.locator(".ccw-keeps")).to_have_text(
        "This chat is not kept: it is gone when you leave or reload the page."
    )
    chat.expect(chat.log).not_to_contain_text("earlier today")
    chat.box.fill("my neck hurts")
    chat.box.press("Enter")
    chat.expect(chat.users.last).to_contain_text("my neck hurts")
    both = {**chat.stored(), **chat.stored("localStorage")}
    assert not any(k.startswith(("clinic-chat:session:", "clinic-chat:history:")) for k in both)
    assert "neck hurts" not in " ".join(both.values())
    chat.page.reload()
    chat.expect(chat.box).to_be_visible()  # it was open, it stays open ...
    chat.expect(chat.users).to_have_count(0)  # ... with nothing of the conversation


def test_clear_this_conversation_asks_first_then_starts_a_new_one(chat):
    """By keyboard only: the button, the confirm in the widget, Escape cancels, yes clears the
    screen and the storage, and a new session id makes a new conversation on the server."""
    page = chat.page
    chat.open()
    chat.say("my neck hurts, I'm Ada Quillington")
    first = chat.session_id()
    clear = page.get_by_role("button", name="Clear this conversation")
    confirm = page.get_by_role("alertdialog", name="Clear this conversation?")
    chat.expect(confirm).to_be_hidden()

    clear.focus()
    page.keyboard.press("Enter")
    chat.expect(confirm).to_be_visible()
    chat.expect(confirm.get_by_role("button", name="Cancel")).to_be_focused()
    assert chat.axe_problems() == []
    page.keyboard.press("Escape")  # no: nothing changes, and the chat stays open
    chat.expect(confirm).to_be_hidden()
    chat.expect(clear).to_be_focused()
    chat.expect(chat.log).to_contain_text("Quillington")
    assert chat.session_id() == first

    page.keyboard.press("Enter")
    page.keyboard.press("Shift+Tab")
    chat.expect(confirm.get_by_role("button", name="Yes, clear it")).to_be_focused()
    page.keyboard.press("Enter")
    chat.expect(confirm).to_be_hidden()
    chat.expect(chat.box).to_be_focused()
    chat.expect(chat.log.locator(".bot-message, .user-message")).to_have_count(0)
    for title in WELCOME:  # a new conversation: the welcome's paths again
        chat.expect(chat.log.get_by_role("button", name=title, exact=True)).to_be_visible()
    second = chat.session_id()
    assert second != first
    assert f"clinic-chat:history:{first}" not in chat.stored()
    assert "Quillington" not in " ".join(chat.stored().values())

    # the server sees a new conversation, and its replies reach this page
    chat.say("hello")
    chat.expect(chat.log).to_contain_text("What would you like to know?")
    chat.expect(chat.log).not_to_contain_text("Quillington")
    assert chat.said() == ["hello"]
    chat.expect(chat.status).to_have_text("")  # a new conversation, not a lost connection
    page.reload()
    chat.expect(chat.users).to_have_count(1)  # the new one is the one kept
    assert chat.session_id() == second


def test_a_new_conversation_offers_the_main_paths_as_buttons_to_tap(browser, assistant):
    context = browser.new_context(
        viewport={"width": 375, "height": 667}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(f"{assistant.web_url}/")
        chat = Chat(page, assistant)
        page.get_by_role("button", name="Open chat").tap()
        welcome = page.locator(".ccw-greeting").get_by_role("button")
        chat.expect(welcome).to_have_text(WELCOME)
        for button in welcome.all():
            box = button.bounding_box()
            assert box["height"] >= 44 and box["width"] >= 44, box  # a finger's tap target

        welcome.get_by_text("Check my headache", exact=True).tap()
        chat.expect(chat.users.last).to_have_text("You: Check my headache")
        chat.settle(0)
        assert chat.said() == ["/start_screening"]  # the payload, not the title
        intents = [
            e["parse_data"]["intent"]["name"]
            for e in assistant.tracker(chat.session_id())["events"]
            if e["event"] == "user"
        ]
        assert intents == ["start_screening"]
        chat.expect(chat.bots.last).to_contain_text("safety question")
        chat.expect(welcome.first).to_be_hidden()  # answered: they go, as quick replies do
        page.reload()
        chat.expect(chat.users).to_have_count(1)
        chat.expect(welcome.first).to_be_hidden()  # not a new conversation: no welcome
    finally:
        context.close()


def test_a_late_reply_of_a_cleared_conversation_does_not_come_back(chat):
    """Cleared while a reply is on its way: the reply belongs to the old conversation and must
    not show up in the new one (the widget takes a new socket: the old one stays in the old
    session's room on the server)."""
    chat.open()
    chat.say("hello")
    first = chat.session_id()
    chat.page.evaluate(
        """() => {
            const box = document.querySelector("#clinic-chat-input");
            box.value = "what are your opening hours";
            box.form.requestSubmit();
            document.querySelector(".ccw-clear").click();
            document.querySelector(".ccw-confirm-yes").click();
        }"""
    )
    chat.say("hello")  # the new conversation's replies arrive ...
    for _ in range(100):  # ... and by now the old one's answer has been sent too
        old = chat.assistant.tracker(first)["events"]
        if any("opening hours are" in (e.get("text") or "") for e in old if e["event"] == "bot"):
            break
        time.sleep(0.1)
    else:
        raise AssertionError("the server never answered the message sent before clearing")
    chat.say("thank you")  # a round trip after the old answer was sent
    chat.expect(chat.log).not_to_contain_text("opening hours")
    assert chat.said() == ["hello", "thank you"]


def test_with_local_storage_clearing_in_one_tab_clears_the_others_too(chat):
    """Tabs share localStorage: a tab left with the old conversation would write it back."""
    own_page(chat, 'data-storage="local"')
    chat.page.evaluate(OLD_CONVERSATION, "a conversation from earlier today")
    other = chat.page.context.new_page()
    own_page(chat, 'data-storage="local"', other)
    other.get_by_role("button", name="Open chat").click()
    other_log = other.get_by_role("log")
    chat.expect(other_log).to_contain_text("earlier today")

    chat.page.get_by_role("button", name="Open chat").click()
    chat.page.get_by_role("button", name="Clear this conversation").click()
    chat.page.get_by_role("button", name="Yes, clear it").click()
    chat.expect(chat.log).not_to_contain_text("earlier today")
    chat.expect(other_log).not_to_contain_text("earlier today")  # the other tab follows
    new = chat.session_id("localStorage")
    assert new != "a" * 32
    other.reload()
    chat.expect(other.locator(".ccw-greeting")).to_be_visible()
    chat.expect(other_log).not_to_contain_text("earlier today")
    assert chat.session_id("localStorage") == new
    assert "earlier today" not in " ".join(chat.stored("localStorage").values())
    other.close()


# --- issue 28: both loopback names, and an assistant that cannot be reached -------------------


def test_the_page_opened_at_127_0_0_1_talks_to_the_assistant(browser, assistant):
    """localhost and 127.0.0.1 are the same machine to a person, not to CORS: both are let in."""
    web = assistant.web_url.replace("//localhost:", "//127.0.0.1:")
    assert web != assistant.web_url
    with chat_at(browser, assistant, web) as chat:
        blocked: list[str] = []
        chat.page.on("console", lambda m: "CORS" in m.text and blocked.append(m.text))
        chat.open()
        chat.say("what are your opening hours")
        chat.expect(chat.log).to_contain_text("Our opening hours are")
        chat.expect(chat.users.last).not_to_contain_text("Not sent yet")
        assert chat.said() == ["what are your opening hours"]
        assert not blocked, blocked


def test_an_unreachable_assistant_says_so_with_the_clinics_phone_and_recovers(browser, assistant):
    """The widget pointed at a closed port: after a few failed tries it says it can't reach the
    assistant and gives clinic.yml's phone number as a link; what is typed meanwhile waits, and
    is answered once the server answers at that address."""
    port = free_port()
    rasa_port = int(assistant.rasa_url.rsplit(":", 1)[1])
    phone = load_clinic().phone
    with chat_at(browser, assistant, assistant.web_url, f"http://localhost:{port}") as chat:
        chat.open()
        chat.expect(chat.status).to_contain_text("Can't reach the assistant", timeout=20_000)
        chat.expect(chat.status).to_contain_text(f"call {phone}")
        call = chat.status.get_by_role("link", name=phone)
        chat.expect(call).to_have_attribute("href", "tel:" + re.sub(r"[^\d+]", "", phone))
        chat.page.screenshot(path=str(ARTIFACTS / "widget-unreachable.png"))
        assert chat.axe_problems() == []
        chat.box.fill("what are your opening hours")
        chat.box.press("Enter")
        chat.expect(chat.users.last).to_contain_text("Not sent yet")

        with Relay(port, rasa_port):
            chat.expect(chat.status).to_contain_text("Reconnected", timeout=20_000)  # 5 s apart
            chat.expect(chat.users.last).not_to_contain_text("Not sent yet")
            chat.settle(0)
            chat.expect(chat.log).to_contain_text("Our opening hours are")
            assert chat.said() == ["what are your opening hours"]


# --- issue 29: "Helpful" / "Not helpful" under each answer ----------------------------------------


def review_items(assistant: Any, text: str) -> list[dict[str, Any]]:
    """The review queue's open items (GET /api/review) whose text has `text` in it."""
    status, items = api(assistant, "/api/review?status=open&limit=500")
    assert status == 200, items
    return [item for item in items if text in item["text"]]


def test_each_answer_can_be_rated_and_not_helpful_reaches_the_review_queue(chat):
    question = "what are your opening hours"
    chat.open()
    chat.say(question)
    chat.expect(chat.log).to_contain_text("Our opening hours are")
    lines = chat.log.locator(":scope > .bot-message, :scope > .user-message")
    asked = False
    for index in range(lines.count()):
        line = lines.nth(index)
        if "user-message" in (line.get_attribute("class") or ""):
            asked = True
            continue
        for name in ("Helpful", "Not helpful"):
            button = line.get_by_role("button", name=name, exact=True)
            # every answer; a message before the person's first one answers nothing
            chat.expect(button).to_have_count(1 if asked else 0)
            if asked:
                chat.expect(button).to_have_attribute("aria-pressed", "false")
    assert asked

    hours = chat.log.locator(".bot-message", has_text="Our opening hours are").last
    helpful = hours.get_by_role("button", name="Helpful", exact=True)
    not_helpful = hours.get_by_role("button", name="Not helpful", exact=True)
    not_helpful.focus()
    chat.page.keyboard.press("Enter")
    chat.expect(not_helpful).to_have_attribute("aria-pressed", "true")
    chat.expect(not_helpful).to_be_focused()  # pressed, not moved away
    chat.expect(helpful).to_have_attribute("aria-disabled", "true")  # one choice per answer
    chat.expect(hours).to_contain_text("Thanks for your feedback.")
    assert chat.axe_problems() == []

    # the server took the person's message from the conversation, not from the page
    [user] = [
        e for e in chat.assistant.tracker(chat.session_id())["events"] if e["event"] == "user"
    ]
    intent = user["parse_data"]["intent"]["name"]
    for _ in range(100):
        queued = review_items(chat.assistant, question)
        if queued:
            break
        time.sleep(0.1)
    else:
        raise AssertionError("the rated question never reached the review queue")
    [item] = queued
    assert item["reason"] == "not_helpful"
    assert item["reading"]["intent"] == intent
    status, insights = api(chat.assistant, "/api/insights?days=1")
    assert status == 200, insights
    assert insights["feedback"][intent]["not_helpful"] == 1

    chat.page.reload()  # the choice is kept with the conversation
    chat.expect(not_helpful).to_have_attribute("aria-pressed", "true")
    chat.expect(hours).to_contain_text("Thanks for your feedback.")
