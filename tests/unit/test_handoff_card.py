"""What a console card says (headache_core/handoff/card.py): a red flag's record in words staff
can act on; the flags' labels (red_flags.yml) and the advice in one home."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timezone

import pytest

from headache_core.clinic import load_clinic
from headache_core.handoff.card import card_words
from headache_core.handoff.model import Contact, Handoff
from headache_core.red_flags.advice import advice
from headache_core.red_flags.rules import RED_FLAGS_FILE, RedFlagFileError, load_rules

CLINIC = load_clinic()
EMERGENCY = CLINIC.region.emergency_number


def stored(**fields) -> Handoff:
    base = dict(ref="red_flag:c1", kind="human", conversation_id="c1",
                triage_outcome="red_flag_emergency", red_flags=["thunderclap_onset"])  # fmt: skip
    return Handoff(**{**base, **fields})


def test_a_red_flag_without_contact_details_says_what_happened_and_what_was_said() -> None:
    words = card_words(stored(), CLINIC)
    assert words.title == "Emergency red flag: Sudden, very severe headache (thunderclap)"
    assert words.origin == "red_flag" and words.level == "emergency" and not words.reachable
    assert words.contact.startswith("No phone or e-mail given")
    assert words.first_step.startswith(f"Nobody to call: the patient was told to call {EMERGENCY}")
    # the transcript ends before the advice was sent: the same message, from the level
    assert words.told == advice("emergency", ["thunderclap_onset"], clinic=CLINIC).text
    assert words.told.startswith(f"Please call {EMERGENCY} now") and words.told_source == "level"
    assert words.consent.startswith("No contact details were asked for")
    assert "Not recorded" not in words.consent and "Asked for a person" not in words.title


def test_the_advice_in_the_conversation_is_quoted_the_latest_first() -> None:
    urgent = advice("urgent", ["new_headache_over_50"], clinic=CLINIC).text
    brief = advice("urgent", ["new_headache_over_50"], brief=True, clinic=CLINIC).text
    transcript = [
        {"who": "user", "text": "I'm 62 and these headaches are new"},
        {"who": "bot", "text": urgent},
        {"who": "user", "text": "ok"},
        {"who": "bot", "text": brief},
        {"who": "user", "text": "Please call me"},  # a patient's words are never the advice
    ]
    words = card_words(
        stored(triage_outcome="red_flag_urgent", red_flags=["new_headache_over_50"],
               transcript=transcript), CLINIC)  # fmt: skip
    assert (words.told, words.told_source) == (brief.strip(), "conversation")
    assert words.title == "Urgent red flag: A new kind of headache after 50"
    assert words.first_step.startswith("Nobody to call: the patient was told to see a doctor today")


def test_a_red_flag_with_a_phone_says_call_first_and_names_the_person() -> None:
    words = card_words(
        stored(contact=Contact(name="Erin", phone="+447700900001"), red_flags=[]), CLINIC
    )
    assert words.title == "Emergency red flag: said yes or not sure to the warning signs (Erin)"
    assert words.reachable and words.contact == "Contact details given: a phone number."
    assert words.first_step == (
        f"Call this patient first. If they are in danger now, tell them to call {EMERGENCY}."
    )
    assert words.consent == "No consent to be contacted is recorded."


def test_bookings_and_requests_for_a_person_keep_their_titles_and_say_the_consent() -> None:
    consent = datetime(2026, 7, 1, 9, 30, tzinfo=timezone.utc)  # summer: London is BST
    words = card_words(
        stored(ref="booking:1", kind="booking", triage_outcome="consistent_with_cervicogenic",
               red_flags=[], contact=Contact(name="Bea", email="bea@example.org"),
               consent_at=consent), CLINIC)  # fmt: skip
    assert words.title == "Booking request: Bea" and words.origin == "booking"
    assert words.consent == "Consent to be contacted: given 1 Jul 2026 at 10:30 (BST)."
    assert (words.first_step, words.told) == ("", "")
    person = card_words(stored(ref="human:1", red_flags=[], triage_outcome=None), CLINIC)
    assert person.title == "Asked for a person: name not given" and person.origin == "human"
    # a person who asked for someone after a red flag: still a request, with the advice given
    after = card_words(stored(ref="human:2", contact=Contact(phone="+447700900002")), CLINIC)
    assert after.title.startswith("Asked for a person") and after.told


def test_an_unknown_flag_is_shown_as_it_is_never_dropped() -> None:
    words = card_words(stored(red_flags=["Sudden, worst-ever headache", "thunderclap_onset"]))
    assert [f.label for f in words.flags] == [
        "Sudden, worst-ever headache",
        "Sudden, very severe headache (thunderclap)",
    ]


def test_every_flag_has_a_staff_label_in_words() -> None:
    rules = load_rules()
    labels = [flag.label for flag in rules.flags]
    assert len(set(labels)) == len(labels)
    for flag in rules.flags:
        assert flag.label and not re.search(r"\w_\w", flag.label), flag.id
        assert len(flag.label) <= 80, flag.id
        assert rules.label(flag.id) == flag.label
    assert rules.label("not_a_flag") == "not_a_flag"


def test_a_flag_without_a_label_is_an_error(tmp_path) -> None:
    text = RED_FLAGS_FILE.read_text(encoding="utf-8")
    bad = tmp_path / "red_flags.yml"
    bad.write_text(text.replace('    label: "Fever with a stiff neck"\n', "", 1), encoding="utf-8")
    with pytest.raises(RedFlagFileError, match="flag fever_neck_stiffness: 'label' is missing"):
        load_rules(bad)


def test_the_record_without_contact_keeps_its_words_when_the_name_is_hostile() -> None:
    hostile = "<script>x</script>"
    words = card_words(replace(stored(), contact=Contact(name=hostile)), CLINIC)
    assert words.title.endswith(f"({hostile})")  # text: the page puts it in textContent
