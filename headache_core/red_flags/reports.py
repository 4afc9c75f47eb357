"""The third red-flag reading: does the whole message read like a report that needs a doctor?

The phrase rules and the clause exemplars hear what their authors thought to write; on sets by
authors who never saw them they missed one emergency in ten (docs/evaluation.md). This reading
learns from whole messages by such authors (the tuning sets, the team's corpora) and from
messages that are not reports (the NLU examples of every other topic, the sets' negatives):
a logistic regression over two sentence-encoder vectors, the message's and that of the clauses
the person affirms (encoder.EncoderDetector.affirmed), so "no fever, no stiff neck" does not read
as either. It raises a level only when it is as sure as that level's `threshold`, as the concepts
`reads_like_emergency` and `reads_like_urgent`, which the flags `emergency_by_meaning` and
`urgent_by_meaning` of red_flags.yml turn into advice: the rules stay the floor, and the more
urgent reading wins.

What it learns from is data a clinician can read: `knowledge/red_flag_reports.yml` names the
files. Learning takes a few minutes (every message is encoded); the result is kept in
build/red_flag_reports/ under a digest of everything it was learnt from, so an edit to any of
those files is learnt again, and `make spacy` (which `make run` and `make test` use) learns it
ahead of time.

    .venv/bin/python -m headache_core.red_flags.reports     # learn, if anything changed
"""

import hashlib
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from headache_core import KNOWLEDGE_DIR
from headache_core.nlp.sentence_encoder import REPO_ROOT, SentenceEncoder
from headache_core.nlu_files import intent_examples
from headache_core.red_flags.encoder import EncoderDetector, default_encoder_detector
from headache_core.red_flags.evaluation import ENCODER_MARK

logger = logging.getLogger(__name__)

REPORTS_FILE = KNOWLEDGE_DIR / "red_flag_reports.yml"
CACHE_DIR = REPO_ROOT / "build" / "red_flag_reports"
LEVELS = ("none", "urgent", "emergency")  # the classes, least serious first
# how much the regression may bend to its training messages (sklearn's C); chosen with the
# threshold on the tuning sets (docs/red-flag-detection.md, "Reading whole messages")
FLEXIBILITY = 30.0


class ReportFileError(ValueError):
    """red_flag_reports.yml or a file it names is malformed; the message names the file."""


@dataclass(frozen=True)
class Examples:
    texts: tuple[str, ...]
    levels: tuple[int, ...]  # an index into LEVELS
    origins: tuple[str, ...]  # the file each came from (for the audit)
    weights: tuple[float, ...]  # how much each counts in learning (its file's `weight`)


@dataclass(frozen=True)
class Reading:
    level: str | None  # "emergency", "urgent" or None
    sureness: float  # of that level (or of a report at all, for None)
    like: str  # the nearest report of that level, for the audit

    @property
    def evidence(self) -> str:
        reading = f"reads as {self.level} ({self.sureness:.2f}"
        return f"{ENCODER_MARK} the whole message {reading}, like '{self.like}')"


def load_examples(path: Path = REPORTS_FILE) -> tuple[dict, Examples]:
    """The settings of red_flag_reports.yml and every message it names, with its level."""
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    texts: list[str] = []
    levels: list[int] = []
    origins: list[str] = []
    weights: list[float] = []

    def add(text: object, level: str, entry: dict) -> None:
        origin = entry["file"]
        if not isinstance(text, str) or not text.strip():
            raise ReportFileError(f"{origin}: {text!r} is not a message")
        if level not in LEVELS:
            raise ReportFileError(f"{origin}: unknown level {level!r} for {text!r}")
        texts.append(text.strip())
        levels.append(LEVELS.index(level))
        origins.append(origin)
        weights.append(float(entry.get("weight", 1.0)))

    for entry in config.get("reports") or []:
        data = _read(entry)
        for case in data.get("cases") or []:
            if "text" in case:
                add(case["text"], case.get("level"), entry)
        for case in data.get("negatives") or []:
            if "text" in case:
                add(case["text"], "none", entry)
    for entry in config.get("not_reports") or []:
        for _, text in intent_examples(_read(entry)):
            add(text, "none", entry)
    if not any(levels) or all(levels):
        raise ReportFileError(f"{path}: needs both reports and messages that are not")
    return config, Examples(tuple(texts), tuple(levels), tuple(origins), tuple(weights))


