"""The test stories' user texts are understood as the stories say.

`rasa test core` (make test-stories) takes each step's `intent` from the story and checks only
the dialogue; its `--e2e` mode also demands every entity be annotated. Here every user text of
the test stories goes through the running model's NLU, so a story cannot claim an intent the
assistant would not read from those words ("should i let a chiro manipulate my neck" is a
red-flag hint, "huh? what do you mean" a question about the last reply)."""

from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.server

TESTS = Path(__file__).resolve().parents[1]
STORY_FILES = sorted(TESTS.glob("test_*stories.yml"))
# Read otherwise than the labelling guide says (data/nlu/education.yml), known and left: the
# dialogue the stories test still holds for these, and each must fail until it is mended.
KNOWN_MISREADS = {
    # rule 12 (names a neck structure): read as self-care; an answer either way
    "my right-sided headache starts at the base of my skull": "ask_self_care",
    # no rule names it; in the form the words are read ("stop" ends the check), not the intent
    "stop": "ask_self_care",
}


def story_steps() -> list[tuple[str, str, str]]:
    steps = []
    for path in STORY_FILES:
        for story in yaml.safe_load(path.read_text(encoding="utf-8"))["stories"]:
            for step in story["steps"]:
                if "user" in step and "intent" in step:
                    steps.append((story["story"], step["user"].strip(), step["intent"]))
    return steps


def cases() -> list:
    known = pytest.mark.xfail(
        strict=True, raises=AssertionError, reason="a known misreading (KNOWN_MISREADS)"
    )
    return [
        pytest.param(*step, marks=known) if step[1] in KNOWN_MISREADS else step
        for step in story_steps()
    ]


def test_the_story_files_have_user_texts():
    assert len(STORY_FILES) >= 2 and len(story_steps()) >= 40
    assert set(KNOWN_MISREADS) <= {text for _, text, _ in story_steps()}


@pytest.mark.parametrize(("story", "text", "intent"), cases())
def test_the_assistant_reads_the_intent_the_story_says(assistant, story, text, intent):
    parsed = assistant.parse(text)
    assert parsed["intent"]["name"] == intent, f"{story}: {text!r} read as {parsed['intent']}"
