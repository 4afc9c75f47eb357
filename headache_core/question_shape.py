"""Whether a message is worded as a question: one home for the question words that the forms
(a question in the middle of a form), the "forget me" confirmation (a question is not a yes) and
the NLU's social-turn router (a question is not small talk) all read, and the question about a
form's question that both forms answer with its `why`."""

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


# "why do you need my age?", "why?", "what's that got to do with it?": a question about the
# question, answered with its `why` (knowledge/screening.yml, handoff.yml) before it is asked again
WHY_RE = re.compile(
    r"^\W*(?:(?:but|and|so|ok|okay|um|hmm|sorry)\W+)*(?:"
    r"(?:why|what for|how come)\W*$"
    r"|(?:why|how come)\b.{0,40}\b(?:you|u|ya)\b.{0,30}\b(?:need|want|ask|asking|care|wanna)"
    r"|why(?:'?s)?\b.{0,30}\b(?:matter|matters|important|relevant|needed)\b"
    r"|what(?:'?s| is| has| does)\b.{0,25}\b(?:got )?to do with"
    r"|what does (?:that|it|this|my \w+) matter)",
    re.I,
)


def is_why_question(text: str) -> bool:
    return bool(WHY_RE.search(text or ""))
