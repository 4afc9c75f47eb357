"""The handoff store on SQLite and PostgreSQL: migrations, round trips, upsert by ref, the
front desk's orderings and changes, erasure, transactions, and what happens during an outage
(the outbox, its flush, the retry thread, no personal data in the logs).

PostgreSQL is the one at 127.0.0.1:5432 (database `test`, trust auth; HANDOFF_TEST_POSTGRES_URL
overrides). Its tests are skipped when it does not answer, except on CI (`CI` set), where that
fails. Each test gets its own schema, reached through a TCP proxy that the outage tests switch
off and on like a stopped and restarted server.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import selectors
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psycopg2
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url

from handoff_delivery.store import (
    DEFAULT_URL,
    MIGRATE_HINT,
    MIGRATIONS_DIR,
    RECORD_FIELDS,
    VERSION_TABLE,
    HandoffStore,
    SaveResult,
    StoreUnavailable,
    database_url,
)
from headache_core.handoff.model import Contact, Handoff, HandoffRecord, urgency_key
from tests.private_services import first_answering_postgres, machine_postgres_candidates

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
PG_HOST, PG_PORT = "127.0.0.1", 5432


# -- PostgreSQL: found once per session, one schema per test --------------------------------


class PostgresServer:
    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.prefix = f"handoff_test_{uuid.uuid4().hex[:8]}_"
        self.count = 0

    def execute(self, sql: str) -> list[tuple]:
        connection = psycopg2.connect(self.url.render_as_string(hide_password=False))
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchall() if cursor.description else []
        finally:
            connection.close()

    def new_schema(self) -> str:
        self.count += 1
        schema = f"{self.prefix}{self.count}"
        self.execute(f'CREATE SCHEMA "{schema}"')
        return schema

    def drop_schema(self, schema: str) -> None:
        self.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    candidates = machine_postgres_candidates(os.environ.get("HANDOFF_TEST_POSTGRES_URL"))
    url = first_answering_postgres(candidates)
    if url is None:
        tried = ", ".join(make_url(c).render_as_string(hide_password=True) for c in candidates)
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL does not answer on CI (tried {tried})")
        pytest.skip(f"PostgreSQL does not answer (tried {tried}); on CI this fails")
    server = PostgresServer(url)
    yield server
    for (schema,) in server.execute(
        "SELECT nspname FROM pg_namespace WHERE nspname LIKE "
        f"'{server.prefix.replace('_', chr(92) + '_')}%'"
    ):
        server.drop_schema(schema)


class SwitchableProxy:
    """A TCP proxy in front of PostgreSQL: `off()` refuses new connections and cuts the open
    ones, as a stopped server does; `on()` listens again on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._listener: socket.socket | None = None
        self._accepting: threading.Thread | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._running = False

    def on(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        listener.settimeout(0.05)
        self._listener, self._running = listener, True
        self._accepting = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self._accepting.start()

    def off(self) -> None:
        self._running = False
        if self._accepting is not None:
            self._accepting.join(2)
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        with self._lock:
            for sock in self._open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while self._running:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.setblocking(True)
            try:
                upstream = socket.create_connection(self.target, timeout=3)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._open.update((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, client: socket.socket, upstream: socket.socket) -> None:
        peer = {client: upstream, upstream: client}
        with selectors.DefaultSelector() as selector:
            selector.register(client, selectors.EVENT_READ)
            selector.register(upstream, selectors.EVENT_READ)
            try:
                while True:
                    for key, _ in selector.select(0.2):
                        data = key.fileobj.recv(65536)
                        if not data:
                            return
                        peer[key.fileobj].sendall(data)
            except (OSError, ValueError):
                return
            finally:
                with self._lock:
                    self._open.discard(client)
                    self._open.discard(upstream)
                client.close()
                upstream.close()


# -- the two backends, each with an outage switch --------------------------------------------


class Backend:
    name: str
    url: str

    def down(self) -> None: ...

    def up(self) -> None: ...


class SqliteBackend(Backend):
    """Down: the database's directory is replaced by a plain file, so it cannot be opened."""

    name = "sqlite"

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.url = f"sqlite:///{directory / 'handoffs.sqlite3'}"

    def down(self) -> None:
        self.directory.rename(self.directory.with_name("db-away"))
        self.directory.write_text("not a directory")

    def up(self) -> None:
        self.directory.unlink()
        self.directory.with_name("db-away").rename(self.directory)


class PostgresBackend(Backend):
    name = "postgresql"

    def __init__(self, server: PostgresServer, schema: str, proxy: SwitchableProxy) -> None:
        self.proxy = proxy
        url = server.url.set(
            host="127.0.0.1", port=proxy.port, query={"options": f"-csearch_path={schema}"}
        )
        self.url = url.render_as_string(hide_password=False)

    def down(self) -> None:
        self.proxy.off()

    def up(self) -> None:
        self.proxy.on()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "sqlite":
        yield SqliteBackend(tmp_path / "db")
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    schema = server.new_schema()
    proxy = SwitchableProxy((server.url.host or PG_HOST, server.url.port or PG_PORT))
    proxy.on()
    try:
        yield PostgresBackend(server, schema, proxy)
    finally:
        proxy.off()
        server.drop_schema(schema)


class Clock:
    """The store's clock, set by the test: creation times decide the orderings."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def tick(self, minutes: float = 1) -> datetime:
        self.now += timedelta(minutes=minutes)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_store(
    backend: Backend, tmp_path: Path, clock: Clock
) -> Iterator[Callable[..., HandoffStore]]:
    made: list[HandoffStore] = []

    def make(*, migrate: bool = True, url: str | None = None) -> HandoffStore:
        store = HandoffStore(url or backend.url, outbox_dir=tmp_path / "outbox", clock=clock)
        made.append(store)
        if migrate:
            store.migrate()
        return store

    yield make
    for store in made:
        store.close()


@pytest.fixture
def store(make_store: Callable[..., HandoffStore]) -> HandoffStore:
    return make_store()


def record(ref: str = "human:1", conversation: str = "conv-1", **changes) -> HandoffRecord:
    """A record with every field filled in (personal data included, to check the logs)."""
    fields = {
        "kind": "human",
        "channel": "socketio",
        "triage_outcome": "consistent_with_cervicogenic",
        "red_flags": [],
        "summary": "One-sided headache, worse when turning the neck.",
        "criteria": {
            "fitted": ["one side", "neck movement"],
            "not_fitted": [],
            "unknown": ["recent injury"],
            "clinic_only": ["upper neck examination"],
        },
        "contact": Contact(name="Zoë Quillfeather", phone="+447700900123", email="zoe@example.org"),
        "preferred_times": "Tuesday mornings",
        "note": "Please call after my shift ends",
        "consent_at": datetime(
            2026, 11, 20, 10, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2))
        ),
        "transcript": [
            {"who": "bot", "text": "Where is the headache?", "at": "2026-11-20T08:29:00Z"},
            {"who": "user", "text": "Behind my left eye, ünd it spreads", "at": None},
        ],
        "booking": {"system": "cliniko", "appointment_id": "A-17", "start": "2026-12-01T09:00:00Z"},
    }
    fields.update(changes)
    return HandoffRecord(ref=ref, conversation_id=conversation, **fields)


def refs(handoffs: list[Handoff]) -> list[str]:
    return [handoff.ref for handoff in handoffs]


def outbox_files(store: HandoffStore) -> list[Path]:
    return sorted(store.outbox_dir.glob("*.json")) if store.outbox_dir.exists() else []


def wait_for(condition: Callable[[], bool], timeout_s: float = 5) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


# -- schema ------------------------------------------------------------------------------------


def test_migrate_creates_the_table_once_and_matches_the_store(
    make_store: Callable[..., HandoffStore],
) -> None:
    store = make_store(migrate=False)
    assert "handoffs" not in sa.inspect(store.engine).get_table_names()
    assert not store.healthy()

    store.migrate()
    store.migrate()  # idempotent: nothing to do the second time

    inspector = sa.inspect(store.engine)
    columns = {column["name"] for column in inspector.get_columns("handoffs")}
    assert columns == {
        "id", "ref", "kind", "status", "conversation_id", "channel", "triage_outcome",
        "red_flags", "summary", "criteria", "contact_name", "contact_phone", "contact_email",
        "preferred_times", "note", "consent_at", "transcript", "booking", "created_at",
        "updated_at", "claimed_by",
    }  # fmt: skip
    indexed = {tuple(index["column_names"]) for index in inspector.get_indexes("handoffs")}
    assert {("conversation_id",), ("created_at",)} <= indexed
    unique = inspector.get_unique_constraints("handoffs")
    assert [constraint["column_names"] for constraint in unique] == [["ref"]]
    with store.engine.connect() as connection:
        versions = connection.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).all()
    assert versions == [("0002",)]  # the head: 0002 adds the insights tables (issue 29)
    assert store.healthy()

    # the store's table definition and the migrations agree (alembic check: nothing to generate)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with store.engine.connect() as connection:
        config.attributes["connection"] = connection
        command.check(config)


def test_a_missing_table_says_how_to_migrate_and_loses_nothing(
    make_store: Callable[..., HandoffStore], caplog: pytest.LogCaptureFixture
) -> None:
    store = make_store(migrate=False)
    with pytest.raises(
        StoreUnavailable, match="run migrations: python -m handoff_delivery.migrate"
    ):
        store.list()
    with pytest.raises(StoreUnavailable, match="run migrations"):
        store.get(1)

    assert store.save(record()) == SaveResult(saved=False, id=None, queued=True)
    assert any(MIGRATE_HINT in r.getMessage() for r in caplog.records if r.levelname == "WARNING")
    assert (
        "handoffs" not in sa.inspect(store.engine).get_table_names()
    )  # not created behind Alembic

    store.migrate()
    assert store.flush_outbox() == 1
    assert refs(store.list()) == ["human:1"]


def test_migrate_command_line_names_the_database_without_its_password(backend: Backend) -> None:
    url = make_url(backend.url)
    if backend.name == "postgresql":
        url = url.set(password="s3cret-pw")  # trust auth ignores it; the output must not show it
    done = subprocess.run(
        [sys.executable, "-m", "handoff_delivery.migrate"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url.render_as_string(hide_password=False)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "handoff store migrated" in done.stdout
    assert "s3cret-pw" not in done.stdout + done.stderr
    if backend.name == "postgresql":
        assert "***" in done.stdout
    checker = HandoffStore(backend.url)
    try:
        assert checker.healthy()
    finally:
        checker.close()


def test_migrate_command_line_fails_clearly_when_the_database_is_down(tmp_path: Path) -> None:
    url = f"postgresql://someone:s3cret-pw@127.0.0.1:{closed_port()}/test"
    done = subprocess.run(
        [sys.executable, "-m", "handoff_delivery.migrate", "--url", url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "cannot migrate postgresql://someone:***@127.0.0.1" in done.stderr
    assert "s3cret-pw" not in done.stdout + done.stderr


# -- configuration -----------------------------------------------------------------------------


def test_url_and_outbox_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert database_url("postgres://u:pw@db.example:5432/clinic").drivername == "postgresql"
    assert database_url("postgresql+psycopg2://u@h/d").drivername == "postgresql+psycopg2"
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert database_url().render_as_string() == DEFAULT_URL
    assert DEFAULT_URL.endswith("/run/handoffs.sqlite3")

    with pytest.raises(ValueError, match="not usable") as bad:
        database_url("postgresql://u:s3cret-pw@host:notaport/db")
    assert "s3cret-pw" not in str(bad.value)
    with pytest.raises(ValueError, match="cannot be parsed"):
        database_url("garbage")
    with pytest.raises(ValueError, match="'nosuchdb' cannot be used"):
        HandoffStore("nosuchdb://u:s3cret-pw@x/y", outbox_dir=tmp_path / "outbox")

    nested = tmp_path / "a" / "b" / "handoffs.sqlite3"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{nested}")
    monkeypatch.setenv("HANDOFF_OUTBOX", str(tmp_path / "kept"))
    store = HandoffStore()
    try:
        assert store.url.database == str(nested)
        assert nested.parent.is_dir()  # SQLite's directory is created
        assert store.outbox_dir == tmp_path / "kept"
        store.migrate()
        assert store.save(record()).saved
    finally:
        store.close()


# -- reading and writing -------------------------------------------------------------------------


def test_save_and_get_round_trip_every_field(store: HandoffStore, clock: Clock) -> None:
    original = record()
    result = store.save(original)
    assert result.saved and not result.queued and isinstance(result.id, int)

    got = store.get(result.id)
    assert got is not None
    for name in RECORD_FIELDS:
        assert getattr(got, name) == getattr(original, name), name
    assert got.consent_at.utcoffset() == timedelta(0)  # the same instant, in UTC
    assert got.consent_at == datetime(2026, 11, 20, 8, 30, 15, 123456, tzinfo=timezone.utc)
    assert (got.id, got.status, got.claimed_by) == (result.id, "new", None)
    assert got.created_at == got.updated_at == T0
    assert got.created_at.tzinfo is not None and got.created_at.utcoffset() == timedelta(0)
    assert got.to_api()["consent_at"] == "2026-11-20T08:30:15.123456Z"
    assert store.get(result.id + 1000) is None


def test_empty_optional_fields_round_trip(store: HandoffStore) -> None:
    bare = HandoffRecord(ref="booking:x", kind="booking", conversation_id="c")
    got = store.get(store.save(bare).id)
    for name in RECORD_FIELDS:
        assert getattr(got, name) == getattr(bare, name), name
    assert got.booking is None and got.consent_at is None


def test_save_upserts_by_ref_keeping_id_creation_and_the_front_desks_work(
    store: HandoffStore, clock: Clock
) -> None:
    first = store.save(record(summary="first"))
    store.set_status(first.id, "claimed", by="Anna")
    clock.tick(5)

    changed = record(
        summary="second",
        red_flags=["worst headache ever"],
        contact=Contact(name="Zoë Q", phone="+447700900999"),
        booking=None,
    )
    again = store.save(changed)

    assert again.id == first.id
    [stored] = store.list()
    assert (stored.summary, stored.red_flags, stored.booking) == (
        "second",
        ["worst headache ever"],
        None,
    )
    assert stored.contact == Contact(name="Zoë Q", phone="+447700900999")
    assert (stored.status, stored.claimed_by) == ("claimed", "Anna")
    assert stored.created_at == T0
    assert stored.updated_at == T0 + timedelta(minutes=5)


def test_save_takes_a_stored_handoff_back_as_its_record(store: HandoffStore) -> None:
    saved = store.get(store.save(record()).id)
    assert store.save(saved).id == saved.id
    assert len(store.list()) == 1


def test_list_newest_first(store: HandoffStore, clock: Clock) -> None:
    for number in range(4):
        store.save(record(ref=f"human:{number}"))
        clock.tick()
    assert refs(store.list()) == ["human:3", "human:2", "human:1", "human:0"]
    assert refs(store.list(limit=2)) == ["human:3", "human:2"]


def test_list_by_urgency_red_flags_first_then_outcome_then_the_longest_wait(
    store: HandoffStore, clock: Clock
) -> None:
    outcomes = [  # in order of arrival
        ("none", None, []),
        ("not_typical", "not_typical_cervicogenic", []),
        ("consistent", "consistent_with_cervicogenic", []),
        ("urgent", "red_flag_urgent", ["new neurological symptoms"]),
        ("emergency", "red_flag_emergency", ["thunderclap"]),
        ("flag_without_outcome", None, ["fever and stiff neck"]),
        ("emergency_done", "red_flag_emergency", ["thunderclap"]),
        ("emergency_later", "red_flag_emergency", ["thunderclap"]),
        ("consistent_claimed", "consistent_with_cervicogenic", []),
    ]
    ids = {}
    for name, outcome, flags in outcomes:
        ids[name] = store.save(record(ref=name, triage_outcome=outcome, red_flags=flags)).id
        clock.tick()
    store.set_status(ids["emergency_done"], "done", by="Anna")
    store.set_status(ids["consistent_claimed"], "claimed", by="Ben")

    expected = [
        "emergency", "emergency_later", "urgent", "flag_without_outcome", "consistent",
        "consistent_claimed", "not_typical", "none", "emergency_done",
    ]  # fmt: skip
    by_urgency = store.list(order="urgency")
    assert refs(by_urgency) == expected
    assert refs(sorted(store.list(), key=urgency_key)) == expected
    # the limit keeps the most urgent, not the newest
    assert refs(store.list(order="urgency", limit=3)) == expected[:3]
    assert refs(store.list(order="urgency", limit=4)) == expected[:4]  # a flag outranks the outcome
    assert refs(store.list(order="urgency", statuses=["done"])) == ["emergency_done"]
    assert refs(store.list(order="urgency", statuses=["new", "claimed"])) == expected[:-1]
    assert refs(store.list(statuses="claimed")) == ["consistent_claimed"]


def test_list_rejects_unknown_orders_and_statuses(store: HandoffStore) -> None:
    with pytest.raises(ValueError, match="order"):
        store.list(order="oldest")
    with pytest.raises(ValueError, match="statuses"):
        store.list(statuses=["new", "open"])
    with pytest.raises(ValueError, match="limit"):
        store.list(limit=0)


def test_set_status_claims_finishes_and_reopens(store: HandoffStore, clock: Clock) -> None:
    handoff_id = store.save(record()).id
    clock.tick()
    claimed = store.set_status(handoff_id, "claimed", by="Anna")
    assert (claimed.status, claimed.claimed_by) == ("claimed", "Anna")
    assert claimed.updated_at == T0 + timedelta(minutes=1)

    done = store.set_status(handoff_id, "done", by="Ben")
    assert (done.status, done.claimed_by) == ("done", "Anna")  # who took it stays recorded

    reopened = store.set_status(handoff_id, "new")
    assert (reopened.status, reopened.claimed_by) == ("new", None)

    unclaimed_done = store.set_status(handoff_id, "done", by="Ben")
    assert unclaimed_done.claimed_by == "Ben"

    with pytest.raises(ValueError, match="status"):
        store.set_status(handoff_id, "archived")
    assert store.get(handoff_id).status == "done"
    assert store.set_status(handoff_id + 1000, "claimed", by="Anna") is None


def test_delete_conversation_erases_stored_and_queued_handoffs(
    store: HandoffStore, backend: Backend
) -> None:
    store.save(record(ref="a1", conversation="A"))
    store.save(record(ref="a2", conversation="A"))
    store.save(record(ref="b1", conversation="B"))
    backend.down()
    assert store.save(record(ref="a3", conversation="A")).queued
    assert store.save(record(ref="b2", conversation="B")).queued
    backend.up()

    assert store.delete_conversation("A") == 3
    assert store.pending() == 1  # B's queued handoff stays
    assert store.delete_conversation("A") == 0
    assert store.flush_outbox() == 1
    assert sorted(refs(store.list())) == ["b1", "b2"]


def test_delete_older_than(store: HandoffStore, clock: Clock) -> None:
    store.save(record(ref="old"))
    clock.tick(60 * 24 * 29)
    store.save(record(ref="recent"))
    clock.tick(60 * 24 * 2)  # "old" is now 31 days old, "recent" 2 days

    assert store.delete_older_than(30) == 1
    assert refs(store.list()) == ["recent"]
    assert store.delete_older_than(30) == 0
    with pytest.raises(ValueError):
        store.delete_older_than(-1)


def test_a_failing_write_leaves_nothing_half_written(
    store: HandoffStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.save(record(ref="kept", summary="as it was"))

    def fail_after_the_upsert(connection, ref):
        raise RuntimeError("the second statement failed")

    monkeypatch.setattr(store, "_id_for", fail_after_the_upsert)
    with pytest.raises(RuntimeError):
        store.save(record(ref="new"))
    with pytest.raises(RuntimeError):
        store.save(record(ref="kept", summary="half written"))
    monkeypatch.undo()

    [kept] = store.list()
    assert (kept.ref, kept.summary) == ("kept", "as it was")


def test_a_record_that_is_not_plain_json_is_refused_before_anything_is_written(
    store: HandoffStore,
) -> None:
    odd = record(transcript=[{"who": "user", "text": "hi", "at": datetime.now(timezone.utc)}])
    with pytest.raises(ValueError, match="not plain JSON"):
        store.save(odd)
    assert store.list() == [] and store.pending() == 0


# -- outage --------------------------------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_database_answers_quickly_and_keeps_the_handoff(tmp_path: Path) -> None:
    store = HandoffStore(
        f"postgres://postgres@127.0.0.1:{closed_port()}/test", outbox_dir=tmp_path / "outbox"
    )
    try:
        started = time.monotonic()
        assert store.save(record()) == SaveResult(saved=False, id=None, queued=True)
        assert not store.healthy()
        with pytest.raises(StoreUnavailable, match="cannot be reached"):
            store.list()
        assert time.monotonic() - started < 5
        assert store.pending() == 1
    finally:
        store.close()


def test_outage_keeps_the_handoff_and_the_flush_writes_it_once(
    store: HandoffStore, backend: Backend
) -> None:
    store.save(record(ref="before"))
    backend.down()

    queued = record(ref="during", conversation="conv-2")
    started = time.monotonic()
    assert store.save(queued) == SaveResult(saved=False, id=None, queued=True)
    assert time.monotonic() - started < 5
    [kept] = outbox_files(store)
    assert json.loads(kept.read_text(encoding="utf-8")) == queued.to_json()
    assert not list(store.outbox_dir.glob(".*"))  # no temporary file left
    assert store.pending() == 1
    assert not store.healthy()
    with pytest.raises(StoreUnavailable):
        store.list()
    assert store.flush_outbox() == 0  # still down: the file stays
    assert store.pending() == 1

    backend.up()
    assert store.flush_outbox() == 1
    assert store.pending() == 0 and outbox_files(store) == []
    assert sorted(refs(store.list())) == ["before", "during"]
    during = next(h for h in store.list() if h.ref == "during")
    for name in RECORD_FIELDS:
        assert getattr(during, name) == getattr(queued, name), name
    assert store.flush_outbox() == 0
    assert store.save(queued).id == during.id
    assert len(store.list()) == 2


def test_a_restarted_database_is_used_again_without_restarting_the_store(
    store: HandoffStore, backend: Backend
) -> None:
    store.save(record(ref="before"))  # a pooled connection now exists
    backend.down()
    backend.up()
    assert refs(store.list()) == ["before"]  # the dead pooled connection is replaced
    assert store.save(record(ref="after")).saved


def test_the_next_save_writes_what_the_outbox_holds_first(
    store: HandoffStore, backend: Backend
) -> None:
    backend.down()
    assert store.save(record(ref="queued", summary="old copy")).queued
    assert store.save(record(ref="other", summary="only copy")).queued
    backend.up()

    result = store.save(record(ref="queued", summary="new copy"))
    assert result.saved
    assert store.pending() == 0
    assert sorted(refs(store.list())) == ["other", "queued"]
    assert store.get(result.id).summary == "new copy"  # the newer save wins over the queued one


def test_a_saved_record_drops_its_older_queued_copy(
    store: HandoffStore, backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend.down()
    assert store.save(record(ref="same", summary="old copy")).queued
    backend.up()
    monkeypatch.setattr(store, "_flush_if_idle", lambda: None)  # another thread is flushing
    assert store.save(record(ref="same", summary="new copy")).saved
    assert store.pending() == 0  # the old copy cannot overwrite the new one later
    assert store.flush_outbox() == 0
    [stored] = store.list()
    assert stored.summary == "new copy"


def test_one_outbox_file_per_ref_keeps_the_newest_copy(
    store: HandoffStore, backend: Backend
) -> None:
    backend.down()
    store.save(record(ref="same", summary="first"))
    store.save(record(ref="same", summary="second"))
    assert store.pending() == 1
    backend.up()
    assert store.flush_outbox() == 1
    [stored] = store.list()
    assert stored.summary == "second"


def test_the_retry_thread_writes_kept_handoffs_without_a_new_save(
    store: HandoffStore, backend: Backend
) -> None:
    backend.down()
    assert store.save(record(ref="waiting")).queued
    thread = store.start_retry(interval_s=0.05)
    assert thread.daemon and thread.is_alive()
    assert store.start_retry(interval_s=0.05) is thread
    time.sleep(0.2)  # a few failed rounds while the database is down
    assert thread.is_alive() and store.pending() == 1

    backend.up()
    assert wait_for(lambda: store.pending() == 0)
    assert refs(store.list()) == ["waiting"]
    store.stop_retry()
    assert not thread.is_alive()
    with pytest.raises(ValueError):
        store.start_retry(interval_s=0)


def test_a_corrupt_outbox_file_is_moved_aside_not_dropped(
    store: HandoffStore, backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    backend.down()
    assert store.save(record(ref="good")).queued
    backend.up()
    (store.outbox_dir / "garbage.json").write_text("{not json", encoding="utf-8")
    (store.outbox_dir / "incomplete.json").write_text(json.dumps({"ref": "x"}), encoding="utf-8")
    (store.outbox_dir / "bad-kind.json").write_text(
        json.dumps({"ref": "y", "kind": "letter", "conversation_id": "c"}), encoding="utf-8"
    )

    assert store.flush_outbox() == 1
    assert refs(store.list()) == ["good"]
    assert store.pending() == 0
    bad = store.outbox_dir / "bad"
    assert sorted(path.name for path in bad.iterdir()) == [
        "bad-kind.json",
        "garbage.json",
        "incomplete.json",
    ]
    assert (bad / "garbage.json").read_text(encoding="utf-8") == "{not json"
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("garbage.json" in message and "bad" in message for message in errors)

    # a second corrupt file of the same name does not overwrite the first one
    (store.outbox_dir / "garbage.json").write_text("again", encoding="utf-8")
    store.flush_outbox()
    assert len(list(bad.glob("garbage*.json"))) == 2


def test_no_personal_data_in_the_logs_during_an_outage(
    store: HandoffStore, backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    personal = record(ref="human:log-check", conversation="conv-log")
    backend.down()
    assert store.save(personal).queued
    store.flush_outbox()
    store.save(record(ref="human:second", conversation="conv-log"))
    backend.up()
    assert store.flush_outbox() == 2

    formatter = logging.Formatter("%(message)s")
    logged = "\n".join(formatter.format(r) for r in caplog.records)
    assert "human:log-check" in logged and "conv-log" in logged  # it does say which handoff
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert any("human:log-check" in r.getMessage() for r in warnings)
    secrets = [
        personal.contact.name,
        personal.contact.phone,
        personal.contact.email,
        personal.note,
        personal.summary,
        personal.preferred_times,
        *(turn["text"] for turn in personal.transcript),
    ]
    for secret in secrets:
        assert secret not in logged, secret


def test_the_outbox_file_is_written_for_this_user_only(
    store: HandoffStore, backend: Backend
) -> None:
    backend.down()
    store.save(record())
    [kept] = outbox_files(store)
    assert kept.stat().st_mode & 0o077 == 0
    assert store.outbox_dir.stat().st_mode & 0o077 == 0
