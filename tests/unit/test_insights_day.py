"""A scripted clinic day of 200 conversations: education only, screenings finished with each
outcome and left half-way, red flags of both levels, unsure messages, bookings and requests for
a person, feedback. Each conversation's turns go through `Recorder.record_turn` one by one, as
the tracker store hands them over (interleaved, as many people talk at once); the insights must
then equal what the conversations' events say, counted here independently from the whole event
lists. "Forget me" then removes one conversation from every count and from the review queue."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)

from handoff_delivery.store import HandoffStore
from headache_core.handoff.model import Contact, HandoffRecord
from headache_core.red_flags.rules import load_rules
from insights.recorder import Recorder
from insights.store import InsightsStore
from insights.summary import JOURNEYS

DAY_START = datetime(2026, 12, 2, 7, 0, tzinfo=timezone.utc)  # London is on UTC in December
EVENING = datetime(2026, 12, 2, 19, 0, tzinfo=timezone.utc)
EDUCATION = ["ask_posture", "ask_self_care", "ask_headache_causes", "ask_treatment",
             "ask_cervicogenic_headache", "ask_neck_anatomy", "ask_when_to_see_doctor"]  # fmt: skip
LEVELS = {flag.id: flag.level for flag in load_rules().flags}
BY_LEVEL = {
    level: [f for f, lv in LEVELS.items() if lv == level] for level in ("emergency", "urgent")
}
PLANS = (
    ["education"] * 70
    + ["consistent"] * 25
    + ["not_typical"] * 20
    + ["screening_left"] * 15
    + ["emergency"] * 15
    + ["urgent"] * 15
    + ["booking"] * 20
    + ["human"] * 10
    + ["unsure_only"] * 10
)
assert len(PLANS) == 200


@dataclass
class Conversation:
    sender: str
    plan: str
    turns: list[list[Any]] = field(default_factory=list)
    handoff: str | None = None  # kind

    @property
    def events(self) -> list[dict[str, Any]]:
        return [event.as_dict() for turn in self.turns for event in turn]


class Script:
    """Builds conversations turn by turn with increasing timestamps."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.clock = DAY_START.timestamp()

    def at(self) -> float:
        self.clock += self.rng.uniform(0.5, 20)
        return self.clock

    def turn(
        self, text: str, intent: str, confidence: float = 0.93, *after: tuple[str, Any]
    ) -> list[Any]:
        t = self.at()
        events: list[Any] = [
            UserUttered(text, {"name": intent, "confidence": confidence}, timestamp=t,
                        input_channel="socketio"),
        ]  # fmt: skip
        for kind, value in after:
            if kind == "action":
                events.append(ActionExecuted(value, timestamp=t))
            elif kind == "loop":
                events.append(ActiveLoop(value, timestamp=t))
            else:
                events.append(SlotSet(kind, value, timestamp=t))
        events += [BotUttered("reply", timestamp=t), ActionExecuted("action_listen", timestamp=t)]
        return events

    def unsure(self) -> list[Any]:
        if self.rng.random() < 0.5:
            return self.turn("blorp wibble 07700 900123", "nlu_fallback", 0.25,
                             ("action", "action_handle_unclear"))  # fmt: skip
        return self.turn("who won the football", "out_of_scope", 0.81)

    def conversation(self, number: int, plan: str) -> Conversation:
        rng = self.rng
        c = Conversation(f"sender-{number:03d}", plan)
        t = self.at()
        c.turns.append(
            [ActionExecuted("action_session_start", timestamp=t), SessionStarted(timestamp=t),
             ActionExecuted("action_listen", timestamp=t)]
        )  # fmt: skip
        if rng.random() < 0.5:
            c.turns.append(self.turn("hello", "greet", 0.99))
        if plan == "education":
            for _ in range(rng.randint(1, 4)):
                c.turns.append(self.turn("a question", rng.choice(EDUCATION)))
            if rng.random() < 0.3:
                c.turns.append(self.unsure())
            if rng.random() < 0.3:
                c.turns.append(self.turn("when are you open", "ask_clinic_info"))
        elif plan in ("consistent", "not_typical", "screening_left"):
            c.turns.append(self.turn("check my headache", "start_screening", 0.9,
                                     ("loop", "screening_form"),
                                     ("requested_slot", "red_flag_check")))  # fmt: skip
            for _ in range(rng.randint(2, 6)):
                c.turns.append(self.turn("no", "deny", 0.97, ("requested_slot", "age")))
            if rng.random() < 0.3:
                c.turns.append(self.unsure())
            if plan != "screening_left":
                outcome = (
                    f"{plan}_with_cervicogenic"
                    if plan == "consistent"
                    else "not_typical_cervicogenic"
                )
                c.turns.append(self.turn("no", "deny", 0.97, ("triage_outcome", outcome),
                                         ("loop", None)))  # fmt: skip
        elif plan in ("emergency", "urgent"):
            if rng.random() < 0.4:
                c.turns.append(self.turn("a question", rng.choice(EDUCATION)))
            flags = rng.sample(BY_LEVEL[plan], rng.randint(1, 2))
            c.turns.append(self.turn("worst headache, sudden", "report_emergency_symptoms", 1.0,
                                     ("red_flags", flags),
                                     ("triage_outcome", f"red_flag_{plan}")))  # fmt: skip
            if rng.random() < 0.5:  # the advice is kept on the next turn too
                c.turns.append(self.turn("ok thanks", "thank", 0.9, ("red_flags", flags)))
            if rng.random() < 0.3:
                c.handoff = "human"
        elif plan in ("booking", "human"):
            intent = "book_appointment" if plan == "booking" else "request_human"
            c.turns.append(self.turn("can I book", intent, 0.95, ("loop", "handoff_form")))
            c.turns.append(self.turn("Sam, 07700 900123", "inform", 0.6, ("loop", None)))
            c.handoff = plan
        elif plan == "unsure_only":
            for _ in range(rng.randint(1, 3)):
                c.turns.append(self.unsure())
        if rng.random() < 0.4:
            c.turns.append(self.turn("bye", "goodbye", 0.99))
        return c


