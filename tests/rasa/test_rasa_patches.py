"""The Rasa patches (rasa_patches/): checked before they go in, installed only when asked, and
switched off whole by RASA_PATCHES=off."""

import json
import os
import subprocess
import sys
from dataclasses import replace

import pytest

import rasa_patches
from rasa_patches.guard import PatchMismatch, check, check_version, sha256_of
from rasa_patches.manifest import PATCHES, RASA_VERSION, Patch
from tests.conftest import ROOT

# Where each patch puts its replacement: module, attribute path.
INSTALLED_AT = {
    "without_tensorflow": [("rasa.engine.storage.storage", "ModelMetadata.from_dict")],
    "rasa_speedups": [("rasa.shared.core.events", "Event.resolve_by_type"),
                      ("jsonschema", "validate"),
                      ("rasa.shared.core.trackers", "DialogueStateTracker.applied_events"),
                      ("rasa.shared.core.domain", "Domain.is_empty"),
                      ("rasa.shared.core.slots", "Slot.__copy__")],
    "states_fold": [("rasa.shared.core.trackers", "DialogueStateTracker.past_states")],
    "tracker_copy": [("rasa.shared.core.trackers", "DialogueStateTracker.copy")],
    "rule_matching": [("rasa.core.policies.rule_policy", "RulePolicy._get_possible_keys")],
    "gc_freeze": [("rasa.core.processor", "MessageProcessor.handle_message")],
    "graph_runner": [("rasa.engine.runner.dask", "DaskGraphRunner.run")],
    "logreg_features": [("rasa.nlu.classifiers.logistic_regression_classifier",
                         "LogisticRegressionClassifier._create_X")],
    "action_payload": [("rasa.core.actions.action", "RemoteAction._action_call_format"),
                       ("rasa.utils.endpoints", "EndpointConfig.session")],
    "action_server_fallback": [("rasa.core.actions.action", "RemoteAction.run"),
                               ("rasa.core.processor", "MessageProcessor._run_action")],
}  # fmt: skip

# Run in a fresh process: what each installed place holds before anything, after importing the
# project's packages, after install(), after a second install().
PROBE = """
import importlib, inspect, json, sys
places = json.loads(sys.argv[1])
kept = []  # every value seen stays alive, so an id is never reused

def holds():
    found = {}
    for name, (module, path) in places:
        value = importlib.import_module(module)
        for part in path.split("."):
            value = inspect.getattr_static(value, part, None)
        kept.append(value)
        found[f"{name}:{path}"] = id(value)
    return found

steps = {"before": holds()}
# The guard reads each source from its file: the text inspect gives for the original, unpatched
from rasa_patches.guard import source_of
from rasa_patches.manifest import PATCHES

def definition(module, qualname):
    value = importlib.import_module(module)
    for part in qualname.split("."):
        value = getattr(value, part)
    return value

steps["sources_differ"] = [
    r.qualname for p in PATCHES for r in p.replaces
    if source_of(r.module, r.qualname) != inspect.getsource(definition(r.module, r.qualname))
]
import components, headache_core, headache_core.nlp, actions  # noqa
steps["imported"] = holds()
import rasa_patches
steps["installed_names"] = rasa_patches.install()
steps["installed"] = holds()
steps["again_names"] = rasa_patches.install()
steps["again"] = holds()
print(json.dumps(steps))
"""


def probe(switch: str) -> dict:
    places = [(name, place) for name, at in INSTALLED_AT.items() for place in at]
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(places)], cwd=ROOT, capture_output=True,
        text=True, timeout=300, check=True, env=os.environ | {"RASA_PATCHES": switch},
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def changed(steps: dict, step: str) -> set[str]:
    return {place for place, held in steps[step].items() if held != steps["before"][place]}


def test_every_patch_says_where_it_goes():
    assert list(INSTALLED_AT) == [patch.name for patch in PATCHES]


