"""What a message looks like before anyone tries to understand it.

Patients paste, mistype and send empty bubbles. This cleans the text the language model sees
(no markup, no control characters, bounded length) and names what was odd about it, so the
assistant can answer helpfully ("I can only chat in English") instead of guessing.
"""

import html
import importlib.util
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from headache_core.lexicon import word_set

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


def stop_words(language: str) -> frozenset[str]:
    """spaCy's stop-word list for `language`, read from its own file.

    `from spacy.lang.fr.stop_words import STOP_WORDS` would first run `spacy.lang.fr`, whose
    tokenizer exceptions and rules took 2.5 s of every Rasa server start for the eight languages
    here (py-spy); the lists themselves are plain sets in files of their own.
    """
    spec = importlib.util.find_spec("spacy")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("spaCy is not installed")
    path = Path(spec.submodule_search_locations[0]) / "lang" / language / "stop_words.py"
    module_spec = importlib.util.spec_from_file_location(f"_stop_words_{language}", path)
    if module_spec is None or module_spec.loader is None:
        raise ImportError(f"no spaCy stop words for {language!r} at {path}")
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return frozenset(module.STOP_WORDS)


# Chat English counts as English: "u ok hun" and "hi hi, how's things" are not Dutch or Polish.
CHAT_ENGLISH = word_set("chat_english", "plain_yes", "plain_no", "thanks")
ENGLISH = stop_words("en") | CHAT_ENGLISH
# Other languages patients may write in, by their commonest words (spaCy's stop-word lists).
OTHER_LANGUAGES = tuple(stop_words(lang) for lang in ("es", "fr", "de", "it", "pt", "nl", "pl"))


def looks_english(words: list[str]) -> bool:
    """A cheap check: Latin script, and not more of another language's common words than English's.

    Short messages ("dolor cabeza", "neck?") get the benefit of the doubt: the classifier and
    the fallback deal with them.
    """
    if _latin_share(words) < 0.6:
        return False
    lowered = [w.lower() for w in words]
    english = sum(w in ENGLISH for w in lowered)
    other = max(sum(w in stop for w in lowered) for stop in OTHER_LANGUAGES)
    return not (len(words) >= 3 and other >= 2 and other >= 2 * english + 1)


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
    elif not words and not any(c.isdigit() for c in text):
        problems.add(NO_WORDS)  # numbers are words here: "45" answers "how old are you?"
    elif words and not looks_english(words):
        problems.add(NOT_ENGLISH)
    return CheckedText(text, frozenset(problems))
