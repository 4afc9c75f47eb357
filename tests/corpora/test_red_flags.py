"""The red-flag detector: every flag fires, and stays quiet when denied, long past or asked about."""

from pathlib import Path

import pytest
import yaml

from headache_core.age import find_age
from headache_core.lexicon import LEXICON_FILE
from headache_core.red_flags.detector import detect
from headache_core.red_flags.phrases import (
    EXACT,
    GAP,
    NUMBER,
    PhraseError,
    compile_phrase,
    positions,
)
from headache_core.red_flags.rules import RED_FLAGS_FILE, RedFlagFileError, load_rules

RULES = load_rules()
CORPUS = Path(__file__).resolve().parents[1] / "red_flags" / "corpus.yml"

# flag id -> (a message that has it, the same kind of message denying it)
EXAMPLES = {
    "thunderclap_onset": ("the pain exploded in my head out of nowhere, worst ever",
                          "it was not sudden, it crept up over the afternoon"),
    "fever_neck_stiffness": ("she has a fever and a really stiff neck", "no fever, just a stiff neck from my desk"),
    "non_blanching_rash": ("there's a purple rash on his legs and it doesn't fade with the glass test",
                           "no rash anywhere and no fever"),
    "neurological_deficit": ("my speech is slurred and my left arm feels weak",
                             "no weakness, no slurred speech, nothing like that"),
    "altered_consciousness": ("my dad is confused and very drowsy with this headache",
                              "I'm not drowsy or confused, just tired"),
    "head_injury": ("I banged my head on a cupboard and have been vomiting since",
                    "banged my head years ago, no vomiting now"),
    "neck_injury_neuro": ("whiplash from a car crash and now my arms are tingling", "no whiplash, no car accident"),
    "cervical_artery_dissection": ("the chiropractor cracked my neck and now I have a bad headache",
                                   "I have never seen a chiropractor and I don't get headaches"),
    "acute_glaucoma": ("my eye is red and I see haloes around lights", "no red eye and no haloes"),
    "carbon_monoxide": ("everyone in the house has headaches since the boiler was fixed",
                        "what are the signs of carbon monoxide from a boiler"),
    "pre_eclampsia": ("I'm 34 weeks pregnant with a headache and blurry vision",
                      "I'm not pregnant and my vision is fine"),
    "giant_cell_arteritis_visual": ("I'm 71, my scalp is tender, my temples ache and my vision went blurry",
                                    "I'm 71 with a sore neck, no scalp or jaw trouble"),
    "fever_chemotherapy": ("I'm on chemo and have a fever of 38.5 tonight", "I finished chemo years ago, no fever"),
    "giant_cell_arteritis": ("I'm 66 and my jaw hurts when I chew and my temples throb",
                             "I'm 66, no jaw pain, no temple pain"),
    "new_headache_over_50": ("I'm 58 and I never had headaches before this month",
                             "I'm 58 and I've had the same headaches since I was 20"),
    "cancer_or_immunosuppression": ("I had breast cancer and now I get headaches",
                                    "no cancer, no HIV, just desk headaches"),
    "pregnancy_postpartum": ("I'm pregnant and get headaches most days", "I'm not pregnant and I don't get headaches"),
    "raised_icp_features": ("the headache wakes me up and I've been vomiting", "no vomiting and it never wakes me"),
    "valsalva_triggered": ("I get a headache every time I cough", "coughing doesn't change my headache at all"),
    "low_pressure_positional": ("the headache is worse when I sit up and goes away when I lie down",
                                "lying down makes no difference to my headache"),
    "progressive_headache": ("the headaches are getting worse every week", "my headaches are not getting worse"),
    "papilloedema": ("the optician said my optic nerves look swollen", "my optician said my eyes are healthy"),
    "systemic_symptoms": ("headaches, night sweats and I've lost weight without trying",
                          "no weight loss, no night sweats, occasional headaches"),
    "anticoagulant_new_headache": ("I'm on warfarin and have a headache", "I'm not on blood thinners, slight headache"),
    "new_medication_headache": ("my headaches began with my new blood pressure tablets",
                                "I haven't started any new medicine"),
    # no phrase names these signs; the whole message reads as one (reports.py)
    "emergency_by_meaning": ("the left half of my mouth won't move properly and my head pounds",
                             "no fever, no stiff neck, no numbness, just my usual desk headache"),
    "urgent_by_meaning": ("these head pains keep creeping up, a bit stronger each fortnight since spring",
                          "these head pains have stayed exactly the same for years"),
}  # fmt: skip


