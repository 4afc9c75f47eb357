"""Keyboard mash is unclear, not a yes: a message in which the assistant knows no word.

The intent classifier always names an intent. On a message none of whose words it has seen
("ghfjdk", "asdkjh qwe") its confidence spreads thin and the top intent crosses the fallback
threshold by chance: measured 0.25-0.37, mostly `affirm`, which answered "Great" and, right after
"Do you want me to delete this chat?", deleted it. Such a message becomes `nlu_fallback` with the
input problem `unknown_words`, so the person is asked to put it another way.

A word is known when the training examples use it (slang and short replies included: "yup",
"thx", "idk") or when it is an English word of three letters or more (the spelling component's
list: spaCy's lookup tables and WordNet; it marks typos it repairs as known too). Shorter words
must come from the examples, since the word list holds every two-letter abbreviation ("nm").
Numbers are not words here: "45" answers "how old are you?". A confident classifier is left
alone: its subword vectors know words neither list has ("dunno": deny, 0.84).
"""

import json
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from spacy.tokens import Doc

from components.input_guard import route_to_fallback
from headache_core.nlp.spelling import ENGLISH_WORD

FILE_NAME = "known_words.json"
PROBLEM = "unknown_words"
MIN_ENGLISH_LETTERS = 3
SURE = 0.6  # from this confidence the classifier's reading stands (mash measured 0.25-0.37)


def alphabetic_words(doc: Doc) -> list[str]:
    return [token.lower_ for token in doc if token.is_alpha]


def knows_no_word(doc: Doc, learnt: frozenset[str]) -> bool:
    """The message has words, and none is learnt or an English word of 3 letters or more."""
    words = [token for token in doc if token.is_alpha]
    return bool(words) and not any(
        token.lower_ in learnt or (len(token) >= MIN_ENGLISH_LETTERS and token._.get(ENGLISH_WORD))
        for token in words
    )


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class UnknownWordsRouter(GraphComponent):
    """Learns the examples' words; at run time routes a message of unknown words to fallback."""

    def __init__(
        self, model_storage: ModelStorage, resource: Resource, learnt: frozenset[str]
    ) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self.learnt = learnt

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "UnknownWordsRouter":
        return cls(model_storage, resource, frozenset())

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "UnknownWordsRouter":
        try:
            with model_storage.read_from(resource) as model_dir:
                learnt = json.loads((model_dir / FILE_NAME).read_text(encoding="utf-8"))
        except (ValueError, FileNotFoundError):  # never trained: route nothing
            return cls(model_storage, resource, frozenset())
        return cls(model_storage, resource, frozenset(learnt))

    def train(self, training_data: TrainingData) -> Resource:
        learnt: set[str] = set()
        for example in training_data.training_examples:
            doc = example.get(SPACY_DOCS[TEXT])
            if doc is not None:
                learnt.update(alphabetic_words(doc))
        self.learnt = frozenset(learnt)
        with self._model_storage.write_to(self._resource) as model_dir:
            (model_dir / FILE_NAME).write_text(json.dumps(sorted(learnt)), encoding="utf-8")
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        if not self.learnt:
            return messages
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            intent = message.get(INTENT) or {}
            if doc is None or intent.get("name") == DEFAULT_NLU_FALLBACK_INTENT_NAME:
                continue  # no text, or already routed (an empty message, another language)
            if intent.get("confidence", 0.0) >= SURE:
                continue
            if message.get(TEXT, "").startswith("/") or not knows_no_word(doc, self.learnt):
                continue
            route_to_fallback(message, PROBLEM, type(self).__name__)
        return messages
