"""Telling the front desk that a new handoff is waiting: a Slack incoming webhook and/or an
e-mail. Both are off until configured.

Slack and e-mail sit outside the clinic's record system, so a notification carries no patient
data: only the kind of request, how urgent it is in words, the handoff id and the link to the
front-desk console, where staff sign in to see the rest. Sending never raises and never delays
the patient's reply (`notify_in_background`).
"""

from __future__ import annotations

import logging
import os
import smtplib
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage

import requests

import settings
from settings.values import FALSE_WORDS, TRUE_WORDS

log = logging.getLogger(__name__)

DEFAULT_PUBLIC_URL = "http://localhost:8080"
CONSOLE_PATH = "/frontdesk"
TIMEOUT_S = 10.0
KIND_WORDS = {"booking": "booking request", "human": "request to talk to someone"}
OUTCOME_WORDS = {
    "red_flag_emergency": "RED FLAG (emergency)",
    "red_flag_urgent": "RED FLAG (urgent: same day)",
    "consistent_with_cervicogenic": "neck pattern",
    "not_typical_cervicogenic": "not a typical neck pattern",
}


def urgency_words(triage_outcome: str | None, red_flags: list[str] | None) -> str:
    """How urgent the handoff is, in words; the flags themselves stay in the console."""
    words = OUTCOME_WORDS.get(triage_outcome or "")
    if red_flags and not (triage_outcome or "").startswith("red_flag"):
        return "RED FLAG"
    return words or "no screening result"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    user: str | None = None
    password: str | None = None
    starttls: bool = True

    def __repr__(self) -> str:  # the password stays out of logs
        return f"SmtpSettings(host={self.host!r}, port={self.port}, starttls={self.starttls})"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SmtpSettings | None:
        """From FRONTDESK_SMTP_* and FRONTDESK_EMAIL_*; None when FRONTDESK_SMTP_HOST is unset.
        Port 587 with STARTTLS unless said otherwise; 465 means TLS from the start."""
        host = settings.FRONTDESK_SMTP_HOST.read(env)
        if not host:
            return None
        sender = settings.FRONTDESK_EMAIL_FROM.read(env) or ""
        recipients = tuple(
            a.strip() for a in (settings.FRONTDESK_EMAIL_TO.read(env) or "").split(",") if a.strip()
        )
        given = {"FRONTDESK_EMAIL_FROM": sender, "FRONTDESK_EMAIL_TO": recipients}
        missing = [name for name, value in given.items() if not value]
        if missing:
            raise ValueError(f"FRONTDESK_SMTP_HOST is set but {', '.join(missing)} is not")
        raw_port = settings.FRONTDESK_SMTP_PORT.read(env)
        if not raw_port.isdigit() or not 0 < int(raw_port) < 65536:
            raise ValueError(f"FRONTDESK_SMTP_PORT must be a port number, not {raw_port!r}")
        port = int(raw_port)
        raw_tls = (settings.FRONTDESK_SMTP_STARTTLS.read(env) or "").lower()
        if raw_tls and raw_tls not in TRUE_WORDS + FALSE_WORDS:
            raise ValueError(f"FRONTDESK_SMTP_STARTTLS must be true or false, not {raw_tls!r}")
        starttls = raw_tls in TRUE_WORDS if raw_tls else port == 587
        return cls(
            host=host,
            port=port,
            sender=sender,
            recipients=recipients,
            user=settings.FRONTDESK_SMTP_USER.read(env),
            password=settings.FRONTDESK_SMTP_PASSWORD.read(env),
            starttls=starttls,
        )


