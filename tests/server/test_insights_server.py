"""Insights over the real stack: a few conversations over REST (education, unsure messages, a
red flag, a finished screening), then `/api/insights` has grown by exactly what their trackers
(`GET /conversations/{id}/tracker`) say, the review queue holds the unsure messages redacted,
and "forget me" takes a conversation out again."""

from __future__ import annotations

import json
import random
import time
import urllib.error
import urllib.request
from typing import Any

import pytest

from tests.conftest import Conversation
from tests.server.test_handoff_server import SCREENING, answer_until_done
from tooling.insights_check import forms, took_as_answer
from tooling.stack import DEV_FRONTDESK_TOKEN

pytestmark = pytest.mark.server
THRESHOLD = 0.25  # config.yml's FallbackClassifier


def api(assistant, path: str) -> tuple[int, Any, dict[str, str]]:
    request = urllib.request.Request(f"{assistant.web_url}{path}")
    request.add_header("Authorization", f"Bearer {DEV_FRONTDESK_TOKEN}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read()), dict(response.headers)
    except urllib.error.HTTPError as err:
        return err.code, err.read(), {}


def queued(assistant, words: str, timeout: float = 20.0) -> None:
    """Until the review queue holds a message with `words`. The Rasa server's recorder writes in
    the order it was asked (one worker), so then every turn said before that message is counted
    too: a snapshot taken now is not short of a turn still queued (this test's, or an earlier
    test's that would land in the middle of this one)."""
    deadline = time.monotonic() + timeout
    while True:
        _, items, _ = api(assistant, "/api/review?status=all&limit=50")
        if any(words in item["text"] for item in items):
            return
        assert time.monotonic() < deadline, f"{words!r} never reached the review queue"
        time.sleep(0.1)


def nonsense() -> str:
    """Words no earlier message holds (letters only: the redactor keeps them)."""
    return " ".join("".join(random.choices("bdfgklmnprstvz", k=6)) for _ in range(3))


def insights(assistant) -> dict[str, Any]:
    status, body, _ = api(assistant, "/api/insights?days=2")
    assert status == 200, body
    return body


def from_tracker(events: list[dict[str, Any]]) -> dict[str, Any]:
    """What one tracker says, read here without insights/tally.py (the form answers as
    tooling/insights_check.py reads them, also without it)."""
    users = [i for i, e in enumerate(events) if e["event"] == "user"]
    unsure = 0
    asks = forms()
    for i in users:
        if took_as_answer(events, i, asks):
            continue  # an answer a form took, or one for the front desk: a message only
        intent = events[i]["parse_data"]["intent"]
        after = []
        for e in events[i + 1 :]:
            if e["event"] == "user":
                break
            after.append(e)
        unsure += bool(
            intent["name"] in ("nlu_fallback", "out_of_scope")
            or intent["confidence"] < THRESHOLD
            or any(e.get("name") == "action_handle_unclear" for e in after)
        )
    slots = [e for e in events if e["event"] == "slot"]
    return {
        "messages": len(users),
        "unsure": unsure,
        "outcomes": {e["value"] for e in slots if e["name"] == "triage_outcome" and e["value"]},
        "flags": {f for e in slots if e["name"] == "red_flags" for f in e["value"] or []},
    }


def grown(after: dict[str, int], before: dict[str, int]) -> dict[str, int]:
    return {k: after.get(k, 0) - before.get(k, 0) for k in after.keys() | before.keys()
            if after.get(k, 0) != before.get(k, 0)}  # fmt: skip


def test_insights_grow_by_what_the_trackers_say_and_forget_me_takes_it_back(assistant):
    barrier = nonsense()
    Conversation(assistant, "insights-before").say(barrier)
    queued(assistant, barrier)
    before = insights(assistant)
    _, _, headers = api(assistant, "/api/review?status=all")
    queued_before = int(headers["x-total-count"])

    education = Conversation(assistant, "insights-edu")
    education.say("what causes headaches?")
    education.say("does my posture at the laptop matter?")
    unsure = Conversation(assistant, "insights-unsure")
    unsure.say("what's the weather in Paris tomorrow")
    red_flag = Conversation(assistant, "insights-red")
    red_flag.say("I suddenly got the worst headache of my life, like a thunderclap")
    screening = Conversation(assistant, "insights-screen")
    screening.say("can you check if my headache comes from my neck?")
    answer_until_done(screening, SCREENING)
    unsure.say("blorp wibble zork 07700 900123")  # the last turn: once it is queued, all are
    queued(assistant, "blorp wibble zork")
    talks = [education, unsure, red_flag, screening]

    said = {t.sender: from_tracker(assistant.tracker(t.sender)["events"]) for t in talks}
    after = insights(assistant)
    assert after["conversations"] - before["conversations"] == len(talks)
    assert after["messages"] - before["messages"] == sum(s["messages"] for s in said.values())
    unsure_count = sum(s["unsure"] for s in said.values())
    assert unsure_count >= 2
    assert after["unsure_messages"] - before["unsure_messages"] == unsure_count
    outcomes = {}
    for s in said.values():
        for outcome in s["outcomes"]:
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    assert grown(after["outcomes"], before["outcomes"]) == outcomes
    flags = {}
    for s in said.values():
        for flag in s["flags"]:
            flags[flag] = flags.get(flag, 0) + 1
    assert flags and grown(after["red_flags"], before["red_flags"]) == flags
    assert after["journeys"]["education_only"] - before["journeys"]["education_only"] >= 1

    status, items, headers = api(assistant, "/api/review?status=all&limit=500")
    assert status == 200 and int(headers["x-total-count"]) - queued_before == unsure_count
    texts = [item["text"] for item in items]
    assert any("blorp wibble zork" in text for text in texts)
    assert not any("07700" in text for text in texts)  # redacted before it was stored

    unsure.say("delete my data")
    unsure.say("yes")
    forgotten = insights(assistant)
    assert forgotten["conversations"] == after["conversations"] - 1
    assert forgotten["unsure_messages"] == after["unsure_messages"] - said[unsure.sender]["unsure"]
    _, items, _ = api(assistant, "/api/review?status=all&limit=500")
    assert not any("blorp wibble zork" in item["text"] for item in items)
