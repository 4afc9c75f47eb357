"""Front-desk notifications: off by default, Slack and e-mail delivered to local receivers,
failures reported rather than raised, and nothing about the patient in the message."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from handoff_delivery.notify import Notifier, SmtpSettings, notify_in_background
from headache_core.handoff.model import Contact, HandoffRecord
from tests.private_services import free_port

PUBLIC_URL = "https://clinic.example/"
RECORD = HandoffRecord(
    ref="red_flag:conv-9",
    kind="human",
    conversation_id="conv-9",
    triage_outcome="red_flag_emergency",
    red_flags=["thunderclap headache"],
    summary="Sudden worst headache of her life an hour ago.",
    contact=Contact(name="Wilhelmina Fotheringay", phone="+447911123456", email="wf@example.org"),
    note="Please ring my daughter",
)
PRIVATE = (
    "Wilhelmina",
    "Fotheringay",
    "7911",
    "wf@example.org",
    "thunderclap",
    "worst headache",
    "daughter",
    "conv-9",
)


class SlackReceiver:
    """A stand-in for a Slack incoming webhook: keeps what is posted, answers `status`."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.posts: list[dict] = []
        self.received = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.posts.append(
                    {"type": self.headers["Content-Type"], "json": json.loads(body)}
                )
                # before answering: once the sender has its answer, the post is on record
                receiver.received.set()
                self.send_response(receiver.status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/services/T000/B000/XXXX"
        kwargs = {"poll_interval": 0.02}
        threading.Thread(target=self.server.serve_forever, kwargs=kwargs, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def slack() -> Iterator[SlackReceiver]:
    receiver = SlackReceiver()
    yield receiver
    receiver.close()


class Inbox:
    def __init__(self) -> None:
        self.messages: list[dict] = []
        self.logins: list[tuple[bytes, bytes]] = []
        self.received = threading.Event()

    def check_login(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        """Accepts desk / s3cret only."""
        self.logins.append((auth_data.login, auth_data.password))
        good = isinstance(auth_data, LoginPassword) and auth_data == (b"desk", b"s3cret")
        return AuthResult(success=good, handled=False)

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(
            {
                "from": envelope.mail_from,
                "to": list(envelope.rcpt_tos),
                "mail": message_from_bytes(envelope.original_content),
            }
        )
        self.received.set()
        return "250 OK"


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        authenticator=handler.check_login,
        auth_require_tls=False,
    )
    controller.start()
    yield handler, port
    controller.stop()


def smtp_settings(port: int, **changes) -> SmtpSettings:
    settings = {
        "host": "127.0.0.1",
        "port": port,
        "sender": "assistant@clinic.example",
        "recipients": ("desk@clinic.example", "manager@clinic.example"),
        "starttls": False,
    }
    return SmtpSettings(**{**settings, **changes})


def send_about(notifier: Notifier, record: HandoffRecord = RECORD, handoff_id: int | None = 42):
    return notifier.notify(handoff_id, record.kind, record.triage_outcome, record.red_flags)


# --- configuration --------------------------------------------------------------------------


def test_off_by_default() -> None:
    notifier = Notifier.from_env({})
    assert not notifier.enabled and notifier.channels == []
    assert send_about(notifier) == []
    assert notifier.notify_in_background(1, "booking", None, []) is None


def test_configured_from_env() -> None:
    notifier = Notifier.from_env(
        {
            "FRONTDESK_SLACK_WEBHOOK_URL": "https://hooks.slack.example/T/B/X",
            "FRONTDESK_SMTP_HOST": "smtp.example.org",
            "FRONTDESK_SMTP_USER": "desk",
            "FRONTDESK_SMTP_PASSWORD": "s3cret",
            "FRONTDESK_EMAIL_FROM": "assistant@example.org",
            "FRONTDESK_EMAIL_TO": "desk@example.org, manager@example.org",
            "FRONTDESK_PUBLIC_URL": "https://clinic.example",
        }
    )
    assert notifier.channels == ["slack", "email"]
    assert notifier.console_url == "https://clinic.example/frontdesk"
    smtp = notifier.smtp
    assert (smtp.port, smtp.starttls, smtp.user) == (587, True, "desk")
    assert smtp.recipients == ("desk@example.org", "manager@example.org")
    assert "s3cret" not in repr(smtp)
    assert Notifier.from_env({}).console_url == "http://localhost:8080/frontdesk"


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"FRONTDESK_EMAIL_TO": "d@example.org"}, "FRONTDESK_EMAIL_FROM"),
        ({"FRONTDESK_EMAIL_FROM": "a@example.org"}, "FRONTDESK_EMAIL_TO"),
        ({"FRONTDESK_SMTP_PORT": "smtp"}, "FRONTDESK_SMTP_PORT"),
        ({"FRONTDESK_SMTP_STARTTLS": "maybe"}, "FRONTDESK_SMTP_STARTTLS"),
    ],
)
def test_incomplete_email_settings_are_named(env: dict, problem: str) -> None:
    full = {
        "FRONTDESK_SMTP_HOST": "smtp.example.org",
        "FRONTDESK_EMAIL_FROM": "a@example.org",
        "FRONTDESK_EMAIL_TO": "d@example.org",
    }
    settings = {**full, **env}
    if problem in ("FRONTDESK_EMAIL_FROM", "FRONTDESK_EMAIL_TO"):
        settings.pop(problem)
    with pytest.raises(ValueError, match=problem):
        Notifier.from_env(settings)


