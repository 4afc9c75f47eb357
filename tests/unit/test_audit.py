"""The dependency audit's reading of pip-audit and npm audit, and its ignore list
(tooling/audit): every package skipped is "not audited", never "no vulnerabilities"."""

import datetime

import pytest

from tooling.audit import (
    IGNORE_FILE,
    LOCK,
    Ignored,
    load_ignores,
    read_npm_audit,
    read_pip_audit,
    verdict,
)

SANIC_VULN = {"id": "PYSEC-0000-1", "aliases": ["CVE-0000-1"], "fix_versions": ["99"]}
OUTPUT = {
    "dependencies": [
        {"name": "sanic", "version": "21.12.2", "vulns": [SANIC_VULN]},
        {"name": "rasa", "version": "3.6.21", "vulns": []},
    ]
}
IGNORED = Ignored("CVE-0000-1", "sanic", "not reachable here", datetime.date(2026, 11, 27))


def test_every_package_skipped_is_not_audited(capsys):
    skipped = {"dependencies": [{"name": "rasa", "skip_reason": "not found on PyPI"}]}
    report = read_pip_audit(skipped)
    assert report.audited == 0 and report.skipped == ["rasa"]
    assert verdict("pip", report, [], required=False)
    assert "NOT audited" in capsys.readouterr().out
    assert not verdict("pip", report, [], required=True)


def test_a_new_vulnerability_fails_and_a_listed_one_passes(capsys):
    report = read_pip_audit(OUTPUT)
    assert report.audited == 2
    assert not verdict("pip", report, [], required=False)
    assert "NEW vulnerability PYSEC-0000-1" in capsys.readouterr().out
    assert verdict("pip", report, [IGNORED], required=False)  # listed by its CVE alias


def test_ignores_no_longer_reported_are_named_for_removal(capsys):
    report = read_pip_audit({"dependencies": [{"name": "sanic", "version": "99", "vulns": []}]})
    assert verdict("pip", report, [IGNORED], required=False)
    assert "no longer reported: remove it" in capsys.readouterr().out


def test_some_packages_skipped_fails():
    partial = {"dependencies": [*OUTPUT["dependencies"], {"name": "x", "skip_reason": "?"}]}
    assert not verdict("pip", read_pip_audit(partial), [IGNORED], required=False)


def test_npm_audit_findings_are_read():
    output = {
        "vulnerabilities": {
            "esbuild": {"range": "<0.25", "via": [{"source": 1, "url": "https://x/GHSA-67mh"}]}
        },
        "metadata": {"dependencies": {"total": 12}},
    }
    report = read_npm_audit(output)
    assert report.audited == 12 and report.found == [("esbuild", "<0.25", "GHSA-67mh", ())]


def test_the_ignore_list_is_complete_and_names_pinned_packages(tmp_path):
    pinned = {line.split("==")[0].lower() for line in LOCK.read_text().splitlines() if "==" in line}
    for entry in load_ignores(IGNORE_FILE):
        assert entry.package.lower() in pinned, entry
    bad = tmp_path / "ignore.yml"
    bad.write_text("ignore:\n  - {id: CVE-1, package: sanic, date: 2026-11-27}\n")
    with pytest.raises(ValueError, match="why"):
        load_ignores(bad)
