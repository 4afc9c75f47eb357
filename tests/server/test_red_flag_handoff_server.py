"""Red flags inside the handoff form, against the running assistant (issue 3: "inside the
booking form"). Every positive case of the project's corpus is typed as the answer to the
booking's first question; the same gates as the shared tool's first and mid modes hold."""

import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import yaml

from tests.conftest import ROOT

pytestmark = pytest.mark.server
CASES = [
    c
    for c in yaml.safe_load((ROOT / "tests" / "red_flags" / "corpus.yml").read_text())["cases"]
    if c.get("level") in ("emergency", "urgent")
]
OUTCOME = {"emergency": "red_flag_emergency", "urgent": "red_flag_urgent"}


def run_case(assistant, case: dict) -> tuple[str, str, str | None, bool]:
    sender = f"booking-flag-{case['id']}-{uuid.uuid4().hex[:6]}"
    assistant.say(sender, "I'd like to book an appointment please")
    replies = assistant.say(sender, case["text"])
    tracker = assistant.tracker(sender)
    text = " ".join(r.get("text") or "" for r in replies)
    left_form = tracker["slots"]["requested_slot"] is None
    return (
        case["id"],
        case["level"],
        tracker["slots"]["triage_outcome"],
        "999" in text and left_form,
    )


@pytest.fixture(scope="module")
def results(assistant):
    with ThreadPoolExecutor(max_workers=4) as pool:
        rows = list(pool.map(lambda c: run_case(assistant, c), CASES))
    out = ROOT / "run" / "test" / "red_flags_booking.json"
    out.write_text(
        json.dumps([dict(zip(("id", "level", "outcome", "advised"), r, strict=True)) for r in rows])
    )
    return rows


def test_every_emergency_in_a_booking_answer_is_escalated_as_an_emergency(results):
    emergencies = [r for r in results if r[1] == "emergency"]
    missed = [r for r in emergencies if r[2] != OUTCOME["emergency"] or not r[3]]
    assert len(emergencies) >= 100 and missed == []


def test_urgent_flags_in_a_booking_answer_reach_98_percent(results):
    urgent = [r for r in results if r[1] == "urgent"]
    caught = [r for r in urgent if r[2] in OUTCOME.values() and r[3]]
    assert len(caught) / len(urgent) >= 0.98, [r for r in urgent if r not in caught]
