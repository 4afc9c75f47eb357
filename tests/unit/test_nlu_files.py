"""The NLU examples as Rasa trains on them, read without Rasa (headache_core/nlu_files.py)."""

from headache_core.nlu_files import example_text, intent_examples


def test_annotations_leave_their_text():
    assert example_text(' book me for [Monday](day) at [9am]{"entity": "time"} ') == (
        "book me for Monday at 9am"
    )
    assert example_text("it's my [left][side] side") == "it's my left side"


def test_only_intent_blocks_give_examples():
    data = {
        "nlu": [
            {"intent": "greet", "examples": "- hi\n- hello [there](who)\n-\n"},
            {"synonym": "left", "examples": "- lft\n"},
            {"lookup": "city", "examples": "- Leeds\n"},
        ]
    }
    assert list(intent_examples(data)) == [("greet", "hi"), ("greet", "hello there")]
    assert list(intent_examples(None)) == []
