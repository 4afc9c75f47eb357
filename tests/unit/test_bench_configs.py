"""The bench's DIET comparison config differs from config.yml in the intent classifier only, so
`make bench --compare` compares classifiers and nothing else."""

from pathlib import Path

import yaml

from tests.conftest import ROOT, nlu_examples

CLASSIFIERS = {"DIETClassifier", "components.intent_classifier.TfidfLogisticRegressionClassifier"}


def without_classifier(path: Path) -> dict:
    config = yaml.safe_load(path.read_text())
    pipeline = [step for step in config["pipeline"] if step["name"] not in CLASSIFIERS]
    assert len(pipeline) == len(config["pipeline"]) - 1, f"{path.name}: one intent classifier"
    return {"pipeline": pipeline, "policies": config["policies"]}


def test_the_diet_config_is_config_yml_with_another_classifier():
    assert without_classifier(ROOT / "bench/configs/diet_one_layer.yml") == without_classifier(
        ROOT / "config.yml"
    )


def _normal(text: str) -> str:
    return " ".join("".join(c for c in text.lower() if c.isalnum() or c.isspace()).split())


def test_the_held_out_set_covers_every_intent_and_is_never_trained_on():
    """`make bench` scores the model on bench/intent_holdout.yml: it only means something while
    every intent is in it and none of its messages is in the training data."""
    held_out = nlu_examples(ROOT / "bench/intent_holdout.yml")
    intents = set(yaml.safe_load((ROOT / "domain.yml").read_text())["intents"])
    assert set(held_out) == intents
    assert all(len(texts) >= 10 for texts in held_out.values())
    trained = {
        _normal(text)
        for path in (ROOT / "data/nlu").glob("*.yml")
        for texts in nlu_examples(path).values()
        for text in texts
    }
    leaked = [text for texts in held_out.values() for text in texts if _normal(text) in trained]
    assert not leaked