# Known false alarms of the whole-message reading (reports.py, stop 40): short messages that pair
# a headache with a varying pattern or with confusion read like the pattern or confusion reports
# it learnt from. Strict: the day they pass, take the mark off.
READ_AS_A_REPORT = pytest.mark.xfail(
    strict=True, reason="the whole-message reading raises it (docs/red-flag-detection.md)"
)


def test_every_flag_has_an_example():
    assert set(EXAMPLES) == {f.id for f in RULES.flags}


@pytest.mark.parametrize("flag_id", EXAMPLES)
def test_flag_fires(flag_id):
    assert flag_id in detect(EXAMPLES[flag_id][0]).flag_ids


@pytest.mark.parametrize("flag_id", EXAMPLES)
def test_flag_stays_quiet_when_denied(flag_id):
    assert detect(EXAMPLES[flag_id][1]).flags == ()


@pytest.mark.parametrize(
    "text",
    [
        "no fever",
        "I don't have any numbness",
        "a head injury 15 years ago",
        "what does a thunderclap headache feel like?",
        "fever? no. stiff neck? yes, from sleeping on a plane",
        "my desk job gives me a stiff neck and a dull ache at the back of my head by friday",
        "my head is killing me after a long day at the laptop",
    ],
)
def test_not_a_red_flag(text):
    assert detect(text).flags == ()


def test_parts_of_a_combination_in_different_sentences():
    assert detect("I've got a fever. Also my neck is really stiff.").flag_ids == [
        "fever_neck_stiffness"
    ]


def test_two_flags_report_the_highest_level_first():
    detection = detect(
        "I'm 62 and these headaches are new, and since this morning my face is drooping"
    )
    assert detection.level == "emergency"
    assert detection.flag_ids[0] == "neurological_deficit"
    assert "new_headache_over_50" in detection.flag_ids


def test_a_hint_asks_instead_of_escalating():
    detection = detect("it came on suddenly")
    assert detection.flags == () and [h.flag_id for h in detection.hints] == ["thunderclap_onset"]


@pytest.mark.parametrize(
    "question",
    [
        "physio vs chiro for my neck headaches?",
        "does chiropractic work for headaches",
        "is chiropractic ok for tension headaches",
        "chiropractor versus physio for a stiff neck and headache",
        "are chiropractors any good for neck headaches or should i avoid them",
        "is neck manipulation safe for headaches?",  # was an emergency ("call 999 now")
        "can spinal manipulation cause headaches",
        "is cracking good for a stiff neck and headache",
    ],
)
def test_asking_about_neck_manipulation_is_not_an_emergency(question):
    assert not detect(question).flags  # at most a hint: the assistant asks whether it happened


@pytest.mark.parametrize(
    "report",
    [
        "my chiro cracked my neck yesterday and now i have a headache and feel dizzy",
        "went to a chiropractor vs my usual physio this week and since then a bad headache",
        "is neck manipulation safe? i had it done yesterday and now i have a terrible headache",
        "i had neck manipulation on monday and the headache started that night",
    ],
)
def test_a_manipulation_that_happened_still_fires(report):
    assert "cervical_artery_dissection" in detect(report).flag_ids


@pytest.mark.parametrize(
    ("text", "flag_id"),
    [
        # a pseudo-cleft states: "what's new is ..." asks nothing
        ("What's new is a constant headache since my GP started me on amlodipine",
         "new_medication_headache"),
        # "since ... years ago" is ongoing, not history
        ("I've been on warfarin since my valve replacement five years ago and have a new headache",
         "anticoagulant_new_headache"),
        # a what-if that names the person still reports
        ("if I cough, my head feels like it splits, is that bad?", "valsalva_triggered"),
        # a change in frequency said across a comma
        ("my headaches used to be once a month, now they're almost daily", "progressive_headache"),
        # the history cue dates the birthday
        ("Turned 61 last year and never in my life had a headache, but now I get one most days",
         "new_headache_over_50"),
    ],
)  # fmt: skip
def test_statements_shaped_like_questions_or_history_still_report(text, flag_id):
    assert flag_id in detect(text).flag_ids


