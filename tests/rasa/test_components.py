"""The custom Rasa NLU components, run on Rasa messages without training a model."""

from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.entity_canonicalizer import EntityCanonicalizer
from components.input_guard import EMPTY_STAND_IN, InputCleaner, InputProblemRouter
from components.red_flag_marker import RedFlagMarker
from headache_core.nlp.pipeline import load_pipeline


def run_guard(text: str, intent: str = "greet") -> Message:
    message = Message({TEXT: text})
    InputCleaner().process([message])
    message.set(INTENT, {"name": intent, "confidence": 0.9})
    InputProblemRouter().process([message])
    return message


def test_cleaner_gives_the_model_clean_text():
    message = Message({TEXT: "<b>why</b>\x00 does my   neck hurt"})
    InputCleaner().process([message])
    assert message.get(TEXT) == "why does my neck hurt"


def test_empty_message_gets_words_the_classifier_can_read_and_becomes_fallback():
    message = run_guard("   ")
    assert message.get(TEXT) == EMPTY_STAND_IN
    assert message.get(INTENT)["name"] == "nlu_fallback"
    assert message.get(ENTITIES) == [
        {"entity": "input_problem", "value": "empty", "extractor": "InputProblemRouter"}
    ]


def test_emoji_and_other_languages_become_fallback_with_their_problem():
    assert run_guard("🙂🙂").get(ENTITIES)[0]["value"] == "no_words"
    assert run_guard("me duele mucho la cabeza desde ayer").get(ENTITIES)[0]["value"] == (
        "not_english"
    )


def test_readable_message_keeps_its_intent():
    assert run_guard("what causes headaches", "ask_headache_causes").get(INTENT)["name"] == (
        "ask_headache_causes"
    )


def test_canonicalizer_swaps_in_the_pattern_id_and_keeps_the_words():
    text = "what are the muscles at the base of my skull"
    doc = load_pipeline()(text)
    start = text.index("base")
    message = Message({TEXT: text, SPACY_DOCS[TEXT]: doc})
    message.set(
        ENTITIES,
        [{"entity": "body_part", "value": "base of my skull", "start": start, "end": len(text)}],
    )
    EntityCanonicalizer().process([message])
    entity = message.get(ENTITIES)[0]
    assert (entity["value"], entity["text"]) == ("suboccipital", "base of my skull")


def _marked(text: str) -> Message:
    message = Message({TEXT: text})
    ranking = [{"name": "ask_treatment", "confidence": 0.9}, {"name": "greet", "confidence": 0.1}]
    message.set(INTENT, ranking[0])
    message.set(INTENT_RANKING_KEY, ranking)
    RedFlagMarker().process([message])
    return message


def test_a_hint_keeps_what_the_classifier_read_below_the_emergency_intent():
    message = _marked("is neck manipulation safe")
    assert message.get(INTENT)["name"] == "report_emergency_symptoms"
    ranking = [r["name"] for r in message.get(INTENT_RANKING_KEY)]
    assert ranking == ["report_emergency_symptoms", "ask_treatment", "greet"]


def test_a_flag_leaves_only_the_emergency_intent():
    message = _marked("the chiropractor cracked my neck and now i have a terrible headache")
    assert [r["name"] for r in message.get(INTENT_RANKING_KEY)] == ["report_emergency_symptoms"]
