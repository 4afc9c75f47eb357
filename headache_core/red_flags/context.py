"""NegEx-style context: is a matched concept denied, long past, or only asked about?

After Chapman et al.'s NegEx (2001) and its ConText extension (history, hypothetical): cue
phrases before (or after) a concept, within its clause, change its meaning. The clause ends at
sentence ends, at termination cues ("but", "now"), at a colon or semicolon, and at a comma that
starts a new clause ("no fever, my neck is stiff"). A question that names nobody (no "my",
"she", "we"...) asks about a concept: it may bring a clarifying question, never a flag.
Deliberately narrow: a wrongly ignored red flag is worse than a false alarm, so "can't" is not a
negation cue ("I can't lift my arm" is a symptom).
"""

import re
from dataclasses import dataclass
from datetime import date

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from headache_core.lexicon import word_set
from headache_core.red_flags.happening import HAD_IT_RE

# A question tacked onto a statement ("had a headache for three days, is that a worry?"): the
# statement before ", is ..." still reports; only the question part asks.
QUESTION_TAIL_WORDS = {"is", "are", "should", "could", "can", "do", "does", "will", "would",
                       "what", "why", "how", "any", "anything", "was", "am"}  # fmt: skip
NEGATION_WINDOW_BEFORE = 6
NEGATION_WINDOW_AFTER = 4
CLAUSE_STARTERS = {"my", "i", "he", "she", "it", "his", "her", "we", "they", "the", "but", "now",
                   "i'm", "im", "i've", "ive", "mum", "dad", "and", "it's", "its", "that's",
                   "she's", "he's", "they're", "we're"}  # fmt: skip
# A colon or semicolon always starts a new clause: "What's puzzling me is this: my head aches
# when I cough" reports the cough headache; the "what's" is not a question about it.
CLAUSE_MARKS = {":", ";"}
# A dash between words before a concept starts its clause ("not really - lying flat fixes it");
# a hyphen inside a word ("blood-thinners", which the tokenizer splits too) does not
DASHES = {"-", "–", "—"}
# "not fully recovered" is no recovery
NOT_WORDS = frozenset({"not", "n't", "never", "nowhere", "hardly"})


# "if a chiropractor cracks your neck and you feel dizzy, is that bad?" is a what-if, not a
# statement with a question tacked on; "if I cough, my head explodes, is that bad?" names the
# person and still reports.
CONDITIONAL_OPENERS = word_set("conditional_openers")
# "since my valve replacement five years ago" is ongoing, not distant history
SINCE_WINDOW = 8
AGE_VERBS = word_set("age_verbs")
# "What's new is a constant headache": a pseudo-cleft states, it does not ask
PSEUDO_CLEFT_CUES = word_set("pseudo_cleft_openers")
PSEUDO_CLEFT_WINDOW = 4
# "a seizure back in 2010": a year before this one puts what is in its clause in the past
YEAR_RE = re.compile(r"^(19|20)\d\d$")
YEAR_CUES = word_set("year_lead_ins")


def _ongoing_since(doc: Doc, start: int) -> bool:
    """A history cue after "since" in its sentence: "on warfarin since 5 years ago"."""
    sent_start = doc[start].sent.start
    return any(t.lower_ == "since" for t in doc[max(sent_start, start - SINCE_WINDOW) : start])


def _dates_an_age(doc: Doc, start: int) -> bool:
    """ "Turned 61 last year": the history cue dates the birthday, not what follows."""
    before = doc[max(0, start - 2) : start]
    return len(before) == 2 and before[0].lower_ in AGE_VERBS and before[1].like_num


def _pseudo_cleft(doc: Doc, start: int, end: int) -> bool:
    """ "What's new is ...", "what worries me is ..." in a sentence that asks nothing."""
    if doc[start:end].text.lower() not in PSEUDO_CLEFT_CUES:
        return False
    sent = doc[start].sent
    if "?" in sent.text:
        return False
    after = doc[end : min(sent.end, end + PSEUDO_CLEFT_WINDOW)]
    return any(t.lower_ in ("is", "was") for t in after)


def _past_years(doc: Doc) -> list[tuple[int, int]]:
    """Years before this one after "in" / "back in" ("back in 2010"): history cues."""
    this_year = date.today().year
    return [
        (t.i, t.i + 1)
        for t in doc
        if YEAR_RE.match(t.text) and int(t.text) < this_year and t.i > 0
        and doc[t.i - 1].lower_ in YEAR_CUES
    ]  # fmt: skip


