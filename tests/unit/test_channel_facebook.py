"""Messenger: the handshake, app-secret signatures, quick replies and length limits, in-process
against the webhook and end to end against the running assistant with Meta's Graph API faked on
loopback."""

import hashlib
import hmac
import time
import uuid

import pytest

from channels.facebook import (
    ClinicFacebookInput,
    ClinicMessengerBot,
    GraphClient,
    quick_replies,
    text_messages,
)
from channels.signatures import hub_request_is_authentic, hub_signature
from channels.text import shorten, split_text
from tests.fakes.meta_api import FakeMetaApi
from tests.server.test_screening_server import START
from tests.webhooks import get, handler, post, request, settle, wait_turns

SECRET = "app-secret"
EMERGENCY_TEXT = "worst headache of my life came on in like 2 seconds flat"


def new_psid() -> str:
    return str(uuid.uuid4().int)[:16]


# --- signatures -------------------------------------------------------------------------------


def test_hub_signatures_sha256_and_sha1():
    body = b'{"object":"page"}'
    sha256 = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    sha1 = "sha1=" + hmac.new(SECRET.encode(), body, hashlib.sha1).hexdigest()
    assert hub_signature(SECRET, body) == sha256 and hub_signature(SECRET, body, "sha1") == sha1
    assert hub_request_is_authentic(SECRET, body, sha256, None)
    assert hub_request_is_authentic(SECRET, body, None, sha1)
    assert hub_request_is_authentic(SECRET, body, sha256, sha1)


def test_hub_signatures_refused():
    body = b'{"object":"page"}'
    good_sha1 = hub_signature(SECRET, body, "sha1")
    md5 = "md5=" + hmac.new(SECRET.encode(), body, hashlib.md5).hexdigest()
    assert not hub_request_is_authentic(SECRET, body, None, None)
    assert not hub_request_is_authentic(SECRET, body, hub_signature("other", body), None)
    assert not hub_request_is_authentic(SECRET, b"{}", hub_signature(SECRET, body), None)
    # a present sha256 header decides alone: a right sha1 beside a wrong sha256 is refused
    assert not hub_request_is_authentic(SECRET, body, "sha256=00", good_sha1)
    assert not hub_request_is_authentic(SECRET, body, None, md5)  # only sha256 and sha1
    assert not hub_request_is_authentic("", body, hub_signature("", body), None)


# --- limits -----------------------------------------------------------------------------------


def test_a_3000_character_text_is_split_at_sentences_under_2000():
    sentence = "Chin tucks help: sit tall, slide your chin straight back and hold it. "
    text = (sentence * 43).strip()
    assert len(text) > 2900
    parts = split_text(text, 2000)
    assert len(parts) == 2 and all(len(p) <= 2000 for p in parts)
    assert all(p.endswith(".") for p in parts)  # whole sentences
    assert " ".join(parts) == text


def test_paragraphs_stay_whole_when_they_fit_and_words_are_never_cut():
    first, second = "A" * 1500 + ".", "B" * 800 + "."
    assert split_text(f"{first}\n\n{second}", 2000) == [first, second]
    words = " ".join(["headache"] * 400)  # 3599 characters, no sentence end
    parts = split_text(words, 2000)
    assert all(len(p) <= 2000 for p in parts)
    assert all(set(p.split(" ")) == {"headache"} for p in parts)
    assert split_text("x" * 4500, 2000) == ["x" * 2000, "x" * 2000, "x" * 500]
    assert split_text("  short  ", 2000) == ["short"] and split_text(" ", 2000) == []


@pytest.mark.parametrize(
    "title, short",
    [
        ("No", "No"),
        ("In my neck or the back of my head", "In my neck…"),
        ("Behind my eyes or forehead", "Behind my eyes…"),
        ("Yes, I have one of those", "Yes, I have one…"),
        ("Supercalifragilisticexpialidocious", "Supercalifragilisti…"),
    ],
)
def test_titles_are_shortened_at_words(title, short):
    assert shorten(title, 20) == short and len(short) <= 20


def test_buttons_become_at_most_13_quick_replies_keeping_their_payload():
    buttons = [{"title": f"Answer number {i} is long", "payload": f"answer {i}"} for i in range(15)]
    buttons.append({"title": "Too long", "payload": "x" * 1001})
    replies = quick_replies(buttons)
    assert len(replies) == 13
    assert all(r["content_type"] == "text" and len(r["title"]) <= 20 for r in replies)
    assert [r["payload"] for r in replies] == [f"answer {i}" for i in range(13)]


def test_an_emergency_message_is_marked():
    assert text_messages("Call 999 now.", kind="emergency")[0]["text"].startswith(
        "\N{POLICE CARS REVOLVING LIGHT} "
    )
    assert text_messages("Call 999 now.") == [{"text": "Call 999 now."}]


# --- sending, against the fake API ------------------------------------------------------------


def graph_client(meta_api: FakeMetaApi, token: str | None = None) -> GraphClient:
    return GraphClient(token or meta_api.token, meta_api.url, meta_api.app_secret)