def expected(conversations: list[Conversation], threshold: float) -> dict[str, Any]:
    """The counts the whole event lists say, read here without insights/tally.py."""
    messages = unsure = 0
    topics: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    flags: Counter[str] = Counter()
    levels: Counter[str] = Counter()
    journeys: Counter[str] = Counter()
    people = 0
    for c in conversations:
        events = c.events
        users = [i for i, e in enumerate(events) if e["event"] == "user"]
        people += bool(users)
        for i in users:
            intent = events[i]["parse_data"]["intent"]
            messages += 1
            if intent["name"] != "nlu_fallback":
                topics[intent["name"]] += 1
            following = []
            for e in events[i + 1 :]:
                if e["event"] == "user":
                    break
                following.append(e)
            unclear = any(e.get("name") == "action_handle_unclear" for e in following)
            unsure += (
                intent["name"] in ("nlu_fallback", "out_of_scope")
                or unclear
                or intent["confidence"] < threshold
            )
        given = {e["value"] for e in events if e["event"] == "slot" and e["name"] == "triage_outcome" and e["value"]}  # fmt: skip
        named = {f for e in events if e["event"] == "slot" and e["name"] == "red_flags" for f in e["value"] or []}  # fmt: skip
        outcomes.update(given)
        flags.update(named)
        own = {LEVELS[f] for f in named} | {o.removeprefix("red_flag_") for o in given if o.startswith("red_flag_")}  # fmt: skip
        if own:
            levels["emergency" if "emergency" in own else "urgent"] += 1
        journeys[
            {"education": "education_only", "consistent": "screening_finished",
             "not_typical": "screening_finished", "screening_left": "screening_started",
             "emergency": "red_flag", "urgent": "red_flag"}.get(c.plan, "other")
        ] += 1  # fmt: skip
    handoffs = Counter(c.handoff for c in conversations if c.handoff)
    return {
        "conversations": people,
        "messages": messages,
        "unsure_messages": unsure,
        "topics": dict(topics),
        "outcomes": dict(outcomes),
        "red_flags": dict(flags),
        "red_flag_levels": dict(levels),
        "journeys": {name: journeys[name] for name in JOURNEYS},
        "handoffs": {kind: handoffs[kind] for kind in ("booking", "human")},
    }