def _read(entry: dict) -> dict:
    if not isinstance(entry, dict) or "file" not in entry:
        raise ReportFileError(f"{REPORTS_FILE.name}: {entry!r} names no file")
    path = REPO_ROOT / entry["file"]
    if not path.is_file():
        raise ReportFileError(f"{REPORTS_FILE.name}: {entry['file']} does not exist")
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def digest(config: dict, examples: Examples, cues: str = "") -> str:
    """What a learnt reading depends on: the settings, every message and its level, and the
    cue words that decide which clauses are affirmed (lexicon.yml)."""
    h = hashlib.sha256(repr((FLEXIBILITY, sorted(config.items(), key=str), cues)).encode())
    for text, level, weight in zip(examples.texts, examples.levels, examples.weights, strict=True):
        h.update(f"{level}\t{weight}\t{text}\n".encode())
    return h.hexdigest()[:16]


@dataclass(frozen=True)
class Support:
    """When a reading has learnt messages behind it. It lacks them only when the message is
    both far from every learnt report (the nearest less than `near`, cosine) and nearer, by
    more than `closer`, to a learnt message that is not one: "split the dinner bill 4 ways"
    (0.29 from a report, 0.82 from an out-of-scope request). A report in unusual words ("like
    someone flicked a switch", 0.36 from a report) is far from everything, and still counts."""

    near: float = 0.0
    closer: float = 1.0

    def holds(self, report: float, other: float) -> bool:
        return report >= self.near or other - report <= self.closer


class ReportReader:
    def __init__(
        self,
        detector: EncoderDetector,
        weights: np.ndarray,
        bias: np.ndarray,
        threshold: dict[str, float],
        reports: tuple[str, ...],
        report_levels: np.ndarray,
        report_vectors: np.ndarray,
        support: "Support | None" = None,
        other_vectors: np.ndarray | None = None,
    ) -> None:
        self.detector = detector
        self.encoder: SentenceEncoder = detector.encoder
        # two concepts (emergency, urgent) ask about the same message; per reader, not global
        self._recent = lru_cache(maxsize=256)(self._read)
        self.weights, self.bias, self.threshold = weights, bias, threshold
        # a regression extrapolates: far from every report it learnt ("chicken keeps laying soft
        # eggs", "split the bill 4 ways") it can be sure of anything (Support)
        self.support = support or Support()
        self.other_vectors = (
            other_vectors
            if other_vectors is not None
            else np.zeros((0, detector.encoder.dimensions))
        )
        self.reports, self.report_levels, self.report_vectors = (
            reports,
            report_levels,
            report_vectors,
        )

    def features(self, texts: list[str]) -> np.ndarray:
        """Per text: its vector and that of its affirmed clauses (zeros when none are)."""
        affirmed = [self.detector.affirmed(t) for t in texts]
        # one pass over the distinct texts, shortest first: a batch is as long as its longest
        distinct = sorted({*texts, *(a for a in affirmed if a)}, key=len)
        rows = dict(zip(distinct, self.encoder.encode(distinct), strict=True))
        empty = np.zeros(self.encoder.dimensions, dtype=np.float32)
        return np.stack(
            [
                np.concatenate([rows[t], rows[a] if a else empty])
                for t, a in zip(texts, affirmed, strict=True)
            ]
        )

    def chances(self, texts: list[str]) -> np.ndarray:
        """Per text, the chance of each of LEVELS."""
        scores = self.features(texts) @ self.weights.T + self.bias
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        return scores / scores.sum(axis=1, keepdims=True)

    def read(self, text: str) -> Reading:
        """The level the whole message reads as, if the reading is sure enough."""
        return self._recent(text)

    def _read(self, text: str) -> Reading:
        p = self.chances([text])[0]
        emergency, report = float(p[2]), float(p[1] + p[2])
        level, sureness = None, report
        if emergency >= self.threshold["emergency"]:
            level, sureness = "emergency", emergency
        elif report >= self.threshold["urgent"]:
            level = "urgent"
        like = ""
        if level is not None:
            vector = self.encoder.encode([text])[0]
            similarity = self.report_vectors @ vector
            other = self.other_vectors @ vector
            if not self.support.holds(float(similarity.max()), float(other.max(initial=-1.0))):
                return Reading(None, sureness, "")
            similarity[self.report_levels != LEVELS.index(level)] = -2.0
            like = self.reports[int(similarity.argmax())]
        return Reading(level, sureness, like)