@pytest.mark.parametrize(
    "text",
    [
        "My friend asked me: if a chiropractor cracks your neck and you feel dizzy, is that bad?",
        "can a chiropractor cause dizziness and a headache? my sister hasn't had it done yet",
        "my husband had a seizure back in 2010, never again; my headaches are from my desk",
        "I'm terrified my headaches are a brain tumour but they're the same ache as always",
        "what's a thunderclap headache",
        # a disease's course read about, a sign said to be far off, a fever that is over
        "I read that a stroke can make you lose your sight. I'm 29 with desk headaches",
        "it built up slowly and it's nowhere near the worst headache I've had",
        "had a temperature with a cold a few weeks back, all better now, my neck is stiff",
        "this project is making my head explode, so many deadlines",
    ],
)
def test_what_ifs_past_years_and_worries_stay_quiet(text):
    assert not detect(text).flags


@pytest.mark.parametrize(
    ("text", "flag_id"),
    [
        # a dash between words ends a denial's reach; a hyphen inside a word does not
        (
            "no, moving my neck doesn't do it - coughing does, every time, with a headache",
            "valsalva_triggered",
        ),
        # over now ("all clear") ends a sign, but a history of cancer still counts
        (
            "bowel cancer three years ago, all clear at my last scan, but new headaches lately",
            "cancer_or_immunosuppression",
        ),
    ],
)
def test_dashes_and_resolved_signs(text, flag_id):
    assert flag_id in detect(text).flag_ids


# found in review of the fourth and fifth rounds: words near the new phrases and readings
@pytest.mark.parametrize(
    "text",
    [
        "temp normal, I'm 39 with a stiff neck and a headache",  # an age, not a temperature
        "it's 40C outside in this heatwave, headache and stiff neck",
        "my BMI is 39.1 and my neck is stiff",
        "what if my temperature hits 39? I already have a stiff neck",
        "no fever now, it was 38.5 last week, stiff neck from the desk",
        "my mum gets the same migraines as me",
        "I can't see to the left when reversing because my neck won't turn",
        "when I turn my head really quick I get a bit dizzy",
        "my eyelids feel heavy by the end of the day, neck sore",
        "my eye has been twitching for 10 minutes, bit of a headache",
        "my thesis is due in two weeks and I have a headache",
        "I bought a new type of pillow, headache at the back",
        pytest.param("my headache varies from week to week", marks=READ_AS_A_REPORT),
        "fever, stiff neck - none of those, just a headache",
    ],
)
def test_everyday_words_near_the_fifth_rounds_phrases_stay_quiet(text):
    assert not detect(text).flags


@pytest.mark.parametrize(
    ("text", "flag_id"),
    [
        ("this is my first pregnancy and I've got a terrible headache and flashing lights",
         "pre_eclampsia"),
        ("my neck cracked when the physio twisted it, now my neck hurts and I'm dizzy",
         "cervical_artery_dissection"),
        ("it came on in seconds and the pain is making my head explode", "thunderclap_onset"),
        ("a high temperature that won't go down and a stiff neck and headache",
         "fever_neck_stiffness"),
        ("stiff neck and a fever and I'm not fully recovered yet", "fever_neck_stiffness"),
    ],
)  # fmt: skip
def test_the_new_exceptions_leave_the_flag_senses_alone(text, flag_id):
    assert flag_id in detect(text).flag_ids


def test_a_hyphenated_word_stays_inside_a_denial():
    assert not detect("I have a headache but no blood-thinners and no fever").flags


# Words match any ending, so a flag's word can hide in an everyday one: the verb "fit" in
# "fitting", "secondary" in "secondaries", "spot" in "spots", "bang" in "banging".
@pytest.mark.parametrize(
    "text",
    [
        "which days next week could you fit me in",
        "need something that fits round uni, tues or thurs arvo",
        "i think i fit the cervicogenic headache description, can u confirm",
        "im fit and healthy, just get headaches at work",
        "give me some examples of secondary headaches",
        "is a migraine a primary or secondary headache",
        "is a tension headache primary or a secondary one",
        "my head hurts when i press on a sore spot in my neck",
        "bang on",
        "ive had a banging headache since lunch",
        "doesnt make sense to me how a neck can cause a headache",
        pytest.param("all this headache info is so confusing", marks=READ_AS_A_REPORT),
        "im a bit confused, is my headache from my neck or not",
        "confused about which stretches help a neck headache",
        "i'm confused about what a cervicogenic headache is",
        "im 6 weeks into physio for neck headaches",
        "i'm 3 weeks off work with this headache",
        # "came to" (woke up) is past tense only: coming to the clinic is not
        "is there a bus stop near you for when i come to my appointment",
        "what should i wear when i come to see the physio",
    ],
)
def test_everyday_senses_of_flag_words_are_quiet(text):
    detection = detect(text)
    assert not detection.flags and not detection.hints


