"""Fitting the assistant's messages into a channel's limits without cutting words or meaning.

Messenger takes at most 2000 characters per text and 20 per quick-reply title; a Slack section
block 3000 and a button 75. Long texts are split at paragraphs, then lines, then sentences, then
words; only a single "word" longer than the limit is ever cut.
"""

from __future__ import annotations

import re

ELLIPSIS = "…"
# (where to split, what joins the pieces again), from the coarsest boundary to the finest.
BOUNDARIES = (
    (re.compile(r"\n[ \t]*\n\s*"), "\n\n"),
    (re.compile(r"\n\s*"), "\n"),
    (re.compile(r"(?<=[.!?])\s+"), " "),
    (re.compile(r"\s+"), " "),
)
# Words a shortened title should not end on ("In my neck or the…" reads worse than "In my neck…").
DANGLING = {"a", "an", "and", "at", "for", "in", "my", "of", "on", "or", "the", "to", "with"}


def split_text(text: str, limit: int) -> list[str]:
    """`text` in parts of at most `limit` characters, as few as the boundaries allow."""
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    for pattern, joiner in BOUNDARIES:
        pieces = [p for p in pattern.split(text) if p.strip()]
        if len(pieces) > 1:
            parts = [part for piece in pieces for part in split_text(piece, limit)]
            return _pack(parts, joiner, limit)
    return [text[i : i + limit] for i in range(0, len(text), limit)]


def _pack(parts: list[str], joiner: str, limit: int) -> list[str]:
    """Joins neighbouring parts while they fit: few messages, none over the limit."""
    packed: list[str] = []
    for part in parts:
        if packed and len(packed[-1]) + len(joiner) + len(part) <= limit:
            packed[-1] += joiner + part
        else:
            packed.append(part)
    return packed


def shorten(title: str, limit: int) -> str:
    """`title` if it fits, else its first whole words (no dangling "or the") and an ellipsis."""
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    words = title[: limit - len(ELLIPSIS) + 1].split(" ")
    if len(words) > 1:
        words = words[:-1]  # the last one may be cut: drop it
    while len(words) > 1 and words[-1].lower().strip(",;:") in DANGLING:
        words.pop()
    kept = " ".join(words).rstrip(",;: ")[: limit - len(ELLIPSIS)]
    return kept + ELLIPSIS
