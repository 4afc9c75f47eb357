"""Education content and fixed messages: complete, grounded, plain, and correctly chosen."""

import re

import pytest
import textstat
import yaml

from headache_core.clinic import load_clinic
from headache_core.content import (
    load_topics,
    max_words,
    select_follow_up,
    select_topic,
    topics,
)
from headache_core.handoff.form import load_questions as load_handoff_questions
from headache_core.messages import message_keys, render
from headache_core.red_flags.rules import load_rules
from headache_core.screening.questions import load_questions, self_care_tips
from headache_core.screening.rules import load_screening
from tests.conftest import ROOT

DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())
# every ask_* intent but those answered from elsewhere (clinic.yml; the privacy message)
ASK_INTENTS = [
    i
    for i in DOMAIN["intents"]
    if i.startswith("ask_") and i not in ("ask_clinic_info", "ask_privacy")
]
MAX_GRADE = 8.0


def all_reply_texts() -> list[tuple[str, str]]:
    """Every text the assistant can send: education topics, fixed messages, domain responses."""
    clinic = load_clinic()
    texts = [(f"topic:{t.id}", t.render(clinic)) for t in topics()]
    rules = load_rules()
    extra = {
        "closes": "19:00",
        "next_open": "tomorrow at 08:00",
        "reasons": rules.flag("thunderclap_onset").reason,
        "question": rules.flag("head_injury").clarify,
        "items": 'the pain stays on one side (you said "always the right").',
        "tips": "\n".join(self_care_tips()),
        "reach": "by phone",
        "start": "Tuesday 2 December at 09:30",
        "when": "within the hour",
        "what": "Wants to cancel an appointment.",
        "now": "07700 900456",
        "retention_days": "90",
        "meanwhile": "Get everyone out into fresh air now.",
    }
    texts += [(f"message:{k}", render(k, clinic, **extra).text) for k in message_keys()]
    texts += [(f"red_flag_reason:{f.id}", f.reason) for f in rules.flags]
    texts += [(f"red_flag_clarify:{f.id}", f.clarify) for f in rules.flags if f.clarify]
    questions = load_questions().values()
    texts += [(f"screening_question:{q.slot}", q.text) for q in questions]
    texts += [(f"screening_example:{q.slot}", q.example) for q in questions]
    texts += [(f"screening_why:{q.slot}", q.why) for q in questions]
    texts += [(f"screening_means:{q.slot}", q.means) for q in questions if q.means]
    handoff_questions = load_handoff_questions().values()
    texts += [(f"handoff_question:{q.slot}", q.text) for q in handoff_questions]
    texts += [(f"handoff_why:{q.slot}", q.why) for q in handoff_questions]
    texts += [(f"handoff_example:{q.slot}", q.example) for q in handoff_questions]
    texts += [(f"screening_criterion:{c.id}", c.label) for c in load_screening().criteria.values()]
    texts += [(f"screening_clinic_only:{i}", t) for i, t in enumerate(load_screening().clinic_only)]
    for name, variants in DOMAIN["responses"].items():
        texts += [(f"response:{name}", v["text"]) for v in variants]
    return texts


@pytest.mark.parametrize("intent", ASK_INTENTS)
def test_every_education_intent_has_a_general_answer(intent):
    topic = select_topic(intent, {})
    assert topic is not None and not topic.entities


REPLIES = all_reply_texts()


@pytest.mark.parametrize(("name", "text"), REPLIES, ids=[name for name, _ in REPLIES])
def test_reading_grade_is_8_or_below(name, text):
    assert textstat.flesch_kincaid_grade(text) <= MAX_GRADE, f"{name}: {text}"


@pytest.mark.parametrize("topic", topics(), ids=lambda t: t.id)
def test_topic_is_short_sourced_and_offers_2_to_4_ways_on(topic):
    assert len(topic.text.split()) <= max_words()
    assert 2 <= len(topic.buttons) <= 4
    assert all(re.match(r"^(seed-article|clinical-reference §\d):", s) for s in topic.sources)


# an entity is a name, or a name with its settings ({"red_flag_concept": {...}})
DOMAIN_ENTITIES = {e if isinstance(e, str) else next(iter(e)) for e in DOMAIN["entities"]}


@pytest.mark.parametrize("topic", topics(), ids=lambda t: t.id)
def test_buttons_lead_to_known_intents_and_entities(topic):
    for button in topic.buttons:
        assert button.intent in DOMAIN["intents"]
        assert set(button.entities) <= DOMAIN_ENTITIES


def test_entity_narrows_the_answer():
    assert select_topic("ask_neck_anatomy", {"body_part": {"suboccipital"}}).id == (
        "neck_anatomy_suboccipital"
    )
    assert select_topic("ask_neck_anatomy", {"body_part": {"upper_back"}}).entities == {
        "body_part": ("upper_back",)
    }
    assert select_topic("ask_neck_anatomy", {"symptom": {"nausea"}}).entities == {}


def test_emergency_answers_carry_the_configured_number():
    text = select_topic("ask_when_to_see_doctor", {}).render(load_clinic())
    assert "999" in text and "{" not in text


def test_nothing_tells_people_to_stop_medicine_or_promises_a_cure():
    for name, text in REPLIES:
        lowered = text.lower()
        assert "stop taking" not in lowered or "without" in lowered, name
        assert not re.search(
            r"\b(cure[sd]?|guarantee[sd]?|you have (a )?cervicogenic)\b", lowered
        ), name


def test_malformed_topic_is_rejected(tmp_path):
    bad = tmp_path / "education.yml"
    bad.write_text(
        "topics:\n  - id: x\n    intents: [ask_posture]\n    text: hi {secret}\n"
        "    buttons: [{title: a, payload: /ask_posture}]\n    sources: [s]\n"
    )
    with pytest.raises(ValueError, match="unknown placeholder"):
        load_topics(bad)


def test_message_with_a_missing_value_is_an_error_not_a_gap():
    with pytest.raises(KeyError, match="closes"):
        render("handoff_human_open")


SLEEPING = {"posture": {"sleeping"}}


def test_a_follow_up_gets_the_narrower_part_of_the_last_answers_topic():
    """'and for back sleepers?' after the phone answer, read as the upper back (general)."""
    topic = select_follow_up(
        "ask_thoracic_spine", SLEEPING, "and for back sleepers?", "posture_phone"
    )
    assert topic.id == "posture_sleeping"


@pytest.mark.parametrize(
    ("intent", "found", "text", "previous", "expected"),
    [
        # not worded as a follow-up: the question stands on its own
        (
            "ask_thoracic_spine",
            SLEEPING,
            "my upper back hurts when i sleep",
            "posture_phone",
            "thoracic_spine_general",
        ),
        # the question narrows itself
        (
            "ask_thoracic_spine",
            {"body_part": {"upper_back"}},
            "and my upper back?",
            "posture_phone",
            "upper_back_role",
        ),
        # nothing narrower in the last answer's topic for what it names
        (
            "ask_headache_causes",
            {"trigger": {"alcohol"}},
            "what about alcohol?",
            "posture_phone",
            "headache_causes_general",
        ),
        # no answer before
        ("ask_thoracic_spine", SLEEPING, "and for back sleepers?", None, "thoracic_spine_general"),
    ],
)
def test_otherwise_the_question_gets_its_own_topic(intent, found, text, previous, expected):
    assert select_follow_up(intent, found, text, previous).id == expected


def test_every_form_question_says_why_it_is_asked():
    assert all(q.why for q in load_questions().values())
    assert all(q.why for q in load_handoff_questions().values())
