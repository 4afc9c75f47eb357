"""The one home of the TensorFlow avoidance: processes load TensorFlow only when they use it.

Our model has no neural component (logistic regression, rules, memoization), yet TensorFlow
(installed with Rasa) is imported by processes that never use it, 5-8 s and 400-450 MB each:

- spaCy's `thinc` imports TensorFlow at import whenever it is installed. In the project's own
  commands (`python -m tooling.train`, `python -m actions`, `python -m headache_core.nlp.pipeline`,
  ...), which run no Rasa model in-process, the import is blocked (`keep_tensorflow_out`): thinc
  then sees no TensorFlow, as on a machine without it. This is not a patch of Rasa and
  RASA_PATCHES does not switch it.
- Rasa 3.6's server imports TensorFlow at start through three doors this model never goes
  through afterwards: `rasa.nlu.extractors.extractor` imports `rasa.utils.train_utils` (which
  imports Keras callbacks) and never uses it; loading a model builds its *training* graph's
  schema, whose recipe validator imports the DIET classifier; and thinc, as above. That import
  was about half of the server's start and about 400 MB of its memory. `defer_tensorflow`, the
  patch `without_tensorflow` of rasa_patches (off with RASA_PATCHES=off), defers each door
  instead of closing it: `rasa.utils.train_utils` becomes a stand-in that imports the real
  module on first use of any of its names, and the training schema is parsed on first use of
  its nodes (training_schema.py). A model with DIET or TED still works: its own modules import
  TensorFlow as before, while it loads. Only thinc is told there is no TensorFlow (its
  TensorFlow shims are not used by Rasa or by this project).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

# Top-level packages whose modules are the project's own commands (run with `python -m`).
OWN_COMMANDS = ("tooling", "headache_core", "actions", "stores")
DEFERRED_MODULES = ("rasa.utils.train_utils",)


def started_as_own_command(argv: list[str] | None = None) -> bool:
    """The process was started as `python [options] -m <one of OWN_COMMANDS>...`. Read from the
    interpreter's own arguments: while `-m` imports a module's parent packages, `__main__` is not
    that module yet."""
    argv = sys.orig_argv if argv is None else argv
    for i, arg in enumerate(argv[1:-1], start=1):
        if arg == "-m":
            return argv[i + 1].split(".")[0] in OWN_COMMANDS
    return False


def keep_tensorflow_out() -> None:
    """Make `import tensorflow` fail (an ImportError, which thinc expects without it), unless it
    is loaded already. Call before spaCy is imported."""
    sys.modules.setdefault("tensorflow", None)  # type: ignore[arg-type]


def keep_tensorflow_out_of_own_commands() -> None:
    """`keep_tensorflow_out` if this process is one of the project's own commands; called by
    the command packages (tooling, actions, stores) and the spaCy pipeline's loader."""
    if started_as_own_command():
        keep_tensorflow_out()


class DeferredModule(types.ModuleType):
    """Stands in for a module until one of its names is used, then imports it for real."""

    def __getattr__(self, name: str) -> Any:
        return getattr(load_deferred(self.__name__), name)


def load_deferred(module_name: str) -> types.ModuleType:
    """The real module, imported now if only its stand-in was there."""
    if isinstance(sys.modules.get(module_name), DeferredModule):
        del sys.modules[module_name]
    return importlib.import_module(module_name)  # also sets it on its package


def defer_module(module_name: str) -> None:
    """Put a stand-in where `module_name` would be imported; nothing if it is imported already."""
    if module_name in sys.modules:
        return
    spec = importlib.util.find_spec(module_name)
    if spec is None:
        raise ImportError(f"no module named {module_name}")
    stand_in = DeferredModule(module_name)
    stand_in.__spec__ = spec
    stand_in.__file__ = spec.origin
    sys.modules[module_name] = stand_in
    package, _, child = module_name.rpartition(".")
    setattr(importlib.import_module(package), child, stand_in)


def import_thinc_without_tensorflow() -> None:
    """thinc records at import whether TensorFlow is installed; let it find none."""
    if "thinc" in sys.modules or "tensorflow" in sys.modules:
        return
    sys.modules["tensorflow"] = None  # type: ignore[assignment]
    try:
        importlib.import_module("thinc.api")
    finally:
        del sys.modules["tensorflow"]


def defer_tensorflow() -> None:
    """Install all three deferrals; call before anything imports Rasa's server modules."""
    for module_name in DEFERRED_MODULES:
        defer_module(module_name)
    import_thinc_without_tensorflow()
    from rasa_patches.without_tensorflow.training_schema import defer_training_schema

    defer_training_schema()  # imports Rasa: after the above


install = defer_tensorflow  # the patch's entry for rasa_patches.install()
