"""A booking, a handoff or the deletion question only for a request meant for this clinic."""

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.clinic_request_gate import OTHER_BUSINESS, PROBLEM, ClinicRequestGate

EXAMPLES = {
    "book_appointment": [
        "can I book an appointment with a physio", "book me in for next tuesday",
        "I need to reschedule my appointment at the clinic", "any free slots this week",
    ],
    "forget_me": ["delete everything I told you", "please forget my details and my symptoms"],
    "out_of_scope": [
        "book a flight to madrid", "reserve a table for four at eight",
        "book a double room for two nights", "delete my account on the shopping app",
        "cancel my netflix subscription", "what's the weather tomorrow",
    ],
}  # fmt: skip


@pytest.fixture(scope="module")
def gates(tmp_path_factory) -> tuple[ClinicRequestGate, ClinicRequestGate]:
    """A gate trained on EXAMPLES, and the same gate loaded back from the model storage."""
    storage = LocalModelStorage(tmp_path_factory.mktemp("gate"))
    resource = Resource("clinic_request_gate")
    context = ExecutionContext(GraphSchema({}), node_name="clinic_request_gate")
    config = ClinicRequestGate.get_default_config()
    trained = ClinicRequestGate.create(config, storage, resource, context)
    examples = [
        Message({TEXT: text, INTENT: intent})
        for intent, texts in EXAMPLES.items()
        for text in texts
    ]
    trained.train(TrainingData(examples))
    loaded = ClinicRequestGate.load(config, storage, resource, context)
    return trained, loaded


def read(gate: ClinicRequestGate, text: str, intent: str, confidence: float = 0.9) -> str:
    message = Message({TEXT: text, INTENT: {"name": intent, "confidence": confidence}})
    gate.process([message])
    return message.get(INTENT)["name"]


@pytest.mark.parametrize("which", [0, 1], ids=["trained", "loaded"])
def test_a_request_to_another_service_does_not_open_a_form(gates, which):
    gate = gates[which]
    assert read(gate, "book us a hotel room in lisbon for the weekend", "book_appointment") == (
        "nlu_fallback"
    )
    assert read(gate, "delete my account on your app and my saved cards", "forget_me") == (
        "nlu_fallback"
    )


@pytest.mark.parametrize("which", [0, 1], ids=["trained", "loaded"])
def test_a_clinic_request_read_with_confidence_goes_through(gates, which):
    gate = gates[which]
    assert read(gate, "can I book in with a physio on thursday", "book_appointment") == (
        "book_appointment"
    )
    assert read(gate, "please forget what I told you about my symptoms", "forget_me") == (
        "forget_me"
    )


def test_an_unsure_reading_asks_instead_and_a_button_never_does(gates):
    gate = gates[0]
    message = Message({TEXT: "can I book in with a physio on thursday",
                       INTENT: {"name": "book_appointment", "confidence": 0.4}})  # fmt: skip
    gate.process([message])
    assert message.get(INTENT)["name"] == "nlu_fallback"
    assert message.get("entities")[0]["value"] == PROBLEM
    assert read(gate, "/book_appointment", "book_appointment", confidence=0.4) == (
        "book_appointment"
    )


def test_other_intents_are_left_alone(gates):
    assert read(gates[0], "book a flight to madrid", "ask_posture", confidence=0.3) == (
        "ask_posture"
    )


def test_a_sure_request_that_names_another_business_is_stopped_with_no_offer(gates):
    message = Message({TEXT: "can I book an appointment with the dog groomer on friday",
                       INTENT: {"name": "book_appointment", "confidence": 0.99}})  # fmt: skip
    gates[0].process([message])
    assert message.get(INTENT)["name"] == "nlu_fallback"
    assert [e["value"] for e in message.get("entities")] == [OTHER_BUSINESS]


def test_a_practical_question_about_another_business_is_not_answered_as_the_clinics(gates):
    assert read(gates[0], "what time does the post office open on saturday", "ask_clinic_info",
                confidence=0.95) == "ask_clinic_info"  # fmt: skip
    assert read(gates[0], "is there parking at the football ground", "ask_clinic_info") == (
        "nlu_fallback"
    )
    assert read(gates[0], "is there parking at the clinic", "ask_clinic_info") == (
        "ask_clinic_info"
    )
