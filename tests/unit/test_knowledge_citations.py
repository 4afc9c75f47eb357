"""Every file a knowledge file cites exists: a citation that points nowhere is drift (issue 28:
screening.yml named a test file that was never there)."""

import os
import re
from pathlib import Path

import pytest

from headache_core import KNOWLEDGE_DIR
from tests.conftest import ROOT

CITED_RE = re.compile(r"[\w./-]*\w\.(?:py|yml|yaml|md|json|js|ts)\b")
# The shared reference files live beside the project (contract.md: `../shared/`), not in it.
SHARED_FILES = frozenset({"clinical-reference.md", "seed-article.md", "contract.md"})
SKIPPED_DIRS = frozenset({".git", ".venv", "node_modules", "models", "__pycache__", "build"})


def _repo_files() -> set[str]:
    """Every file name and repo-relative path under the project, links not followed."""
    found: set[str] = set()
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS]
        for name in files:
            relative = (Path(folder) / name).relative_to(ROOT).as_posix()
            found |= {name, relative}
    return found


REPO_FILES = _repo_files()


def _exists(cited: str) -> bool:
    """A path from the project root or from `headache_core/` (knowledge/x.yml), a bare file name
    anywhere in the project, or one of the shared reference files."""
    if cited.removeprefix("shared/") in SHARED_FILES:
        return True
    if "/" not in cited:
        return cited in REPO_FILES
    return cited in REPO_FILES or f"headache_core/{cited}" in REPO_FILES


@pytest.mark.parametrize("path", sorted(KNOWLEDGE_DIR.glob("*.yml")), ids=lambda p: p.name)
def test_every_file_a_knowledge_file_cites_exists(path):
    cited = set(CITED_RE.findall(path.read_text(encoding="utf-8")))
    assert not [c for c in sorted(cited) if not _exists(c)]


def test_a_missing_file_is_caught():
    assert _exists("tests/unit/test_screening_core.py") and _exists("knowledge/screening.yml")
    assert not _exists("tests/test_screening.py")
