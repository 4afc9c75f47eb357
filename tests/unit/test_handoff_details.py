"""Several handoff details in one message (issue 27): each read by its own question's reader."""

import pytest

from headache_core.handoff.details import read_details


@pytest.mark.parametrize(
    ("text", "name", "phone", "times"),
    [
        ("Linda Park, 07700 900123", "Linda Park", "+447700900123", None),
        ("Linda Park 07700900123 evenings", "Linda Park", "+447700900123", "evenings"),
        ("Tom Hill and my number is 07700 900456", "Tom Hill", "+447700900456", None),
        ("mornings are best, 07700 900123", None, "+447700900123", "mornings are best"),
        ("Dr Ann Lee tuesday morning", "Dr Ann Lee", None, "tuesday morning"),
        ("weekday evenings", None, None, "weekday evenings"),
        ("07700 900123", None, "+447700900123", None),
    ],
)
def test_every_detail_in_a_message_is_read(text, name, phone, times):
    found = read_details(text, "GB")
    assert found.name == name
    assert (found.contact.phone if found.contact else None) == phone
    assert (found.times.text if found.times else None) == times


def test_an_email_and_a_name_given_together():
    found = read_details("its Sam Jones, sam.jones@example.com, weekday mornings", "GB")
    assert (found.name, found.contact.email) == ("Sam Jones", "sam.jones@example.com")
    assert found.times.parts == ("morning",)


@pytest.mark.parametrize(
    "text",
    ["I'd like to book, I'm worried about my neck", "can I book for my neck please", "no note"],
)
def test_without_a_name_question_only_a_stated_name_counts(text):
    assert read_details(text, "GB", names=False).name is None


def test_a_stated_name_counts_anywhere():
    found = read_details("hi can i book in, my name is Jo Smith, 07700 900123", "GB", names=False)
    assert (found.name, found.contact.phone) == ("Jo Smith", "+447700900123")
