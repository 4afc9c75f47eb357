""" "Forget me" and retention (issue 7) without the running server: Rasa's own tracker store
class (ours) and the handoff store on SQLite and PostgreSQL, the actions with rasa_sdk's classes.
The same over REST against the running assistant: tests/server/test_privacy_server.py."""

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecutionRejected, ActiveLoop
from rasa_sdk.events import SlotSet as SdkSlotSet

import actions.handoff_records as records
from actions.handoff import ASK_ACTIONS as HANDOFF_ASKS
from actions.handoff import ValidateHandoffForm
from actions.human_handoff import ValidateHumanHandoffForm
from actions.privacy import ActionConfirmForgetMe, ActionForgetMe, ActionKeepConversation
from actions.screening import ValidateScreeningForm
from handoff_delivery.store import HandoffStore
from headache_core.handoff.model import Contact, HandoffRecord
from headache_core.retention import DEFAULT_RETENTION_DAYS, retention_days
from stores.conversations import delete_older_than, make_engine
from stores.retention import run_retention
from stores.tracker_store import ClinicTrackerStore
from tests.conftest import ROOT
from tests.services.test_handoff_store import Clock, PostgresServer, postgres_server  # noqa: F401

DOMAIN_DICT = yaml.safe_load((ROOT / "domain.yml").read_text())
DOMAIN = Domain.from_dict(DOMAIN_DICT)
DAY = 86400.0