def test_starttls_follows_the_port_unless_set() -> None:
    base = {
        "FRONTDESK_SMTP_HOST": "smtp.example.org",
        "FRONTDESK_EMAIL_FROM": "a@example.org",
        "FRONTDESK_EMAIL_TO": "d@example.org",
    }
    assert not Notifier.from_env({**base, "FRONTDESK_SMTP_PORT": "25"}).smtp.starttls
    on_25 = {**base, "FRONTDESK_SMTP_PORT": "25", "FRONTDESK_SMTP_STARTTLS": "true"}
    assert Notifier.from_env(on_25).smtp.starttls


# --- the message ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "flags", "words"),
    [
        ("red_flag_emergency", ["thunderclap headache"], "RED FLAG (emergency)"),
        ("red_flag_urgent", ["new headache after 50"], "RED FLAG (urgent: same day)"),
        ("consistent_with_cervicogenic", [], "neck pattern"),
        ("not_typical_cervicogenic", [], "not a typical neck pattern"),
        (None, ["numbness"], "RED FLAG"),
        (None, [], "no screening result"),
    ],
)
def test_the_message_says_how_urgent_in_words(outcome: str | None, flags: list, words: str) -> None:
    subject, text = Notifier(public_url=PUBLIC_URL).message(7, "booking", outcome, flags)
    assert words in subject and f"Urgency: {words}." in text
    assert "#7" in subject and "Handoff id: 7." in text
    assert "https://clinic.example/frontdesk" in text
    for flag in flags:
        assert flag not in subject + text


def test_a_handoff_still_in_the_outbox_has_no_id_yet() -> None:
    subject, text = Notifier().message(None, "human", None, [])
    assert "request to talk to someone" in subject and "outbox" in text


# --- Slack --------------------------------------------------------------------------------


def test_slack_gets_a_text_message_without_patient_data(slack: SlackReceiver) -> None:
    notifier = Notifier(slack_webhook_url=slack.url, public_url=PUBLIC_URL)
    assert send_about(notifier) == []
    (post,) = slack.posts
    assert post["type"] == "application/json"
    assert set(post["json"]) == {"text"}
    text = post["json"]["text"]
    assert "RED FLAG (emergency)" in text and "42" in text
    assert "https://clinic.example/frontdesk" in text
    for private in PRIVATE:
        assert private not in text


def test_a_failing_slack_is_reported_not_raised(slack: SlackReceiver) -> None:
    slack.status = 500
    assert send_about(Notifier(slack_webhook_url=slack.url)) == ["slack"]


def test_an_unreachable_slack_is_reported_not_raised() -> None:
    notifier = Notifier(slack_webhook_url=f"http://127.0.0.1:{free_port()}/hook", timeout=2)
    assert send_about(notifier) == ["slack"]


def test_notify_in_background_does_not_wait(slack: SlackReceiver) -> None:
    notifier = Notifier(slack_webhook_url=slack.url)
    thread = notify_in_background(5, "booking", None, [], notifier=notifier)
    assert thread is not None and thread.daemon
    assert slack.received.wait(timeout=5) and "5" in slack.posts[0]["json"]["text"]
    thread.join(timeout=5)


# --- e-mail -------------------------------------------------------------------------------


def test_email_reaches_the_front_desk_without_patient_data(inbox: tuple[Inbox, int]) -> None:
    handler, port = inbox
    notifier = Notifier(smtp=smtp_settings(port), public_url=PUBLIC_URL)
    assert send_about(notifier) == []
    (message,) = handler.messages
    assert message["from"] == "assistant@clinic.example"
    assert message["to"] == ["desk@clinic.example", "manager@clinic.example"]
    mail = message["mail"]
    assert mail["Subject"] == "New request to talk to someone #42: RED FLAG (emergency)"
    body = mail.get_payload(decode=True).decode()
    assert "Handoff id: 42." in body and "https://clinic.example/frontdesk" in body
    for private in PRIVATE:
        assert private not in body and private not in mail["Subject"]


def test_email_logs_in_when_a_user_is_set(inbox: tuple[Inbox, int]) -> None:
    handler, port = inbox
    notifier = Notifier(smtp=smtp_settings(port, user="desk", password="s3cret"))
    assert send_about(notifier) == []
    assert handler.logins == [(b"desk", b"s3cret")] and len(handler.messages) == 1


def test_a_refused_login_is_reported_not_raised(inbox: tuple[Inbox, int]) -> None:
    handler, port = inbox
    notifier = Notifier(smtp=smtp_settings(port, user="desk", password="wrong"))
    assert send_about(notifier) == ["email"]
    assert (
        set(handler.logins) == {(b"desk", b"wrong")} and handler.messages == []
    )  # smtplib tries two mechanisms


def test_an_unreachable_mail_server_is_reported_not_raised() -> None:
    notifier = Notifier(smtp=smtp_settings(free_port()), timeout=2)
    assert send_about(notifier) == ["email"]


def test_both_channels_and_only_the_failing_one_reported(
    slack: SlackReceiver, inbox: tuple[Inbox, int]
) -> None:
    handler, port = inbox
    slack.status = 404
    notifier = Notifier(slack_webhook_url=slack.url, smtp=smtp_settings(port))
    assert send_about(notifier) == ["slack"]
    assert len(handler.messages) == 1
