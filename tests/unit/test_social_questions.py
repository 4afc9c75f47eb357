"""A question the classifier reads as small talk, unsure, becomes `nlu_fallback`; real small
talk, answers that open with a yes or a no, and a sure classifier keep their intent."""

import pytest
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.question_framing import ORIGINAL_KEY
from components.social_questions import SocialQuestionRouter, is_question
from headache_core.nlp.pipeline import load_pipeline


def routed(text: str, intent: str, confidence: float = 0.5) -> Message:
    msg = Message({TEXT: text, SPACY_DOCS[TEXT]: load_pipeline()(text)})
    msg.set(INTENT, {"name": intent, "confidence": confidence})
    return SocialQuestionRouter().process([msg])[0]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("will it ever go away", "goodbye"),  # "go away"
        ("i'm pregnant, does that matter?", "affirm"),
        ("whats the point of stretching", "deny"),
        ("Is that normal for a headache?", "thank"),
        ("so does it just stop by itself", "affirm"),
    ],
)
def test_an_unsure_social_reading_of_a_question_is_unclear(text, intent):
    msg = routed(text, intent)
    assert msg.get(INTENT) == {"name": "nlu_fallback", "confidence": 1.0}
    assert msg.get(ENTITIES) == [
        {
            "entity": "input_problem",
            "value": "question_read_as_small_talk",
            "extractor": "SocialQuestionRouter",
        }
    ]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("yes, can we start?", "affirm"),  # answers the assistant, then asks
        ("nah is that ok?", "deny"),
        ("thanks, is that all?", "thank"),
        ("hi, how are you?", "greet"),
        ("have a good day", "goodbye"),  # not a question
        ("bye for now", "goodbye"),
        ("is it?", "affirm"),  # too short to be a question of its own
        ("/affirm", "affirm"),  # a button
    ],
)
def test_small_talk_and_answers_keep_their_intent(text, intent):
    assert routed(text, intent).get(INTENT)["name"] == intent


def test_a_sure_classifier_and_topic_intents_are_left_alone():
    assert routed("will it ever go away", "goodbye", 0.9).get(INTENT)["name"] == "goodbye"
    question = "will it ever go away"
    assert routed(question, "ask_treatment", 0.3).get(INTENT)["name"] == "ask_treatment"


def test_question_shape():
    nlp = load_pipeline()
    assert is_question(nlp("isnt that bad for my neck"))  # apostrophe left out
    assert is_question(nlp("my neck clicks when i turn, normal?"))  # asked by the question mark
    assert is_question(nlp("i had a baby last month, is that important"))  # its second clause
    assert not is_question(nlp("my neck clicks when i turn"))
    assert not is_question(nlp("sounds good, thanks"))


@pytest.mark.parametrize(
    ("text", "intent"), [("huh?", "affirm"), ("what do you mean", "bot_challenge")]
)
def test_a_question_about_the_last_reply_is_routed_whatever_was_read(text, intent):
    msg = routed(text, intent, confidence=0.95)
    assert msg.get(INTENT)["name"] == "nlu_fallback"
    assert msg.get(ENTITIES)[0]["value"] == "asked_what_we_meant"


def test_a_question_about_a_named_thing_is_left_to_the_classifier():
    msg = routed("what do you mean by referred pain?", "ask_neck_anatomy", confidence=0.6)
    assert msg.get(INTENT)["name"] == "ask_neck_anatomy"


def test_small_talk_after_a_greeting_is_left_alone():
    # "hey, how are you doing today?": FramingTrimmer gives the classifier the question alone
    text = "how are you doing today?"
    msg = Message({TEXT: text, SPACY_DOCS[TEXT]: load_pipeline()(text)})
    msg.set(ORIGINAL_KEY, ("hey, " + text, 5, ""))
    msg.set(INTENT, {"name": "greet", "confidence": 0.5})
    assert SocialQuestionRouter().process([msg])[0].get(INTENT)["name"] == "greet"
    assert routed(text, "greet").get(INTENT)["name"] == "nlu_fallback"  # without the greeting


@pytest.mark.parametrize(
    "text",
    [
        "it's been really bad since this morning",  # was greet (0.46) -> "Hello!"
        "the pain came back this evening after work",
        "been like this all afternoon tbh",
    ],
)
def test_an_unsure_greeting_that_does_not_greet_is_unclear(text):
    msg = routed(text, "greet", confidence=0.46)
    assert msg.get(INTENT)["name"] == "nlu_fallback"
    assert msg.get(ENTITIES)[0]["value"] == "statement_read_as_greeting"


@pytest.mark.parametrize(
    "text",
    [
        "good morning, hope you're well",
        "morning all, quick one",
        "hiii there my friend",
        "heyy its me again",
        "g'day from sunny brisbane",
        "hey, mum of two here",
        "hi",  # short
        "hello there",
    ],
)
def test_greetings_keep_their_intent(text):
    assert routed(text, "greet", confidence=0.46).get(INTENT)["name"] == "greet"


def test_only_an_unsure_greeting_statement_is_routed():
    text = "it's been really bad since this morning"
    assert routed(text, "greet", confidence=0.9).get(INTENT)["name"] == "greet"
    assert routed(text, "goodbye").get(INTENT)["name"] == "goodbye"  # not a greeting reading