async def test_a_3000_character_reply_reaches_meta_in_parts_under_2000(meta_api):
    psid = new_psid()
    bot = ClinicMessengerBot(graph_client(meta_api))
    text = "\n\n".join(["Sit tall and slide your chin back. " * 22] * 4)
    assert len(text) > 3000
    buttons = [
        {
            "title": "In my neck or the back of my head",
            "payload": "In my neck or the back of my head",
        }
    ]
    await bot.send_text_with_buttons(psid, text, buttons)
    sent = meta_api.messages(psid)
    assert len(sent) == 2 and all(len(m["text"]) <= 2000 for m in sent)
    assert "quick_replies" not in sent[0]
    assert sent[1]["quick_replies"] == [
        {
            "content_type": "text",
            "title": "In my neck…",
            "payload": "In my neck or the back of my head",
        }
    ]
    posted = [
        r for r in meta_api.snapshot() if (r.body or {}).get("recipient", {}).get("id") == psid
    ]
    proof = hmac.new(meta_api.app_secret.encode(), meta_api.token.encode(), hashlib.sha256)
    assert all(r.query["appsecret_proof"] == proof.hexdigest() for r in posted)
    assert all(r.body["messaging_type"] == "RESPONSE" for r in posted)


async def test_a_refusal_by_meta_is_logged_not_raised(meta_api, caplog):
    psid = new_psid()
    bot = ClinicMessengerBot(graph_client(meta_api, token="wrong-token"))
    await bot.send_text_message(psid, "hello")
    assert meta_api.messages(psid) == []
    assert "code 190" in caplog.text


# --- the webhook, in-process ------------------------------------------------------------------


class MessengerHook:
    def __init__(self, channel: ClinicFacebookInput, fake: FakeMetaApi) -> None:
        self.channel, self.fake, self.received = channel, fake, []
        blueprint = channel.blueprint(self.on_new_message)
        self.webhook = handler(blueprint, "/webhook", "POST")
        self.verify = handler(blueprint, "/webhook", "GET")

    async def on_new_message(self, message) -> None:
        self.received.append(message)

    async def send(self, body: bytes, headers: dict | None = None, signed: bool = True):
        signature = self.fake.sign(body) if signed else {}
        answer = await self.webhook(request(body, signature | (headers or {})))
        await settle(self.channel)
        return answer


@pytest.fixture
def hook(meta_api):
    channel = ClinicFacebookInput(
        meta_api.verify_token, meta_api.app_secret, meta_api.token, meta_api.url
    )
    return MessengerHook(channel, meta_api)


