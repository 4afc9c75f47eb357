"""The documentation's relative links lead somewhere: a moved or renamed file, or a renamed
heading, fails here instead of leaving a reader at a dead end."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"\[[^\]\n]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
EXTERNAL = ("http://", "https://", "mailto:", "tel:")


def documents(root: Path = ROOT) -> list[Path]:
    """The README, the changelog and every Markdown file under docs/ and bench/."""
    found = [root / "README.md", root / "CHANGELOG.md"]
    for folder in ("docs", "bench"):
        found += sorted((root / folder).rglob("*.md"))
    # bench/work/ holds the bench's scratch files (git-ignored), not documentation
    return [p for p in found if p.is_file() and "work" not in p.relative_to(root).parts]


def anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = heading.replace("`", "").strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    return {anchor(match) for match in HEADING.findall(text)}


def broken_links(path: Path) -> list[str]:
    """Each relative link of `path` whose file, or heading, does not exist."""
    text = CODE_SPAN.sub("", FENCE.sub("", path.read_text(encoding="utf-8")))
    broken = []
    for target in LINK.findall(text):
        if target.startswith(EXTERNAL):
            continue
        file_part, _, fragment = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists():
            broken.append(f"{target}: no such file")
        elif fragment and linked.suffix == ".md" and fragment not in anchors(linked):
            broken.append(f"{target}: no heading #{fragment}")
    return broken


@pytest.mark.parametrize("path", documents(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(path: Path) -> None:
    assert broken_links(path) == []


def test_the_checker_finds_a_dead_file_and_a_dead_heading(tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("# Other\n\n## A heading, with `code`\n")
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n\n[fine](other.md#a-heading-with-code) [here](#page) [web](https://example.org)\n"
        "[gone](missing.md) [no heading](other.md#nowhere) `[in code](missing.md)`\n"
        "```\n[in a block](missing.md)\n```\n"
    )
    assert broken_links(page) == [
        "missing.md: no such file",
        "other.md#nowhere: no heading #nowhere",
    ]


def test_the_documents_include_the_readme_and_docs() -> None:
    names = {str(path.relative_to(ROOT)) for path in documents()}
    assert {"README.md", "docs/architecture.md", "bench/README.md"} <= names


def test_the_readme_stays_a_front_door() -> None:
    """Issue 28: at most 200 lines; everything else lives in docs/ and bench/."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").count("\n")
    assert lines <= 200
