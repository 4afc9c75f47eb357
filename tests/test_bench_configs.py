"""The bench's DIET comparison config differs from config.yml in the intent classifier only, so
`make bench --compare` compares classifiers and nothing else."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
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
