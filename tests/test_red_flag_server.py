"""Red flags end to end: the shared evaluation tool against the running assistant.

`../shared/eval/converse.py red-flags` sends each case of the project's corpus as the first
message of a conversation and reads the contract slots from the tracker. Its mid-screening mode
needs the screening form (issue 4) and is added with it.
"""

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.server
CONVERSE = ROOT.parent / "shared" / "eval" / "converse.py"
CORPUS = ROOT / "tests" / "red_flags" / "corpus.yml"


@pytest.fixture(scope="module")
def first_message_run(assistant, tmp_path_factory):
    assert CONVERSE.exists(), f"the shared evaluation tool is missing: {CONVERSE}"
    out = tmp_path_factory.mktemp("converse") / "red_flags.json"
    command = [
        sys.executable, str(CONVERSE), "red-flags", str(CORPUS), "--modes", "first",
        "--url", assistant.rasa_url, "--token", assistant.token, "--json", str(out),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert out.exists(), done.stdout + done.stderr
    result = json.loads(out.read_text())
    (ROOT / "run" / "test" / "red_flags_first.json").write_text(json.dumps(result, indent=1))
    return result


def failures(result, verdicts):
    return [
        (r["id"], r["verdict"], r["reply"][-120:])
        for r in result["rows"]
        if r["verdict"] in verdicts
    ]


def test_every_emergency_is_escalated_as_an_emergency(first_message_run):
    summary = first_message_run["summary"]
    assert summary["errors"] == 0
    assert summary["emergency_recall"] == 1.0, failures(
        first_message_run, {"missed", "under_triage", "no_emergency_wording"}
    )


def test_urgent_recall_is_at_least_98_percent(first_message_run):
    assert first_message_run["summary"]["urgent_recall"] >= 0.98, failures(
        first_message_run, {"missed"}
    )


def test_false_alarms_stay_at_or_under_5_percent(first_message_run):
    summary = first_message_run["summary"]
    negatives = [r for r in first_message_run["rows"] if r["kind"] == "negative"]
    alarms = sum(r["verdict"] == "false_alarm" for r in negatives)
    assert alarms / len(negatives) <= 0.05, failures(first_message_run, {"false_alarm"})
    assert summary["false_alarm_rate"] is not None
