"""Labelled review items as Rasa NLU training data, for a developer or clinician to review and
add to data/nlu. Nothing here changes the model.

Each text becomes one line of an `examples: |` block: newlines and control characters become
spaces, and the square brackets of the redactor's placeholders ([NAME]) become angle brackets,
so no text can open Rasa's entity syntax (`[text](entity)`) nor end the YAML block.

The intent blocks hold only texts that are safe to add: `rasa data validate --fail-on-warnings`
refuses one text under two intents. A text staff labelled with two intents, or that data/nlu
already has under another intent, goes into the comment block at the end with the reason; a
text data/nlu already has under the same intent is left out (nothing to add).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from headache_core.nlu_files import intent_examples

NEW_TOPIC = "new_topic"
IGNORE = "ignore"
SPECIAL_LABELS = (NEW_TOPIC, IGNORE)
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]+")
SPACES = re.compile(r"\s+")
MAX_EXAMPLE = 500
FILENAME = "review-examples.yml"
NLU_FOLDER = Path(__file__).resolve().parents[1] / "data" / "nlu"


def example_line(text: str) -> str:
    """The text as one safe line of an examples block ('' when nothing is left)."""
    text = CONTROL.sub(" ", text)
    text = text.replace("[", "<").replace("]", ">").replace("{", "(").replace("}", ")")
    return SPACES.sub(" ", text).strip()[:MAX_EXAMPLE].strip()


def known_examples(folder: Path = NLU_FOLDER) -> dict[str, set[str]]:
    """Each example text of the training data (as Rasa reads it: entity annotations gone) and
    the intents it has there."""
    known: dict[str, set[str]] = {}
    for path in sorted(folder.glob("**/*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for intent, text in intent_examples(data):
            known.setdefault(text, set()).add(intent)
    return known


def _sorted_out(
    items: Iterable[Mapping[str, Any]], known: Mapping[str, set[str]]
) -> tuple[dict[str, list[str]], list[str], list[tuple[str, str]]]:
    """(intent -> texts safe to add, new_topic texts, (text, why not added) to check by hand)."""
    labels: dict[str, list[str]] = {}  # text -> the intents staff gave it, first seen first
    new_topics: list[str] = []
    for item in items:
        label, line = item.get("label"), example_line(str(item.get("text") or ""))
        if not label or label == IGNORE or not line:
            continue
        if label == NEW_TOPIC:
            if line not in new_topics:
                new_topics.append(line)
        elif str(label) not in labels.setdefault(line, []):
            labels[line].append(str(label))
    by_intent: dict[str, list[str]] = {}
    held: list[tuple[str, str]] = []
    for line, intents in labels.items():
        there = known.get(line, set())
        if len(intents) > 1:
            held.append((line, "labelled twice: " + ", ".join(sorted(intents))))
        elif there - {intents[0]}:
            held.append((line, "already in data/nlu as " + ", ".join(sorted(there))))
        elif not there:  # under the same intent already: nothing to add
            by_intent.setdefault(intents[0], []).append(line)
    return by_intent, new_topics, held


def nlu_yaml(
    items: Iterable[Mapping[str, Any]], known: Mapping[str, set[str]] | None = None
) -> str:
    """Rasa NLU YAML (version 3.1) of the items labelled with an intent, one block per intent,
    only texts safe to add to `known` (default: data/nlu's examples); new_topic items, and the
    texts held back with their reason, as comments; ignored ones left out."""
    by_intent, new_topics, held = _sorted_out(items, known_examples() if known is None else known)
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
    if held:
        out.append(
            "# Not added: Rasa refuses one text under two intents. Decide, then add by hand:"
        )
        out += [f"#   - ({why}) {line}" for line, why in held]
    return "\n".join(out) + "\n"
