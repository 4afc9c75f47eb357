"""What the project's dense featurizers share: a model read from a folder by path, as Rasa's
`SpacyNLP` reads its pipeline (fetched by `make spacy`, pinned by hash, not packed into the
model archive), that turns each message's text into dense features."""

from abc import abstractmethod
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from headache_core.nlp.pinned_files import REPO_ROOT


class TextVectorFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds dense text features computed by a model in the folder `path`."""

    DEFAULT_DIR: Path  # where `make spacy` puts the model

    @classmethod
    def get_default_config(cls) -> dict[str, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            "path": str(cls.DEFAULT_DIR.relative_to(REPO_ROOT)),
        }

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        self.read_model(str(Path(self._config["path"]).resolve()))

    @abstractmethod
    def read_model(self, directory: str) -> None:
        """Read the model from its folder."""

    @abstractmethod
    def featurize(self, message: Message, text: str) -> None:
        """Add the features of a message that has text."""

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
            raise ValueError(f"{cls.__name__} needs `path`: the folder of its model")

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if text := message.get(TEXT):
                self.featurize(message, text)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data