@pytest.mark.parametrize(
    ("report", "flag_id"),
    [
        ("my son had a fit and now has a bad headache", "altered_consciousness"),
        ("she's fitting and has a terrible headache", "altered_consciousness"),
        ("i have secondaries in my liver and a new headache", "cancer_or_immunosuppression"),
        ("primary lung cancer and secondary spread, now headaches", "cancer_or_immunosuppression"),
        ("headache, fever and purple spots that don't fade under a glass", "non_blanching_rash"),
        ("it came on like a bang, worst headache of my life", "thunderclap_onset"),
        ("my dad is not making sense and says his head hurts", "altered_consciousness"),
        # "confusing" was an exception, and as words match any ending it hid "confused" too
        ("my nan seems confused and has a bad headache", "altered_consciousness"),
        ("he has a headache and is confused about what day it is", "altered_consciousness"),
        ("my partner has a headache and is a bit confused tonight", "altered_consciousness"),
        ("when he came to he had a pounding headache and was sick", "altered_consciousness"),
        ("when i came round my head was splitting", "altered_consciousness"),
    ],
)
def test_the_flag_senses_of_those_words_still_fire(report, flag_id):
    assert flag_id in detect(report).flag_ids


def test_every_flag_names_its_source_and_a_plain_reason():
    for flag in RULES.flags:
        assert flag.source.startswith("clinical-reference §2")
        assert flag.reason.endswith(".")


@pytest.mark.parametrize("level", ["emergency", "urgent"])
def test_the_project_corpus_meets_the_gates(level):
    """Detector alone over the project's corpus (the server-level run is in test_red_flag_server)."""
    corpus = yaml.safe_load(CORPUS.read_text())
    cases = [c for c in corpus["cases"] if c["level"] == level]
    caught = [c for c in cases if detect(c["text"]).level in (("emergency",) if level == "emergency"
                                                              else ("emergency", "urgent"))]  # fmt: skip
    assert len(caught) / len(cases) >= (1.0 if level == "emergency" else 0.98)


def test_the_project_corpus_false_alarms_stay_under_5_percent():
    negatives = yaml.safe_load(CORPUS.read_text())["negatives"]
    alarms = [n["text"] for n in negatives if detect(n["text"]).flags]
    assert len(alarms) / len(negatives) <= 0.05, alarms


def test_unquoted_no_in_the_rules_is_an_error(tmp_path):
    text = LEXICON_FILE.read_text()  # the context cues live in the lexicon
    bad = tmp_path / "lexicon.yml"
    bad.write_text(text.replace('words: ["no", not,', "words: [no, not,"))
    with pytest.raises(RedFlagFileError, match="put it in quotes"):
        load_rules(RED_FLAGS_FILE, bad)


def test_a_flag_naming_an_unknown_concept_is_an_error(tmp_path):
    text = RED_FLAGS_FILE.read_text()
    bad = tmp_path / "red_flags.yml"
    bad.write_text(text.replace("- [jaw_claudication, age_50_plus]", "- [jaw_claudication, age_5O]")
                   .replace("- [age_50_plus, jaw_claudication]", "- [age_5O, jaw_claudication]"))  # fmt: skip
    with pytest.raises(RedFlagFileError, match="unknown concept or flag 'age_5O'"):
        load_rules(bad)


def test_ask_next_must_name_a_more_serious_flag_with_a_question(tmp_path):
    text = RED_FLAGS_FILE.read_text()
    bad = tmp_path / "red_flags.yml"
    bad.write_text(text.replace("ask_next: pre_eclampsia", "ask_next: raised_icp_features"))
    with pytest.raises(RedFlagFileError, match="more serious"):
        load_rules(bad)
    bad.write_text(text.replace("ask_next: pre_eclampsia", "ask_next: non_blanching_rash"))
    with pytest.raises(RedFlagFileError, match="needs a clarify question"):
        load_rules(bad)


def lemmas(text: str) -> list[str]:
    return text.lower().split()


