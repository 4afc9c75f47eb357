"""The widget's thumbs up/down (issue 29): the `feedback` event on the socketio channel records
the person's message the rated answer replied to, read from the tracker, never the browser's
words; anything else is dropped with a log line that holds none of the conversation."""

import logging
import sys
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

import channels.feedback
from channels.feedback import parts, rated_answers, rated_turn
from channels.limits import RateLimiter
from channels.socketio import ClinicSocketIOInput

SESSION = "a1" * 16
OTHER_SESSION = "b2" * 16
POSTURE_ANSWER = "Posture can load the neck.\n\nTry a break every half hour."
PILLOW_ANSWER = "A pillow that keeps your neck level helps."


def user(text: str, intent: str, confidence: float, at: float) -> UserUttered:
    return UserUttered(text, intent={"name": intent, "confidence": confidence}, timestamp=at)


CONVERSATION = [
    ActionExecuted("action_session_start", timestamp=1.0),
    user("I sit at a desk all day and my head aches", "ask_posture", 0.93, 2.0),
    BotUttered(POSTURE_ANSWER, timestamp=3.0),
    user("what pillow should I use", "ask_self_care", 0.61, 4.0),
    BotUttered(PILLOW_ANSWER, timestamp=5.0),
]


class FakeRecorder:
    """Stands in for insights.recorder.Recorder: keeps the ratings it is given."""

    def __init__(self) -> None:
        self.feedback: list[dict[str, Any]] = []

    def record_feedback(self, sender_id: str, **kwargs: Any) -> None:
        self.feedback.append({"sender_id": sender_id, **kwargs})


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    fake = FakeRecorder()
    module = ModuleType("insights.recorder")
    module.recorder = lambda: fake  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "insights.recorder", module)
    rated_answers.cache_clear()
    yield fake.feedback
    rated_answers.cache_clear()


async def store_with(*conversations: tuple[str, list]) -> InMemoryTrackerStore:
    store = InMemoryTrackerStore(Domain.empty())
    for sender, events in conversations:
        await store.save(DialogueStateTracker.from_events(sender, events))
    return store


class Widget:
    """One browser connection on the channel, joined to SESSION as the widget does."""

    def __init__(self, channel: ClinicSocketIOInput, sid: str) -> None:
        self.channel, self.sid = channel, sid

    async def rate(self, data: Any) -> bool:
        return await self.channel.on_feedback(self.sid, data)


async def connect(tracker_store: Any, session: str = SESSION, app: bool = True) -> Widget:
    channel = ClinicSocketIOInput(session_persistence=True)

    async def on_new_message(_: Any) -> None:
        return None

    channel.blueprint(on_new_message)
    sio = channel.sio

    async def emit(*_: Any, **__: Any) -> None:
        return None

    sio.emit = emit
    sid = sio.manager.connect("eio-1", "/")
    agent = SimpleNamespace(tracker_store=tracker_store)
    request = SimpleNamespace(app=SimpleNamespace(ctx=SimpleNamespace(agent=agent)))
    sio.environ["eio-1"] = {"sanic.request": request} if app else {}
    await sio.handlers["/"]["session_request"](sid, {"session_id": session})
    return Widget(channel, sid)


def rating(value: str, answer: str, session: str = SESSION, **extra: Any) -> dict[str, Any]:
    return {"session_id": session, "value": value, "answer": answer, **extra}


async def test_a_rating_records_the_persons_message_from_the_tracker(recorded):
    widget = await connect(await store_with((SESSION, CONVERSATION)))
    # the browser received the posture answer as two messages (Rasa splits at blank lines)
    sent = rating("helpful", "Try a break every half hour.", text="my name is Ada", intent="x")
    assert await widget.rate(sent)
    assert await widget.rate(rating("not_helpful", PILLOW_ANSWER))
    assert recorded == [
        {
            "sender_id": SESSION,
            "helpful": True,
            "text": "I sit at a desk all day and my head aches",
            "intent": "ask_posture",
            "confidence": 0.93,
        },
        {
            "sender_id": SESSION,
            "helpful": False,
            "text": "what pillow should I use",
            "intent": "ask_self_care",
            "confidence": 0.61,
        },
    ]
    assert "Ada" not in repr(recorded)  # the client's own words never reach the insights


async def test_an_answer_given_twice_is_the_latest_one(recorded):
    events = [
        *CONVERSATION,
        user("and which pillow again", "ask_self_care", 0.55, 6.0),
        BotUttered(PILLOW_ANSWER, timestamp=7.0),
    ]
    widget = await connect(await store_with((SESSION, events)))
    assert await widget.rate(rating("not_helpful", PILLOW_ANSWER))
    assert [r["text"] for r in recorded] == ["and which pillow again"]


