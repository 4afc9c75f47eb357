"""Labelled review items as Rasa NLU training data, for a developer or clinician to review and
add to data/nlu. Nothing here changes the model.

Each text becomes one line of an `examples: |` block: newlines and control characters become
spaces, and the square brackets of the redactor's placeholders ([NAME]) become angle brackets,
so no text can open Rasa's entity syntax (`[text](entity)`) nor end the YAML block.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

NEW_TOPIC = "new_topic"
IGNORE = "ignore"
SPECIAL_LABELS = (NEW_TOPIC, IGNORE)
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]+")
SPACES = re.compile(r"\s+")
MAX_EXAMPLE = 500
FILENAME = "review-examples.yml"


def example_line(text: str) -> str:
    """The text as one safe line of an examples block ('' when nothing is left)."""
    text = CONTROL.sub(" ", text)
    text = text.replace("[", "<").replace("]", ">").replace("{", "(").replace("}", ")")
    return SPACES.sub(" ", text).strip()[:MAX_EXAMPLE].strip()


def nlu_yaml(items: Iterable[Mapping[str, Any]]) -> str:
    """Rasa NLU YAML (version 3.1) of the items labelled with an intent, one block per intent;
    new_topic items as a comment listing their texts; ignored ones left out."""
    by_intent: dict[str, list[str]] = {}
    new_topics: list[str] = []
    for item in items:
        label, line = item.get("label"), example_line(str(item.get("text") or ""))
        if not label or label == IGNORE or not line:
            continue
        target = new_topics if label == NEW_TOPIC else by_intent.setdefault(str(label), [])
        if line not in target:
            target.append(line)
    out = [
        "# Messages the assistant was unsure of, labelled by clinic staff (review queue).",
        "# Review each one before adding it to data/nlu; then retrain (make train).",
        'version: "3.1"',
    ]
    if by_intent:
        out.append("nlu:")
        for intent in sorted(by_intent):
            out += [f"- intent: {intent}", "  examples: |"]
            out += [f"    - {line}" for line in by_intent[intent]]
    else:
        out.append("nlu: []")
    if new_topics:
        out.append("# new_topic: messages staff marked as a topic the assistant does not have:")
        out += [f"#   - {line}" for line in new_topics]
    return "\n".join(out) + "\n"
