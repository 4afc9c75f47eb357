"""Faults in the production shape: the cluster of tooling/cluster.py (2 Rasa replicas, 2 action
servers, nginx) on a throwaway PostgreSQL and Redis, started once for this module.

Each test breaks one thing and checks what a person talking to the clinic would notice: the
conversation goes on, in context, with no answered turn lost.
"""

import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import ROOT, Assistant, Conversation
from tests.private_services import PrivatePostgres, PrivateRedis, free_port, postgres_bin
from tooling.cluster import NGINX, Cluster, ClusterPorts, Stores, ensure_database
from tooling.train import ensure_model

pytestmark = pytest.mark.cluster

START = "could you check whether my headaches come from my neck?"
NO_FLAGS = "No, none of those"
QUESTIONS = [
    "why does my neck give me headaches?",
    "what is a cervicogenic headache?",
    "does my posture at the desk matter?",
    "what can I do at home?",
    "does physiotherapy help with this?",
    "when should I see a doctor?",
    "what muscles at the base of the skull are involved?",
]


def _missing() -> list[str]:
    missing = [] if os.path.exists(NGINX) else ["nginx (make nginx)"]
    missing += [] if postgres_bin() else ["PostgreSQL server binaries"]
    missing += [] if shutil.which("redis-server") else ["redis-server"]
    return missing


@pytest.fixture(scope="module")
def services() -> Iterator[tuple[PrivatePostgres, PrivateRedis]]:
    if missing := _missing():
        if os.environ.get("CI"):
            pytest.fail(f"cluster tests need {', '.join(missing)}")
        pytest.skip(f"cluster tests need {', '.join(missing)}")
    postgres, redis = PrivatePostgres(), PrivateRedis()
    postgres.start()
    redis.start()
    yield postgres, redis
    redis.stop()
    postgres.remove()


# Messages per sender per minute on the cluster (above any other test's conversation here)
CLUSTER_RATE_LIMIT = 20


@pytest.fixture(scope="module")
def cluster(services: tuple[PrivatePostgres, PrivateRedis]) -> Iterator[Cluster]:
    postgres, redis = services
    ports = ClusterPorts(
        entry=free_port(), action_entry=free_port(), rasa=(free_port(), free_port()),
        actions=(free_port(), free_port()), web=free_port(),
    )  # fmt: skip
    stores = Stores(
        tracker_store_url=postgres.url, database_url=postgres.url,
        redis_host="127.0.0.1", redis_port=redis.port, redis_db=0, redis_password="",
    )  # fmt: skip
    cluster = Cluster(
        model=ensure_model(), ports=ports, stores=stores, token="cluster-token",
        run_dir=ROOT / "run" / "cluster-test",
        # a killed replica's conversation locks expire sooner than Rasa's 60 s default
        extra_env={"TICKET_LOCK_LIFETIME": "15", "RATE_LIMIT_PER_MINUTE": str(CLUSTER_RATE_LIMIT)},
    )  # fmt: skip
    cluster.stop()  # a run interrupted before
    cluster.start()
    try:
        cluster.wait_ready(timeout=600)
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def assistant(cluster: Cluster) -> Assistant:
    return Assistant(cluster.entry_url, cluster.web_url, cluster.token)


def user_texts(assistant: Assistant, sender: str) -> list[str]:
    return [e["text"] for e in assistant.tracker(sender)["events"] if e["event"] == "user"]


def text_of(replies: list[dict[str, Any]]) -> str:
    return " ".join(r.get("text") or "" for r in replies)


