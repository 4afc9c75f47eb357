"""Fuzzing every answer reader, input_check and both forms' validators with Hypothesis: any
text (unicode, control characters, huge, empty, answer-shaped) gives no exception and a value
of the expected kind. A modest, derandomized budget keeps the suite fast and repeatable."""

from datetime import date, datetime, timezone
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import FAILURES_SLOT
from actions.handoff import ValidateHandoffForm
from actions.screening import ValidateScreeningForm
from headache_core.handoff.contact import (
    ContactDetails,
    PreferredTimes,
    describe_problem,
    read_consent,
    read_contact,
    read_name,
    read_note,
    read_preferred_times,
)
from headache_core.handoff.form import CALL_BACK, read_choice, time_label
from headache_core.input_check import CheckedText, check_text
from headache_core.screening.answers import NOT_SURE, READERS
from tests.conftest import ROOT
from tests.unit.test_handoff_form import tracker_for
from tests.unit.test_screening_form import form_tracker

DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())
FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Words the readers look for, mixed into random text so the fuzzing reaches their branches
WORDS = [
    "yes", "no", "not sure", "none of those", "left", "right", "both", "side", "neck", "skull",
    "eye", "forty", "45", "under 30", "I'm", "tuesday", "morning", "after 5pm", "tomorrow", "at",
    "9:30", "1", "2", "call me", "+44 7700 900123", "07700900123", "a@b.co", "@", "me@x",
    "shoulder", "arm", "throbbing", "sick", "never", "always", "cancel", "stop", "sudden",
    "agree", "ok", "nothing", "-", "\x00", "\u202e", "🙂", "ß", "İ", "١٢", "½", "\ud800",
]  # fmt: skip
ANSWERS = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join),
    st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=8)), max_size=10).map(" ".join),
    st.sampled_from(["", " ", "\n\t", "x" * 5_000, "9" * 400, "1" * 20 + "@" + "a" * 300]),
)

SCREENING_VALUES = {
    "red_flag_check": {"yes", "no", NOT_SURE, None},
    "pain_side": {"left", "right", "both", "alternating", NOT_SURE, None},
    "pain_start": {"neck", "front", "whole_head", NOT_SURE, None},
    "neck_provoked": {"yes", "no", NOT_SURE, None},
    "neck_stiffness": {"yes", "no", NOT_SURE, None},
    "shoulder_arm_pain": {"yes", "no", "same_side", NOT_SURE, None},
    "other_symptoms": {"none", "mild", "marked", NOT_SURE, None},
}


def valid_screening_value(slot: str, value: Any) -> bool:
    if slot == "age":
        return value is None or value == NOT_SURE or (isinstance(value, int) and value >= 0)
    if slot == "headache_pattern":
        return value is None or (isinstance(value, str) and value.strip() == value and value)
    return value in SCREENING_VALUES[slot]


@pytest.mark.parametrize("slot", list(READERS))
@FUZZ
@given(text=ANSWERS)
@example(text="\ud800")  # found by this test: a lone surrogate (valid JSON) crashed spaCy
def test_screening_readers_always_give_a_known_value(slot, text):
    assert valid_screening_value(slot, READERS[slot](text))


@FUZZ
@given(text=ANSWERS)
def test_contact_readers_always_give_the_expected_kind(text):
    name = read_name(text)
    assert name is None or (isinstance(name, str) and name.strip())
    for region in ("GB", "US", None):
        found = read_contact(text, region)
        assert found is None or isinstance(found, ContactDetails)
        if found is not None:
            assert found.phone or found.email
        else:
            assert isinstance(describe_problem(text, region), str)
    times = read_preferred_times(text, today=date(2026, 11, 27))
    assert times is None or isinstance(times, PreferredTimes)
    assert isinstance(read_note(text), str)
    assert read_consent(text) in ("yes", "no", None)
    start = datetime(2026, 12, 1, 9, 30, tzinfo=timezone.utc)
    offered = [{"label": time_label(start, "Europe/London"), "start": start.isoformat()}]
    assert read_choice(text, offered) in (offered[0]["start"], CALL_BACK, None)
    assert read_choice(text, []) in (CALL_BACK, None)


@FUZZ
@given(raw=st.one_of(st.none(), ANSWERS, st.text(min_size=2_000, max_size=3_000)))
def test_input_check_cleans_anything(raw):
    checked = check_text(raw)
    assert isinstance(checked, CheckedText)
    assert isinstance(checked.text, str) and len(checked.text) <= 2_000
    assert not any(ord(c) < 32 and c not in "\n\t" for c in checked.text)
    assert isinstance(checked.understandable, bool)


SCREENING_SLOTS = [
    "red_flag_check", "red_flag_history", "age", "pain_side", "pain_start", "neck_provoked",
    "neck_stiffness", "shoulder_arm_pain", "headache_pattern", "other_symptoms",
]  # fmt: skip


@pytest.mark.parametrize("slot", SCREENING_SLOTS)
@FUZZ
@given(text=ANSWERS)
@example(text="right side \udcff")  # the red-flag detector reads every answer first
async def test_screening_validators_never_raise(slot, text):
    dispatcher = CollectingDispatcher()
    events = await ValidateScreeningForm().run(dispatcher, form_tracker(slot, text), DOMAIN)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert isinstance(slots.get(FAILURES_SLOT, 0), int | float)
    checked = slot != "red_flag_history" and slots.get("screening_exit") != "red_flag"
    if checked and slot in slots:
        assert valid_screening_value(slot, slots[slot])
    assert all(isinstance(m.get("text") or "", str) for m in dispatcher.messages)


HANDOFF_SLOTS = ["contact_name", "contact_details", "preferred_times", "handoff_note",
                 "handoff_consent", "appointment_choice"]  # fmt: skip


@pytest.mark.parametrize("slot", HANDOFF_SLOTS)
@FUZZ
@given(text=ANSWERS)
async def test_handoff_validators_never_raise(slot, text):
    dispatcher = CollectingDispatcher()
    events = await ValidateHandoffForm().run(dispatcher, tracker_for(slot, text), DOMAIN)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    value = slots.get(slot)
    if slot == "contact_details" and value is not None:
        assert set(value) == {"phone", "email"} and (value["phone"] or value["email"])
    if slot == "handoff_consent":
        assert value in ("yes", "no", None)
    if slot in ("contact_name", "preferred_times") and value is not None:
        assert isinstance(value, str) and value.strip()
