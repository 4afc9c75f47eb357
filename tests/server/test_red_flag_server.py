"""Red flags end to end: the shared evaluation tool against the running assistant.

`../shared/eval/converse.py red-flags` sends each case of the project's corpus as the first
message of a conversation ("first"), and as the answer to a question in the middle of the neck
screening ("mid"), and reads the contract slots from the tracker. The same gates hold in both.
"""

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.server
CONVERSE = ROOT.parent / "shared" / "eval" / "converse.py"
CORPUS = ROOT / "tests" / "red_flags" / "corpus.yml"


@pytest.fixture(scope="module", params=["first", "mid"])
def red_flag_run(request, assistant, tmp_path_factory):
    assert CONVERSE.exists(), f"the shared evaluation tool is missing: {CONVERSE}"
    mode = request.param
    out = tmp_path_factory.mktemp("converse") / "red_flags.json"
    command = [
        sys.executable, str(CONVERSE), "red-flags", str(CORPUS), "--modes", mode,
        "--url", assistant.rasa_url, "--token", assistant.token, "--json", str(out),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert out.exists(), done.stdout + done.stderr
    result = json.loads(out.read_text())
    (ROOT / "run" / "test" / f"red_flags_{mode}.json").write_text(json.dumps(result, indent=1))
    return result


def failures(result, verdicts):
    return [
        (r["id"], r["verdict"], r["reply"][-120:])
        for r in result["rows"]
        if r["verdict"] in verdicts
    ]


def test_every_emergency_is_escalated_as_an_emergency(red_flag_run):
    summary = red_flag_run["summary"]
    assert summary["errors"] == 0
    assert summary["emergency_recall"] == 1.0, failures(
        red_flag_run, {"missed", "under_triage", "no_emergency_wording"}
    )


def test_urgent_recall_is_at_least_98_percent(red_flag_run):
    assert red_flag_run["summary"]["urgent_recall"] >= 0.98, failures(red_flag_run, {"missed"})


def test_false_alarms_stay_at_or_under_5_percent(red_flag_run):
    summary = red_flag_run["summary"]
    negatives = [r for r in red_flag_run["rows"] if r["kind"] == "negative"]
    alarms = sum(r["verdict"] == "false_alarm" for r in negatives)
    assert alarms / len(negatives) <= 0.05, failures(red_flag_run, {"false_alarm"})
    assert summary["false_alarm_rate"] is not None
