"""Follow-up questions go to their answer, whatever the classifier read (issue 27).

"it hurts a bit when I do them, should I push through?" got the general self-care answer, "how
long before they start working?" the clinic's prices, "is there any evidence?" the physio
overview: short questions asked after an answer lean on it, so the classifier reads them as
something else. A message that asks one of education.yml's follow-up questions (a topic's
`asked_as` patterns, read by `headache_core.content.asked_topic`) becomes that topic's intent,
sure, with a `follow_up` entity naming it; `actions/education.py` answers it. Red flags still
win (the marker runs after, the red-flag policy first). A button's payload is left alone.
"""

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from components.stateless import StatelessComponent, route_surely
from headache_core.content import FOLLOW_UP_ENTITY, asked_topic


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class FollowUpRouter(StatelessComponent):
    """Reads a follow-up question as its topic's intent, with the topic id as an entity."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            topic = None if not text or text.startswith("/") else asked_topic(text)
            if topic is None:
                continue
            entity = {"entity": FOLLOW_UP_ENTITY, "value": topic.id, "start": 0,
                      "end": len(text), "extractor": type(self).__name__}  # fmt: skip
            route_surely(message, topic.intents[0], entity)
        return messages
