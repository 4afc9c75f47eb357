"""The examples of a Rasa NLU file read as plain YAML, the texts as Rasa trains on them (entity
annotations gone): for code that must not import Rasa, such as the red-flag reports reader and
the insights export, so both read the training data the same way."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

# Rasa's annotations: [text](entity), [text](entity:value), [text]{...}, [text][...]: the text stays
ENTITY = re.compile(r"\[(?P<text>[^\]]+?)\](?:\([^)]+?\)|\{[^}]+?\}|\[.*?\])")


def example_text(line: str) -> str:
    """One example as Rasa reads it: annotations gone, spaces trimmed."""
    return ENTITY.sub(lambda m: m["text"], line).strip()


def intent_examples(data: Mapping[str, Any] | None) -> Iterator[tuple[str, str]]:
    """(intent, text) for every example of every intent block of a parsed NLU file."""
    for block in (data or {}).get("nlu") or []:
        if not isinstance(block, Mapping) or not block.get("intent"):
            continue
        for line in str(block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- ") and (text := example_text(line[2:])):
                yield str(block["intent"]), text
