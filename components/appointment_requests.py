"""Requests about an appointment that is not a new booking go to the handoff form, which
answers them or passes them on as what they are (issue 27).

"hi i need to cancel my appt on thurs" was stopped by the request gate (an unsure booking) and
"running 10 min late for my 3pm" was read as out of scope: both got "I'm not sure I understood".
A message that `headache_core.handoff.requests` recognises (patterns in knowledge/handoff.yml)
becomes `book_appointment` ("book, reschedule or ask for an appointment", contract.md), sure; the
form reads the same words again to know which request it is. Red flags still win (the marker
runs after, the red-flag policy first). A button's payload is left alone, and so is a request
that names another business ("cancel my lash appointment", issue 26): the gate has it.
"""

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from components.stateless import StatelessComponent, route_surely
from headache_core.handoff.other_provider import other_provider
from headache_core.handoff.requests import read_appointment_request

BOOKING = "book_appointment"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class AppointmentRequestRouter(StatelessComponent):
    """Reads a cancel / move / late / paperwork / companion request as `book_appointment`."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if not text or text.startswith("/") or read_appointment_request(text) is None:
                continue
            if other_provider(text) is not None:  # "cancel my lash appointment": not ours
                continue
            route_surely(message, BOOKING)  # the gate's "unsure" is undone
        return messages
