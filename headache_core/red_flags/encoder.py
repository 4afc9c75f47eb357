"""The second red-flag detector: concepts by meaning, not by the words a rule names.

The phrase rules of `knowledge/red_flags.yml` catch what their authors thought to write; people
word things otherwise ("the left side of her face has gone saggy", "water falls out of my mouth
when I drink"). This detector cuts a message into clauses, encodes each with the sentence
encoder (headache_core/nlp/sentence_encoder.py) and compares it with clinicians' exemplars of
each concept (`knowledge/red_flag_exemplars.yml`) and with negatives (everyday phrases, denials,
questions). A clause counts as a concept when its nearest exemplar is one of that concept's,
close enough (`threshold`) and clearly closer than the nearest negative (`margin`). Its
concepts join the rules' concepts, and the rules' `when` lines decide the flags: one home for
what makes a flag, whichever detector heard the words.

A clause the person denies, asks about, puts in the past or in someone's what-if does not count:
the cue words are the rules' own (`context` in red_flags.yml).
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from headache_core import KNOWLEDGE_DIR
from headache_core.lexicon import alternatives
from headache_core.nlp.sentence_encoder import SentenceEncoder, load_encoder
from headache_core.question_shape import opens_like_question
from headache_core.red_flags.evaluation import ENCODER_MARK
from headache_core.red_flags.rules import RuleSet, load_rules

EXEMPLARS_FILE = KNOWLEDGE_DIR / "red_flag_exemplars.yml"
# Calibrated on 2026-12-06 (docs/red-flag-detection.md, "Calibration"): the lowest similarity
# at which the team's negatives and the 3,760 non-emergency NLU examples stay under 1% false
# concepts.
THRESHOLD = 0.72
MARGIN = 0.04
MIN_WORDS = 2
SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")
CLAUSE_BREAK = re.compile(
    # a full stop, not a decimal point ("my temperature is 36.8" is one clause)
    r"\s*(?:,|;|(?<!\d)\.|\.(?!\d)|!|\?|\s-\s"
    r"|\b(?:but|and|plus|also|although|though|while|whereas|then|so)\b)\s*",
    re.I,
)


# "my friend asked: if a chiropractor cracks your neck and you feel dizzy, is that bad?": every
# clause of a what-if question asks; one that names the person ("if I cough...") still reports
CONDITIONAL_QUESTION = re.compile(
    rf"^(?:[^:]*:\s*)?(?:{alternatives('conditional_openers')})\b(?!.*\b(?:i|i'm|my|me)\b)",
    re.I,
)


class ExemplarFileError(ValueError):
    """The exemplar file is malformed; the message names the concept."""


@dataclass(frozen=True)
class Exemplars:
    version: str
    texts: tuple[str, ...]
    labels: tuple[str | None, ...]  # the concept of each text; None: a negative
    thresholds: dict[str, float]  # concepts that need a closer match than THRESHOLD


def load_exemplars(path: Path = EXEMPLARS_FILE, rules: RuleSet | None = None) -> Exemplars:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    known = (rules or load_rules()).concepts
    texts: list[str] = []
    labels: list[str | None] = []
    thresholds: dict[str, float] = {}
    for concept, raw in data["concepts"].items():
        if "threshold" in raw:
            thresholds[concept] = float(raw["threshold"])
        if concept not in known:
            raise ExemplarFileError(f"concept {concept}: not a concept of red_flags.yml")
        if not raw.get("source"):
            raise ExemplarFileError(f"concept {concept}: 'source' is missing")
        for text in raw.get("exemplars") or []:
            if not isinstance(text, str):
                raise ExemplarFileError(f"concept {concept}: {text!r} is not text; quote it")
            texts.append(text)
            labels.append(concept)
    for text in data["negatives"]["exemplars"]:
        if not isinstance(text, str):
            raise ExemplarFileError(f"negatives: {text!r} is not text; quote it")
        texts.append(text)
        labels.append(None)
    return Exemplars(str(data["exemplars_version"]), tuple(texts), tuple(labels), thresholds)


def _cue_pattern(rules: RuleSet) -> re.Pattern:
    """Any negation, history or question cue of the rules, as whole words."""
    cues = [*rules.cues["negation_before"], *rules.cues["history"], *rules.cues["hypothetical"]]
    words = sorted({c.lower() for c in cues}, key=lambda w: (-len(w), w))  # the same every run
    return re.compile(r"(?<![\w'])(" + "|".join(re.escape(w) for w in words) + r")(?![\w'])", re.I)


def _clauses(text: str) -> Iterator[tuple[str, bool, list[tuple[str, bool]]]]:
    """Each sentence of a message, whether it is a question, and its clauses with whether each
    is one: a clause that opens like a question, or the last clause of a sentence that ends
    with a question mark ("my neck is stiff, is that meningitis?")."""
    for sentence in SENTENCE_END.split(text or ""):
        sentence = sentence.strip()
        asked = sentence.endswith("?")
        what_if = asked and bool(CONDITIONAL_QUESTION.match(sentence))
        clauses = [c.strip() for c in CLAUSE_BREAK.split(sentence) if c and c.strip()]
        last = len(clauses) - 1
        yield (
            sentence,
            what_if or opens_like_question(sentence),
            [(c, what_if or opens_like_question(c) or (asked and i == last))
             for i, c in enumerate(clauses)],
        )  # fmt: skip


def units(text: str) -> list[tuple[str, bool]]:
    """The sentences of a message and their clauses (each of at least MIN_WORDS words), with
    whether each is a question."""
    found: dict[str, bool] = {}
    for sentence, question, clauses in _clauses(text):
        if len(sentence.split()) >= MIN_WORDS:
            found.setdefault(sentence, question)
        for clause, asked in clauses:
            if len(clause.split()) >= MIN_WORDS and clause != sentence:
                found.setdefault(clause, asked)
    return list(found.items())


class EncoderDetector:
    def __init__(
        self,
        encoder: SentenceEncoder,
        exemplars: Exemplars,
        rules: RuleSet,
        threshold: float = THRESHOLD,
        margin: float = MARGIN,
    ) -> None:
        self.encoder = encoder
        self.exemplars = exemplars
        self.matrix = encoder.encode(list(exemplars.texts))
        self.positive = np.array([label is not None for label in exemplars.labels])
        self.cues = _cue_pattern(rules)
        self.threshold, self.margin = threshold, margin

    def counts(self, unit: str, question: bool) -> bool:
        """A clause the person affirms: not a question, not denied, past or a what-if."""
        return not question and not self.cues.search(unit)

    def affirmed(self, text: str) -> str:
        """Only the clauses of `text` the person affirms, joined: "no fever, no stiff neck, just
        my usual desk headache" is "just my usual desk headache" (what reports.py reads)."""
        return ", ".join(
            clause
            for _sentence, _question, clauses in _clauses(text)
            for clause, asked in clauses
            if self.counts(clause, asked)
        )

    def concepts(self, text: str) -> dict[str, tuple[str, ...]]:
        """{concept: evidence} for the clauses of `text` that mean a concept."""
        found: dict[str, list[str]] = {}
        for label, _unit, evidence in self.hits(text):
            found.setdefault(label, []).append(evidence)
        return {k: tuple(v) for k, v in found.items()}

    def hits(self, text: str) -> list[tuple[str, str, str]]:
        """(concept, clause, evidence) for each clause of `text` that means a concept."""
        kept = [u for u, question in units(text) if self.counts(u, question)]
        if not kept:
            return []
        similarity = self.encoder.encode(kept) @ self.matrix.T
        found: list[tuple[str, str, str]] = []
        for unit, row in zip(kept, similarity, strict=True):
            best = int(row.argmax())
            label = self.exemplars.labels[best]
            if label is None or row[best] < self.exemplars.thresholds.get(label, self.threshold):
                continue
            nearest_negative = float(row[~self.positive].max()) if (~self.positive).any() else -1
            if row[best] - nearest_negative < self.margin:
                continue
            exemplar = self.exemplars.texts[best]
            evidence = f"{ENCODER_MARK} '{unit}' (like '{exemplar}', {row[best]:.2f})"
            found.append((label, unit, evidence))
        return found


@lru_cache(maxsize=1)
def default_encoder_detector() -> EncoderDetector:
    rules = load_rules()
    return EncoderDetector(load_encoder(), load_exemplars(rules=rules), rules)