def test_importing_the_project_installs_nothing_and_install_installs_every_patch_once():
    steps = probe("on")
    assert steps["sources_differ"] == []  # what the guard hashes is inspect.getsource's text
    assert changed(steps, "imported") == set()
    assert steps["installed_names"] == [patch.name for patch in PATCHES]
    assert changed(steps, "installed") == set(steps["before"])  # every place, each replaced
    assert steps["again_names"] == steps["installed_names"] and steps["again"] == steps["installed"]


def test_with_rasa_patches_off_nothing_is_installed():
    steps = probe("off")
    assert steps["installed_names"] == [] and changed(steps, "installed") == set()


@pytest.mark.parametrize(
    ("value", "on"), [("", True), ("on", True), ("off", False), ("OFF", False)]
)
def test_the_switch(value, on, monkeypatch):
    monkeypatch.setenv("RASA_PATCHES", value)
    assert rasa_patches.enabled() is on


def test_a_switch_value_it_does_not_know_is_an_error(monkeypatch):
    monkeypatch.setenv("RASA_PATCHES", "0")
    with pytest.raises(ValueError, match="RASA_PATCHES"):
        rasa_patches.enabled()


def test_the_recorded_hashes_are_those_of_the_installed_rasa():
    for patch in PATCHES:
        for replaced in patch.replaces:
            assert sha256_of(replaced.module, replaced.qualname) == replaced.sha256, replaced


def test_another_rasa_version_is_refused_with_the_way_out():
    with pytest.raises(PatchMismatch) as refused:
        check_version("3.6.22")
    message = str(refused.value)
    assert RASA_VERSION in message and "3.6.22" in message and "RASA_PATCHES=off" in message


def test_a_changed_rasa_function_is_refused_naming_the_patch():
    patch = PATCHES[-1]
    stale = replace(patch.replaces[0], sha256="0" * 64)
    with pytest.raises(PatchMismatch) as refused:
        check((Patch(patch.name, (stale,)),), RASA_VERSION)
    message = str(refused.value)
    found = sha256_of(stale.module, stale.qualname)
    assert patch.name in message and stale.qualname in message
    assert "0" * 64 in message and found in message and "RASA_PATCHES=off" in message


def test_a_function_rasa_no_longer_has_is_refused():
    gone = Patch("tracker_copy", (replace(PATCHES[3].replaces[0], qualname="Gone.copy"),))
    with pytest.raises(PatchMismatch, match="no such definition"):
        check((gone,), RASA_VERSION)


REFUSED = """
import sys
from dataclasses import replace
import rasa_patches
from rasa_patches.manifest import PATCHES
last = PATCHES[-1]
rasa_patches.PATCHES = (*PATCHES[:-1], replace(last, replaces=(replace(last.replaces[0], sha256="0" * 64),)))
try:
    rasa_patches.install()
except rasa_patches.PatchMismatch as refused:
    print(rasa_patches.installed(), "rasa_patches.tracker_copy" in sys.modules, refused)
"""


def test_install_refuses_before_installing_anything():
    done = subprocess.run(
        [sys.executable, "-c", REFUSED], cwd=ROOT, capture_output=True, text=True, timeout=120,
        check=True, env=os.environ | {"RASA_PATCHES": "on"},
    )  # fmt: skip
    assert done.stdout.startswith("[] False ") and "action_server_fallback" in done.stdout


def test_the_hash_listing_command_agrees():
    done = subprocess.run(
        [sys.executable, "-m", "rasa_patches"], cwd=ROOT, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0 and "CHANGED" not in done.stdout, done.stdout


def model_answers(switch: str) -> dict:
    from tooling.train import ensure_model

    done = subprocess.run(
        [sys.executable, "-m", "tests.model_answers", str(ensure_model())], cwd=ROOT,
        capture_output=True, text=True, timeout=600, check=True,
        env=os.environ | {"RASA_PATCHES": switch},
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.server
def test_a_model_trained_with_the_patches_answers_the_same_on_stock_rasa():
    patched, stock = model_answers("on"), model_answers("off")
    assert patched["installed"] == [patch.name for patch in PATCHES] and stock["installed"] == []
    assert {a["next_action"] for a in patched["answers"]} >= {"utter_greet", "handoff_form"}
    assert stock["answers"] == patched["answers"]
