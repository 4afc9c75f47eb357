"""Spelling repair for the clinical words patients mistype ("heachache", "vison", "fingres").

The red-flag detector and the entity patterns match lemmas, so one typo in "headache" or
"vision" hid a red flag from them, and the intent classifier saw a word it never learnt. This
pipeline component gives a mistyped word the lemma of the clinical word it was meant to be.

A token is repaired only when all of these hold, so ordinary words and names are left alone:
- it is not an English word: not in spaCy's lemma lookup table, WordNet's word index (both from
  spacy-lookups-data), the stop words or the tokenizer's contractions ("shouldnt");
- it has at least 5 letters and starts with the same letter as the clinical word;
- it is one edit away (a letter added, dropped, changed, or two swapped) from a word of the
  clinical vocabulary, or two edits for words of 8 letters or more ("heachache");
- of the English words as near, that clinical word is clearly the likeliest: at least three times
  as common on the web (spaCy's lexeme table) as any other. "vison" is "vision", not "visor";
  "sqeeze" is as near "squeeze", a commoner word than "sneeze", so it is left alone. A doubled or
  undoubled letter ("comming" for "coming", not "combing") is nearer than other edits.

The clinical vocabulary is every word of the red-flag phrases and the entity patterns, so a
clinician adding a phrase also teaches the repair its words. Every token it knows (an English
word, or a typo it repaired) gets `token._.english_word`, which tells keyboard mash ("ghfjdk")
from words (components/unknown_words.py). The known-word list and the
vocabulary are saved with the pipeline (`build/spacy`), built once by `make spacy`.
"""

import gzip
import json
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Token

FACTORY = "clinical_spelling"
FILE_NAME = "spelling.json"
MIN_LETTERS = 5
LONG_WORD = 8  # from this length, two edits
WORD_RE = re.compile(r"[a-z]+")
LOOKUP_TABLES = ("en_lemma_lookup.json.gz", "en_lemma_index.json.gz")
PROB_TABLE = "en_lexeme_prob.json.gz"  # log frequency of words on the web (spaCy's lexemes)
RARE = -20.0  # the log frequency of a word the table lacks
CLEAR_WIN = 1.1  # ln 3: the clinical word must be three times as common as the runner-up
ENGLISH_WORD = "english_word"  # token._.english_word: a known word, or a typo of one repaired
if not Token.has_extension(ENGLISH_WORD):
    Token.set_extension(ENGLISH_WORD, default=False)


def edit_distance(a: str, b: str, limit: int) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) from a to b; limit + 1 if more."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[-1]


def _deletions(word: str, depth: int) -> set[str]:
    """The word with up to `depth` letters left out (the candidates' shared keys)."""
    found = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


def _one_edit(word: str) -> set[str]:
    """Every string one edit from the word (Norvig's edits1), to look up among known words."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return (
        {a + b[1:] for a, b in splits if b}
        | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        | {a + c + b[1:] for a, b in splits if b for c in letters}
        | {a + c + b for a, b in splits for c in letters}
    )


def _undoubled(word: str) -> str:
    """The word with each run of one letter written once ("comming" -> "coming")."""
    return re.sub(r"(.)\1+", r"\1", word)


def vocabulary_words(phrases: Iterable[str]) -> set[str]:
    """The words of clinician phrases ("can't|cannot swallow", "room ... spin|spins")."""
    return {
        word
        for phrase in phrases
        for word in WORD_RE.findall(phrase.lower().replace("’", "'"))
        if len(word) >= MIN_LETTERS
    }


def _lookups_table(file_name: str) -> dict:
    """One of spacy-lookups-data's English tables (build time only: the saved pipeline keeps
    what it needs)."""
    import spacy_lookups_data

    with gzip.open(Path(spacy_lookups_data.__file__).parent / "data" / file_name) as table:
        return json.loads(table.read())


def english_words(extra: Iterable[str] = ()) -> set[str]:
    """Words spaCy knows as English: lemma lookup forms and lemmas, WordNet's index, `extra`."""
    words = {w.lower() for w in extra}
    words |= {w.lower() for pair in _lookups_table(LOOKUP_TABLES[0]).items() for w in pair}
    index = _lookups_table(LOOKUP_TABLES[1])
    words |= {w.lower() for part in index.values() for w in part if "_" not in w}
    return words


def word_log_probs(words: set[str]) -> dict[str, float]:
    """How common each of `words` is on the web (spaCy's lexeme table), where the table knows."""
    return {w: round(p, 2) for w, p in _lookups_table(PROB_TABLE).items() if w in words}


