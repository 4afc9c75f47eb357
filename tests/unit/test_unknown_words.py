"""Keyboard mash becomes `nlu_fallback`; slang the examples use and English words do not."""

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.unknown_words import UnknownWordsRouter
from headache_core.nlp.pipeline import load_pipeline

# how people reply in the training data: short, slangy, a few words of the topic
EXAMPLES = ["yup", "nah mate", "thx", "what causes headaches", "is it my neck"]
RESOURCE = Resource("unknown_words")
CONTEXT = ExecutionContext(GraphSchema({}), node_name="unknown_words")


def message(text: str, intent: str = "affirm", confidence: float = 0.3) -> Message:
    msg = Message({TEXT: text, SPACY_DOCS[TEXT]: load_pipeline()(text)})
    msg.set(INTENT, {"name": intent, "confidence": confidence})
    return msg


@pytest.fixture(scope="module")
def storage(tmp_path_factory: pytest.TempPathFactory) -> LocalModelStorage:
    return LocalModelStorage(tmp_path_factory.mktemp("storage"))


@pytest.fixture(scope="module")
def router(storage: LocalModelStorage) -> UnknownWordsRouter:
    untrained = UnknownWordsRouter.create({}, storage, RESOURCE, CONTEXT)
    examples = [Message({TEXT: t, SPACY_DOCS[TEXT]: load_pipeline()(t)}) for t in EXAMPLES]
    untrained.train(TrainingData(examples))
    return UnknownWordsRouter.load({}, storage, RESOURCE, CONTEXT)  # as the server has it


def routed(
    router: UnknownWordsRouter, text: str, intent: str = "affirm", confidence: float = 0.3
) -> Message:
    return router.process([message(text, intent, confidence)])[0]


@pytest.mark.parametrize("mash", ["ghfjdk", "asdkjh qwe", "jjjjjj", "xcvb nm", "qwerty uiop"])
def test_keyboard_mash_becomes_fallback_with_its_problem(router, mash):
    msg = routed(router, mash)
    assert msg.get(INTENT) == {"name": "nlu_fallback", "confidence": 1.0}
    assert msg.get(ENTITIES) == [
        {"entity": "input_problem", "value": "unknown_words", "extractor": "UnknownWordsRouter"}
    ]


@pytest.mark.parametrize(
    "text",
    [
        "yup",  # slang the examples use
        "NAH",
        "brilliant",  # English, though no example says it
        "heachache",  # a typo the spelling component repairs to headache
        "ghfjdk my neck",  # one known word is enough: the classifier has something to read
        "45",  # no words: "how old are you?"
        "/affirm",  # a button
    ],
)
def test_words_the_assistant_knows_keep_the_classifiers_intent(router, text):
    assert routed(router, text).get(INTENT)["name"] == "affirm"


def test_short_english_words_count_only_when_the_examples_use_them(router):
    # the word list holds every two-letter abbreviation ("nm", "qe"); the examples decide
    assert routed(router, "nm qe").get(INTENT)["name"] == "nlu_fallback"
    assert routed(router, "it").get(INTENT)["name"] == "affirm"


def test_a_confident_classifier_is_left_alone(router):
    # the subword vectors know "dunno" though neither the examples nor the word list do
    assert routed(router, "dunno", "deny", confidence=0.84).get(INTENT)["name"] == "deny"
    assert routed(router, "dunno", "deny", confidence=0.4).get(INTENT)["name"] == "nlu_fallback"


def test_a_message_already_routed_keeps_its_problem(router):
    msg = message("ghfjdk", "nlu_fallback")
    msg.set(ENTITIES, [{"entity": "input_problem", "value": "not_english"}])
    assert router.process([msg])[0].get(ENTITIES) == [
        {"entity": "input_problem", "value": "not_english"}
    ]


def test_an_untrained_router_routes_nothing(tmp_path):
    storage = LocalModelStorage(tmp_path)
    router = UnknownWordsRouter.load({}, storage, Resource("never_trained"), CONTEXT)
    assert routed(router, "ghfjdk").get(INTENT)["name"] == "affirm"
