"""Evidence across the conversation (headache_core/red_flags/evidence.py), without Rasa."""

from headache_core.red_flags.detector import detect
from headache_core.red_flags.evidence import (
    asked_entities,
    concept_entities,
    describe,
    evaluate_findings,
    findings_in_events,
)


def user(text: str) -> dict:
    """A user event as the tracker stores it, with the marker's findings for `text`."""
    detection = detect(text)
    entities = concept_entities(detection.concepts) + asked_entities(detection.asked)
    return {"event": "user", "text": text, "parse_data": {"entities": entities}}


def test_signs_in_separate_messages_make_the_flag_together():
    events = [user("I've had a high temperature since Tuesday"), user("my neck is really stiff")]
    assert not detect("my neck is really stiff").flags  # neither message alone
    detection = evaluate_findings(findings_in_events(events))
    assert detection.flag_ids == ["fever_neck_stiffness"]
    assert detection.level == "emergency"


def test_the_level_is_the_highest_rule_met():
    events = [user("I'm 34 weeks pregnant and have a headache"), user("my vision has gone blurry")]
    detection = evaluate_findings(findings_in_events(events))
    assert detection.level == "emergency"
    assert "pre_eclampsia" in detection.flag_ids


def test_a_new_session_or_a_restart_clears_the_evidence():
    for reset in ("session_started", "restart"):
        events = [user("I've had a fever for two days"), {"event": reset}, user("stiff neck")]
        assert not evaluate_findings(findings_in_events(events)).flags


def test_the_neck_check_supplies_the_headache():
    pregnant = [user("I'm 30 weeks pregnant")]
    assert not evaluate_findings(findings_in_events(pregnant)).flags
    in_check = [{"event": "active_loop", "name": "screening_form"}, *pregnant]
    assert evaluate_findings(findings_in_events(in_check)).flag_ids == ["pregnancy_postpartum"]


def test_the_neck_check_supplies_no_headache_to_someone_who_has_none():
    in_check = [{"event": "active_loop", "name": "screening_form"},
                user("I'm 22 weeks pregnant, my lower back aches, no headaches at all")]  # fmt: skip
    assert not evaluate_findings(findings_in_events(in_check)).flags


def test_denied_signs_add_nothing():
    events = [user("no fever at all"), user("my neck is stiff from the desk")]
    assert not evaluate_findings(findings_in_events(events)).flags


def test_the_audit_line_names_the_detector_words_and_messages():
    events = [user("I've had a high temperature since Tuesday"), user("my neck is really stiff")]
    (line,) = describe(evaluate_findings(findings_in_events(events)))
    assert line.startswith("fever_neck_stiffness (rules): ")
    assert "(message 1)" in line and "(message 2)" in line


def test_signs_only_asked_about_count_once_the_next_message_says_they_are_happening():
    question = "what does a stroke look like? is a drooping face and slurred speech one?"
    assert not detect(question).flags
    happening = [user(question), user("it's my dad, it's happening now")]
    assert evaluate_findings(findings_in_events(happening)).level == "emergency"
    wondered = "can a chiropractor adjustment cause dizziness and a headache?"
    done = [user(wondered), user("yes I had that done yesterday")]
    assert evaluate_findings(findings_in_events(done)).flag_ids == ["cervical_artery_dissection"]


def test_a_question_then_its_ongoing_answer_counts():
    """ "is ibuprofen safe for a headache in pregnancy?" asks; "it's been going on since
    Sunday" says the headache is happening."""
    events = [user("is ibuprofen safe for a headache in pregnancy?"),
              user("I'm 20 weeks and it's been going on since Sunday")]  # fmt: skip
    assert evaluate_findings(findings_in_events(events)).flag_ids == ["pregnancy_postpartum"]


def test_signs_split_over_messages_in_lay_words():
    fit = [user("my husband has had a headache all day"),
           user("he just had some kind of fit, shaking for about a minute, now he's very dozy")]  # fmt: skip
    assert evaluate_findings(findings_in_events(fit)).level == "emergency"
    fumes = [user("we both get headaches in the camper van"),
             user("my partner gets the same and we're fine once we're outside")]  # fmt: skip
    assert evaluate_findings(findings_in_events(fumes)).flag_ids == ["carbon_monoxide"]


def test_signs_only_asked_about_stay_questions_otherwise():
    for reply in ("ok thanks, just curious", "no, I don't, just asking"):
        events = [user("is a drooping face a sign of a stroke?"), user(reply)]
        assert not evaluate_findings(findings_in_events(events)).flags
    # two messages later is no longer an answer to the question
    events = [user("is a drooping face a sign of a stroke?"), user("ok"), user("it's happening")]
    assert not evaluate_findings(findings_in_events(events)).flags


def test_an_age_the_check_was_told_counts_with_later_answers():
    """A bare "67" to "How old are you?" says nothing alone; the age slot carries it."""
    events = [
        user("67"),
        {"event": "slot", "name": "age", "value": 67},
        user("the pain is at my temples"),
    ]
    assert "giant_cell_arteritis" in evaluate_findings(findings_in_events(events)).flag_ids
    younger = [*events[:1], {"event": "slot", "name": "age", "value": 34}, events[2]]
    assert "giant_cell_arteritis" not in evaluate_findings(findings_in_events(younger)).flag_ids