def test_phrase_language():
    assert compile_phrase("stiff neck", lemmas) == [[{"LEMMA": "stiff"}, {"LEMMA": "neck"}]]
    assert len(compile_phrase("(i am|i'm) expecting", lemmas)) == 2
    assert len(compile_phrase("really? bad", lemmas)) == 2
    assert len(compile_phrase("neck ... stiff", lemmas)[0]) == 6  # neck, 4 optional words, stiff
    assert compile_phrase("so =confusing", lemmas) == [[{"LEMMA": "so"}, {"LOWER": "confusing"}]]
    for bad in ["... stiff", "(a|b", "a||b", "= stiff"]:
        with pytest.raises(PhraseError):
            compile_phrase(bad, lemmas)


@pytest.mark.parametrize(
    ("text", "age"),
    [("I'm 45", 45), ("im sixty-two and", 62), ("a 70-year-old man", 70), ("in my late fifties", 57),
     ("my husband's 61", 61), ("Retired teacher, 68, reading a lot", 68), ("60 plus, new pain", 60),
     ("it lasts 45 minutes", None), ("I get them 3 times a week", None),
     ("Female, 71. New headache at the temples", 71), ("a man 55 minutes late", None),
     ("My mum had a stroke at 70. I'm 35", 35), ("over 60 now", 60)],
)  # fmt: skip
def test_age_in_patients_words(text, age):
    assert find_age(text) == age


def test_bare_number_is_an_age_only_when_asked():
    assert find_age("forty five", bare_number_is_age=True) == 45
    assert find_age("forty five") is None


def test_a_lone_surrogate_does_not_stop_the_detector():
    """JSON may carry a lone surrogate; spaCy cannot encode one (found by tests/test_fuzz_*)."""
    from headache_core.red_flags.detector import default_detector

    assert default_detector().detect("sudden worst headache of my life \ud800").flags


# Ways of saying a flag that the phrases did not know, found by running the NLU training data's
# emergency examples through the detector (written here in other words, not copied).
@pytest.mark.parametrize(
    ("report", "flag_id"),
    [
        (
            "mum keeps asking me the same question again and again, and her head hurts",
            "altered_consciousness",
        ),
        ("he had a headache then couldnt find any of the words he wanted", "neurological_deficit"),
        ("her words came out all muddled and she has a headache", "neurological_deficit"),
        (
            "when she smiles only one side of her mouth goes up, and she has a headache",
            "neurological_deficit",
        ),
        (
            "i cant feel the fingertips on my left hand and i have a bad headache",
            "neurological_deficit",
        ),
        ("bad headache and half the sight in my right eye is gone", "neurological_deficit"),
        ("my sight keeps doubling and my head is pounding", "neurological_deficit"),
        ("head pain that hit like a thunder clap", "thunderclap_onset"),
        ("my son knocked himself out on the trampoline and has a headache", "head_injury"),
        ("fell off my bike, hit my head and now im so sleepy", "head_injury"),
        ("im 32 weeks, headache that won't shift and my feet have ballooned", "pre_eclampsia"),
        ("i'm 35 weeks with a banging head and seeing spots", "pre_eclampsia"),
        ("red and sore eye, headache, and i've thrown up twice", "acute_glaucoma"),
    ],
)
def test_more_ways_of_saying_a_flag_fire(report, flag_id):
    assert flag_id in detect(report).flag_ids


def _plainly(phrase: str) -> str:
    """A phrase of the phrase language said plainly: first alternatives, no optional words."""
    words = []
    for options in positions(phrase):
        if options == [GAP] or "" in options:
            continue
        first = options[0].removeprefix(EXACT)
        words.append("5" if first == NUMBER else first)
    return " ".join(words)


@pytest.mark.parametrize("concept", list(RULES.concepts.values()), ids=lambda c: c.id)
def test_every_phrase_said_plainly_is_found(concept):
    """An `except` phrase (or a context cue) must never silence a concept's own phrase: the
    except "confusing" once matched "confused" too, as words match any ending."""
    silenced = [p for p in concept.phrases if concept.id not in detect(_plainly(p)).concepts]
    assert not silenced


@pytest.mark.parametrize(
    ("question", "hint"),
    [
        ("is a stiff neck with a fever always meningitis?", None),
        ("how do you do the glass test for a rash?", None),
        ("is neck manipulation safe?", "cervical_artery_dissection"),  # asked, not escalated
    ],
)
def test_a_question_that_names_nobody_raises_no_flag(question, hint):
    detection = detect(question)
    assert not detection.flags
    assert [h.flag_id for h in detection.hints] == ([hint] if hint else [])


