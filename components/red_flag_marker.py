"""Marks every message in which the red-flag detector fires, in any dialogue state.

Runs after the intent classifier: a detected flag makes the intent `report_emergency_symptoms`
(confidence 1) with one `red_flag` entity per flag and a `red_flag_level` entity, so the
escalation rules win over whatever the classifier or an active form expected. A message that
only hints at a flag ("it came on suddenly"), with nothing else to go on, gets a `red_flag_hint`
entity and the same intent, and the escalation action asks one clarifying question (a hint
with other red-flag concepts escalates: `evaluation.escalate_first`); the classifier's ranking
stays below the emergency intent, so a question under the hint ("is neck manipulation safe?") is
answered too.
The classifier's own `report_emergency_symptoms` is left as it is: either one escalates.
Every message also carries the concepts it affirms (`red_flag_concept` entities), the
conversation's evidence that `RedFlagEvidencePolicy` reads across messages, and those it only
asked about (`red_flag_asked`), which count once the next message says they are happening.
"""

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.stateless import StatelessComponent
from headache_core.red_flags.detector import default_detector, detect
from headache_core.red_flags.evaluation import escalate_first
from headache_core.red_flags.evidence import asked_entities, concept_entities
from headache_core.red_flags.rules import load_rules

INTENT_NAME = "report_emergency_symptoms"


def _entity(name: str, value: str) -> dict[str, Any]:
    return {"entity": name, "value": value, "extractor": "RedFlagMarker"}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RedFlagMarker(StatelessComponent):
    def __init__(self) -> None:
        default_detector()  # compile the patterns now, not during the first patient's message

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text or text.startswith("/"):
                continue
            # the doc SpacyNLP made from the same saved pipeline, when there is one
            detection = detect(message.get(SPACY_DOCS[TEXT]) or text)
            detection = escalate_first(load_rules(), detection)
            # every message's findings, for the conversation's evidence (evidence.py)
            findings = concept_entities(detection.concepts) + asked_entities(detection.asked)
            if detection.flags:
                added = [_entity("red_flag", flag_id) for flag_id in detection.flag_ids]
                added.append(_entity("red_flag_level", detection.level))
            elif detection.hints:
                added = [_entity("red_flag_hint", h.flag_id) for h in detection.hints]
            else:
                if findings:
                    message.set(
                        ENTITIES, (message.get(ENTITIES) or []) + findings, add_to_output=True
                    )
                continue
            added += findings
            ranking = [{"name": INTENT_NAME, "confidence": 1.0}]
            if not detection.flags:  # what the person asked, for the answer before the question
                ranking += [
                    r for r in message.get(INTENT_RANKING_KEY) or [] if r["name"] != INTENT_NAME
                ]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            message.set(ENTITIES, (message.get(ENTITIES) or []) + added, add_to_output=True)
        return messages
