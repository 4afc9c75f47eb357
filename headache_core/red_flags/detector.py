"""Red-flag detection over the project's spaCy pipeline.

Concepts are matched with a spaCy Matcher (phrases from the YAML, by lemma), each match is
checked for negation, distant history and hypotheticals, and flags fire when all concepts of
one of their lines are present in the message (across sentences too): `evaluation.py`.
The sentence encoder (`encoder.py`) adds the concepts it hears by meaning that no phrase matched.
"""

__all__ = ["Detection", "FlagHit", "Hint", "RedFlagDetector", "default_detector", "detect"]

from dataclasses import replace
from functools import lru_cache

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

from headache_core.nlp.pipeline import load_pipeline
from headache_core.nlp.safe import spacy_safe
from headache_core.red_flags import computed
from headache_core.red_flags.context import ConceptContext, ContextCues
from headache_core.red_flags.encoder import EncoderDetector, default_encoder_detector
from headache_core.red_flags.evaluation import Detection, FlagHit, Hint, evaluate
from headache_core.red_flags.phrases import compile_phrase
from headache_core.red_flags.reports import ReportReader, default_report_reader
from headache_core.red_flags.rules import RuleSet, load_rules


def _reading(context: ConceptContext, past_counts: bool) -> str | None:
    """How a matched concept counts in its context: "present" (the person's own, now),
    "wondered" (a what-if), "asked" (a question that names nobody), or None (denied, over, or
    long past for a concept whose past does not count)."""
    if context.negated:
        return None
    if context.hypothetical:
        return "wondered"
    if context.asked_generally:
        return "asked"
    if (context.historical or context.resolved) and not past_counts:
        return None
    return "present"


class RedFlagDetector:
    def __init__(
        self,
        nlp: Language,
        rules: RuleSet,
        encoder: "EncoderDetector | None" = None,
        reports: "ReportReader | None" = None,
    ) -> None:
        self.nlp = nlp
        self.rules = rules
        self.encoder = encoder
        self.reports = reports
        self.cues = ContextCues(nlp, rules.cues)
        self.matcher = Matcher(nlp.vocab)
        lemmatizer = nlp.get_pipe("lowercase_lemmatizer")

        def lemmas(text: str) -> list[str]:
            return [t.lemma_ for t in lemmatizer(nlp.make_doc(text))]

        self.excluded = Matcher(nlp.vocab)
        for concept in rules.concepts.values():
            patterns = [p for phrase in concept.phrases for p in compile_phrase(phrase, lemmas)]
            if patterns:
                self.matcher.add(concept.id, patterns)
            excluded = [p for phrase in concept.excluded for p in compile_phrase(phrase, lemmas)]
            if excluded:
                self.excluded.add(concept.id, excluded)

    def present_concepts(self, doc: Doc) -> dict[str, tuple[str, ...]]:
        """Concepts the person affirms: not denied, not long past, not only asked about."""
        return self.concepts(doc)[0]

    def concepts(
        self, doc: Doc, one_message: bool = True
    ) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
        """(present concepts, concepts asked about in a question that names nobody, concepts
        only wondered about: "can a chiropractor cause dizziness?"). `one_message`: the text is
        something a person wrote, which the whole-message reading (reports.py) may read; the
        neck check's answers joined together are not (each is read as its own message)."""
        cues = self.cues.find(doc)
        excluded: dict[str, list[tuple[int, int]]] = {}
        for match_id, start, end in self.excluded(doc):
            excluded.setdefault(self.nlp.vocab.strings[match_id], []).append((start, end))
        found: dict[str, dict[str, list[str]]] = {"present": {}, "asked": {}, "wondered": {}}
        present, asked, wondered = found["present"], found["asked"], found["wondered"]
        for match_id, start, end in self.matcher(doc):
            concept = self.rules.concepts[self.nlp.vocab.strings[match_id]]
            if any(s < end and start < e for s, e in excluded.get(concept.id, [])):
                continue  # "confused about heat or ice" is not confusion
            span = doc[start:end]
            reading = _reading(self.cues.context(doc, span, cues), concept.past_counts)
            if reading is not None:
                found[reading].setdefault(concept.id, []).append(span.text)
        for concept in self.rules.concepts.values():
            if concept.computed in computed.SPANS:
                for start, end in computed.SPANS[concept.computed](doc.text):
                    span = doc.char_span(start, end, alignment_mode="expand")
                    if span is None:
                        continue
                    context = self.cues.context(doc, span, cues)
                    if _reading(context, concept.past_counts) == "present":
                        present.setdefault(concept.id, []).append(span.text)
            elif concept.computed in computed.READINGS:
                reading = self.reports.read(doc.text) if self.reports and one_message else None
                if reading and reading.level == computed.READINGS[concept.computed]:
                    present.setdefault(concept.id, []).append(reading.evidence)
            elif concept.computed and computed.CHECKS[concept.computed](doc.text):
                present.setdefault(concept.id, []).append(concept.computed)
        if self.encoder is not None:  # what the rules' phrases missed, by meaning
            for concept, clause, words in self.encoder.hits(doc.text):
                # a concept's `except` words hold for meaning too: "had my baby 8 months ago"
                if any(doc[s:e].text in clause for s, e in excluded.get(concept, [])):
                    continue
                present.setdefault(concept, []).append(words)
        return (
            {k: tuple(dict.fromkeys(v)) for k, v in present.items()},
            {k: tuple(v) for k, v in asked.items()},
            {k: tuple(v) for k, v in wondered.items() if k not in present},
        )

    def detect_doc(self, doc: Doc, one_message: bool = True) -> Detection:
        present, asked, wondered = self.concepts(doc, one_message)
        detection = evaluate(self.rules, present, asked)
        # kept for the next message: "it's my dad, it's happening now" (evidence.py)
        return replace(detection, asked={**wondered, **detection.asked})

    def detect(self, text: str, one_message: bool = True) -> Detection:
        return self.detect_doc(self.nlp(spacy_safe(text)), one_message)


@lru_cache(maxsize=1)
def default_detector() -> RedFlagDetector:
    return RedFlagDetector(
        load_pipeline(), load_rules(), default_encoder_detector(), default_report_reader()
    )


def detect(text_or_doc: str | Doc, one_message: bool = True) -> Detection:
    """Red flags in a message (text, or a doc from the project's pipeline); `one_message`:
    False for texts no one wrote as one message (the neck check's answers joined)."""
    detector = default_detector()
    if isinstance(text_or_doc, Doc):
        return detector.detect_doc(text_or_doc, one_message)
    return detector.detect(text_or_doc, one_message)
