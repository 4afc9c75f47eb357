"""The project's own commands start without TensorFlow; Rasa's processes keep it."""

import subprocess
import sys

import pytest

from rasa_patches.without_tensorflow import (
    keep_tensorflow_out_of_own_commands,
    started_as_own_command,
)
from tests.conftest import ROOT


@pytest.mark.parametrize(
    ("argv", "own"),
    [
        (["python", "-m", "tooling.train", "--print-path"], True),
        (["python", "-X", "importtime", "-m", "headache_core.nlp.pipeline"], True),
        (["python", "-m", "actions", "--port", "5055"], True),
        (["python", "-m", "stores.retention"], True),
        (["python", "-m", "pytest", "-q"], False),
        (["python", "-m", "rasa", "train"], False),
        (["/app/.venv/bin/rasa", "run", "--enable-api"], False),
        (["python", "-c", "import tooling"], False),
        (["python", "-m"], False),
    ],
)
def test_own_commands_are_told_from_other_processes(argv, own):
    assert started_as_own_command(argv) is own


def imported(*command: str) -> set[str]:
    """The modules a process imported (`-X importtime`), by name. A blocked import is listed
    too (as a bare `tensorflow` taking microseconds); loading it lists its submodules."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *command],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if "|" in line}


@pytest.mark.parametrize("command", [["tooling.train", "--print-path"], ["actions", "--help"]])
def test_a_command_that_loads_spacy_does_not_load_tensorflow(command):
    modules = imported("-m", *command)
    assert "spacy" in modules
    assert "tensorflow.python" not in modules


@pytest.mark.parametrize(
    ("argv", "blocked"),
    [(["python", "-m", "tooling.run"], True), (["python", "-m", "pytest"], False)],
)
def test_only_own_commands_block_tensorflow(argv, blocked, monkeypatch):
    monkeypatch.setattr(sys, "orig_argv", argv)
    # whether TF is loaded in this process or not, it is put back as it was afterwards
    monkeypatch.setitem(sys.modules, "tensorflow", None)
    monkeypatch.delitem(sys.modules, "tensorflow")
    keep_tensorflow_out_of_own_commands()
    assert ("tensorflow" in sys.modules and sys.modules["tensorflow"] is None) is blocked
