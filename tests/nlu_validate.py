"""`rasa data validate --fail-on-warnings` (the Makefile's `validate`) over a copy of data/ with
one more NLU file: how the tests check that the review queue's export can be added as it is."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def validate_with(extra_nlu: str, workdir: Path) -> subprocess.CompletedProcess[str]:
    """Rasa's data validation of data/ plus `extra_nlu` as data/nlu/review-examples.yml."""
    data = workdir / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "nlu" / "review-examples.yml").write_text(extra_nlu, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT), RASA_TELEMETRY_ENABLED="false")
    return subprocess.run(
        [sys.executable, "-m", "rasa_server", "data", "validate", "--fail-on-warnings",
         "--data", str(data), "--domain", "domain.yml", "--config", "config.yml"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
