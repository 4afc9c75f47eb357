"""The review queue's export is Rasa NLU training data that Rasa reads as meant: every labelled
text one example of its intent, with no entity read into it and nothing cut, whatever staff
marked (brackets, braces, colons, quotes, newlines, a leading dash, emoji); and merged into a
copy of data/ it passes `rasa data validate --fail-on-warnings` (the Makefile's `validate`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

from insights.export import nlu_yaml
from tests.nlu_validate import validate_with

HOSTILE = [
    ("ask_treatment", '[Sam](name) says {"entity": "x"}: is [NUMBER] sessions enough? # really'),
    ("ask_posture", "line one\nline two\t- with a dash: and 'quotes' \"double\" | > folded"),
    ("ask_posture", "- starts with a dash and ends with a colon:"),
    ("ask_self_care", "  \u2028 heat pack or ice \U0001f9ca for the neck, [EMAIL]?"),
    ("ask_self_care", "...\n---\nversion: 9"),
    ("new_topic", "do you treat dogs\n# and cats?"),
    ("ignore", "asdf"),
]
# Texts that would make `rasa data validate` refuse the merged data ("labeled with multiple
# different intents"), or that add nothing
CONFLICTS = [
    ("ask_posture", "is my pillow the problem or should I stretch"),
    ("ask_self_care", "is my pillow the problem or should I stretch"),  # labelled twice
    ("ask_posture", "is my pillow the problem or should I stretch"),
    ("ask_posture", "hello"),  # data/nlu has it as greet
    ("ask_treatment", "is there a cure for neck headaches"),  # data/nlu has it, same intent
    ("ask_treatment", "[Sam](name) is there a cure"),  # a text of its own: added
]


def export(pairs: list[tuple[str, str]] = HOSTILE + CONFLICTS) -> str:
    return nlu_yaml({"label": label, "text": text} for label, text in pairs)


def test_only_texts_safe_to_add_go_in_the_intent_blocks_the_rest_say_why():
    text = export()
    examples = {
        (m.get("intent"), m.get("text")) for m in RasaYAMLReader().reads(text).intent_examples
    }
    texts = [t for _, t in examples]
    assert len(texts) == len(set(texts))  # no text under two intents
    assert not {"is my pillow the problem or should I stretch", "hello"} & set(texts)
    assert "is there a cure for neck headaches" not in texts  # nothing to add
    assert ("ask_treatment", "<Sam>(name) is there a cure") in examples
    assert (
        "#   - (labelled twice: ask_posture, ask_self_care) is my pillow the problem or should I"
        " stretch\n" in text
    )
    assert "#   - (already in data/nlu as greet) hello\n" in text
    assert "data/nlu as ask_treatment" not in text


def test_rasa_reads_each_labelled_text_as_one_example_without_entities():
    data = RasaYAMLReader().reads(export(HOSTILE))
    examples = [(m.get("intent"), m.get("text"), m.get("entities")) for m in data.intent_examples]
    assert sorted((intent, len(entities or [])) for intent, _, entities in examples) == sorted(
        (label, 0) for label, _ in HOSTILE if label not in ("new_topic", "ignore")
    )
    texts = {text for _, text, _ in examples}
    assert '<Sam>(name) says ("entity": "x"): is <NUMBER> sessions enough? # really' in texts
    assert "... --- version: 9" in texts  # one line: it cannot end the block
    assert not any("dogs" in text or "asdf" in text for text in texts)


@pytest.mark.slow
def test_an_export_merged_into_the_training_data_passes_rasa_data_validate(tmp_path: Path):
    done = validate_with(export(), tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
