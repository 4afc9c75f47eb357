"""Load TensorFlow in the Rasa server only when something uses it.

Our model has no neural component (logistic regression, rules, memoization), yet Rasa 3.6's
server imports TensorFlow at start through three doors, none of which this model goes through
afterwards: `rasa.nlu.extractors.extractor` imports `rasa.utils.train_utils` (which imports
Keras callbacks) and never uses it; loading a model builds its *training* graph's schema,
whose recipe validator imports the DIET classifier; and spaCy's `thinc` imports TensorFlow
whenever it is installed. That import was about half of the server's start (5-8 s) and about
400 MB of its memory.

Each door is deferred, not closed: `rasa.utils.train_utils` becomes a stand-in that imports the
real module on first use of any of its names, and the training schema is parsed on first use of
its nodes. A model with DIET or TED still works: its own modules import TensorFlow as before,
while it loads. Only thinc is told there is no TensorFlow (its TensorFlow shims are not used by
Rasa or by this project).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

DEFERRED_MODULES = ("rasa.utils.train_utils",)


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
    from rasa_server.lazy_schema import defer_training_schema  # imports Rasa: after the above

    defer_training_schema()