@pytest.mark.parametrize(
    "data",
    [
        None,
        "helpful",
        [SESSION, "helpful", PILLOW_ANSWER],
        {"value": "helpful", "answer": PILLOW_ANSWER},
        rating("very", PILLOW_ANSWER),
        rating(True, PILLOW_ANSWER),
        rating("helpful", ""),
        rating("helpful", {"text": PILLOW_ANSWER}),
        rating("helpful", "An answer the assistant never gave."),
        rating("helpful", "x" * 20_000),
        rating("helpful", PILLOW_ANSWER, session=""),
        rating("helpful", PILLOW_ANSWER, session=OTHER_SESSION),  # not this connection's
        rating("helpful", PILLOW_ANSWER, session="never-seen"),
    ],
)
async def test_what_the_widget_does_not_send_is_dropped_quietly(recorded, caplog, data):
    store = await store_with((SESSION, CONVERSATION), (OTHER_SESSION, CONVERSATION))
    widget = await connect(store)
    with caplog.at_level(logging.INFO, logger="channels.feedback"):
        assert await widget.rate(data) is False
    assert recorded == []
    [line] = [r.getMessage() for r in caplog.records if r.name == "channels.feedback"]
    assert line.startswith("feedback ignored")
    for secret in (SESSION, OTHER_SESSION, "pillow", "never-seen", "never gave"):
        assert secret not in line


async def test_an_unknown_session_of_this_connection_is_dropped(recorded):
    widget = await connect(await store_with((OTHER_SESSION, CONVERSATION)))
    assert await widget.rate(rating("helpful", PILLOW_ANSWER)) is False
    assert recorded == []


async def test_an_answer_is_rated_once(recorded):
    widget = await connect(await store_with((SESSION, CONVERSATION)))
    assert await widget.rate(rating("not_helpful", PILLOW_ANSWER))
    assert await widget.rate(rating("helpful", PILLOW_ANSWER)) is False  # a change of mind
    assert await widget.rate(rating("not_helpful", PILLOW_ANSWER)) is False  # a replay
    assert [r["helpful"] for r in recorded] == [False]


async def test_a_connection_flooding_ratings_is_slowed_down(recorded, monkeypatch):
    limiter = RateLimiter(3, clock=lambda: 1_000.0)
    monkeypatch.setattr(channels.feedback, "limiter", lambda: limiter)
    events = list(CONVERSATION)
    for n in range(5):
        at = 10.0 + 2 * n
        events += [
            user(f"question {n}", "ask_posture", 0.9, at),
            BotUttered(f"answer {n}", timestamp=at + 1),
        ]
    widget = await connect(await store_with((SESSION, events)))
    results = [await widget.rate(rating("not_helpful", f"answer {n}")) for n in range(5)]
    assert results == [True, True, True, False, False]
    assert [r["text"] for r in recorded] == ["question 0", "question 1", "question 2"]


async def test_no_agent_yet_means_no_rating(recorded):
    widget = await connect(await store_with((SESSION, CONVERSATION)), app=False)
    assert await widget.rate(rating("helpful", PILLOW_ANSWER)) is False
    assert recorded == []


def test_an_answer_with_no_message_before_it_is_not_a_rated_turn():
    greeting = [ActionExecuted("action_session_start"), BotUttered("Hi! Ask me anything.")]
    assert rated_turn(greeting, "Hi! Ask me anything.") is None
    assert rated_turn([], "Hi") is None


def test_a_rated_answer_to_the_front_desks_question_keeps_no_words():
    """ "sarah" given as the name for the front desk is no detail the redactor can see: the
    rating counts under its topic but the message is not kept for review."""
    asked_name = [
        user("sarah", "out_of_scope", 0.39, 2.0),
        SlotSet("contact_name", "sarah", timestamp=2.0),
        ActionExecuted("handoff_form", timestamp=2.1),
        BotUttered("Thanks. What is the best number to reach you?", timestamp=2.2),
    ]
    turn = rated_turn(asked_name, "Thanks. What is the best number to reach you?")
    assert turn is not None and turn.text == "" and turn.intent == "out_of_scope"
    plain = rated_turn(CONVERSATION, PILLOW_ANSWER)
    assert plain is not None and plain.text == "what pillow should I use"


def test_what_the_browser_may_have_received_of_one_utterance():
    assert parts(POSTURE_ANSWER) == {
        POSTURE_ANSWER,
        "Posture can load the neck.",
        "Try a break every half hour.",
    }
    assert parts("  \n\n ") == set()


async def test_a_recorder_that_fails_logs_no_words(recorded, monkeypatch, caplog):
    class Failing:
        def record_feedback(self, sender_id: str, **kwargs: Any) -> None:
            raise RuntimeError(f"INSERT failed for {kwargs['text']}")

    module = ModuleType("insights.recorder")
    module.recorder = Failing  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "insights.recorder", module)
    widget = await connect(await store_with((SESSION, CONVERSATION)))
    with caplog.at_level(logging.INFO, logger="channels.feedback"):
        assert await widget.rate(rating("not_helpful", PILLOW_ANSWER)) is False
    assert [r.getMessage() for r in caplog.records] == ["feedback not recorded: RuntimeError"]
