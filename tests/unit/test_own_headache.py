"""Whether my own headache is a neck headache asks for the check (labelling guide rule 3)."""

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.own_headache import OwnHeadacheRouter
from headache_core.question_shape import asks_if_own_headache_is_from_the_neck
from tests.conftest import ROOT, nlu_examples


def routed(text: str, intent: str = "ask_cervicogenic_headache") -> Message:
    msg = Message({TEXT: text})
    msg.set(INTENT, {"name": intent, "confidence": 0.7})
    msg.set(
        INTENT_RANKING_KEY,
        [
            {"name": intent, "confidence": 0.7},
            {"name": "start_screening", "confidence": 0.2},
            {"name": "ask_neck_anatomy", "confidence": 0.1},
        ],
    )
    return OwnHeadacheRouter().process([msg])[0]


@pytest.mark.parametrize(
    "text",
    [
        "is this a neck headache?",
        "do u think mine is cervicogenic",
        "could my headaches be coming from my neck",
        "am i getting neck headaches from work",
    ],
)
def test_a_question_about_my_own_headache_starts_the_check(text):
    msg = routed(text)
    assert msg.get(INTENT) == {"name": "start_screening", "confidence": 0.7}
    assert [r["name"] for r in msg.get(INTENT_RANKING_KEY)] == [
        "start_screening",
        "ask_cervicogenic_headache",
        "ask_neck_anatomy",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "what is a cervicogenic headache",
        "can you get neck headaches from stress",
        "is it typical for a neck headache to start at the back",
        "do teenagers get neck headaches",
    ],
)
def test_a_question_about_neck_headaches_in_general_keeps_its_reading(text):
    assert routed(text).get(INTENT)["name"] == "ask_cervicogenic_headache"


def test_other_readings_are_left_alone():
    assert routed("is this a neck headache?", "ask_headache_types").get(INTENT)["name"] == (
        "ask_headache_types"
    )


def test_no_training_example_of_another_intent_is_shaped_like_it():
    """The rule agrees with the labels: what it matches is labelled start_screening."""
    matched = {
        intent
        for path in sorted((ROOT / "data" / "nlu").glob("*.yml"))
        for intent, examples in nlu_examples(path).items()
        for text in examples
        if asks_if_own_headache_is_from_the_neck(text)
    }
    assert matched == {"start_screening"}
