"""Text made safe for spaCy (kept apart from pipeline.py, whose source is part of the pipeline's
and the model's fingerprint)."""

import re

LONE_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def spacy_safe(text: str) -> str:
    """Lone surrogates (valid in JSON, so a person's message can carry one) made U+FFFD: spaCy's
    string store encodes every token as UTF-8 and raises on them."""
    return LONE_SURROGATE_RE.sub("\ufffd", text)
