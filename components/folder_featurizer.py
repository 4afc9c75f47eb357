"""Base for the dense featurizers that read pinned files from a folder by path.

Like Rasa's `SpacyNLP`, the subword vectors and the sentence encoder are read from a folder
(`make spacy` fetches both, pinned by SHA-256) and not packed into the model archive: the config
names the folder, `tooling/train.py` fingerprints the pins. Subclasses say which folder by
default and what a message gets.
"""

from pathlib import Path
from typing import Any, ClassVar

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.training_data.training_data import TrainingData

REPO_ROOT = Path(__file__).resolve().parent.parent


class FolderFeaturizer(DenseFeaturizer, GraphComponent):
    """A dense featurizer over files in the folder `path` (relative to the project)."""

    DEFAULT_DIR: ClassVar[Path]
    WHAT: ClassVar[str] = "files"  # for the error message: what the folder holds

    @classmethod
    def get_default_config(cls) -> dict[str, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            "path": str(cls.DEFAULT_DIR.relative_to(REPO_ROOT)),
        }

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        self.folder = str(Path(self._config["path"]).resolve())

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls(config, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        if not isinstance(config.get("path"), str) or not config["path"]:
            raise ValueError(f"{cls.__name__} needs `path`: the folder of the {cls.WHAT}")

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data
