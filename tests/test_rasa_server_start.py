"""The Rasa server starts without TensorFlow (rasa_server/), and loads it when a model needs it."""

import copy
import json
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from rasa.engine.storage.storage import ModelMetadata

from rasa_server.lazy_schema import LazyGraphSchema, _from_dict
from tests.conftest import ROOT
from tooling.train import ensure_model


def run_python(code: str) -> dict:
    """`code` in a fresh interpreter (this one has TensorFlow loaded); it prints one JSON line."""
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.server
def test_the_running_server_has_no_tensorflow_and_answers(assistant):
    maps = Path(f"/proc/{assistant.rasa_pid}/maps").read_text()
    assert "libtensorflow" not in maps and "_pywrap_tensorflow" not in maps
    replies = assistant.say("lazy-tf", "why does my neck give me headaches")
    assert replies and "neck" in " ".join(r.get("text", "") for r in replies).lower()


def test_a_deferred_module_is_imported_for_real_when_first_used():
    result = run_python(
        "import json, sys\n"
        "from rasa_server.lazy_tensorflow import defer_tensorflow\n"
        "defer_tensorflow()\n"
        "import rasa.core.agent, rasa.server\n"
        "before = 'tensorflow.python' in sys.modules\n"
        "import rasa.utils.train_utils as stand_in\n"
        "used = callable(stand_in.rank_and_mask)\n"
        "from rasa.utils import train_utils\n"
        "print(json.dumps({'before': before, 'after': 'tensorflow.python' in sys.modules,\n"
        "    'real': type(train_utils).__name__, 'used': used}))\n"
    )
    assert result == {"before": False, "after": True, "real": "module", "used": True}


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