def test_a_question_that_names_the_person_still_counts():
    assert detect("is it normal that my face is drooping?").flag_ids == ["neurological_deficit"]
    assert (
        "cervical_artery_dissection"
        in detect(
            "is neck manipulation safe? i had it done yesterday and now i have a terrible headache"
        ).flag_ids
    )


# Kinds of wording a blind set found missing (stop 37), each written here in other words: lay
# descriptions of the face, speech and alertness; a neck strain short of an injury; a said change
# outweighing a said sameness; a guessed bug outweighed by the signs of carbon monoxide; a new
# headache that is a headache even beside "which I never used to"; a colon that starts a clause.
@pytest.mark.parametrize(
    ("report", "flag_id"),
    [
        ("the left side of her mouth won't lift when she smiles and she has a headache",
         "neurological_deficit"),
        ("my head is pounding and my words wouldn't come out at the meeting", "neurological_deficit"),
        ("headache, and he can't think straight and keeps nodding off", "altered_consciousness"),
        ("she went stiff and her arms were jerking, now her head hurts", "altered_consciousness"),
        ("did a shoulder stand at pilates and since then my neck aches and I'm unsteady",
         "cervical_artery_dissection"),
        ("cricked my neck reaching for the seatbelt, now a new headache and I feel dizzy",
         "cervical_artery_dissection"),
        ("my usual headaches have changed: they come daily now and feel heavier",
         "progressive_headache"),
        ("probably a bug, but we all get headaches at home and they clear when we're at work",
         "carbon_monoxide"),
        ("I had bowel cancer, and this month I've started getting headaches, which I never used to",
         "cancer_or_immunosuppression"),
        ("what bothers me is this: my head throbs every time I sneeze", "valsalva_triggered"),
        ("since my GP switched me to a new inhaler I've had headaches every day",
         "new_medication_headache"),
        ("the pain went from nothing to full strength immediately while we were having sex, "
         "the most intense pain I've had", "thunderclap_onset"),
        ("typing this morning my right hand stopped working properly, and I've a headache",
         "neurological_deficit"),
        ("my headache is much worse standing and it's gone when I lie flat",
         "low_pressure_positional"),
        ("35 weeks, a pounding headache and my ankles and face are puffy", "pre_eclampsia"),
        ("I keep getting headaches at home and my husband and daughter get them as well, "
         "they go when we are at work", "carbon_monoxide"),
        ("headache since I started a statin last week", "new_medication_headache"),
    ],
)  # fmt: skip
def test_lay_words_and_overruled_exceptions_fire(report, flag_id):
    assert flag_id in detect(report).flag_ids


@pytest.mark.parametrize(
    "text",
    [
        "I started a new job in March and the headaches came with the long hours at the screen",
        "I'm seeing double the patients this week and my neck is stiff",
        "I nearly passed out when I saw the bill for the car, anyway how much is a session?",
        "I had my baby eight months ago and the neck headaches are the same as before I was pregnant",
        "I'm 60 and I've had the same headaches since my twenties, nothing's changed",
        "I read an article about strokes after neck cracking, I've never had it done",
        "my legs feel dead after the gym and my neck is a bit tight",
        "the new rota is giving me a headache, the whole schedule has changed",
        "my wife is nine months postpartum and her neck aches from feeding",
    ],
)
def test_everyday_words_near_the_new_phrases_stay_quiet(text):
    assert not detect(text).flags


def test_a_said_change_overrules_a_said_sameness_only_for_its_own_flags():
    """`overruled_by` is read from the file: the sameness takes the flag back without a change."""
    same = RULES.concepts["unchanged_pattern"]
    assert set(same.overruled_by) == {"pattern_change", "progressive_course"}
    flag = RULES.flag("progressive_headache")
    assert RULES.takes_back(flag, {"unchanged_pattern": ("x",)})
    assert not RULES.takes_back(flag, {"unchanged_pattern": ("x",), "pattern_change": ("y",)})


def test_an_unknown_overruling_concept_is_an_error(tmp_path):
    text = RED_FLAGS_FILE.read_text().replace(
        "overruled_by: [pattern_change, progressive_course]", "overruled_by: [pattern_chnage]"
    )
    bad = tmp_path / "red_flags.yml"
    bad.write_text(text)
    with pytest.raises(RedFlagFileError, match="pattern_chnage"):
        load_rules(bad)
