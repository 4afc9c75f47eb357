"""Whether MY headache comes from my neck asks for the check (labelling guide rule 3).

"is this a neck headache?", "do you think i have cervicogenic headaches", "could mine be a
cervicogenic headache" were read as `ask_cervicogenic_headache` (what a neck headache is, rule
14): the words are the same, only "this", "mine", "do I have" differ, which a bag of words weighs
little. Such a reading becomes `start_screening`, at the classifier's confidence; red flags still
win (the marker runs after). Which messages: `headache_core.question_shape.
asks_if_own_headache_is_from_the_neck`.
"""

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.stateless import StatelessComponent
from headache_core.question_shape import asks_if_own_headache_is_from_the_neck

GENERAL = "ask_cervicogenic_headache"
OWN = "start_screening"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class OwnHeadacheRouter(StatelessComponent):
    """Turns the general neck-headache reading of a question about one's own into the check."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            if intent.get("name") != GENERAL:
                continue
            if not asks_if_own_headache_is_from_the_neck(message.get(TEXT, "")):
                continue
            # the two readings swap places and confidences
            swapped = {GENERAL: OWN, OWN: GENERAL}
            ranking = [
                {**r, "name": swapped.get(r["name"], r["name"])}
                for r in message.get(INTENT_RANKING_KEY) or []
            ]
            confidence = intent.get("confidence", 0.0)
            message.set(INTENT, {"name": OWN, "confidence": confidence}, add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
