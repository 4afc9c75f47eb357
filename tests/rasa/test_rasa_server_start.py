"""The Rasa server starts without TensorFlow (rasa_patches/without_tensorflow), and loads it when a
model needs it."""

import copy
import importlib
import json
import sys
import tarfile
from pathlib import Path

import pytest
from rasa.engine.storage.storage import ModelMetadata

from rasa_patches.without_tensorflow import DeferredModule, defer_module
from rasa_patches.without_tensorflow.training_schema import LazyGraphSchema, _from_dict
from tooling.train import ensure_model


@pytest.mark.server
def test_the_running_server_has_no_tensorflow_and_answers(assistant):
    maps = Path(f"/proc/{assistant.rasa_pid}/maps").read_text()
    assert "libtensorflow" not in maps and "_pywrap_tensorflow" not in maps
    replies = assistant.say("lazy-tf", "why does my neck give me headaches")
    assert replies and "neck" in " ".join(r.get("text", "") for r in replies).lower()


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A throwaway package whose module `heavy` records when its code runs."""
    root = tmp_path / "deferpkg"
    root.mkdir()
    (root / "__init__.py").write_text("")
    (root / "heavy.py").write_text("import sys\nsys.heavy_runs += 1\nVALUE = 42\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "heavy_runs", 0, raising=False)
    yield "deferpkg.heavy"
    for name in ("deferpkg.heavy", "deferpkg"):
        sys.modules.pop(name, None)


def test_a_deferred_module_runs_only_when_one_of_its_names_is_used(package):
    defer_module(package)
    import deferpkg.heavy as stand_in  # what `rasa.nlu.extractors.extractor` does
    from deferpkg import heavy

    assert sys.heavy_runs == 0 and heavy is stand_in
    assert stand_in.VALUE == 42 and sys.heavy_runs == 1
    from deferpkg import heavy as real

    assert real is sys.modules[package] and not isinstance(real, DeferredModule)
    assert stand_in.VALUE == real.VALUE and sys.heavy_runs == 1  # imported once


def test_a_module_imported_already_is_left_alone(package):
    importlib.import_module(package)
    defer_module(package)
    assert not isinstance(sys.modules[package], DeferredModule) and sys.heavy_runs == 1


def metadata_dict() -> dict:
    """The trained model's metadata, as stored in its archive (Rasa's parsing changes the
    dictionary it reads, so each call reads it afresh)."""
    with tarfile.open(ensure_model()) as archive:
        member = next(m for m in archive.getmembers() if m.name.endswith("metadata.json"))
        return json.load(archive.extractfile(member))


@pytest.mark.server
def test_the_training_schema_is_read_only_when_asked_for_and_then_is_rasas():
    serialized = metadata_dict()
    metadata = _from_dict(ModelMetadata, copy.deepcopy(serialized))
    eager = ModelMetadata.from_dict(copy.deepcopy(serialized))
    lazy = metadata.train_schema
    assert isinstance(lazy, LazyGraphSchema) and lazy._nodes is None
    assert metadata.predict_schema == eager.predict_schema
    assert lazy.as_dict() == eager.train_schema.as_dict()
    assert lazy == eager.train_schema and lazy.nodes.keys() == eager.train_schema.nodes.keys()
    assert metadata.as_dict() == eager.as_dict()
