"""The bench history writer: every run leaves its own dated file, none overwrites another."""

import datetime
from pathlib import Path
from types import ModuleType

import pytest

import tooling.safety
import tooling.understanding
from tooling.bench_history import history_path, record_run, short_commit

LATE = datetime.datetime(2026, 12, 6, 23, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))


def test_a_run_is_written_under_its_utc_date_commit_and_kind(tmp_path: Path) -> None:
    path = record_run(
        "# Bench\n\n| a | b |\n", "bench", directory=tmp_path, commit="abc1234", when=LATE
    )
    # 23:30 at UTC+2 is 21:30 UTC, the same day; the name says UTC
    assert path == tmp_path / "2026-12-06-abc1234-bench.md"
    assert path.read_text(encoding="utf-8") == "# Bench\n\n| a | b |\n"


def test_the_date_is_the_utc_one_not_the_local_one() -> None:
    just_after_midnight = datetime.datetime(
        2026, 12, 7, 0, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
    )
    path = history_path("safety", "abc1234", just_after_midnight, Path("/h"))
    assert path.name == "2026-12-06-abc1234-safety.md"


def test_a_second_run_of_the_same_day_and_commit_keeps_the_first(tmp_path: Path) -> None:
    first = record_run("first\n", "load", directory=tmp_path, commit="abc1234", when=LATE)
    second = record_run("second\n", "load", directory=tmp_path, commit="abc1234", when=LATE)
    third = record_run("third\n", "load", directory=tmp_path, commit="abc1234", when=LATE)
    assert [p.name for p in (first, second, third)] == [
        "2026-12-06-abc1234-load.md",
        "2026-12-06-abc1234-load-2.md",
        "2026-12-06-abc1234-load-3.md",
    ]
    assert first.read_text() == "first\n" and third.read_text() == "third\n"


def test_kinds_do_not_collide(tmp_path: Path) -> None:
    bench = record_run("b\n", "bench", directory=tmp_path, commit="abc1234", when=LATE)
    safety = record_run("s\n", "safety", directory=tmp_path, commit="abc1234", when=LATE)
    assert bench != safety and bench.read_text() == "b\n"


def test_the_commit_defaults_to_the_checkout() -> None:
    commit = short_commit()
    assert len(commit) >= 7 and all(c in "0123456789abcdef" for c in commit)
    assert short_commit(Path("/")) == "unknown"


@pytest.mark.parametrize(
    ("module", "kind"), [(tooling.safety, "safety"), (tooling.understanding, "understanding")]
)
def test_a_report_run_also_records_its_history(
    module: ModuleType, kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`make safety` and `make understanding` hand the latest report's exact text to the history
    (the assistant is not started: the sets and the run are stood in for)."""
    recorded: list[tuple[str, str]] = []
    monkeypatch.setattr(module, "find_sets", lambda only: [("a set", "kind", {})])
    if module is tooling.safety:
        monkeypatch.setattr(module, "against_assistant", lambda *args: ([], False))
    else:
        monkeypatch.setattr(module, "against_assistant", lambda *args: [])
    monkeypatch.setattr(
        module, "record_run", lambda text, k: recorded.append((text, k)) or tmp_path
    )
    report = tmp_path / "latest.md"
    assert module.main(["--url", "http://127.0.0.1:9", "--report", str(report)]) == 0
    assert recorded == [(report.read_text(), kind)]
