"""Whether a message is worded as a question: one home for the question words that the forms
(a question in the middle of a form), the "forget me" confirmation (a question is not a yes) and
the NLU's social-turn router (a question is not small talk) all read."""

import re

# "When I'm on my phone it starts" answers "what brings it on?": "when" followed by the person
# (I, my, we, it...) opens a clause of an answer, not a question ("when should I...?"). Words
# like "so" and "and" before the question word are skipped ("so what's a sub-occipital?").
QUESTION_START_RE = re.compile(
    r"^\W*(?:(?:so|but|and|then|well|also|um|erm|hmm|like)\W+)*"
    r"(what|what'?s|whats|why|whys|how|hows|where|"
    r"when(?!\s+(i|i'?m|i'?ve|i'?d|my|we|we'?re|it|it'?s)\b)|"
    r"who|which|is|isnt|are|arent|am|was|can|could|does|doesnt|do|dont|did|didnt|should|shall|"
    r"will|would|tell me|explain)\b",
    re.I,
)


def opens_like_question(text: str) -> bool:
    return bool(QUESTION_START_RE.match(text or ""))


def looks_like_question(text: str) -> bool:
    """A question mark at the end, or a question word first."""
    text = (text or "").strip()
    return text.endswith("?") or opens_like_question(text)
