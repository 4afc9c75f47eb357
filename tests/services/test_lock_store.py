"""The cluster's lock store on the machine's Redis: a turn queued behind one that a dead replica
left is served once that one's ticket expires, even when both expire between two checks."""

import asyncio
import os
import socket
import time
import uuid

import pytest
from rasa.core.lock_store import LockStore
from rasa.utils.endpoints import EndpointConfig

from stores.lock_store import ClinicLockStore


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def store() -> ClinicLockStore:
    if not redis_answers():
        if os.environ.get("CI"):
            pytest.fail("Redis on 127.0.0.1:6379 does not answer")
        pytest.skip("Redis on 127.0.0.1:6379 does not answer")
    config = EndpointConfig(url="127.0.0.1", type="stores.lock_store.ClinicLockStore",
                            port="6379", db="1", password="", key_prefix="locktest")  # fmt: skip
    store = LockStore.create(config)  # as Rasa builds it from endpoints.yml
    assert isinstance(store, ClinicLockStore)
    return store


async def test_a_turn_behind_a_dead_replicas_ticket_is_served(store):
    conversation = f"lock-{uuid.uuid4().hex}"
    store.issue_ticket(conversation, lock_lifetime=1)  # taken by a replica that then died
    started = time.monotonic()

    async def next_turn() -> float:
        async with store.lock(conversation, lock_lifetime=1, wait_time_in_seconds=2):
            return time.monotonic() - started

    # both tickets expire before the waiting turn looks again (Rasa's own would wait forever)
    waited = await asyncio.wait_for(next_turn(), timeout=10)
    assert 0.9 < waited < 5
    assert store.get_lock(conversation) is None  # cleaned up after the turn


async def test_turns_of_one_conversation_are_served_one_at_a_time(store):
    conversation = f"lock-{uuid.uuid4().hex}"
    inside: list[int] = []
    overlaps: list[int] = []

    async def turn(n: int) -> None:
        async with store.lock(conversation, wait_time_in_seconds=0.05):
            if inside:
                overlaps.append(n)
            inside.append(n)
            await asyncio.sleep(0.1)
            inside.remove(n)

    await asyncio.gather(*(turn(n) for n in range(4)))
    assert overlaps == []
