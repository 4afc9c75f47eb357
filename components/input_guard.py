"""Rasa glue for `headache_core.input_check`: clean the text first, route the unreadable last.

`InputCleaner` runs before spaCy so the language model never sees markup, control characters
or 10 KB pastes. `InputProblemRouter` runs after the intent classifiers: a message with nothing
readable in it (empty, emoji only, another language) becomes `nlu_fallback` with the problem as
an `input_problem` entity, so the fallback action can say something useful about it.
"""

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_RANKING_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.stateless import StatelessComponent
from headache_core.input_check import check_text

PROBLEMS_KEY = "input_problems"
# Rasa's LogisticRegressionClassifier fails on a message with no features at all, so an empty
# message is read as these words; InputProblemRouter then overrides whatever they classify as.
EMPTY_STAND_IN = "no text"
PROBLEM_ENTITY = "input_problem"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class InputCleaner(StatelessComponent):
    """Replaces the message text by its cleaned form and records what was wrong with it."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if text is None:
                continue
            checked = check_text(text)
            message.set(TEXT, checked.text or EMPTY_STAND_IN)
            message.set(PROBLEMS_KEY, sorted(checked.problems))
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class InputProblemRouter(StatelessComponent):
    """Turns an unreadable message into `nlu_fallback` with its problem as an entity."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            problems = message.get(PROBLEMS_KEY) or []
            unreadable = [p for p in problems if p in ("empty", "no_words", "not_english")]
            if not unreadable:
                continue
            route_to_fallback(message, unreadable[0], type(self).__name__)
        return messages


def route_to_fallback(message: Message, problem: str, extractor: str) -> None:
    """The message becomes `nlu_fallback` (sure) with `problem` as its only entity, for the
    fallback action to say what went wrong."""
    message.set(
        INTENT, {"name": DEFAULT_NLU_FALLBACK_INTENT_NAME, "confidence": 1.0}, add_to_output=True
    )
    message.set(INTENT_RANKING_KEY, [], add_to_output=True)
    entity = {
        ENTITY_ATTRIBUTE_TYPE: PROBLEM_ENTITY,
        ENTITY_ATTRIBUTE_VALUE: problem,
        EXTRACTOR: extractor,
    }
    message.set(ENTITIES, [entity], add_to_output=True)
