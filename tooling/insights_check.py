"""A scripted day against a running assistant (issue 29): N conversations over REST, then the
insights the web app reports (`GET /api/insights`) against what the trackers say.

    python -m tooling.insights_check [--conversations 200] [--md bench/insights-check.md]
        [--rasa http://localhost:5005] [--web http://localhost:8080]

Reads RASA_API_TOKEN and FRONTDESK_TOKEN (else `make run`'s development defaults). The stack
need not be empty: the insights are read before and after, and the difference is compared.

The expected counts are worked out here from each conversation's tracker
(`GET /conversations/{id}/tracker`), with this file's own reading of "unsure" and of a
journey (the definitions of insights/tally.py and insights/summary.py, written again, not
imported), and the handoffs from `GET /api/handoffs`. Nothing of the insights package runs in
this process: the figures come through the whole product (tracker store hook, database,
summary, API).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

import settings
from tooling.stack import DEV_FRONTDESK_TOKEN, DEV_TOKEN

ROOT = Path(__file__).resolve().parents[1]
START_SCREENING = "Can you check whether my headache is coming from my neck?"
# Answers for the screening and handoff questions, by the slot `requested_slot` names.
NECK_ANSWERS = {
    "red_flag_check": "no, none of those",
    "red_flag_history": "no",
    "confirm_earlier": "yes",
    "age": "35",
    "pain_side": "right side only",
    "pain_start": "it starts at the back of my neck and spreads to my forehead",
    "neck_provoked": "yes, sitting at my desk or turning my head brings it on",
    "neck_stiffness": "yes, I can't turn my head fully to the right",
    "shoulder_arm_pain": "yes, my right shoulder aches with it",
    "headache_pattern": "a few times a week for the last three months",
    "other_symptoms": "nothing else",
    "red_flag_clarify": "no",
}
NOT_NECK_ANSWERS = NECK_ANSWERS | {
    "pain_side": "both sides, it moves around",
    "pain_start": "behind my eyes",
    "neck_provoked": "no, moving my neck makes no difference",
    "neck_stiffness": "no, my neck moves fine",
    "shoulder_arm_pain": "no",
    "headache_pattern": "once a month, with flashing lights before it",
}
HANDOFF_ANSWERS = {
    "handoff_confirm": "yes please",
    "contact_name": "Sam Taylor",
    "contact_details": "07700 900 123",
    "preferred_times": "weekday mornings",
    "appointment_choice": "any time is fine",
    "handoff_note": "no",
    "handoff_consent": "yes",
    "red_flag_clarify": "no",
}  # no answer for `human_handoff`: then the person waits for staff, and the script stops
# (name, opening messages, form answers or None, at most this many form answers)
PLANS: list[tuple[str, list[str], dict[str, str] | None, int]] = [
    ("education", ["what causes headaches?"], None, 0),
    ("education", ["hi", "how does my posture affect my neck?", "thanks, bye"], None, 0),
    ("education", ["what is a cervicogenic headache", "what can I do at home for it"], None, 0),
    ("education", ["why does my upper back get stiff between the shoulder blades"], None, 0),
    ("screening fits", [START_SCREENING], NECK_ANSWERS, 20),
    ("screening does not fit", [START_SCREENING], NOT_NECK_ANSWERS, 20),
    ("screening left early", [START_SCREENING], NECK_ANSWERS, 2),
    ("emergency", ["worst headache of my life, it came on suddenly like a thunderclap"], None, 0),
    ("urgent", ["I'm 68 and have new headaches with jaw pain when I chew"], None, 0),
    ("unclear", ["asdkjh qwe zzx"], None, 0),
    ("out of scope", ["can you fix my car", "what's the weather tomorrow"], None, 0),
    ("booking", ["I'd like to book an appointment"], HANDOFF_ANSWERS, 12),
    ("person", ["can I talk to a real person please"], HANDOFF_ANSWERS, 12),
]


class Client:
    def __init__(self, rasa: str, web: str, rasa_token: str, desk_token: str) -> None:
        self.rasa, self.web = rasa.rstrip("/"), web.rstrip("/")
        self.rasa_token, self.desk_token = rasa_token, desk_token

    def _get(self, url: str, headers: dict[str, str] | None = None) -> Any:
        request = urllib.request.Request(url, headers=headers or {})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def say(self, sender: str, text: str) -> list[dict[str, Any]]:
        body = json.dumps({"sender": sender, "message": text}).encode()
        request = urllib.request.Request(
            self.rasa + "/webhooks/rest/webhook",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def tracker(self, sender: str) -> dict[str, Any]:
        query = urllib.parse.urlencode({"token": self.rasa_token})
        return self._get(f"{self.rasa}/conversations/{urllib.parse.quote(sender)}/tracker?{query}")

    def desk(self, path: str) -> Any:
        return self._get(self.web + path, {"Authorization": f"Bearer {self.desk_token}"})


def play(client: Client, sender: str, plan: tuple[str, list[str], dict | None, int]) -> None:
    _, opening, answers, most = plan
    for text in opening:
        client.say(sender, text)
    for _ in range(most):
        asked = client.tracker(sender).get("slots", {}).get("requested_slot")
        if not asked or not answers or asked not in answers:
            return
        client.say(sender, answers[asked])


# -- what the trackers say ------------------------------------------------------------------


def fallback_threshold() -> float:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    for component in config["pipeline"]:
        if component["name"] == "FallbackClassifier":
            return float(component["threshold"])
    raise SystemExit("config.yml has no FallbackClassifier")


def education_intents() -> set[str]:
    data = yaml.safe_load((ROOT / "headache_core/knowledge/education.yml").read_text("utf-8"))
    found = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            found.update(n for n in node.get("intents") or [] if isinstance(n, str))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    return found


# Small talk, the clinic's details and unsure readings: beside education, still "education only".
PLAIN = {"greet", "goodbye", "affirm", "deny", "thank", "bot_challenge", "how_are_you",
         "pleasantry", "ask_clinic_info", "ask_privacy", "nlu_fallback",
         "out_of_scope"}  # fmt: skip


def forms() -> dict[str, set[str]]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return {name: set(form["required_slots"]) for name, form in domain["forms"].items()}


FRONT_DESK_FORMS = {"handoff_form", "human_handoff_form"}


def took_as_answer(events: list[dict[str, Any]], index: int, asks: dict[str, set[str]]) -> bool:
    """A form ran after the message, was not rejected, and kept a value in one of its slots;
    or the message answered the front desk's questions (or was said while waiting for staff)."""
    loops = [e for e in events[index + 1 :] if e["event"] in ("active_loop", "user")]
    if loops and loops[0]["event"] == "active_loop" and loops[0].get("name"):
        return False  # it started a form: a request, not an answer
    theirs = set().union(*(asks[f] for f in FRONT_DESK_FORMS))
    theirs -= set().union(*(slots for f, slots in asks.items() if f not in FRONT_DESK_FORMS))
    form = None
    for later in events[index + 1 :]:
        if later["event"] == "user":
            return False
        if later["event"] == "action" and later.get("name") in FRONT_DESK_FORMS:
            return True
        if later["event"] == "slot" and later["name"] in theirs:
            return True
        if later["event"] == "action_execution_rejected":
            return False
        if later["event"] == "action":
            form = later.get("name") if later.get("name") in asks else None
        kept = later["event"] == "slot" and form and later["value"] is not None
        if kept and later["name"] in asks[form]:
            return True
    return False