# ---------------------------------------------------------------------------- the databases
@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database for both stores: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'privacy.sqlite3'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    schema = server.new_schema()
    url = server.url.set(query={"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        server.drop_schema(schema)


@pytest.fixture
def tracker_store(db_url: str) -> Iterator[ClinicTrackerStore]:
    store = ClinicTrackerStore(domain=DOMAIN, host=db_url)
    yield store
    store.engine.dispose()


def rows(store: ClinicTrackerStore, sender: str) -> int:
    with store.engine.connect() as connection:
        return connection.execute(
            sa.text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}
        ).scalar_one()


def turn(text: str, at: float, reply: str = "ok") -> list:
    """One user message and the assistant's reply, at `at` (epoch seconds)."""
    return [
        ActionExecuted("action_listen", timestamp=at),
        UserUttered(text, {"name": "greet", "confidence": 1.0}, timestamp=at),
        BotUttered(reply, timestamp=at + 0.1),
        ActionExecuted("action_listen", timestamp=at + 0.2),
    ]


def session(at: float) -> list:
    return [ActionExecuted("action_session_start", timestamp=at), SessionStarted(timestamp=at)]


async def save_conversation(store: ClinicTrackerStore, sender: str, *events_lists: list) -> None:
    tracker = DialogueStateTracker.from_events(sender, [e for es in events_lists for e in es])
    await store.save(tracker)


# ---------------------------------------------------------------------------- forget me: store
async def test_forget_me_deletes_every_event_of_the_sender_in_all_sessions(tracker_store):
    now = time.time()
    await save_conversation(
        tracker_store, "forget-1", session(now - 7200), turn("Priya Shah", now - 7190),
        session(now - 60), turn("delete my data", now - 50)
    )  # fmt: skip
    await save_conversation(tracker_store, "someone-else", session(now), turn("hello", now))
    assert rows(tracker_store, "forget-1") > 8

    # the turn as Rasa has it in memory: the latest session, then "yes" and the forget action
    tracker = await tracker_store.retrieve("forget-1")
    for event in [
        UserUttered("yes", {"name": "affirm", "confidence": 1.0}),
        ActionExecuted("action_forget_me"),
        BotUttered("Done. I've deleted this chat"),
        SlotSet("requested_slot", None),
        SlotSet("conversation_forgotten", True),
        ActionExecuted("action_listen"),
    ]:
        tracker.update(event)
    await tracker_store.save(tracker)

    assert rows(tracker_store, "forget-1") == 0  # both sessions, the forget turn never written
    assert await tracker_store.retrieve_full_tracker("forget-1") is None
    assert rows(tracker_store, "someone-else") == 6  # nobody else's conversation

    # the next message is a new conversation, saved as usual
    await save_conversation(tracker_store, "forget-1", session(now + 5), turn("hi", now + 5))
    assert rows(tracker_store, "forget-1") == 6


async def test_a_forget_action_that_deleted_nothing_keeps_the_conversation(tracker_store):
    # "hmm not sure" to "delete?": the action ran, said so, and set no conversation_forgotten
    now = time.time()
    await save_conversation(tracker_store, "unsure-1", session(now), turn("delete my data", now))
    tracker = await tracker_store.retrieve("unsure-1")
    for event in [
        UserUttered("hmm not sure", {"name": "affirm", "confidence": 0.58}),
        ActionExecuted("action_forget_me"),
        BotUttered("I haven't deleted anything"),
        ActionExecuted("action_listen"),
    ]:
        tracker.update(event)
    await tracker_store.save(tracker)
    assert rows(tracker_store, "unsure-1") == 6 + 4


async def test_deleting_rows_before_rasa_saves_would_bring_them_back(tracker_store):
    """Why the deletion lives in the store's save: deleted from outside (as an action server
    could), Rasa's save of the in-memory tracker writes the whole conversation back."""
    now = time.time()
    await save_conversation(tracker_store, "trap-1", session(now), turn("Sam", now))
    tracker = await tracker_store.retrieve("trap-1")
    with tracker_store.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM events WHERE sender_id = 'trap-1'"))
    tracker.update(ActionExecuted("action_keep_conversation"))
    await tracker_store.save(tracker)
    assert rows(tracker_store, "trap-1") == 7  # all back


async def test_an_ordinary_turn_is_saved_as_rasa_saves_it(tracker_store):
    now = time.time()
    await save_conversation(tracker_store, "keep-1", session(now), turn("hi", now))
    tracker = await tracker_store.retrieve("keep-1")
    tracker.update(UserUttered("no", {"name": "deny", "confidence": 1.0}))
    tracker.update(ActionExecuted("action_keep_conversation"))
    await tracker_store.save(tracker)
    assert rows(tracker_store, "keep-1") == 8


# ---------------------------------------------------------------------------- retention
def handoff(conversation_id: str) -> HandoffRecord:
    return HandoffRecord(
        ref=f"booking:{uuid.uuid4()}",
        kind="booking",
        conversation_id=conversation_id,
        contact=Contact(name="Old Patient", phone="+447700900001"),
    )


async def test_retention_deletes_old_conversations_whole_and_keeps_recent_ones(tracker_store):
    now = time.time()
    await save_conversation(
        tracker_store, "old", session(now - 100 * DAY), turn("a", now - 99 * DAY)
    )
    # started long ago, still in use: kept whole
    await save_conversation(
        tracker_store, "ongoing", session(now - 200 * DAY), turn("b", now - 200 * DAY),
        session(now - DAY), turn("c", now - DAY)
    )  # fmt: skip
    await save_conversation(tracker_store, "new", session(now), turn("d", now))

    assert delete_older_than(tracker_store.engine, 90, now=now) == (1, 6)
    assert rows(tracker_store, "old") == 0
    assert rows(tracker_store, "ongoing") == 12 and rows(tracker_store, "new") == 6
    assert delete_older_than(tracker_store.engine, 90, now=now) == (0, 0)
    assert delete_older_than(tracker_store.engine, 0, now=now + 1) == (2, 18)


def test_retention_on_an_empty_database_does_nothing(db_url):
    assert delete_older_than(make_engine(db_url), 90) == (0, 0)  # no events table yet


async def test_the_retention_job_deletes_both_kinds_and_prints_only_counts(
    tracker_store, db_url, tmp_path
):
    now = time.time()
    await save_conversation(tracker_store, "old-sender-x", session(now - 40 * DAY), turn("Ann", now - 40 * DAY))  # fmt: skip
    await save_conversation(tracker_store, "new-sender-y", session(now), turn("Bob", now))
    clock = Clock(datetime.now(timezone.utc) - timedelta(days=31))  # created in the past
    handoffs = HandoffStore(db_url, outbox_dir=tmp_path / "outbox", clock=clock)
    handoffs.migrate()
    handoffs.save(handoff("old-sender-x"))
    clock.now += timedelta(days=2)  # 29 days ago: kept
    handoffs.save(handoff("new-sender-y"))

    # the command as the CronJob runs it, URLs from the environment
    env = dict(os.environ, TRACKER_STORE_URL=db_url, DATABASE_URL=db_url, RETENTION_DAYS="30")
    done = subprocess.run(
        [sys.executable, "-m", "stores.retention"], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "retention 30 days: deleted 1 conversations (6 events), 1 handoffs, 0 insight rows "
        "and 0 review items"
    )
    assert [h.conversation_id for h in handoffs.list()] == ["new-sender-y"]
    assert "sender" not in done.stdout + done.stderr and "Ann" not in done.stdout + done.stderr
    assert rows(tracker_store, "old-sender-x") == 0 and rows(tracker_store, "new-sender-y") == 6
    handoffs.close()


def test_run_retention_takes_days_from_the_argument_or_the_setting(db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("HANDOFF_OUTBOX", str(tmp_path / "outbox"))
    HandoffStore(db_url).migrate()
    result = run_retention(tracker_url=db_url, handoff_url=db_url)
    assert (result.days, result.conversations, result.handoffs) == (DEFAULT_RETENTION_DAYS, 0, 0)
    monkeypatch.setenv("RETENTION_DAYS", "7")
    assert run_retention(tracker_url=db_url, handoff_url=db_url).days == 7
    assert run_retention(3, tracker_url=db_url, handoff_url=db_url).days == 3


def test_the_job_fails_loudly_without_a_tracker_store(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "TRACKER_STORE_URL"}
    done = subprocess.run(
        [sys.executable, "-m", "stores.retention", "--days", "5"], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1 and "TRACKER_STORE_URL" in done.stderr


def test_one_retention_setting_with_a_default():
    assert retention_days({}) == DEFAULT_RETENTION_DAYS == 90
    assert retention_days({"RETENTION_DAYS": "30"}) == 30
    for bad in ("0", "-3", "ninety"):
        with pytest.raises(ValueError, match="RETENTION_DAYS"):
            retention_days({"RETENTION_DAYS": bad})


async def test_the_consent_question_states_the_retention_setting(dispatcher, monkeypatch):
    monkeypatch.setenv("RETENTION_DAYS", "45")
    filled = {"handoff_kind": "booking", "contact_name": "Priya Shah",
              "contact_details": {"phone": "+447700900123", "email": None}}  # fmt: skip
    tracker = Tracker("u", filled, {}, [], False, None, {"name": "handoff_form"}, "handoff_form")
    await HANDOFF_ASKS["handoff_consent"]().run(dispatcher, tracker, DOMAIN_DICT)
    assert "45 days" in dispatcher.messages[0]["text"]


# ---------------------------------------------------------------------------- the actions
def form_tracker(
    loop: str, slot: str, text: str, intent: str, confidence: float = 0.95,
    before: list[dict[str, Any]] | None = None, sender: str = "patient-f",
) -> Tracker:  # fmt: skip
    """The tracker a form's validation gets after the person typed `text` while `slot` was
    asked (`before`: events before the message)."""
    events = [*(before or []), {"event": "user", "text": text}, {"event": "action", "name": loop},
              {"event": "slot", "name": slot, "value": text}]  # fmt: skip
    latest = {"intent": {"name": intent, "confidence": confidence}, "entities": [], "text": text}
    slots = {"requested_slot": slot, slot: text, "handoff_kind": "booking"}
    return Tracker(sender, slots, latest, events, False, None, {"name": loop}, loop)


FORMS = [
    (ValidateScreeningForm, "screening_form", "pain_side"),
    (ValidateHandoffForm, "handoff_form", "contact_details"),
    (ValidateHumanHandoffForm, "human_handoff_form", "human_handoff"),
]
CONFIRM_ASKED = [
    {"event": "action", "name": "action_confirm_forget_me"},
    {"event": "action", "name": "action_listen"},
]


@pytest.mark.parametrize(("form", "loop", "slot"), FORMS)
async def test_every_form_steps_aside_for_forget_me_and_its_answer(dispatcher, form, loop, slot):
    """Rejected, and the message is no answer to the question (Rasa had filled the slot)."""
    stepped_aside = [ActionExecutionRejected(loop), SdkSlotSet(slot, None)]
    asked = form_tracker(loop, slot, "please delete everything I told you", "forget_me")
    assert await form().run(dispatcher, asked, DOMAIN_DICT) == stepped_aside
    for answer, intent in [("yes", "affirm"), ("no thanks", "deny")]:
        tracker = form_tracker(loop, slot, answer, intent, before=CONFIRM_ASKED)
        assert await form().run(dispatcher, tracker, DOMAIN_DICT) == stepped_aside
    assert dispatcher.messages == []  # nothing said: the rules ask and answer


@pytest.mark.parametrize(("form", "loop", "slot"), FORMS)
async def test_back_in_the_form_after_no_the_question_is_asked_again(dispatcher, form, loop, slot):
    """Rasa runs the form after action_keep_conversation; the latest message is still "no"."""
    tracker = form_tracker(loop, slot, "no", "deny", before=CONFIRM_ASKED)
    tracker.events.insert(-2, {"event": "action", "name": "action_keep_conversation"})
    tracker.slots[slot] = None  # as action_keep_conversation left it
    events = await form().run(dispatcher, tracker, DOMAIN_DICT)
    assert ActionExecutionRejected(loop) not in events


@pytest.mark.parametrize(("form", "loop", "slot"), FORMS)
async def test_answers_stay_with_the_form(dispatcher, form, loop, slot):
    for text, intent, confidence in [
        ("my right side", "nlu_fallback", 0.3),
        ("delete", "forget_me", 0.4),  # not a clear request
        ("yes", "affirm", 1.0),  # a yes to the form's own question
    ]:
        tracker = form_tracker(loop, slot, text, intent, confidence)
        events = await form().run(dispatcher, tracker, DOMAIN_DICT)
        assert ActionExecutionRejected(loop) not in events


async def test_forget_me_asks_first_with_yes_and_no(dispatcher):
    await ActionConfirmForgetMe().run(dispatcher, form_tracker("x", "y", "z", "forget_me"), {})
    [message] = dispatcher.messages
    assert "can't be undone" in message["text"]
    assert [(b["title"], b["payload"]) for b in message["buttons"]] == [
        ("Yes, delete it", "/affirm"),
        ("No, keep it", "/deny"),
    ]


async def test_yes_deletes_the_front_desk_records_and_ends_any_form(dispatcher):
    sender = f"forget-{uuid.uuid4().hex[:6]}"
    store = records.store()
    store.save(handoff(sender))
    store.save(handoff("another-person"))
    kept = store._outbox.keep(handoff(sender))  # one still waiting for the database
    tracker = form_tracker("handoff_form", "contact_name", "yes", "affirm", sender=sender)
    events = await ActionForgetMe().run(dispatcher, tracker, DOMAIN_DICT)
    assert [h for h in store.list() if h.conversation_id == sender] == []
    assert [h for h in store.list() if h.conversation_id == "another-person"]
    assert ActiveLoop(None) in events
    assert dispatcher.messages[0]["text"].startswith("Done. I've deleted this chat")
    assert dispatcher.messages[0]["kind"] == "forgotten"
    assert not kept.exists()


@pytest.mark.parametrize(
    ("text", "intent", "confidence"),
    [
        ("hmm", "affirm", 0.86),
        ("hmm not sure", "affirm", 0.58),
        ("i guess", "affirm", 0.52),
        ("what would that delete", "forget_me", 0.97),  # the request again, as a question
        ("it deletes everything?", "forget_me", 0.95),
    ],
)
async def test_no_clear_yes_deletes_nothing(dispatcher, text, intent, confidence):
    sender = f"unsure-{uuid.uuid4().hex[:6]}"
    records.store().save(handoff(sender))
    tracker = form_tracker("handoff_form", "contact_name", text, intent, confidence, sender=sender)
    events = await ActionForgetMe().run(dispatcher, tracker, DOMAIN_DICT)
    assert [h for h in records.store().list() if h.conversation_id == sender]
    assert SdkSlotSet("conversation_forgotten", True) not in events  # the store keeps the chat
    assert ActiveLoop(None) not in events  # the form asks its question again
    assert "haven't deleted anything" in dispatcher.messages[0]["text"]


@pytest.mark.parametrize(
    ("text", "intent", "confidence"),
    [
        ("/affirm", "affirm", 1.0),
        ("yes please", "affirm", 0.99),
        ("just delete it", "forget_me", 0.97),
    ],
)
async def test_a_clear_yes_deletes(dispatcher, text, intent, confidence):
    tracker = form_tracker("handoff_form", "contact_name", text, intent, confidence)
    events = await ActionForgetMe().run(dispatcher, tracker, DOMAIN_DICT)
    assert SdkSlotSet("conversation_forgotten", True) in events


async def test_with_the_handoff_store_down_the_person_is_told_to_call(dispatcher, tmp_path):
    from unittest import mock

    down = HandoffStore("postgresql://nobody@127.0.0.1:1/none", outbox_dir=tmp_path / "outbox")
    with mock.patch("actions.privacy.store", return_value=down):
        events = await ActionForgetMe().run(
            dispatcher, form_tracker("x", "y", "yes", "affirm"), DOMAIN_DICT
        )
    assert "020 7946 0000" in dispatcher.messages[0]["text"]
    assert ActiveLoop(None) in events


async def test_no_deletes_nothing_and_clears_the_no_from_the_form_question(dispatcher):
    tracker = form_tracker("screening_form", "pain_side", "no", "deny", before=CONFIRM_ASKED)
    events = await ActionKeepConversation().run(dispatcher, tracker, {})
    assert events == [SdkSlotSet("pain_side", None)]
    assert "haven't deleted anything" in dispatcher.messages[0]["text"]
    outside = Tracker("u", {}, {}, [], False, None, {}, "action_listen")
    assert await ActionKeepConversation().run(dispatcher, outside, {}) == []


# ---------------------------------------------------------------------------- running it daily
async def test_the_web_app_runs_the_retention_job_in_the_background(db_url, tmp_path, monkeypatch):
    from stores.retention import RetentionThread

    monkeypatch.setenv("TRACKER_STORE_URL", db_url)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("HANDOFF_OUTBOX", str(tmp_path / "outbox"))
    HandoffStore(db_url).migrate()
    store = ClinicTrackerStore(domain=DOMAIN, host=db_url)
    now = time.time()
    await save_conversation(store, "ancient", session(now - 400 * DAY), turn("x", now - 400 * DAY))
    thread = RetentionThread(interval_s=3600, first_after_s=0)
    thread.start()
    deadline = time.monotonic() + 30
    while rows(store, "ancient") and time.monotonic() < deadline:
        time.sleep(0.1)
    thread.stop()
    assert rows(store, "ancient") == 0
    store.engine.dispose()


def test_the_web_app_schedules_it_daily_unless_turned_off(monkeypatch):
    from webapp.app import retention_interval_s

    monkeypatch.delenv("TRACKER_STORE_URL", raising=False)
    assert retention_interval_s() == 0  # no tracker store configured (unit tests)
    monkeypatch.setenv("TRACKER_STORE_URL", "sqlite:///x.sqlite3")
    monkeypatch.delenv("RETENTION_EVERY_HOURS", raising=False)
    assert retention_interval_s() == 24 * 3600
    monkeypatch.setenv("RETENTION_EVERY_HOURS", "0")
    assert retention_interval_s() == 0
    monkeypatch.setenv("RETENTION_EVERY_HOURS", "daily")
    with pytest.raises(ValueError, match="RETENTION_EVERY_HOURS must be a finite number"):
        retention_interval_s()


# ---------------------------------------------------------------------------- logs
def test_rasa_structured_logs_lose_patient_text(caplog):
    import logging

    import structlog
    from rasa.utils.log_utils import configure_structlog

    from channels import log_redaction

    try:
        configure_structlog(logging.INFO)  # as `rasa run` does, before our channels load
        logger = structlog.get_logger()
        with caplog.at_level(logging.INFO):
            logger.info("first.use", info="cached now")  # structlog caches used loggers
            log_redaction.install()
            log_redaction.install()  # once only
            logger.error("rest.message.received.failure", text="Priya Shah 07700 900123")
            logger.warning("event.deserialization.failed", rasa_event={"text": "my neck"})
        assert "rest.message.received.failure" in caplog.text
        assert "Priya" not in caplog.text and "my neck" not in caplog.text
        assert caplog.text.count(log_redaction.REDACTED) == 2
        assert structlog.get_config()["processors"].count(log_redaction.redact) == 1
    finally:
        structlog.reset_defaults()


def test_the_slot_the_store_deletes_on_is_declared_in_the_domain():
    """Set by the action server, read by the Rasa process's store: one name (headache_core)."""
    from headache_core.forget import FORGOTTEN_SLOT

    domain = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text())
    assert domain["slots"][FORGOTTEN_SLOT]["influence_conversation"] is False


async def test_a_question_about_privacy_gets_what_is_kept_and_how_to_delete(dispatcher):
    from actions.privacy import ActionExplainPrivacy
    from headache_core.retention import retention_days

    tracker = Tracker("p", {}, {"intent": {"name": "ask_privacy"}, "text": "is this chat private?"},
                      [], False, None, {}, "action_listen")  # fmt: skip
    await ActionExplainPrivacy().run(dispatcher, tracker, {})
    text = dispatcher.messages[0]["text"]
    assert f"{retention_days()} days" in text and "forget me" in text
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]][0] == "/forget_me"
