"""What a message looks like before anyone tries to understand it.

Patients paste, mistype and send empty bubbles. This cleans the text the language model sees
(no markup, no control characters, bounded length) and names what was odd about it, so the
assistant can answer helpfully ("I can only chat in English") instead of guessing.
"""

import html
import re
import unicodedata
from dataclasses import dataclass, field

from spacy.lang.en.stop_words import STOP_WORDS

MAX_CHARS = 2000  # longer messages are read up to here; Rasa's classifiers gain nothing past it
SCRIPT_RE = re.compile(r"<\s*(script|style)\b.*?(<\s*/\s*\1\s*>|$)", re.I | re.S)
TAG_RE = re.compile(r"<[^>]{0,200}>")
WORD_RE = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)

EMPTY = "empty"
NO_WORDS = "no_words"
NOT_ENGLISH = "not_english"
TOO_LONG = "too_long"
MARKUP = "markup"
CONTROL_CHARS = "control_chars"


@dataclass(frozen=True)
class CheckedText:
    text: str
    problems: frozenset[str] = field(default_factory=frozenset)

    @property
    def understandable(self) -> bool:
        """False when there is nothing the language model could read."""
        return not self.problems & {EMPTY, NO_WORDS, NOT_ENGLISH}


def _strip_control(text: str) -> tuple[str, bool]:
    kept, dropped = [], False
    for char in text:
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Cs", "Co") and char not in "\n\t":
            dropped = True
            kept.append(" ")
        else:
            kept.append(char)
    return "".join(kept), dropped


def _latin_share(words: list[str]) -> float:
    letters = [c for w in words for c in w]
    latin = [c for c in letters if "LATIN" in unicodedata.name(c, "")]
    return len(latin) / len(letters) if letters else 0.0


def looks_english(words: list[str]) -> bool:
    """A cheap check: Latin script, and some of the commonest English words in a longer text."""
    if _latin_share(words) < 0.6:
        return False
    if len(words) < 4:
        return True  # too short to judge; "dolor cabeza" gets the benefit of the doubt
    stop = sum(w.lower() in STOP_WORDS for w in words)
    return stop / len(words) >= 0.12


def check_text(raw: str | None) -> CheckedText:
    """Clean a user message and list its problems; never raises."""
    problems: set[str] = set()
    text = raw or ""
    if len(text) > MAX_CHARS:
        problems.add(TOO_LONG)
        text = text[:MAX_CHARS]
    text = unicodedata.normalize("NFKC", text)
    text, had_control = _strip_control(text)
    if had_control:
        problems.add(CONTROL_CHARS)
    unescaped = html.unescape(text)
    stripped = TAG_RE.sub(" ", SCRIPT_RE.sub(" ", unescaped))
    if stripped != unescaped:
        problems.add(MARKUP)
    text = " ".join(stripped.split())
    words = WORD_RE.findall(text)
    if not text:
        problems.add(EMPTY)
    elif not words:
        problems.add(NO_WORDS)
    elif not looks_english(words):
        problems.add(NOT_ENGLISH)
    return CheckedText(text, frozenset(problems))
