"""A request that starts something (a booking, a handoff, the deletion question, the neck
check) only on a confident reading of a request plausibly meant for this clinic.

"Book us a double room", "connect me to the fraud team" and "delete my account on your app"
were read as book_appointment, request_human and forget_me and opened a form or the deletion
question (issue 26). The classifier picks the likeliest of its intents; it cannot say that a
message is unlike all of them. Here, in the sentence encoder's space (the featurizer's
encoder: the texts are in its cache), the message's nearest training example of the intent it was
read as must be closer, by `margin`, than its nearest out-of-scope example, and the classifier
must be at least `min_confidence` sure. Otherwise the message becomes `nlu_fallback` with the
problem `unsure_request`: "I'm not sure I understood" with the topics, never a form. An unsure
booking or request for a person keeps its reading (`unsure_reading`), so the fallback offers it
as a question with a button ("can i just book him in" is a booking in a conversation about
headaches; "book us a double room" is not, and the person just says no).
A button's payload ("/book_appointment") is never stopped.

A request that names another business ("cancel the grooming appointment for my poodle", "a real
person at the airline": `headache_core.handoff.other_provider`) becomes `nlu_fallback` with the
problem `other_business`, whatever the classifier's sureness: the encoder puts it beside the
clinic's requests, the one word that tells them apart is the business's name. Nothing is offered.

Calibrated on the tuning sets of tests/nlu/blind (README there): of 26 out-of-domain requests
read as one of these intents, the gate let 1 through, and it stopped 9 of 131 rightly read
patient requests (who get the topics, a booking button among them). Numbers:
docs/understanding.md and docs/decisions/0008-sentence-encoder-issue-26.md.
"""

from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.input_guard import route_to_fallback
from headache_core.handoff.other_provider import other_provider
from headache_core.nlp.sentence_encoder import DEFAULT_DIR, load_encoder

FILE_NAME = "clinic_request_gate.npz"
PROBLEM = "unsure_request"
OTHER_BUSINESS = "other_business"  # the request names another business: nothing offered
READING = "unsure_reading"  # what the unsure request was read as: the fallback may offer it
OFFERABLE = ("book_appointment", "request_human")
OUT_OF_SCOPE = "out_of_scope"
REPO_ROOT = Path(__file__).resolve().parent.parent
BATCH = 256  # training examples encoded at a time (the featurizer has cached them)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class ClinicRequestGate(GraphComponent):
    """Routes an unsure reading of a request with side effects to `nlu_fallback`."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "intents": ["book_appointment", "request_human", "forget_me", "start_screening"],
            # a practical question about another business ("is there parking at the Harvester")
            # is not the clinic's either: the clinic's hours would be a wrong answer
            "other_business_intents": ["ask_clinic_info"],
            "margin": 0.08,
            "min_confidence": 0.6,
            "path": str(DEFAULT_DIR.relative_to(REPO_ROOT)),
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        examples: dict[str, np.ndarray] | None = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage, self._resource = model_storage, resource
        self.encoder = load_encoder(str(Path(self.config["path"]).resolve()))
        # intent -> its training examples' embeddings (float16: 384 numbers each)
        self.examples = examples or {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "ClinicRequestGate":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        wanted = {*self.config["intents"], OUT_OF_SCOPE}
        texts: dict[str, list[str]] = {intent: [] for intent in wanted}
        for example in training_data.intent_examples:
            if example.get(INTENT) in wanted and example.get(TEXT):
                texts[example.get(INTENT)].append(example.get(TEXT))
        self.examples = {
            intent: np.vstack(
                [self.encoder.encode(found[i : i + BATCH]) for i in range(0, len(found), BATCH)]
            ).astype(np.float16)
            for intent, found in texts.items()
            if found
        }
        with self._model_storage.write_to(self._resource) as directory:
            np.savez(directory / FILE_NAME, **self.examples)
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "ClinicRequestGate":
        with (
            model_storage.read_from(resource) as directory,
            np.load(directory / FILE_NAME, allow_pickle=False) as arrays,
        ):
            examples = {name: arrays[name] for name in arrays.files}
        return cls(config, model_storage, resource, examples)

    def margin_over_out_of_scope(self, text: str, intent: str) -> float | None:
        """Cosine of the nearest example of `intent` minus that of the nearest out-of-scope
        one (None when either has no examples)."""
        own, other = self.examples.get(intent), self.examples.get(OUT_OF_SCOPE)
        if own is None or other is None or not len(own) or not len(other):
            return None
        vector = self.encoder.encode([text])[0].astype(np.float32)
        return float((own @ vector).max() - (other @ vector).max())

    def is_sure(self, text: str, intent: dict[str, Any]) -> bool:
        if intent.get("confidence", 0.0) < float(self.config["min_confidence"]):
            return False
        margin = self.margin_over_out_of_scope(text, intent["name"])
        return margin is None or margin >= float(self.config["margin"])

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            text = message.get(TEXT) or ""
            gated = self.config["intents"]
            if intent.get("name") not in [*gated, *self.config["other_business_intents"]]:
                continue
            if text.startswith("/"):
                continue
            if other_provider(text) is not None:
                route_to_fallback(message, OTHER_BUSINESS, type(self).__name__)
            elif intent["name"] in gated and not self.is_sure(text, intent):
                route_to_fallback(message, PROBLEM, type(self).__name__)
                if intent["name"] in OFFERABLE:  # "can i just book him in": offered, not opened
                    reading = {"entity": READING, "value": intent["name"], "extractor": "gate"}
                    message.set(ENTITIES, [*message.get(ENTITIES), reading], add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
