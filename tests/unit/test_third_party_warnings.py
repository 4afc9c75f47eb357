"""Third-party deprecation warnings are filtered at the servers' entry points; the project's
own warnings, other kinds of warning and an explicit PYTHONWARNINGS are not (issue 28)."""

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

WARN = """
import warnings
{setup}
for text, category, module in [
    ("theirs", DeprecationWarning, "sanic_cors.extension"),
    ("theirs-too", PendingDeprecationWarning, "pkg_resources"),
    ("ours", DeprecationWarning, "headache_core.clinic"),
    ("rasa-about-the-data", UserWarning, "rasa.validator"),
]:
    warnings.warn_explicit(text, category, module + ".py", 1, module=module)
"""
QUIET = "from tooling.third_party_warnings import quiet_third_party_warnings\n"
QUIET += "quiet_third_party_warnings()"


def shown(setup: str, **env: str) -> set[str]:
    """The warnings a fresh process shows after `setup`."""
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"} | env
    done = subprocess.run(
        [sys.executable, "-c", WARN.format(setup=setup)],
        cwd=ROOT, env=environment, capture_output=True, text=True, check=True,
    )  # fmt: skip
    names = ("theirs", "theirs-too", "ours", "rasa-about-the-data")
    return {name for name in names if f"Warning: {name}\n" in done.stderr}


def test_sanic_turns_every_deprecation_warning_on():
    """Why the filter is needed: the servers' logs got them all."""
    assert shown("import sanic") >= {"theirs", "ours", "rasa-about-the-data"}


def test_the_filter_leaves_only_the_projects_own_and_other_kinds():
    assert shown(QUIET) == {"ours", "rasa-about-the-data"}


@pytest.mark.parametrize("asked", ["default", "always"])
def test_pythonwarnings_still_shows_them_all(asked):
    assert shown(QUIET, PYTHONWARNINGS=asked) == {
        "theirs", "theirs-too", "ours", "rasa-about-the-data",
    }  # fmt: skip