class Notifier:
    def __init__(
        self,
        slack_webhook_url: str | None = None,
        smtp: SmtpSettings | None = None,
        public_url: str = DEFAULT_PUBLIC_URL,
        timeout: float = TIMEOUT_S,
    ) -> None:
        self.slack_webhook_url = slack_webhook_url or None
        self.smtp = smtp
        self.console_url = public_url.rstrip("/") + CONSOLE_PATH
        self.timeout = timeout

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Notifier:
        env = os.environ if env is None else env
        return cls(
            slack_webhook_url=(settings.FRONTDESK_SLACK_WEBHOOK_URL.read(env) or "").strip()
            or None,
            smtp=SmtpSettings.from_env(env),
            public_url=settings.FRONTDESK_PUBLIC_URL.read(env) or DEFAULT_PUBLIC_URL,
        )

    @property
    def channels(self) -> list[str]:
        return [
            name for name, on in (("slack", self.slack_webhook_url), ("email", self.smtp)) if on
        ]

    @property
    def enabled(self) -> bool:
        return bool(self.channels)

    def message(
        self,
        handoff_id: int | None,
        kind: str,
        triage_outcome: str | None,
        red_flags: list[str] | None,
    ) -> tuple[str, str]:
        """(subject, text): no name, phone, e-mail or words of the patient."""
        what = KIND_WORDS.get(kind, "handoff")
        urgency = urgency_words(triage_outcome, red_flags)
        number = f"#{handoff_id}" if handoff_id is not None else "(id to follow)"
        subject = f"New {what} {number}: {urgency}"
        lines = [f"A new {what} is waiting for the front desk.", f"Urgency: {urgency}."]
        if handoff_id is None:
            lines.append(
                "The database was busy, so it is held in the outbox and appears in the console "
                "as soon as it is written."
            )
        else:
            lines.append(f"Handoff id: {handoff_id}.")
        lines.append(f"Open the front-desk console: {self.console_url}")
        return subject, "\n".join(lines)

    def notify(
        self,
        handoff_id: int | None,
        kind: str,
        triage_outcome: str | None,
        red_flags: list[str] | None,
    ) -> list[str]:
        """Send on every configured channel; returns the channels that failed (logged, not
        raised: a notification must never break the conversation)."""
        subject, text = self.message(handoff_id, kind, triage_outcome, red_flags)
        failed = []
        for channel, send in (("slack", self._slack), ("email", self._email)):
            if channel not in self.channels:
                continue
            try:
                send(subject, text)
            except Exception as err:  # any failure at all is reported the same way
                log.warning(
                    "front-desk %s notification for handoff %s failed: %s",
                    channel,
                    handoff_id,
                    type(err).__name__,
                )
                failed.append(channel)
        return failed

    def notify_in_background(
        self,
        handoff_id: int | None,
        kind: str,
        triage_outcome: str | None,
        red_flags: list[str] | None,
    ) -> threading.Thread | None:
        """`notify` in a daemon thread, so the patient's reply is not kept waiting; None when
        nothing is configured."""
        if not self.enabled:
            return None
        thread = threading.Thread(
            target=self.notify,
            args=(handoff_id, kind, triage_outcome, list(red_flags or [])),
            name="frontdesk-notify",
            daemon=True,
        )
        thread.start()
        return thread

    def _slack(self, subject: str, text: str) -> None:
        response = requests.post(self.slack_webhook_url, json={"text": text}, timeout=self.timeout)
        if not 200 <= response.status_code < 300:
            raise RuntimeError(f"Slack answered HTTP {response.status_code}")

    def _email(self, subject: str, text: str) -> None:
        smtp = self.smtp
        assert smtp is not None
        mail = EmailMessage()
        mail["Subject"] = subject
        mail["From"] = smtp.sender
        mail["To"] = ", ".join(smtp.recipients)
        mail.set_content(text)
        connect = smtplib.SMTP_SSL if smtp.port == 465 else smtplib.SMTP
        with connect(smtp.host, smtp.port, timeout=self.timeout) as server:
            if smtp.starttls and connect is smtplib.SMTP:
                server.starttls()
            if smtp.user:
                server.login(smtp.user, smtp.password or "")
            server.send_message(mail)


def notify_in_background(
    handoff_id: int | None,
    kind: str,
    triage_outcome: str | None,
    red_flags: list[str] | None,
    notifier: Notifier | None = None,
) -> threading.Thread | None:
    """Tell the front desk (configured from the environment unless a notifier is given)."""
    notifier = notifier or Notifier.from_env()
    return notifier.notify_in_background(handoff_id, kind, triage_outcome, red_flags)
