"""A request that names another business (headache_core/handoff/other_provider.py): the team's
own wordings of each kind, none taken from a blind set."""

import pytest

from headache_core.handoff.other_provider import other_provider


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # what qualifies the appointment
        ("please cancel my dog walking appointment on monday", "dog walking"),
        ("move tomorrow's boiler service visit to friday", "boiler service"),
        ("can I push back the kitchen fitting appointment", "kitchen fitting"),
        # what is booked
        ("book me a taxi to the station for 6", "taxi"),
        ("reserve us a pitch at the campsite", "pitch"),
        # where, or with whom
        ("I want to speak to an actual person at the gas company", "gas company"),
        ("cancel my booking at Luigi's tonight", "luigi's tonight"),
        ("can I get an appointment with the locksmith tomorrow", "locksmith tomorrow"),
        ("I need an appointment for a tyre change", "tyre change"),
        ("what are the opening hours at the garden centre", "garden centre"),
        ("is there parking at the Odeon", "odeon"),
        # a message to send to someone else
        ("text sophie I'll be 5 mins late", "sophie"),
    ],
)
def test_a_request_naming_another_business(text: str, names: str) -> None:
    assert other_provider(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "cancel my appt on weds",
        "can I move my 2.30 physio session to next week?",
        "I'd like a follow-up appointment with Priya",
        "book my son in, he's 14 and gets neck headaches",
        "running 10 mins late for my appointment, stuck at work",
        "is there a slot at the clinic on saturday morning",
        "booking for Tomasz Nowak please, any weekday",
        "can I talk to someone at reception",
        "book me in with a female physio for my neck",
        "need to cancel my appointment tomorrow, I have a hospital appointment that clashes",
        "I need a receipt for my last two sessions for my health insurance",
        "can I book for my mum and dad together?",
        "is there anything free on the 14th at 4pm",
        "the pain is worst at the back of my head, can I book in",
        "are you open at easter?",
        "is there parking at the back of the building",
        "what's the price for a first appointment",
    ],
)
def test_a_request_to_this_clinic(text: str) -> None:
    assert other_provider(text) is None
