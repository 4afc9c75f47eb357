"""A greeting or a thanks in front of a question: the question is what is classified.

"thanks, and what about stretches?" was `thank` (0.46) and got "You're welcome", the question
dropped; "hiya, is it normal for my neck to click" was unclear. `SocialOpenerTrimmer` (before
spaCy) leaves only the question for the featurizers and the classifier, in training as at run
time, so both read the same shape; `SocialOpenerRestorer` (after the classifiers) puts the opener
back, so the conversation keeps what the person wrote and entity offsets point into it. Which
messages count is `headache_core.question_shape.question_after_social_opener`.
"""

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import ENTITIES, ENTITY_ATTRIBUTE_END, ENTITY_ATTRIBUTE_START, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.stateless import StatelessComponent
from headache_core.question_shape import question_after_social_opener

OPENER_KEY = "social_opener"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SocialOpenerTrimmer(StatelessComponent):
    """Sets the text aside from a greeting or thanks to the question after it."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text or text.startswith("/"):
                continue
            start = question_after_social_opener(text)
            if start:
                message.set(OPENER_KEY, text[:start])
                message.set(TEXT, text[start:])
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SocialOpenerRestorer(StatelessComponent):
    """Puts the opener back in front of the text and moves entity and token offsets with it."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            opener = message.get(OPENER_KEY)
            if not opener:
                continue
            message.set(TEXT, opener + message.get(TEXT, ""))
            shift = len(opener)
            for entity in message.get(ENTITIES) or []:
                for key in (ENTITY_ATTRIBUTE_START, ENTITY_ATTRIBUTE_END):
                    if isinstance(entity.get(key), int):
                        entity[key] += shift
            for token in message.get(TOKENS_NAMES[TEXT]) or []:
                token.start += shift
                token.end += shift
            message.set(OPENER_KEY, None)
        return messages
