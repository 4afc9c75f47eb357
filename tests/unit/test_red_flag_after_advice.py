"""After red-flag advice, every reply keeps the advice and its route (issue 25)."""

import pytest

from actions.red_flags import ActionEscalateRedFlag, ActionKeepRedFlagAdvice
from headache_core.red_flags.after_advice import reply_kind
from tests.conftest import make_tracker, said

EMERGENCY = {"triage_outcome": "red_flag_emergency", "red_flags": ["neurological_deficit"]}
URGENT = {"triage_outcome": "red_flag_urgent", "red_flags": ["giant_cell_arteritis"]}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("what number do i ring", "asks_number"),
        ("is it 111 or 999?", "asks_number"),
        ("where do I take her", "asks_number"),
        ("can I drive myself there?", "driving"),
        ("can't I just take some paracetamol", "painkiller"),
        ("I'll call them after my shift", "delays"),
        ("let me lie down for an hour first", "delays"),
        ("she seems fine now though", "plays_down"),
        ("it's probably nothing", "plays_down"),
        ("could I just book in with the physio instead", "booking"),
        ("ok thanks", "thanks"),
        ("what is 111?", "route_meaning"),
        ("whats A&E", "route_meaning"),
        ("what do I tell them when I get there", "what_to_say"),
        ("calling now", "thanks"),
        ("what will they do at the hospital?", "what_happens"),
        ("will I need a scan?", "what_happens"),
        ("I'm really scared", "worry"),
        ("what stretches help?", None),
        ("my mum says hi", None),
    ],
)
def test_what_a_reply_to_the_advice_does(text, kind):
    assert reply_kind(text) == kind


@pytest.mark.parametrize(
    ("text", "intent", "first"),
    [
        ("what number do I call?", "ask_clinic_info", "Call 999 now for an ambulance"),
        ("can I drive myself?", "ask_clinic_info", "Nobody with these signs should drive"),
        ("can't I just take ibuprofen", "ask_self_care", "painkiller may dull the pain"),
        ("I'll ring them in the morning", "affirm", "please don't wait"),
        ("he seems fine now", "affirm", "can ease and then come back"),
        ("can you book me with a physio instead", "book_appointment", "not the right first step"),
        ("ok bye", "goodbye", "Take care"),
        ("what will the doctors do?", "ask_treatment", "examine you"),
        ("i'm so scared", "affirm", "this is frightening"),
        ("my mum says hi", "greet", "What matters most now is this advice"),
        ("what stretches can I do meanwhile?", "ask_self_care", "hold off on neck exercises"),
        ("how should I sit at my desk?", "ask_posture", "hold off on neck exercises"),
        ("what is 999 exactly", "ask_when_to_see_doctor", "999 is the emergency number"),
        ("what should I tell the doctor?", "ask_treatment", "Tell them what you told me"),
        ("can my son drive me?", "ask_clinic_info", "Nobody with these signs should drive"),
        ("can I book instead?", "book_appointment", "I haven't booked anything"),
    ],
)
async def test_every_reply_keeps_the_emergency_advice(dispatcher, text, intent, first):
    tracker = make_tracker(intent, text=text, slots=EMERGENCY)
    await ActionKeepRedFlagAdvice().run(dispatcher, tracker, {})
    reply = said(dispatcher)
    assert reply.startswith(first) or first in dispatcher.messages[0]["text"]
    assert "Please call 999 now or go to A&E" in reply
    # the reason was given with the first advice; replies keep the route, not the whole block
    assert "stroke" not in reply


async def test_the_urgent_route_is_given_for_an_urgent_flag(dispatcher):
    tracker = make_tracker("ask_clinic_info", text="who do I call?", slots=URGENT)
    await ActionKeepRedFlagAdvice().run(dispatcher, tracker, {})
    reply = said(dispatcher)
    assert "111" in reply and "GP" in reply


async def test_another_question_is_answered_after_the_advice(dispatcher):
    tracker = make_tracker("ask_neck_anatomy", text="which muscles are at the base of the skull",
                           slots=EMERGENCY)  # fmt: skip
    await ActionKeepRedFlagAdvice().run(dispatcher, tracker, {})
    texts = [m.get("text") or "" for m in dispatcher.messages]
    advice = next(i for i, t in enumerate(texts) if "call 999" in t)
    assert advice < len(texts) - 1  # the answer comes after the advice
    assert not any(m.get("buttons") for m in dispatcher.messages[: advice + 1])


async def test_a_hint_after_advice_at_that_level_gets_no_question(dispatcher):
    hint = [{"entity": "red_flag_hint", "value": "thunderclap_onset"}]
    tracker = make_tracker("report_emergency_symptoms", hint, "it came on suddenly", EMERGENCY)
    await ActionEscalateRedFlag().run(dispatcher, tracker, {})
    reply = said(dispatcher)
    assert "quick question" not in reply and "Please call 999 now" in reply


async def test_a_more_serious_hint_after_urgent_advice_is_still_asked(dispatcher):
    hint = [{"entity": "red_flag_hint", "value": "thunderclap_onset"}]
    tracker = make_tracker("report_emergency_symptoms", hint, "it came on suddenly", URGENT)
    await ActionEscalateRedFlag().run(dispatcher, tracker, {})
    assert "within about a minute" in said(dispatcher)


async def test_an_urgent_yes_that_names_no_flag_still_gives_a_reason(dispatcher):
    from actions.red_flags import send_advice

    send_advice(dispatcher, "urgent", [])
    text = said(dispatcher)
    assert "Please see a doctor today" in text and "should be checked by a doctor" in text
    assert ". ." not in text and "  " not in text


async def test_a_flags_meanwhile_advice_follows_its_reason(dispatcher):
    from actions.red_flags import send_advice

    send_advice(dispatcher, "emergency", ["carbon_monoxide"])
    assert "out into fresh air" in said(dispatcher) and "call 999" in said(dispatcher).lower()
    send_advice(dispatcher, "urgent", ["giant_cell_arteritis"])
    # the emergency twin's sign said now, not only later: "double vision on and off" at 68
    assert (
        "If your eyesight is affected in any way, now or later (blurred, double or lost sight,"
        " even for a moment), call 999 at once: that makes it an emergency."
    ) in said(dispatcher)


async def test_waiting_is_now_for_an_emergency_and_today_for_urgent(dispatcher):
    tracker = make_tracker("affirm", text="I'll go after lunch", slots=URGENT)
    await ActionKeepRedFlagAdvice().run(dispatcher, tracker, {})
    assert "checking today" in said(dispatcher) and "checking now" not in said(dispatcher)