class ClinicalSpelling:
    """Gives a mistyped clinical word the lemma of the word meant (see the module docstring)."""

    def __init__(
        self,
        vocabulary: dict[str, str] | None = None,
        known: Iterable[str] = (),
        typos: dict[str, str] | None = None,
        log_prob: dict[str, float] | None = None,
    ) -> None:
        self.configure(vocabulary or {}, known, typos or {}, log_prob or {})

    def configure(
        self,
        vocabulary: dict[str, str],
        known: Iterable[str],
        typos: dict[str, str],
        log_prob: dict[str, float],
    ) -> None:
        """`vocabulary`: clinical word -> its lemma, the words a typo can be repaired to;
        `known`: words never repaired; `typos`: misspellings the phrases list -> the lemma meant;
        `log_prob`: how common known words are (a word missing counts as `RARE`)."""
        self.vocabulary = dict(vocabulary)
        self.log_prob = dict(log_prob)
        self.typos = dict(typos)
        self.known = frozenset(known) | frozenset(self.vocabulary)
        self._keys: dict[str, set[str]] = {}
        for word in self.vocabulary:
            for key in _deletions(word, 2 if len(word) >= LONG_WORD else 1):
                self._keys.setdefault(key, set()).add(word)

    def meant(self, word: str) -> str | None:
        """The lemma of the clinical word `word` is a typo of, or None.

        Every known word as near competes, the most common one wins, and a clinical word must
        win clearly: "vison" is "vision" (not "visor"), but "sqeeze" is as near "squeeze", a
        commoner word than "sneeze", so it is left alone rather than read as a sneeze."""
        if word in self.typos:
            return self.typos[word]
        if len(word) < MIN_LETTERS or word in self.known or not word.isalpha():
            return None
        limit = 2 if len(word) >= LONG_WORD else 1
        near: dict[str, tuple[int, bool]] = {}  # word -> (edits, not only a doubled letter)
        for candidate in {c for key in _deletions(word, limit) for c in self._keys.get(key, ())}:
            allowed = 2 if min(len(word), len(candidate)) >= LONG_WORD else 1
            distance = edit_distance(word, candidate, allowed)
            if candidate[0] == word[0] and distance <= allowed:
                near[candidate] = (distance, _undoubled(word) != _undoubled(candidate))
        if not near:
            return None
        for other in _one_edit(word) & self.known:
            if other[0] == word[0]:
                near.setdefault(other, (1, _undoubled(word) != _undoubled(other)))
        nearest = min(near.values())
        outcomes: dict[str | None, float] = {}  # a clinical lemma, or None for another word
        for candidate, score in near.items():
            if score == nearest:
                outcome = self.vocabulary.get(candidate)
                prior = self.log_prob.get(candidate, RARE)
                outcomes[outcome] = max(prior, outcomes.get(outcome, RARE))
        ranked = sorted(outcomes.items(), key=lambda item: -item[1])
        best, prior = ranked[0]
        if best is None or (len(ranked) > 1 and prior - ranked[1][1] < CLEAR_WIN):
            return None
        return best

    def __call__(self, doc: Doc) -> Doc:
        for token in doc:
            word = token.lower_
            lemma = self.meant(word)
            if lemma is not None:
                token.lemma_ = lemma
                token._.set(ENGLISH_WORD, True)
            elif word in self.known:
                token._.set(ENGLISH_WORD, True)
        return doc

    def to_disk(self, path: Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        known = sorted(self.known - set(self.vocabulary))
        saved = {
            "vocabulary": self.vocabulary,
            "typos": self.typos,
            "known": known,
            "log_prob": self.log_prob,
        }
        (path / FILE_NAME).write_text(json.dumps(saved), encoding="utf-8")

    def from_disk(self, path: Path, *, exclude: Iterable[str] = ()) -> "ClinicalSpelling":
        file = Path(path) / FILE_NAME
        shared = _saved_repair(str(file.resolve()), file.stat().st_mtime_ns)
        self.__dict__.update(shared.__dict__)  # the same tables, not a copy
        return self


@lru_cache(maxsize=4)
def _saved_repair(file: str, mtime_ns: int) -> ClinicalSpelling:
    """One set of tables per saved file: the Rasa server loads the pipeline twice (Rasa's
    SpacyNLP and the red-flag detector), and the 120,000 known words cost about 40 MB each."""
    saved = json.loads(Path(file).read_text(encoding="utf-8"))
    return ClinicalSpelling(saved["vocabulary"], saved["known"], saved["typos"], saved["log_prob"])


def build_spelling(
    nlp: Language, phrases: Iterable[str], lemmatize: Callable[[str], str]
) -> ClinicalSpelling:
    """The component's data for this pipeline, from the clinicians' `phrases`.

    Phrase words that are English become the vocabulary. The others are either misspellings the
    clinician listed ("hedache": they get the meant word's lemma, so every phrase with
    "headache" finds them) or terms of their own that WordNet lacks ("thunderclap")."""
    extra = set(nlp.Defaults.stop_words)
    extra |= {key.lower().replace("'", "") for key in nlp.tokenizer.rules or {}}
    english = english_words(extra)
    words = vocabulary_words(phrases)
    log_prob = word_log_probs(english | words)
    vocabulary = {word: lemmatize(word) for word in sorted(words & english)}
    english_only = ClinicalSpelling(vocabulary, english, log_prob=log_prob)
    typos: dict[str, str] = {}
    for word in sorted(words - english):
        meant = english_only.meant(word)
        if meant is None:
            vocabulary[word] = lemmatize(word)
        else:
            typos[word] = meant
    spelling = nlp.get_pipe(FACTORY)
    spelling.configure(vocabulary, english, typos, log_prob)
    return spelling


@Language.factory(FACTORY, assigns=["token.lemma"])
def make_clinical_spelling(nlp: Language, name: str) -> ClinicalSpelling:
    return ClinicalSpelling()
