"""Base for the project's NLU components that learn nothing and keep no state."""

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message


class StatelessComponent(GraphComponent):
    """Created the same way in training and at run time; subclasses only `process`."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "StatelessComponent":
        return cls()


# The request gate's "unsure" reading (components/clinic_request_gate.py), undone by a router
# that recognises the message for sure.
GATE_PROBLEM = "input_problem"


def route_surely(message: Message, intent: str, entity: dict[str, Any] | None = None) -> None:
    """A router's reading: `intent` with full confidence, the gate's "unsure" taken back, and
    `entity` (what was recognised) added."""
    message.set(INTENT, {"name": intent, "confidence": 1.0}, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": 1.0}], add_to_output=True)
    entities = [e for e in message.get(ENTITIES) or [] if e.get("entity") != GATE_PROBLEM]
    message.set(ENTITIES, entities + ([entity] if entity else []), add_to_output=True)