async def test_a_conversation_read_while_postgres_is_down_is_not_overwritten(services):
    """Past the retry time Rasa's fail-safe answers from a blank stand-in; it never reaches the
    database, so the real conversation is there when PostgreSQL is back."""
    from rasa.core.tracker_store import FailSafeTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import SlotSet, UserUttered

    from stores.tracker_store import ClinicTrackerStore

    postgres, _ = services
    ensure_database(postgres.url)
    store = ClinicTrackerStore(domain=Domain.load(ROOT / "domain.yml"), host=postgres.url)
    store.retry_seconds = 0.5
    safe = FailSafeTrackerStore(store)
    tracker = await safe.get_or_create_tracker("stand-in")
    tracker.update(UserUttered("30 to 49"))
    tracker.update(SlotSet("age", 40))
    await safe.save(tracker)
    stored = len((await store.retrieve("stand-in")).events)
    postgres.stop()
    try:
        blank = await safe.get_or_create_tracker("stand-in")
    finally:
        postgres.start()
    assert blank.get_slot("age") is None
    for n in range(stored + 2):
        blank.update(UserUttered(f"said while the store was away {n}"))
    # the database is back, but this stand-in is kept in memory by the fail-safe: written, its
    # events past the stored count would be appended to the real conversation
    await safe.save(blank)
    back = await store.retrieve("stand-in")
    assert len(back.events) == stored and back.get_slot("age") == 40
    await safe.save(back)  # readable again: written as usual
    store.engine.dispose()


