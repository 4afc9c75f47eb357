"""What the classifier reads: the question, without the words around it that name no topic.

"thanks, and what about stretches?" was `thank` (0.46) and got "You're welcome", the question
dropped; "hiya, is it normal for my neck to click" was unclear; "what do you mean by referred
pain?" got the clinic's details ("referred" read as a referral). `FramingTrimmer` (before spaCy)
gives the featurizers and the classifier the question alone, "what do you mean by X" as "what is
X", in training as at run time, so both read the same shape; `FramingRestorer` (after the
classifiers) puts the person's own words back, so the conversation keeps what they wrote and
entity offsets point into it. Which messages, and how: `headache_core.question_shape.
reframe_for_classifier`.
"""

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import ENTITIES, ENTITY_ATTRIBUTE_END, ENTITY_ATTRIBUTE_START, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.stateless import StatelessComponent
from headache_core.question_shape import reframe_for_classifier

ORIGINAL_KEY = "framing_original"  # (the person's text, characters cut, replacement)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class FramingTrimmer(StatelessComponent):
    """Replaces the text by the question the classifier should read, keeping the original."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text or text.startswith("/"):
                continue
            frame = reframe_for_classifier(text)
            if frame:
                message.set(ORIGINAL_KEY, (text, frame.cut, frame.replacement))
                message.set(TEXT, frame.replacement + text[frame.cut :])
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        # an example with annotated entities keeps its text: their offsets point into it
        self.process([m for m in training_data.training_examples if not m.get(ENTITIES)])
        return training_data


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class FramingRestorer(StatelessComponent):
    """Puts the person's text back and moves entity and token offsets with it."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            original = message.get(ORIGINAL_KEY)
            if not original:
                continue
            text, cut, replacement = original
            message.set(TEXT, text)
            shift = cut - len(replacement)
            for entity in message.get(ENTITIES) or []:
                for key in (ENTITY_ATTRIBUTE_START, ENTITY_ATTRIBUTE_END):
                    if isinstance(entity.get(key), int):
                        entity[key] += shift
            for token in message.get(TOKENS_NAMES[TEXT]) or []:
                token.start += shift
                token.end += shift
            message.set(ORIGINAL_KEY, None)
        return messages
