"""Slack: signatures, retries, threads and Block Kit buttons, in-process against the webhook and
end to end against the running assistant with Slack's Web API faked on loopback."""

import time
import uuid
from itertools import count

import pytest

from channels.signatures import slack_request_is_authentic, slack_signature
from channels.slack import (
    ClinicSlackBot,
    ClinicSlackInput,
    button_blocks,
    mrkdwn,
    unescape,
)
from tests.fakes.slack_api import FakeSlackApi
from tests.server.test_screening_server import BUTTON_ANSWERS, START
from tests.webhooks import handler, post, request, settle, wait_turns

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
EMERGENCY_TEXT = "worst headache of my life came on in like 2 seconds flat"
_ts = count(1)


def new_id(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:10].upper()


def new_ts() -> str:
    return f"{int(time.time())}.{next(_ts):06d}"


def message_event(channel: str, text: str, **fields) -> dict:
    """A person's message as the Events API describes it (a DM unless said otherwise)."""
    event = {
        "type": "message",
        "channel_type": "im",
        "user": "U0PERSON",
        "text": text,
        "ts": new_ts(),
        "channel": channel,
        "client_msg_id": str(uuid.uuid4()),
    }
    return event | fields


def click_payload(channel: str, message: dict, value: str, title: str = "x") -> dict:
    """A block_actions payload: the person clicked the button with `value` on `message`."""
    return {
        "type": "block_actions",
        "user": {"id": "U0PERSON", "username": "person"},
        "channel": {"id": channel, "name": "directmessage"},
        "container": {"type": "message", "message_ts": message["ts"], "channel_id": channel},
        "trigger_id": uuid.uuid4().hex,
        "message": message,
        "actions": [
            {
                "type": "button",
                "action_id": "button_0",
                "block_id": "b1",
                "text": {"type": "plain_text", "text": title},
                "value": value,
                "action_ts": new_ts(),
            }
        ],
    }


# --- signatures -------------------------------------------------------------------------------


def test_slack_signature_matches_slacks_documented_example():
    # api.slack.com/authentication/verifying-requests-from-slack, the worked example
    body = (
        b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id="
        b"G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebh"
        b"ook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%"
        b"2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc"
        b"887a14d10d2c447fce8b6703c"
    )
    expected = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    assert slack_signature(SECRET, "1531420618", body) == expected
    assert slack_request_is_authentic(SECRET, "1531420618", expected, body, now=1531420618)


@pytest.mark.parametrize(
    "case, secret, stamp_offset, signature",
    [
        ("wrong secret", "another-secret", 0, None),
        ("five minutes and a second old", SECRET, -301, None),
        ("from the future", SECRET, 301, None),
        ("no signature", SECRET, 0, ""),
        ("a signature of another body", SECRET, 0, "other"),
    ],
)
def test_slack_signature_refuses(case, secret, stamp_offset, signature):
    now, body = 1_700_000_000, b'{"type":"event_callback"}'
    stamp = str(now + stamp_offset)
    if signature is None:
        signature = slack_signature(secret, stamp, body)
    elif signature == "other":
        signature = slack_signature(SECRET, stamp, b"{}")
    assert not slack_request_is_authentic(SECRET, stamp, signature, body, now=now), case


def test_slack_signature_refuses_odd_timestamps_and_an_empty_secret():
    body = b"{}"
    assert not slack_request_is_authentic(SECRET, None, "v0=00", body)
    assert not slack_request_is_authentic(SECRET, "1e9", slack_signature(SECRET, "1e9", body), body)
    stamp = str(int(time.time()))
    assert not slack_request_is_authentic("", stamp, slack_signature("", stamp, body), body)


# --- text and blocks --------------------------------------------------------------------------


def test_bot_text_is_escaped_for_mrkdwn_and_the_person_s_text_unescaped():
    assert mrkdwn("Go to A&E <now> > later") == "Go to A&amp;E &lt;now&gt; &gt; later"
    assert unescape("pain &lt;3 days &amp; &gt;2 weeks") == "pain <3 days & >2 weeks"