def _softmax_rows(model, width: int) -> tuple[np.ndarray, np.ndarray]:
    """One row of weights per level, whichever levels the data had: a level it lacked can never
    be read (its bias is far below), and two levels (sklearn's one row) become two rows."""
    weights = np.zeros((len(LEVELS), width), dtype=np.float32)
    bias = np.full(len(LEVELS), -1e4, dtype=np.float32)
    classes = list(model.classes_)
    if len(classes) == 2:
        bias[classes[0]] = 0.0
        weights[classes[1]], bias[classes[1]] = model.coef_[0], model.intercept_[0]
    else:
        for row, level in enumerate(classes):
            weights[level], bias[level] = model.coef_[row], model.intercept_[row]
    return weights, bias


def learn(
    detector: EncoderDetector, path: Path = REPORTS_FILE, cache_dir: Path = CACHE_DIR
) -> ReportReader:
    """The reader learnt from what `path` names: from the cache when nothing changed."""
    config, examples = load_examples(path)
    threshold = _thresholds(path, config.get("threshold"))
    support = _support(path, config.get("support"))
    cached = cache_dir / f"{digest(config, examples, detector.cues.pattern)}.npz"
    levels = np.array(examples.levels)
    is_report = levels > 0
    reports = tuple(t for t, r in zip(examples.texts, is_report, strict=True) if r)
    if cached.is_file():
        saved = np.load(cached)
        weights, bias, vectors = saved["weights"], saved["bias"], saved["vectors"]
        others = saved["others"]
    else:
        from sklearn.linear_model import LogisticRegression  # only when learning

        logger.info(f"learning red-flag reports from {len(levels)} messages (once, minutes)")
        reader = ReportReader(detector, np.zeros((3, 1)), np.zeros(3), threshold, (), levels, [])
        x = reader.features(list(examples.texts))
        model = LogisticRegression(C=FLEXIBILITY, max_iter=5000, class_weight="balanced")
        model.fit(x, levels, sample_weight=np.array(examples.weights))
        weights, bias = _softmax_rows(model, x.shape[1])
        vectors = x[is_report, : detector.encoder.dimensions]
        others = x[~is_report, : detector.encoder.dimensions].astype(np.float16)
        cache_dir.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".partial.npz")
        np.savez(partial, weights=weights, bias=bias, vectors=vectors, others=others)
        partial.replace(cached)
        for stale in cache_dir.glob("*.npz"):  # what earlier data learnt: never read again
            if stale != cached:
                stale.unlink(missing_ok=True)
    return ReportReader(
        detector, weights, bias, threshold, reports, levels[is_report], vectors, support, others
    )


def _thresholds(path: Path, raw: object) -> dict[str, float]:
    if not isinstance(raw, dict) or set(raw) != {"emergency", "urgent"}:
        raise ReportFileError(f"{path.name}: threshold needs an emergency and an urgent value")
    out = {level: float(value) for level, value in raw.items()}
    for level, value in out.items():
        if not 0.5 <= value < 1:
            raise ReportFileError(f"{path.name}: threshold {level} {value} is not in [0.5, 1)")
    return out


def _support(path: Path, raw: object) -> Support:
    if raw is None:
        return Support()
    if not isinstance(raw, dict) or set(raw) != {"near", "closer"}:
        raise ReportFileError(f"{path.name}: support needs `near` and `closer`")
    for name, value in raw.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 1:
            raise ReportFileError(f"{path.name}: support {name} {value!r} is not in [0, 1)")
    return Support(float(raw["near"]), float(raw["closer"]))


def needs_learning(
    detector: EncoderDetector, path: Path = REPORTS_FILE, cache_dir: Path = CACHE_DIR
) -> bool:
    """Whether what `path` names changed since it was last learnt (learning takes minutes)."""
    config, examples = load_examples(path)
    return not (cache_dir / f"{digest(config, examples, detector.cues.pattern)}.npz").is_file()


@lru_cache(maxsize=1)
def default_report_reader() -> ReportReader:
    return learn(default_encoder_detector())


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    reader = default_report_reader()
    print(f"red-flag reports: {len(reader.reports)} learnt, thresholds {reader.threshold}")


if __name__ == "__main__":
    main()
