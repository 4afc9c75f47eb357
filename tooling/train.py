"""Train only when no model matches the current data.

Rasa's own fingerprint sees the spaCy pipeline only by its name (a path that never changes
here), so a change to the entity patterns would not retrain. This fingerprint covers every
input of the model: training data, domain, config, the spaCy pipeline's build inputs and the
custom components. The model's file name carries it: a matching file is a matching model.
"""

import argparse
import hashlib
import subprocess
from pathlib import Path

from headache_core.nlp.pipeline import inputs_fingerprint, prepare_model_inputs
from rasa_server import COMMAND as RASA

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "models"
KEEP_MODELS = 3
INPUTS = (
    "data",
    "domain.yml",
    "config.yml",
    "components",
    "headache_core/input_check.py",
    "headache_core/question_shape.py",  # FramingTrimmer reshapes the training examples with it
    "headache_core/lexicon.py",  # the cue words question_shape and the components read
    "headache_core/knowledge/lexicon.yml",
    "headache_core/nlp/subword_vectors.py",  # the vectors' pins
)


def _files(root: Path) -> list[Path]:
    files: list[Path] = []
    for name in INPUTS:
        path = root / name
        files += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return [p for p in files if "__pycache__" not in p.parts]


def model_fingerprint(root: Path = ROOT) -> str:
    digest = hashlib.sha256(inputs_fingerprint().encode())
    for path in _files(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def model_path(root: Path = ROOT) -> Path:
    return root / "models" / f"headache-{model_fingerprint(root)}.tar.gz"


def _prune(keep: Path) -> None:
    old = sorted(MODELS.glob("headache-*.tar.gz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for path in [p for p in old if p != keep][KEEP_MODELS - 1 :]:
        path.unlink()


def ensure_model(force: bool = False, log: Path | None = None) -> Path:
    """Path of a model trained on the current inputs, training one if needed. Rasa's output
    (log lines, progress bars) goes to `log` when given (`make run`: only a line on screen),
    else to this process's output; a failed training raises CalledProcessError."""
    prepare_model_inputs()
    _learn_red_flag_reports()
    target = model_path()
    if target.exists() and not force:
        print(f"model is up to date: {target.relative_to(ROOT)}")
        return target
    where = f" (about 2 minutes; log: {shown(log)})" if log else ""
    print(f"training {target.relative_to(ROOT)}{where} ...", flush=True)
    command = [
        *RASA, "train", "--force",
        "--out", str(MODELS), "--fixed-model-name", target.name.removesuffix(".tar.gz"),
    ]  # fmt: skip
    if log is None:
        subprocess.run(command, cwd=ROOT, check=True)
    else:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("w") as output:
            subprocess.run(command, cwd=ROOT, check=True, stdout=output, stderr=subprocess.STDOUT)
    _prune(target)
    return target


def _learn_red_flag_reports() -> None:
    """The red-flag reading of whole messages, learnt here once per change of its data rather
    than by each server as it starts (headache_core/red_flags/reports.py)."""
    from headache_core.red_flags import reports
    from headache_core.red_flags.encoder import default_encoder_detector

    if reports.needs_learning(default_encoder_detector()):
        print("learning the red-flag reading of whole messages (about 5 minutes) ...", flush=True)
        reports.default_report_reader()


def shown(path: Path) -> str:
    """A path as a person in the project folder would type it."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--force", action="store_true", help="train even if a model matches")
    parser.add_argument("--print-path", action="store_true", help="only print the model path")
    args = parser.parse_args()
    if args.print_path:
        print(model_path())
        return
    ensure_model(force=args.force)


if __name__ == "__main__":
    main()