def test_an_emergency_is_marked_and_bold_line_by_line():
    text = mrkdwn("Call 999 now or go to A&E.\nDon't wait.", kind="emergency")
    assert text == ":rotating_light: *Call 999 now or go to A&amp;E.*\n*Don't wait.*"
    assert not mrkdwn("Call 999", kind="emergency", first=False).startswith(":rotating")


def test_buttons_become_block_kit_actions_25_to_a_block():
    buttons = [{"title": f"Answer {i} " + "long " * 20, "payload": f"/a{i}"} for i in range(30)]
    blocks = button_blocks("Which one?", buttons)
    assert blocks[0] == {"type": "section", "text": {"type": "mrkdwn", "text": "Which one?"}}
    assert [b["type"] for b in blocks[1:]] == ["actions", "actions"]
    elements = blocks[1]["elements"] + blocks[2]["elements"]
    assert [e["value"] for e in elements] == [f"/a{i}" for i in range(30)]
    assert all(len(e["text"]["text"]) <= 75 and e["type"] == "button" for e in elements)
    assert len({e["action_id"] for e in elements}) == 30


# --- the webhook, in-process ------------------------------------------------------------------


class SlackHook:
    """The channel's webhook served in-process; what it hands to Rasa is kept in `received`."""

    def __init__(self, channel: ClinicSlackInput, fake: FakeSlackApi) -> None:
        self.channel, self.fake, self.received = channel, fake, []
        blueprint = channel.blueprint(self.on_new_message)
        self.webhook = handler(blueprint, "/webhook", "POST")
        self.health = handler(blueprint, "/", "GET")

    async def on_new_message(self, message) -> None:
        self.received.append(message)

    async def send(self, body: bytes, headers=None, signed=True, form=False):
        kind = "application/x-www-form-urlencoded" if form else "application/json"
        headers = {"Content-Type": kind, **(self.fake.sign(body) if signed else {})} | (
            headers or {}
        )
        answer = await self.webhook(request(body, headers))
        await settle(self.channel)
        return answer

    async def event(self, event: dict, event_id: str | None = None, **kwargs):
        body = self.fake.event_body(event, event_id or new_id("Ev"))
        return await self.send(body, **kwargs)


@pytest.fixture
def hook(slack_api):
    channel = ClinicSlackInput(
        slack_token=slack_api.token,
        slack_channel=slack_api.front_desk_channel,
        slack_signing_secret=slack_api.signing_secret,
        api_url=slack_api.url,
    )
    return SlackHook(channel, slack_api)


async def test_without_secrets_the_webhook_answers_503(monkeypatch, slack_api):
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_CHANNEL", "SLACK_API_URL"):
        monkeypatch.delenv(name, raising=False)
    channel = ClinicSlackInput.from_credentials({})
    assert not channel.configured
    hook = SlackHook(channel, slack_api)
    answer = await hook.event(message_event("D1", "hello"))
    assert answer.status == 503 and b"SLACK_SIGNING_SECRET" in answer.body
    assert (await hook.health(request())).status == 503
    assert hook.received == []


