"""Follow-up questions (education.yml `asked_as`) get their own answer whatever the classifier
read, and nothing else is taken for one (issue 27)."""

import pytest
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.follow_up_router import FollowUpRouter
from headache_core.content import FOLLOW_UP_ENTITY, asked_topic, select_topic


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("it hurts a bit when I do them, should I push through?", "follow_up_exercise_pain"),
        ("how long before they start working?", "follow_up_how_long"),
        ("how many sessions will I need?", "follow_up_how_long"),
        ("is there any evidence this works?", "follow_up_evidence"),
        ("will the physio crack my neck? I really don't want that", "follow_up_neck_cracking"),
        ("what's the flexion rotation test?", "follow_up_flexion_rotation_test"),
        ("how often should I do them?", "follow_up_how_often"),
        ("I take paracetamol most days for these", "self_care_medication"),
        ("I'm taking them about 20 days a month", "self_care_medication"),
        ("so should I just stop taking them?", "self_care_medication"),
    ],
)
def test_a_follow_up_question_is_recognised(text, topic):
    assert asked_topic(text).id == topic


@pytest.mark.parametrize(
    "text",
    [
        "how long is an appointment?",
        "how long do the headaches last?",
        "my chiropractor cracked my neck yesterday",
        "should I stop taking my blood pressure pills?",
        "I had a headache every day this week",
        "my neck hurts when I sit at my desk",
    ],
)
def test_other_messages_are_not_taken_for_one(text):
    assert asked_topic(text) is None


def test_the_follow_up_entity_picks_its_answer_before_any_other():
    found = {FOLLOW_UP_ENTITY: {"follow_up_how_long"}, "treatment": {"exercise"}}
    assert select_topic("ask_treatment", found).id == "follow_up_how_long"


def test_the_router_sets_the_topics_intent_and_names_it():
    message = Message({TEXT: "is there any evidence this works?"})
    message.set(INTENT, {"name": "ask_clinic_info", "confidence": 0.6})
    message.set(ENTITIES, [{"entity": "input_problem", "value": "unsure_request"}])
    (routed,) = FollowUpRouter().process([message])
    assert routed.get(INTENT) == {"name": "ask_treatment", "confidence": 1.0}
    assert [(e["entity"], e["value"]) for e in routed.get(ENTITIES)] == [
        (FOLLOW_UP_ENTITY, "follow_up_evidence")
    ]


def test_the_router_leaves_buttons_and_other_messages_alone():
    button = Message({TEXT: "/ask_treatment"})
    other = Message({TEXT: "what are your opening hours?"})
    for message in (button, other):
        message.set(INTENT, {"name": "ask_clinic_info", "confidence": 0.9})
    FollowUpRouter().process([button, other])
    assert button.get(INTENT)["name"] == other.get(INTENT)["name"] == "ask_clinic_info"
