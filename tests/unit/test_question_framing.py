"""What the classifier reads: a question without a greeting or thanks before it, "what do you
mean by X" as "what is X"; the conversation keeps the person's text."""

import pytest
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.question_framing import FramingRestorer, FramingTrimmer
from headache_core.question_shape import (
    is_bare_meaning_question,
    question_after_social_opener,
    reframe_for_classifier,
)


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("thanks, and what about stretches?", "and what about stretches?"),
        ("hiya, is it normal for my neck to click", "is it normal for my neck to click"),
        ("Thank you so much! How long does it take?", "How long does it take?"),
        ("good morning, do you take insurance", "do you take insurance"),
        ("hey there what's a cervicogenic headache", "what's a cervicogenic headache"),
        ("cheers for that, where are you based?", "where are you based?"),
        ("ok thank you, and are there exercises?", "and are there exercises?"),
        ("heyy, is heat or ice better?", "is heat or ice better?"),  # greetings typed long
        ("hiii is this where i ask about neck pain", "is this where i ask about neck pain"),
    ],
)
def test_the_question_after_a_greeting_or_thanks_is_found(text, question):
    assert text[question_after_social_opener(text) :] == question


@pytest.mark.parametrize(
    "text",
    [
        "thanks, that's really helpful",  # a thanks, not a question
        "hi there",
        "thanks, bye?",  # too short to be a question of its own
        "morning headaches, why do i get them?",  # "morning" describes the headaches
        "history of migraines, is that relevant?",  # "hi" is not a word here
        "his neck is stiff, should he stretch?",  # nor here
        "this is a hi, can you help?",  # the opener must come first
        "what about stretches?",
        "ok, can we start now?",  # answers the assistant
        "",
    ],
)
def test_other_messages_are_not_split(text):
    assert question_after_social_opener(text) == 0


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("thanks, is it normal for my neck to click?", "is it normal for my neck to click?"),
        ("what do you mean by a stiff neck?", "what is a stiff neck?"),  # a replaced opening
    ],
)
def test_the_classifier_reads_the_question_and_the_conversation_keeps_the_text(text, read):
    msg = Message({TEXT: text})
    FramingTrimmer().process([msg])
    assert msg.get(TEXT) == read
    start = read.index("neck")
    msg.set(ENTITIES, [{"entity": "body_part", "value": "neck", "start": start, "end": start + 4}])
    msg.set(TOKENS_NAMES[TEXT], [Token("neck", start)])

    FramingRestorer().process([msg])

    assert msg.get(TEXT) == text
    entity = msg.get(ENTITIES)[0]
    assert text[entity["start"] : entity["end"]] == "neck"
    token = msg.get(TOKENS_NAMES[TEXT])[0]
    assert text[token.start : token.end] == "neck"


def test_training_examples_are_trimmed_the_same_way():
    data = TrainingData(
        [
            Message({TEXT: "hi, is this the physio chat?", "intent": "greet"}),
            Message({TEXT: "hi there", "intent": "greet"}),
            Message(
                {
                    TEXT: "hi, is my neck the problem?",
                    "intent": "start_screening",
                    ENTITIES: [{"entity": "body_part", "value": "neck", "start": 10, "end": 14}],
                }
            ),
        ]
    )
    FramingTrimmer().process_training_data(data)
    assert [m.get(TEXT) for m in data.training_examples] == [
        "is this the physio chat?",
        "hi there",
        "hi, is my neck the problem?",  # annotated: offsets point into the text as written
    ]


def test_buttons_and_plain_messages_pass_untouched():
    messages = [Message({TEXT: "/greet"}), Message({TEXT: "what about stretches?"})]
    FramingRestorer().process(FramingTrimmer().process(messages))
    assert [m.get(TEXT) for m in messages] == ["/greet", "what about stretches?"]


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("what do you mean by referred pain?", "what is referred pain?"),
        ("thanks, what do u mean by sub-occipital", "what is sub-occipital"),
        ("ok so what's meant by cervicogenic?", "what is cervicogenic?"),
        ("what do you mean by that?", None),  # names nothing: a question about the last reply
        ("what do you mean it could be my neck", None),  # not "by X"
    ],
)
def test_what_do_you_mean_by_x_is_read_as_what_is_x(text, read):
    frame = reframe_for_classifier(text)
    assert (frame.replacement + text[frame.cut :] if frame else None) == read


@pytest.mark.parametrize(
    ("text", "bare"),
    [
        ("what do you mean?", True),
        ("huh?", True),
        ("huh? what do u mean", True),
        ("sorry, what do you mean by that", True),
        ("i don't get it", True),
        ("what does that mean", True),
        ("what do you mean by referred pain?", False),
        ("what does cervicogenic mean", False),
        ("what about stretches?", False),
        ("i don't get why my neck hurts", False),
    ],
)
def test_a_question_about_the_last_reply_as_a_whole_is_bare(text, bare):
    assert is_bare_meaning_question(text) is bare