@dataclass(frozen=True)
class ConceptContext:
    negated: bool = False
    resolved: bool = False  # "..., all clear": over now; a history that counts when past stays
    historical: bool = False
    hypothetical: bool = False
    asked_generally: bool = False  # in a question that names nobody: a hint at most


class ContextCues:
    """Finds cue phrases in a doc once, then answers for each concept span."""

    def __init__(self, nlp, cues: dict[str, tuple[str, ...]]) -> None:
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for kind, phrases in cues.items():
            self.matcher.add(kind, [nlp.make_doc(p) for p in phrases])
        self.vocab = nlp.vocab

    def find(self, doc: Doc) -> dict[str, list[tuple[int, int]]]:
        found: dict[str, list[tuple[int, int]]] = {}
        for match_id, start, end in self.matcher(doc):
            kind = self.vocab.strings[match_id]
            if kind == "history" and (_ongoing_since(doc, start) or _dates_an_age(doc, start)):
                continue
            if kind == "hypothetical" and _pseudo_cleft(doc, start, end):
                continue
            found.setdefault(kind, []).append((start, end))
        found.setdefault("history", []).extend(_past_years(doc))
        return found

    @staticmethod
    def _clause(doc: Doc, span: Span, cues: dict[str, list[tuple[int, int]]]) -> tuple[int, int]:
        sent = span.sent
        left, right = sent.start, sent.end
        boundaries = list(cues.get("termination", []))
        boundaries += [
            (t.i, t.i + 1)
            for t in sent
            if (t.text == "," and t.i + 1 < sent.end and doc[t.i + 1].lower_ in CLAUSE_STARTERS)
            or t.text in CLAUSE_MARKS
        ]
        for start, end in boundaries:
            if end <= span.start:
                left = max(left, end)
            elif start >= span.end:
                right = min(right, start)
        # a dash before the concept ends what came before; one after it does not: "fever, stiff
        # neck - none of those" denies them, "head injury - a car crash - years ago" dates it
        dashes = [t.i + 1 for t in sent if t.text in DASHES and t.i > 0 and t.i < span.start
                  and bool(doc[t.i - 1].whitespace_)]  # fmt: skip
        return max([left, *dashes]), right

    def context(
        self, doc: Doc, span: Span, cues: dict[str, list[tuple[int, int]]]
    ) -> ConceptContext:
        left, right = self._clause(doc, span, cues)

        def before(kind: str, window: int | None = None) -> bool:
            lower = left if window is None else max(left, span.start - window)
            return any(s >= lower and e <= span.start for s, e in cues.get(kind, []))

        def after(kind: str, window: int, unless_after: frozenset[str] = frozenset()) -> bool:
            # a cue that starts in the clause counts ("fever? no." ends the sentence with "?");
            # not one right after a word of `unless_after` ("not fully recovered")
            return any(s >= span.end and s <= span.end + window and s < right
                       and doc[s - 1].lower_ not in unless_after
                       for s, e in cues.get(kind, []))  # fmt: skip

        def within(kind: str) -> bool:
            return any(s >= left and e <= right and (e <= span.start or s >= span.end)
                       for s, e in cues.get(kind, []))  # fmt: skip

        return ConceptContext(
            negated=before("negation_before", NEGATION_WINDOW_BEFORE)
            or after("negation_after", NEGATION_WINDOW_AFTER),
            resolved=after("resolved_after", NEGATION_WINDOW_AFTER, NOT_WORDS),
            historical=within("history"),
            hypothetical=before("hypothetical"),
            asked_generally=self._asks_about_nobody(span, cues),
        )

    @staticmethod
    def _asks_about_nobody(span: Span, cues: dict[str, list[tuple[int, int]]]) -> bool:
        """A question that names no one ("is a stiff neck with a fever always meningitis?",
        "how do you do the glass test?") asks about the concept; "is it normal that my face is
        drooping?" names the person and still counts."""
        sent = span.sent
        if not sent.text.rstrip().endswith("?"):  # terse reports drop the subject: "can't see"
            return False
        if HAD_IT_RE.search(span.doc[sent.end :].text):  # "is it safe? i had it done..."
            return False
        # the question starts after a colon: "my friend asked me: if a chiro cracks your neck..."
        start = max([t.i + 1 for t in sent if t.text in CLAUSE_MARKS and t.i < span.start],
                    default=sent.start)  # fmt: skip
        conditional = span.doc[start].lower_ in CONDITIONAL_OPENERS
        tails = [t.i for t in sent[:-1] if t.text == "," and t.nbor().lower_ in QUESTION_TAIL_WORDS]
        if tails and span.end <= tails[-1] and not conditional:  # a statement, then the question
            return False
        return not any(s >= start and e <= sent.end for s, e in cues.get("personal", []))
