"""Fuzzing the running assistant's REST webhook with Hypothesis, between the turns of a normal
screening: arbitrary JSON bodies, arbitrary unicode, huge, empty, null and non-string senders and
messages, control characters. Never a 500, the server answers afterwards, and the screening's
slots stay valid and it reaches its outcome as if nothing had happened."""

import json
import urllib.error
import urllib.request
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Conversation
from tests.server.test_screening_server import BUTTON_ANSWERS, START

pytestmark = pytest.mark.server

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
CONTROL = st.text(st.characters(max_codepoint=0x9F, categories=["Cc"]), max_size=20)
MESSAGES = st.one_of(
    st.text(max_size=200),
    st.text(max_size=200).map(lambda t: t + "\ud800"),  # a lone surrogate: valid JSON
    st.tuples(st.text(max_size=50), CONTROL, st.text(max_size=50)).map("".join),
    st.sampled_from(["", " ", "/", "/greet", "/start_screening{", '/inform{"age": [1]}',
                     "/restart", "/session_start", "/ask_posture{\"body_part\": null}",
                     "x" * 16_384, "x" * 16_385, "é" * 9_000, "\x00" * 100]),
    JSON,
)  # fmt: skip
SENDERS = st.one_of(
    st.builds(lambda: f"fuzz-{uuid.uuid4().hex[:8]}"),
    st.text(max_size=300),
    JSON,
)
BODIES = st.one_of(
    st.fixed_dictionaries({"sender": SENDERS, "message": MESSAGES}),
    st.fixed_dictionaries(
        {"sender": SENDERS, "message": MESSAGES},
        optional={"metadata": JSON, "input_channel": JSON, "stream": JSON},
    ),
    JSON,
)


def post(url: str, body: bytes) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def fuzz_round(assistant, own_sender: str) -> None:
    """One Hypothesis run; bodies that name the screening's sender are all malformed (400) or
    too long (413), so none of them may change that conversation."""
    url = f"{assistant.rasa_url}/webhooks/rest/webhook"

    @FUZZ
    @given(body=BODIES, raw=st.booleans(), aim=st.booleans(), junk=st.binary(max_size=50))
    def run(body, raw, aim, junk):
        if aim and isinstance(body, dict):
            body = {**body, "sender": own_sender}
            if isinstance(body.get("message"), str) and len(body["message"].encode(
                    "utf-8", "surrogatepass")) <= 16_384:  # fmt: skip
                body["message"] = None  # only ever a malformed message for this sender
        data = junk if raw else json.dumps(body).encode()
        status, answer = post(url, data)
        assert status in (200, 400, 413, 429), (status, answer[:300])
        parsed = json.loads(answer)
        if status == 200:
            assert isinstance(parsed, list)
            assert all(isinstance(m, dict) and "recipient_id" in m for m in parsed)
        else:
            assert parsed["error"] and parsed["message"]

    run()


def valid_slots(slots: dict) -> None:
    assert slots["triage_outcome"] in (None, "red_flag_emergency", "red_flag_urgent",
                                       "consistent_with_cervicogenic", "not_typical_cervicogenic")  # fmt: skip
    assert slots["requested_slot"] in (*BUTTON_ANSWERS, "red_flag_clarify", "confirm_earlier", None)
    assert isinstance(slots["red_flags"] or [], list)


def test_fuzzing_between_the_turns_of_a_screening(assistant):
    talk = Conversation(assistant, "fuzz-screening")
    talk.say(START)
    asked = []
    while (slot := talk.slots()["requested_slot"]) and len(asked) < 12:
        valid_slots(talk.slots())
        if len(asked) in (0, 3):
            before = assistant.tracker(talk.sender)["events"]
            fuzz_round(assistant, talk.sender)
            assert assistant.tracker(talk.sender)["events"] == before  # nothing got in
        asked.append(slot)
        talk.say(BUTTON_ANSWERS[slot])
    slots = talk.slots()
    assert slots["triage_outcome"] == "consistent_with_cervicogenic", asked
    assert slots["pain_side"] == "right" and slots["red_flags"] in (None, [])
    # the server still answers, over REST and its API
    assert talk.say("what can I do at home?")
    assert assistant.parse("hello")["intent"]["name"] == "greet"