async def test_without_secrets_the_webhook_answers_503(monkeypatch, meta_api):
    for name in ("FACEBOOK_VERIFY_TOKEN", "FACEBOOK_APP_SECRET", "FACEBOOK_PAGE_ACCESS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    hook = MessengerHook(ClinicFacebookInput.from_credentials({}), meta_api)
    body = meta_api.event_body(meta_api.text_event(new_psid(), "hello"))
    assert (await hook.send(body)).status == 503
    args = {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"}
    assert (await hook.verify(request(args=args))).status == 503
    assert hook.received == []


async def test_from_credentials_reads_the_environment(monkeypatch):
    monkeypatch.setenv("FACEBOOK_VERIFY_TOKEN", "v")
    monkeypatch.setenv("FACEBOOK_APP_SECRET", "s")
    monkeypatch.setenv("FACEBOOK_PAGE_ACCESS_TOKEN", "t")
    monkeypatch.delenv("FACEBOOK_GRAPH_URL", raising=False)
    channel = ClinicFacebookInput.from_credentials({"verify": "ignored"})
    assert channel.configured and (channel.fb_verify, channel.fb_secret) == ("v", "s")
    assert channel.client().graph_url == "https://graph.facebook.com/v18.0"


async def test_the_handshake_answers_only_the_right_verify_token(hook):
    right = {
        "hub.mode": "subscribe",
        "hub.verify_token": hook.fake.verify_token,
        "hub.challenge": "1158201444",
    }
    answer = await hook.verify(request(args=right))
    assert answer.status == 200 and answer.body == b"1158201444"
    for wrong in (right | {"hub.verify_token": "guess"}, right | {"hub.mode": "unsubscribe"}, {}):
        assert (await hook.verify(request(args=wrong))).status == 403


async def test_forged_or_unsigned_events_are_refused(hook):
    body = hook.fake.event_body(hook.fake.text_event(new_psid(), "hello"))
    forged = hook.fake.sign(body, secret="not-the-secret")
    assert (await hook.send(body, forged, signed=False)).status == 403
    assert (await hook.send(body, signed=False)).status == 403
    only_sha1 = {"X-Hub-Signature": hook.fake.sign(body)["X-Hub-Signature"]}
    assert (await hook.send(body, only_sha1, signed=False)).status == 200  # Rasa's header alone
    assert len(hook.received) == 1


async def test_every_event_of_a_batch_once_and_quick_replies_as_payload(hook):
    psid = new_psid()
    first = hook.fake.text_event(psid, "hello")
    reply = hook.fake.text_event(
        psid, "In my neck…", quick_reply="In my neck or the back of my head"
    )
    echo = hook.fake.text_event(psid, "a page message") | {
        "message": {"mid": "m_echo", "text": "x", "is_echo": True}
    }
    body = hook.fake.event_body(first, echo, reply)
    assert (await hook.send(body)).status == 200
    assert (await hook.send(body)).status == 200  # Meta redelivers: each message id once
    assert [(m.text, m.sender_id) for m in hook.received] == [
        ("hello", psid),
        ("In my neck or the back of my head", psid),
    ]
    assert {m.input_channel for m in hook.received} == {"facebook"}
    assert hook.fake.actions(psid)[:2] == ["mark_seen", "typing_on"]


async def test_two_replicas_hand_a_redelivered_batch_over_once(meta_api, redis_url, monkeypatch):
    monkeypatch.setenv("REDIS_URL", redis_url)
    one, other = (
        MessengerHook(
            ClinicFacebookInput(
                meta_api.verify_token, meta_api.app_secret, meta_api.token, meta_api.url
            ),
            meta_api,
        )
        for _ in range(2)
    )
    psid = new_psid()
    body = meta_api.event_body(meta_api.text_event(psid, "hello"))
    assert (await one.send(body)).status == 200
    assert (await other.send(body)).status == 200  # redelivered, to the other replica
    assert [m.text for m in one.received + other.received] == ["hello"]
    await one.channel.seen.close()
    await other.channel.seen.close()


# --- end to end: signed requests to the running assistant -------------------------------------


def fb_url(assistant) -> str:
    return f"{assistant.rasa_url}/webhooks/facebook/webhook"


def send_text(assistant, meta_api, psid: str, text: str, quick_reply: str | None = None):
    body = meta_api.event_body(meta_api.text_event(psid, text, quick_reply))
    headers = {"Content-Type": "application/json", **meta_api.sign(body)}
    return post(fb_url(assistant), body, headers)


@pytest.mark.server
def test_the_handshake_on_the_server(assistant, meta_api):
    query = f"hub.mode=subscribe&hub.verify_token={meta_api.verify_token}&hub.challenge=8731"
    assert get(f"{fb_url(assistant)}?{query}")[::2] == (200, "8731")
    assert (
        get(f"{fb_url(assistant)}?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1")[0] == 403
    )


@pytest.mark.server
def test_forged_events_to_the_server_are_refused_and_never_answered(assistant, meta_api):
    forged_psid = new_psid()
    body = meta_api.event_body(meta_api.text_event(forged_psid, "hello"))
    for headers in (meta_api.sign(body, secret="forged"), {}):
        status, _, _ = post(fb_url(assistant), body, {"Content-Type": "application/json"} | headers)
        assert status == 403
    psid = new_psid()
    assert send_text(assistant, meta_api, psid, "hello")[0] == 200
    wait_turns(assistant, psid, 1)
    assert meta_api.messages(psid)
    time.sleep(0.5)
    assert meta_api.messages(forged_psid) == [] and meta_api.actions(forged_psid) == []


@pytest.mark.server
def test_the_screening_question_comes_with_quick_replies(assistant, meta_api):
    psid = new_psid()
    send_text(assistant, meta_api, psid, START)
    tracker = wait_turns(assistant, psid, 1)
    assert tracker["slots"]["requested_slot"] == "red_flag_check"
    question = meta_api.messages(psid)[-1]
    replies = {r["payload"]: r["title"] for r in question["quick_replies"]}
    assert replies["No, none of those"] == "No, none of those"
    assert replies["Yes, I have one of those"] == "Yes, I have one…"
    # tapping one sends its payload: the screening goes on
    send_text(assistant, meta_api, psid, "No, none of…", quick_reply="No, none of those")
    tracker = wait_turns(assistant, psid, 2)
    assert tracker["slots"]["requested_slot"] not in (None, "red_flag_check")
    assert all(len(m["text"]) <= 2000 for m in meta_api.messages(psid))


@pytest.mark.server
def test_a_red_flag_over_messenger_gets_the_same_emergency_advice_as_rest(assistant, meta_api):
    psid = new_psid()
    send_text(assistant, meta_api, psid, EMERGENCY_TEXT)
    tracker = wait_turns(assistant, psid, 1)
    assert tracker["slots"]["triage_outcome"] == "red_flag_emergency"
    mark = "\N{POLICE CARS REVOLVING LIGHT} "
    alerts = [m["text"] for m in meta_api.messages(psid) if m["text"].startswith(mark)]
    assert len(alerts) == 1 and "999" in alerts[0]
    rest = [r.get("text") for r in assistant.say(f"rest-{psid}", EMERGENCY_TEXT)]
    assert alerts[0].removeprefix(mark) in rest


async def test_a_too_long_message_gets_a_short_answer_and_is_not_handed_over(hook, meta_api):
    """The size limit (channels/guard.py) applies to Messenger as to every channel."""
    psid = new_psid()
    await hook.send(meta_api.event_body(meta_api.text_event(psid, "my neck " * 3_000)))
    assert hook.received == []
    sent = meta_api.wait_for_messages(psid)
    text = " ".join(m.get("text") or "" for m in sent)
    assert "too long" in text and "999" in text
