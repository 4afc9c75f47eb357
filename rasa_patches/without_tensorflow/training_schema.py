"""A loaded model's training graph, kept as data until something asks for its nodes.

Building the schema imports every component class it names, and the default recipe's
validator imports the DIET classifier and with it TensorFlow. Serving a model never runs its
training graph (a server's `/model/train` builds a new one from the config), so the server
reads it only if something asks (the package's docstring says why).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import GraphSchema, SchemaNode
from rasa.engine.storage.storage import ModelMetadata


class LazyGraphSchema(GraphSchema):
    """A `GraphSchema` built from its dictionary the first time its nodes are used."""

    def __init__(self, serialized: dict[str, Any]) -> None:
        self._serialized = serialized
        self._nodes: dict[str, SchemaNode] | None = None

    @property  # type: ignore[override]
    def nodes(self) -> dict[str, SchemaNode]:
        if self._nodes is None:
            self._nodes = GraphSchema.from_dict(self._serialized).nodes
        return self._nodes

    @nodes.setter
    def nodes(self, value: dict[str, SchemaNode]) -> None:
        self._nodes = value

    def __eq__(self, other: object) -> bool:  # equal to the eager schema of the same nodes
        return isinstance(other, GraphSchema) and self.nodes == other.nodes

    __hash__ = None  # type: ignore[assignment]  # as GraphSchema's


_original_from_dict = ModelMetadata.from_dict.__func__  # type: ignore[attr-defined]


def _from_dict(cls: type[ModelMetadata], serialized: dict[str, Any]) -> ModelMetadata:
    """Rasa's `ModelMetadata.from_dict`, with the training schema left unread."""
    metadata = _original_from_dict(cls, {**serialized, "train_schema": {"nodes": {}}})
    metadata.train_schema = LazyGraphSchema(serialized["train_schema"])
    return metadata


def defer_training_schema() -> None:
    ModelMetadata.from_dict = classmethod(_from_dict)  # type: ignore[method-assign,assignment]