async def test_from_credentials_reads_the_environment(monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s3cret")
    monkeypatch.setenv("SLACK_CHANNEL", "C0DESK")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
    channel = ClinicSlackInput.from_credentials({"slack_token": "ignored"})
    assert channel.configured and channel.slack_token == "xoxb-1"
    assert channel.slack_signing_secret == "s3cret" and channel.slack_channel == "C0DESK"
    assert channel.get_output_channel("C1").client.base_url == "http://127.0.0.1:9/api/"


async def test_forged_stale_and_unsigned_requests_are_refused(hook):
    body = hook.fake.event_body(message_event("D1", "hello"), "Ev1")
    stale = hook.fake.sign(body, timestamp=int(time.time()) - 6 * 60)
    forged = hook.fake.sign(body, secret="not-the-secret")
    for headers, signed in ((stale, True), (forged, True), ({}, False)):
        answer = await hook.send(body, headers=headers, signed=signed)
        assert answer.status == 401
    assert hook.received == []


async def test_slacks_url_verification_gets_the_challenge_back(hook):
    body = b'{"type": "url_verification", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", "token": "x"}'
    answer = await hook.send(body)
    assert answer.status == 200
    assert b'"challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"' in answer.body


@pytest.mark.parametrize("reason", ["http_timeout", "http_error", "unknown_error", ""])
async def test_a_retry_is_acknowledged_and_never_handed_over(hook, reason):
    headers = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": reason}
    answer = await hook.event(message_event("D1", "hello"), headers=headers)
    assert answer.status == 200 and answer.headers["X-Slack-No-Retry"] == "1"
    assert hook.received == []


async def test_one_message_is_handed_over_once(hook):
    event = message_event("D1", "hello")
    await hook.event(event, event_id="Ev1")
    await hook.event(event, event_id="Ev1")  # redelivered without the retry header
    mention = message_event("C1", "<@UBOT> hello", type="app_mention", channel_type="channel")
    await hook.event(mention)
    # in the bot's thread, one message with a mention comes as two events with two ids
    again = message_event(
        "C1", "<@UBOT> again", type="app_mention", channel_type="channel", thread_ts=mention["ts"]
    )
    await hook.event(again, event_id="Ev2")
    await hook.event(again | {"type": "message"}, event_id="Ev3")
    assert [m.text for m in hook.received] == ["hello", "hello", "again"]


async def test_a_direct_message_is_one_conversation_and_a_thread_another(hook):
    await hook.event(message_event("D1", "hello"))
    await hook.event(message_event("D1", "and again"))
    await hook.event(message_event("D1", "in a thread", thread_ts="1700000000.000001"))
    assert [m.sender_id for m in hook.received] == ["D1", "D1", "D1_1700000000.000001"]
    assert [m.output_channel.thread_id for m in hook.received] == [None, None, "1700000000.000001"]
    assert {m.input_channel for m in hook.received} == {"slack"}


async def test_a_mention_starts_a_thread_and_the_thread_needs_no_mention(hook):
    mention = message_event(
        "C1", "<@UBOT> check my headache", type="app_mention", channel_type="channel"
    )
    await hook.event(mention)
    thread = mention["ts"]
    await hook.event(message_event("C1", "no", channel_type="channel", thread_ts=thread))
    await hook.event(message_event("C1", "chat among staff", channel_type="channel"))
    other = message_event("C1", "another thread", channel_type="channel", thread_ts="1.000009")
    await hook.event(other)
    assert [m.text for m in hook.received] == ["check my headache", "no"]
    assert {m.sender_id for m in hook.received} == {f"C1_{thread}"}
    assert {m.output_channel.thread_id for m in hook.received} == {thread}


def replica(slack_api) -> SlackHook:
    return SlackHook(
        ClinicSlackInput(
            slack_token=slack_api.token,
            slack_channel=slack_api.front_desk_channel,
            slack_signing_secret=slack_api.signing_secret,
            api_url=slack_api.url,
        ),
        slack_api,
    )


async def test_two_replicas_answer_a_thread_and_a_message_once(slack_api, redis_url, monkeypatch):
    """The cluster: each delivery reaches whichever Rasa replica the balancer picks."""
    monkeypatch.setenv("REDIS_URL", redis_url)
    one, other = replica(slack_api), replica(slack_api)
    channel = f"C{uuid.uuid4().hex[:8]}"
    mention = message_event(
        channel, "<@UBOT> check my headache", type="app_mention", channel_type="channel"
    )
    await one.event(mention)
    await other.event(mention | {"type": "message"})  # the same message as a channel message
    reply = message_event(channel, "no", channel_type="channel", thread_ts=mention["ts"])
    await other.event(reply)  # the thread goes on at the other replica, without a mention
    assert [m.text for m in one.received] == ["check my headache"]
    assert [m.text for m in other.received] == ["no"]
    assert {m.sender_id for m in one.received + other.received} == {f"{channel}_{mention['ts']}"}
    await one.channel.seen.close()
    await one.channel.threads.close()
    await other.channel.seen.close()
    await other.channel.threads.close()


async def test_every_message_in_the_front_desk_channel_gets_its_own_thread(hook):
    desk = hook.fake.front_desk_channel
    first = message_event(desk, "caller with a headache", channel_type="channel")
    second = message_event(desk, "another caller", channel_type="channel")
    await hook.event(first)
    await hook.event(second)
    assert [m.sender_id for m in hook.received] == [
        f"{desk}_{first['ts']}",
        f"{desk}_{second['ts']}",
    ]


async def test_bots_edits_and_escaped_text(hook):
    await hook.event(message_event("D1", "a bot", bot_id="B1"))
    await hook.event(message_event("D1", "edited", subtype="message_changed"))
    await hook.event(message_event("D1", "pain &lt;3 days &amp; neck"))
    assert [m.text for m in hook.received] == ["pain <3 days & neck"]


async def test_a_button_click_comes_back_as_the_answer_once(hook, slack_api):
    channel = new_id("D")
    question = {
        "type": "message",
        "ts": new_ts(),
        "thread_ts": "1700000000.000002",
        "text": "Does your neck feel stiff?",
        "blocks": button_blocks("Does your neck feel stiff?", [{"title": "Yes", "payload": "Yes"}]),
    }
    body = FakeSlackApi.interaction_body(click_payload(channel, question, "Yes", "Yes"))
    answer = await hook.send(body, form=True)
    assert answer.status == 200
    again = FakeSlackApi.interaction_body(click_payload(channel, question, "No", "No"))
    await hook.send(again, form=True)
    forged = FakeSlackApi.interaction_body(click_payload(new_id("D"), question, "No", "No"))
    assert (await hook.send(forged, form=True, signed=False)).status == 401
    assert [(m.text, m.sender_id) for m in hook.received] == [
        ("Yes", f"{channel}_1700000000.000002")
    ]
    # the question now shows the answer instead of its buttons
    update = slack_api.wait_until(
        lambda: [c.body for c in slack_api.calls("chat.update") if c.body["channel"] == channel]
    )[0]
    assert update["ts"] == question["ts"]
    assert [b["type"] for b in update["blocks"]] == ["section", "context"]
    assert "Yes" in update["blocks"][1]["elements"][0]["text"]


# --- sending, against the fake API ------------------------------------------------------------


async def test_buttons_are_posted_as_blocks_in_the_thread(slack_api):
    channel = new_id("C")
    bot = ClinicSlackBot(slack_api.token, channel, "1700000000.000003", api_url=slack_api.url)
    buttons = [
        {"title": "Yes, it does", "payload": "Yes, it does"},
        {"title": "No", "payload": "No"},
    ]
    await bot.send_text_with_buttons(channel, "Does moving your neck bring it on?", buttons)
    await bot.send_text_message(channel, "Thanks & noted.")
    posts = slack_api.posts(channel)
    assert [p["thread_ts"] for p in posts] == ["1700000000.000003"] * 2
    assert posts[0]["blocks"][0]["text"]["text"] == "Does moving your neck bring it on?"
    actions = posts[0]["blocks"][1]
    assert [(e["text"]["text"], e["value"]) for e in actions["elements"]] == [
        ("Yes, it does", "Yes, it does"),
        ("No", "No"),
    ]
    assert posts[1]["text"] == "Thanks &amp; noted."
    sent = [c.body for c in slack_api.calls("chat.postMessage") if c.body["channel"] == channel]
    assert not any("as_user" in body for body in sent)


async def test_a_long_text_is_split_into_slack_sized_messages(slack_api):
    channel = new_id("D")
    bot = ClinicSlackBot(slack_api.token, channel, api_url=slack_api.url)
    sentence = "Sit tall and slide your chin straight back, then hold it for five seconds. "
    text = sentence * 100  # 7500 characters
    await bot.send_text_with_buttons(channel, text, [{"title": "OK", "payload": "/affirm"}])
    posts = slack_api.posts(channel)
    assert len(posts) == 3 and all(len(p["text"]) <= 3000 for p in posts)
    assert " ".join(p["text"] for p in posts) == text.strip()
    assert "blocks" not in posts[0] and posts[-1]["blocks"][-1]["type"] == "actions"


# --- end to end: signed requests to the running assistant -------------------------------------


def slack_url(assistant) -> str:
    return f"{assistant.rasa_url}/webhooks/slack/webhook"


def send_event(assistant, slack_api, event: dict, event_id: str | None = None, **headers):
    body = slack_api.event_body(event, event_id or new_id("Ev"))
    signed = {"Content-Type": "application/json", **slack_api.sign(body), **headers}
    return post(slack_url(assistant), body, signed)


def click(assistant, slack_api, channel: str, question: dict, value: str):
    payload = click_payload(channel, question, value, value)
    body = FakeSlackApi.interaction_body(payload)
    headers = {"Content-Type": "application/x-www-form-urlencoded", **slack_api.sign(body)}
    return post(slack_url(assistant), body, headers)


def buttons_of(message: dict) -> dict[str, dict]:
    return {
        e["value"]: e
        for block in message.get("blocks") or []
        if block["type"] == "actions"
        for e in block["elements"]
    }


@pytest.mark.server
def test_forged_requests_to_the_server_are_refused_and_never_answered(assistant, slack_api):
    forged_channel = new_id("D")
    body = slack_api.event_body(message_event(forged_channel, "hello"), new_id("Ev"))
    stale = slack_api.sign(body, timestamp=int(time.time()) - 6 * 60)
    for headers in (stale, slack_api.sign(body, secret="forged"), {}):
        status, _, _ = post(
            slack_url(assistant), body, {"Content-Type": "application/json"} | headers
        )
        assert status == 401
    # a genuine message sent after them is answered; the forged ones never are
    channel = new_id("D")
    assert send_event(assistant, slack_api, message_event(channel, "hello"))[0] == 200
    wait_turns(assistant, channel, 1)
    assert slack_api.posts(channel)
    time.sleep(0.5)
    assert slack_api.posts(forged_channel) == []


@pytest.mark.server
def test_retries_and_duplicates_never_get_a_second_reply(assistant, slack_api):
    channel = new_id("D")
    event, event_id = message_event(channel, "hello"), new_id("Ev")
    assert send_event(assistant, slack_api, event, event_id)[0] == 200
    wait_turns(assistant, channel, 1)
    replies = len(slack_api.posts(channel))
    assert replies >= 1
    for reason in ("http_timeout", "http_error"):
        status, headers, _ = send_event(
            assistant,
            slack_api,
            event,
            event_id,
            **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": reason},
        )
        assert status == 200 and headers.get("X-Slack-No-Retry") == "1"
    assert send_event(assistant, slack_api, event, event_id)[0] == 200  # no header this time
    time.sleep(2)
    assert len(slack_api.posts(channel)) == replies
    said = [e for e in assistant.tracker(channel)["events"] if e["event"] == "user"]
    assert len(said) == 1


@pytest.mark.server
def test_a_red_flag_over_slack_gets_the_same_emergency_advice_as_rest(assistant, slack_api):
    channel = new_id("D")
    send_event(assistant, slack_api, message_event(channel, EMERGENCY_TEXT))
    tracker = wait_turns(assistant, channel, 1)
    assert tracker["slots"]["triage_outcome"] == "red_flag_emergency"
    alerts = [
        p["text"] for p in slack_api.posts(channel) if p["text"].startswith(":rotating_light:")
    ]
    assert len(alerts) == 1 and "999" in alerts[0]
    plain = unescape(alerts[0].removeprefix(":rotating_light: ").replace("*", ""))
    rest = [r.get("text") for r in assistant.say(new_id("rest-"), EMERGENCY_TEXT)]
    assert plain in rest


@pytest.mark.server
def test_a_direct_message_starts_the_screening_with_block_kit_buttons(assistant, slack_api):
    channel = new_id("D")
    send_event(assistant, slack_api, message_event(channel, "check my headache"))
    tracker = wait_turns(assistant, channel, 1)
    assert tracker["slots"]["requested_slot"] == "red_flag_check"
    question = slack_api.posts(channel)[-1]
    assert "thread_ts" not in question  # a direct message is answered in its main view
    assert question["blocks"][0]["type"] == "section"
    assert "No, none of those" in buttons_of(question)
    # typed answers work as well as clicks
    send_event(assistant, slack_api, message_event(channel, "no, none of those"))
    tracker = wait_turns(assistant, channel, 2)
    assert tracker["slots"]["requested_slot"] not in (None, "red_flag_check")


@pytest.mark.server
def test_front_desk_runs_a_screening_in_a_thread_to_its_outcome(assistant, slack_api):
    desk = slack_api.front_desk_channel
    opening = message_event(desk, START, channel_type="channel", user="U0STAFF")
    send_event(assistant, slack_api, opening)
    thread = opening["ts"]
    sender = f"{desk}_{thread}"
    turns = 1
    asked = []
    tracker = wait_turns(assistant, sender, turns)
    while (slot := tracker["slots"]["requested_slot"]) and len(asked) < 12:
        asked.append(slot)
        posts = [p for p in slack_api.posts(desk) if p.get("thread_ts") == thread]
        question = [p for p in posts if buttons_of(p)][-1]
        assert BUTTON_ANSWERS[slot] in buttons_of(question), (slot, buttons_of(question))
        assert click(assistant, slack_api, desk, question, BUTTON_ANSWERS[slot])[0] == 200
        turns += 1
        tracker = wait_turns(assistant, sender, turns)
    assert asked == list(BUTTON_ANSWERS)
    assert tracker["slots"]["triage_outcome"] == "consistent_with_cervicogenic"
    thread_posts = [p for p in slack_api.posts(desk) if p.get("thread_ts") == thread]
    assert [p for p in slack_api.posts(desk) if p.get("thread_ts") != thread] == []
    assert any("not a diagnosis" in p["text"] for p in thread_posts)
    # each answered question shows its answer in place of its buttons
    questions = {p["ts"] for p in thread_posts}

    def answered_questions() -> set[str]:
        return {c.body["ts"] for c in slack_api.calls("chat.update")} & questions

    assert slack_api.wait_until(lambda: len(answered_questions()) == len(asked), timeout=10)


@pytest.mark.server
def test_a_mention_is_answered_in_its_thread_and_the_thread_goes_on(assistant, slack_api):
    channel = new_id("C")
    mention = message_event(channel, "<@UBOT> hello", type="app_mention", channel_type="channel")
    send_event(assistant, slack_api, mention)
    sender = f"{channel}_{mention['ts']}"
    wait_turns(assistant, sender, 1)
    follow_up = message_event(
        channel, "why do I get headaches?", channel_type="channel", thread_ts=mention["ts"]
    )
    send_event(assistant, slack_api, follow_up)
    wait_turns(assistant, sender, 2)
    posts = slack_api.posts(channel)
    assert len(posts) >= 2 and {p.get("thread_ts") for p in posts} == {mention["ts"]}


async def test_a_too_long_message_gets_a_short_answer_and_is_not_handed_over(hook, slack_api):
    """The size limit (channels/guard.py) applies to Slack as to every channel."""
    await hook.event(message_event("D7", "my neck " * 3_000))
    assert hook.received == []
    posts = slack_api.wait_for_posts("D7")
    assert "too long" in posts[-1]["text"] and "999" in posts[-1]["text"]