def test_cluster_up_gives_every_process_a_pid_file_and_one_entry(cluster, assistant):
    assert set(cluster.pids()) == {"rasa-1", "rasa-2", "actions-1", "actions-2", "nginx", "web"}
    talk = Conversation(assistant, "entry")
    talk.say(START)
    assert talk.slots()["requested_slot"] == "red_flag_check"
    # the handoff store was migrated in PostgreSQL: the front-desk API answers from it
    import urllib.request

    request = urllib.request.Request(
        f"{cluster.web_url}/api/handoffs",
        headers={"Authorization": f"Bearer {cluster.environment()['FRONTDESK_TOKEN']}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def test_rest_turns_are_spread_over_both_replicas(cluster, assistant):
    for i in range(8):
        assistant.say(f"spread-{i}", QUESTIONS[i % len(QUESTIONS)])
    log = (cluster.run_dir / "nginx-access.log").read_text()
    for port in cluster.ports.rasa:
        assert f"127.0.0.1:{port}" in log


def test_the_rate_limit_counts_a_senders_messages_on_both_replicas(cluster):
    """The per-minute count lives in the cluster's Redis (REDIS_URL): one person whose messages
    the balancer spreads over two replicas is not allowed twice the limit."""
    from tests.server.test_limits_server import say, seconds_to_wait_for_a_fresh_window

    entry = Assistant(cluster.entry_url, cluster.web_url, cluster.token)
    sender = f"fast-{uuid.uuid4().hex[:8]}"
    time.sleep(seconds_to_wait_for_a_fresh_window())
    statuses = [say(entry, sender, "hi")[0] for _ in range(CLUSTER_RATE_LIMIT)]
    assert set(statuses) == {200}
    assert say(entry, sender, "hello again")[0] == 429
    log = (cluster.run_dir / "nginx-access.log").read_text()
    assert all(f"127.0.0.1:{port}" in log for port in cluster.ports.rasa)


def test_replies_still_come_with_an_action_server_killed(cluster, assistant):
    question = QUESTIONS[3]
    expected = text_of(assistant.say("actions-before", question))
    assert expected
    pids = cluster.pids()
    cluster.kill("actions-1")
    try:
        for i in range(6):
            assert text_of(assistant.say(f"actions-{i}", question)) == expected
    finally:
        cluster.restart("actions-1")
    assert cluster.pids()["rasa-1"] == pids["rasa-1"]


def _say_across_an_outage(
    talk: Conversation, text: str, service: PrivatePostgres | PrivateRedis
) -> str:
    """Send `text` while `service` is stopped: the turn must still be waiting 3 s later (not
    answered or failed without it); start the service again and return the reply."""
    service.stop()
    answered: dict[str, str] = {}
    turn = threading.Thread(target=lambda: answered.update(reply=talk.say(text)))
    turn.start()
    time.sleep(3)
    assert turn.is_alive()
    service.start()
    turn.join(60)
    assert not turn.is_alive()
    return answered["reply"]


def test_a_turn_waits_out_a_redis_restart(cluster, assistant, services):
    _, redis = services
    pids = cluster.pids()
    talk = Conversation(assistant, "redis")
    talk.say(START)
    # no lock, no turn: it waits rather than failing or running unlocked
    reply = _say_across_an_outage(talk, NO_FLAGS, redis)
    assert reply
    assert talk.slots()["requested_slot"] == "red_flag_history"
    assert user_texts(assistant, talk.sender) == [START, NO_FLAGS]
    assert cluster.pids() == pids


def test_a_turn_waits_out_a_postgres_restart_and_keeps_its_context(cluster, assistant, services):
    postgres, _ = services
    pids = cluster.pids()
    talk = Conversation(assistant, "postgres")
    talk.say(START)
    talk.say(NO_FLAGS)
    assert talk.slots()["requested_slot"] == "red_flag_history"
    # not answered from a blank conversation while the database is away
    reply = _say_across_an_outage(talk, NO_FLAGS, postgres)
    assert talk.slots()["requested_slot"] == "age", reply
    talk.say("30 to 49")
    slots = talk.slots()
    assert slots["requested_slot"] == "pain_side"
    assert user_texts(assistant, talk.sender) == [START, NO_FLAGS, NO_FLAGS, "30 to 49"]
    assert cluster.pids() == pids


async def test_the_widget_channel_works_through_the_balancer(cluster):
    """socket.io over long-polling: every poll must reach the replica that holds the session
    (ip_hash at nginx); a poll reaching the other replica would end the session."""
    import asyncio
    import uuid

    import socketio

    client = socketio.AsyncClient(reconnection=False)
    replies: asyncio.Queue = asyncio.Queue()
    client.on("bot_uttered", lambda data: replies.put_nowait(data))
    session = uuid.uuid4().hex
    await client.connect(cluster.entry_url, transports=["polling"])
    try:
        await client.emit("session_request", {"session_id": session})
        for question in QUESTIONS[:3]:
            await client.emit("user_uttered", {"message": question, "session_id": session})
            reply = await asyncio.wait_for(replies.get(), timeout=60)
            assert reply.get("text")
            while not replies.empty():
                replies.get_nowait()
            await asyncio.sleep(0.5)
    finally:
        await client.disconnect()
    rest = Assistant(cluster.entry_url, "", cluster.token)
    deadline = time.monotonic() + 20
    while len(user_texts(rest, session)) < 3 and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
    assert user_texts(rest, session) == QUESTIONS[:3]


def test_a_killed_replica_loses_no_answered_turn(cluster, assistant):
    """SIGKILL one Rasa replica while six conversations talk through the entry."""
    senders = [f"kill-{i}" for i in range(6)]
    results: dict[str, list[tuple[str, bool, float, float]]] = {s: [] for s in senders}

    def converse(sender: str) -> None:
        for text in QUESTIONS:
            started = time.monotonic()
            try:
                ok = bool(assistant.say(sender, text))
            except Exception:
                ok = False
            results[sender].append((text, ok, started, time.monotonic()))

    threads = [threading.Thread(target=converse, args=(s,)) for s in senders]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 120
    while min(len(r) for r in results.values()) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    killed_at = time.monotonic()
    cluster.kill("rasa-1")  # SIGKILL, then waits until the process is gone
    killed_by = time.monotonic()
    for thread in threads:
        thread.join(180)
    assert "rasa-1" not in cluster.pids()

    failed = [(s, t, start, end) for s, rows in results.items()
              for t, ok, start, end in rows if not ok]  # fmt: skip
    # errors only for requests in flight while the replica was being killed (sent before it was
    # gone, answered after the signal): at most one per conversation
    assert all(start < killed_by and end >= killed_at for _, _, start, end in failed), (
        killed_at, killed_by, failed)  # fmt: skip
    assert len(failed) <= len(senders)
    for sender, rows in results.items():
        assert len(rows) == len(QUESTIONS)
        answered = [t for t, ok, _, _ in rows if ok]
        stored = iter(user_texts(assistant, sender))
        # every answered turn is stored, in order (a turn without reply may or may not be)
        assert all(text in stored for text in answered), (sender, answered)
        assert len(answered) >= len(QUESTIONS) - 1
