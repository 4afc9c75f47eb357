"""Gives entities from `SpacyEntityExtractor` their canonical value.

SpacyEntityExtractor reports the words as typed ("base of my skull"); the EntityRuler pattern
that matched carries the canonical value ("suboccipital") as its id. Content selection and
slots want the canonical value, so this swaps it in and keeps the typed words as `text`.
"""

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_VALUE,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from components.stateless import StatelessComponent


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class EntityCanonicalizer(StatelessComponent):
    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            entities = message.get(ENTITIES) or []
            if doc is None or not entities:
                continue
            ids = {(e.start_char, e.end_char): e.ent_id_ for e in doc.ents if e.ent_id_}
            for entity in entities:
                span = (entity.get(ENTITY_ATTRIBUTE_START), entity.get(ENTITY_ATTRIBUTE_END))
                if span in ids:
                    entity["text"] = entity.get(ENTITY_ATTRIBUTE_VALUE)
                    entity[ENTITY_ATTRIBUTE_VALUE] = ids[span]
            message.set(ENTITIES, entities, add_to_output=True)
        return messages