def expected(trackers: list[dict[str, Any]], threshold: float, education: set[str]) -> dict:
    """The insights' totals as the trackers give them."""
    out: dict[str, Any] = {
        "conversations": 0,
        "messages": 0,
        "unsure_messages": 0,
        "journeys": Counter(),
        "outcomes": Counter(),
        "red_flags": Counter(),
        "topics": Counter(),
    }
    asks = forms()
    for tracker in trackers:
        events = tracker["events"]
        users = [i for i, e in enumerate(events) if e["event"] == "user"]
        if not users:
            continue
        out["conversations"] += 1
        outcomes, flags, started, edu, beyond = set(), set(), False, False, False
        for index in users:
            intent = (events[index].get("parse_data") or {}).get("intent") or {}
            name, confidence = intent.get("name"), intent.get("confidence")
            out["messages"] += 1
            if took_as_answer(events, index, asks):
                continue
            if name and name != "nlu_fallback":
                out["topics"][name] += 1
            edu |= name in education
            beyond |= name not in education and name not in PLAIN
            answered_unclear = False
            for later in events[index + 1 :]:
                if later["event"] == "user":
                    break
                if later["event"] == "action" and later.get("name") == "action_handle_unclear":
                    answered_unclear = True
            unsure = (
                name in (None, "nlu_fallback", "out_of_scope")
                or answered_unclear
                or (confidence is not None and confidence < threshold)
            )
            out["unsure_messages"] += unsure
        for event in events:
            if event["event"] == "active_loop" and event.get("name") == "screening_form":
                started = True
            if event["event"] == "slot" and event["name"] == "triage_outcome" and event["value"]:
                outcomes.add(event["value"])
            if event["event"] == "slot" and event["name"] == "red_flags" and event["value"]:
                flags |= set(event["value"])
        out["outcomes"].update(outcomes)
        out["red_flags"].update(flags)
        if flags or outcomes & {"red_flag_emergency", "red_flag_urgent"}:
            out["journeys"]["red_flag"] += 1
        elif outcomes:
            out["journeys"]["screening_finished"] += 1
        elif started:
            out["journeys"]["screening_started"] += 1
        elif edu and not beyond:
            out["journeys"]["education_only"] += 1
        else:
            out["journeys"]["other"] += 1
    return out


