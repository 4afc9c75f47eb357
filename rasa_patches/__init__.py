"""Every change this project makes to Rasa's own behaviour, installed only when asked.

Each module here replaces or wraps private Rasa 3.6 functions, for speed (the tracker, rule,
graph and classifier hot spots), a leaner action-server call, answers when the action server
fails, and a start without TensorFlow. manifest.py records what each replaces; guard.py refuses
to install on a Rasa other than the one they were written against. Nothing is installed on
import: the entry points that run Rasa call `install()` (rasa_server/__main__.py for the server,
training, `rasa test` and the shell; tests/conftest.py for tests that use Rasa in-process).

`RASA_PATCHES=off` runs stock Rasa: `install()` then installs nothing, the TensorFlow deferral
included, to tell a problem of ours from one of Rasa's (docs/rasa-patches.md).
"""

from __future__ import annotations

import importlib

import settings
from rasa_patches.guard import PatchMismatch, check
from rasa_patches.manifest import PATCHES, Patch

__all__ = ["PATCHES", "PatchMismatch", "enabled", "install", "installed"]

SWITCH = "RASA_PATCHES"
_installed: list[str] = []


def enabled() -> bool:
    """Whether RASA_PATCHES asks for the patches (unset or `on`) or stock Rasa (`off`)."""
    return settings.RASA_PATCHES.read() == "on"


def installed() -> list[str]:
    """The names of the patches installed in this process, in order."""
    return list(_installed)


def install(*, defer_tensorflow: bool = True) -> list[str]:
    """Check, then install every patch once (a second call changes nothing); none with
    RASA_PATCHES=off. `defer_tensorflow=False` leaves out the start without TensorFlow (test
    processes, which load TensorFlow anyway). Raises PatchMismatch, naming the patch, before
    anything is installed if the Rasa underneath is not the one they were written for."""
    if not enabled():
        return []
    wanted = [p for p in PATCHES if defer_tensorflow or p.name != "without_tensorflow"]
    missing = [p for p in wanted if p.name not in _installed]
    if missing:
        import rasa  # light: its version; the heavy modules come with the patches, deferred

        check(tuple(missing), rasa.__version__)
        for patch in missing:
            _install_one(patch)
    return installed()


def _install_one(patch: Patch) -> None:
    importlib.import_module(f"rasa_patches.{patch.name}").install()
    _installed.append(patch.name)
