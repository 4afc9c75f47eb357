"""One dated copy of every bench run in bench/history/.

The latest run's file (bench/results.md, load-results.md, safety.md, understanding.md) is
overwritten by the next run; the history keeps each run's figures as they were measured, named
`<UTC date>-<short commit>-<kind>.md`, so a figure quoted in a document or a decision record can
be traced to the run and the code it came from. A second run of the same kind on the same day and
commit gets `-2`, `-3`, ... rather than replacing the first.
"""

import datetime
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HISTORY = ROOT / "bench" / "history"


def short_commit(root: Path = ROOT) -> str:
    """The checked-out commit, seven hex digits; `unknown` outside a git checkout."""
    done = subprocess.run(
        ["git", "rev-parse", "--short=7", "HEAD"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or "unknown"


def history_path(
    kind: str, commit: str, when: datetime.datetime, directory: Path = HISTORY
) -> Path:
    """The first free `<UTC date>-<commit>-<kind>[-n].md` in `directory`."""
    day = when.astimezone(datetime.timezone.utc).strftime("%Y-%m-%d")
    stem = f"{day}-{commit}-{kind}"
    path, number = directory / f"{stem}.md", 1
    while path.exists():
        number += 1
        path = directory / f"{stem}-{number}.md"
    return path


def record_run(
    markdown: str,
    kind: str,
    *,
    directory: Path = HISTORY,
    commit: str | None = None,
    when: datetime.datetime | None = None,
) -> Path:
    """Write `markdown` (the latest file's exact content) as this run's history file."""
    directory.mkdir(parents=True, exist_ok=True)
    path = history_path(
        kind,
        commit or short_commit(),
        when or datetime.datetime.now(datetime.timezone.utc),
        directory,
    )
    path.write_text(markdown, encoding="utf-8")
    return path