def difference(after: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
    """after - before, key by key, nested counts included (zeros dropped)."""
    result: dict[str, Any] = {}
    for key, value in after.items():
        if isinstance(value, dict):
            inner = difference(value, before.get(key) or {})
            result[key] = {k: v for k, v in inner.items() if v}
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            result[key] = value - (before.get(key) or 0)
    return result


def handoff_counts(client: Client, senders: set[str]) -> Counter:
    items = client.desk("/api/handoffs?limit=500")
    return Counter(f"{h['kind']}/{h['status']}" for h in items if h["conversation_id"] in senders)


def compare(name: str, want: Any, got: Any, rows: list[tuple[str, str, str, bool]]) -> None:
    if isinstance(want, Counter):
        want = dict(want)
    rows.append((name, json.dumps(want, sort_keys=True), json.dumps(got, sort_keys=True),
                 want == got))  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--rasa", default="http://localhost:5005")
    parser.add_argument("--web", default="http://localhost:8080")
    parser.add_argument("--seed", type=int, default=29)
    parser.add_argument("--md", type=Path)
    args = parser.parse_args(argv)
    client = Client(
        args.rasa,
        args.web,
        settings.RASA_API_TOKEN.read() or DEV_TOKEN,
        settings.FRONTDESK_TOKEN.read() or DEV_FRONTDESK_TOKEN,
    )
    rng = random.Random(args.seed)
    before = client.desk("/api/insights?days=2")
    started = time.monotonic()
    senders, plans = [], Counter()
    for number in range(args.conversations):
        plan = PLANS[number % len(PLANS)] if number < len(PLANS) else rng.choice(PLANS)
        sender = f"insights-check-{uuid.uuid4().hex[:12]}"
        play(client, sender, plan)
        senders.append(sender)
        plans[plan[0]] += 1
    played_s = time.monotonic() - started
    time.sleep(1)
    after = client.desk("/api/insights?days=2")
    got = difference(after, before)
    trackers = [client.tracker(sender) for sender in senders]
    want = expected(trackers, fallback_threshold(), education_intents())
    rows: list[tuple[str, str, str, bool]] = []
    for key in ("conversations", "messages", "unsure_messages"):
        compare(key, want[key], got.get(key, 0), rows)
    for key in ("journeys", "outcomes", "red_flags", "topics"):
        compare(key, want[key], got.get(key, {}), rows)
    got_handoffs = Counter(
        {f"{k}/{s}": n for k, by in got.get("handoffs", {}).items() for s, n in by.items() if n}
    )
    compare("handoffs", handoff_counts(client, set(senders)), dict(got_handoffs), rows)
    ok = all(row[3] for row in rows)
    lines = [
        "# Insights against the trackers: a scripted day",
        "",
        f"Generated by `python -m tooling.insights_check --conversations {args.conversations}`"
        f" against a running `make run` stack: {len(senders)} conversations"
        f" ({sum(1 for t in trackers for e in t['events'] if e['event'] == 'user')} messages)"
        f" played in {played_s:.0f} s; plans: "
        + ", ".join(f"{name} {count}" for name, count in sorted(plans.items()))
        + ".",
        "",
        f"**{'All counts equal' if ok else 'Counts differ'}** "
        f"({sum(r[3] for r in rows)}/{len(rows)} rows).",
        "",
        "| count | trackers say | /api/insights says | equal |",
        "|---|---|---|---|",
        *(f"| {n} | `{w}` | `{g}` | {'yes' if e else '**no**'} |" for n, w, g, e in rows),
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.md:
        args.md.write_text(text, encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