def _nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in counts.items() if v}


@pytest.fixture
def day(tmp_path: Path):
    handoffs = HandoffStore(f"sqlite:///{tmp_path / 'day.sqlite3'}", tmp_path / "outbox",
                            clock=lambda: EVENING)  # fmt: skip
    handoffs.migrate()
    store = InsightsStore(handoffs.engine, "Europe/London", clock=lambda: EVENING)
    recorder = Recorder(
        store, b"day-key", redact=lambda text: text.replace("07700 900123", "[PHONE]")
    )
    yield handoffs, store, recorder
    handoffs.close()


def play(conversations: list[Conversation], recorder: Recorder, handoffs: HandoffStore) -> None:
    """Every conversation's turns, interleaved, as the tracker store saves them."""
    rng = random.Random(7)
    pending = {c.sender: list(c.turns) for c in conversations}
    while pending:
        sender = rng.choice(sorted(pending))
        turn = pending[sender].pop(0)
        recorder.record_turn(sender, "socketio", [event.as_dict() for event in turn])
        if not pending[sender]:
            del pending[sender]
    recorder.wait()  # the worker thread has written every turn
    for c in conversations:
        if c.handoff:
            handoffs.save(
                HandoffRecord(ref=f"{c.handoff}:{c.sender}", kind=c.handoff,
                              conversation_id=c.sender, contact=Contact(name="Sam"))
            )  # fmt: skip


def test_a_day_of_200_conversations_counts_what_the_trackers_say(day):
    handoffs, store, recorder = day
    script = Script(random.Random(29))
    conversations = [script.conversation(n, plan) for n, plan in enumerate(PLANS)]
    play(conversations, recorder, handoffs)
    assert recorder.failures == 0

    got = store.summary(days=1)
    want = expected(conversations, threshold=0.25)
    assert got["from"] == got["to"] == "2026-12-02" and got["timezone"] == "Europe/London"
    for name in ("conversations", "messages", "unsure_messages", "topics", "journeys"):
        assert got[name] == want[name], name
    assert _nonzero(got["outcomes"]) == want["outcomes"]
    assert got["red_flags"] == want["red_flags"]
    assert _nonzero(got["red_flag_levels"]) == want["red_flag_levels"]
    assert {kind: got["handoffs"][kind]["new"] for kind in ("booking", "human")} == want["handoffs"]
    assert got["unsure_share"] == round(want["unsure_messages"] / want["messages"], 4)
    assert got["conversations"] == 200 and sum(got["journeys"].values()) == 200
    assert got["by_day"] == [
        {"day": "2026-12-02"} | {k: got[k] for k in got["by_day"][0] if k != "day"}
    ]

    items, total = store.review(status="all", limit=500)
    assert total == want["unsure_messages"]
    assert all("07700" not in item["text"] for item in items)  # redacted before it was stored


def test_forget_me_takes_a_conversation_out_of_every_count_and_the_queue(day):
    handoffs, store, recorder = day
    script = Script(random.Random(30))
    conversations = [script.conversation(n, plan) for n, plan in enumerate(PLANS[::10])]
    play(conversations, recorder, handoffs)
    unsure_one = next(c for c in conversations if c.plan == "unsure_only")
    before = store.summary(days=1)
    _, queued = store.review(status="all")

    recorder.forget(unsure_one.sender)

    after = store.summary(days=1)
    rest = [c for c in conversations if c is not unsure_one]
    want = expected(rest, threshold=0.25)
    assert after["conversations"] == before["conversations"] - 1 == want["conversations"]
    assert (
        after["messages"] == want["messages"]
        and after["unsure_messages"] == want["unsure_messages"]
    )
    assert store.review(status="all")[1] == queued - expected([unsure_one], 0.25)["unsure_messages"]
