"""Known vulnerabilities in the pinned packages: `python -m tooling.audit` (`make audit`, part
of `make test`).

pip-audit (its own venv, build/audit-venv, pinned in tooling/audit/requirements.lock: it needs a
newer `packaging` than Rasa 3.6 allows) checks requirements.lock against PyPI's per-release
vulnerability data; `npm audit` checks the widget's lock file. Known issues of the pinned stack
that cannot be upgraded are listed, each with its reason, in tooling/audit/ignore.yml; anything
else fails.

Where those services cannot be reached (this workplace: PyPI's per-release JSON answers 404,
the npm audit endpoint 405), pip-audit would still print "No known vulnerabilities found" with
every package skipped. This says "NOT audited" instead, and fails only when AUDIT_REQUIRED=1.
"""

import json
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

import settings

ROOT = Path(__file__).resolve().parents[2]
IGNORE_FILE = Path(__file__).with_name("ignore.yml")
PIP_AUDIT = ROOT / "build" / "audit-venv" / "bin" / "pip-audit"
LOCK = ROOT / "requirements.lock"
WIDGET = ROOT / "webapp" / "widget"
FIELDS = ("id", "package", "why", "date")


@dataclass(frozen=True)
class Ignored:
    id: str
    package: str
    why: str
    date: date


def load_ignores(path: Path = IGNORE_FILE) -> list[Ignored]:
    """The ignore list, every entry complete (a reason and a date), or an error naming it."""
    entries = yaml.safe_load(path.read_text()).get("ignore") or []
    ignores = []
    for entry in entries:
        missing = [f for f in FIELDS if not entry.get(f)]
        if missing:
            raise ValueError(f"{path.name}: entry {entry.get('id', '?')} lacks {missing}")
        if not isinstance(entry["date"], date):
            raise ValueError(f"{path.name}: {entry['id']} date must be YYYY-MM-DD")
        ignores.append(Ignored(**{f: entry[f] for f in FIELDS}))
    return ignores


@dataclass
class Report:
    audited: int = 0
    skipped: list[str] = field(default_factory=list)
    # (package, version, id, aliases) for every vulnerability found
    found: list[tuple[str, str, str, tuple[str, ...]]] = field(default_factory=list)

    def new(self, ignores: list[Ignored]) -> list[tuple[str, str, str, tuple[str, ...]]]:
        known = {(i.package.lower(), i.id) for i in ignores}
        return [
            f for f in self.found if not any((f[0].lower(), vid) in known for vid in (f[2], *f[3]))
        ]

    def stale(self, ignores: list[Ignored]) -> list[Ignored]:
        """Ignores no longer reported (upgraded, or withdrawn): to be removed from the list."""
        seen = {(f[0].lower(), vid) for f in self.found for vid in (f[2], *f[3])}
        return [i for i in ignores if (i.package.lower(), i.id) not in seen]


def read_pip_audit(output: dict) -> Report:
    report = Report()
    for dep in output.get("dependencies", []):
        if dep.get("skip_reason"):
            report.skipped.append(dep["name"])
            continue
        report.audited += 1
        for vuln in dep.get("vulns", []):
            report.found.append(
                (dep["name"], dep.get("version", ""), vuln["id"], tuple(vuln.get("aliases", [])))
            )
    return report


def read_npm_audit(output: dict) -> Report:
    report = Report(audited=output.get("metadata", {}).get("dependencies", {}).get("total", 0))
    for name, vuln in (output.get("vulnerabilities") or {}).items():
        for via in vuln.get("via", []):
            if isinstance(via, dict):
                ident = str(via.get("url", "")).rsplit("/", 1)[-1] or str(via.get("source"))
                report.found.append((name, vuln.get("range", ""), ident, ()))
    return report


def verdict(name: str, report: Report, ignores: list[Ignored], required: bool) -> bool:
    """Prints what was and was not checked; False when the audit must fail."""
    if report.audited == 0:
        print(f"{name}: NOT audited: the vulnerability service could not be reached "
              f"({len(report.skipped)} packages skipped)")  # fmt: skip
        return not required
    ok = True
    if report.skipped:
        print(f"{name}: {len(report.skipped)} packages could not be audited: {report.skipped}")
        ok = False
    for package, version, ident, aliases in report.new(ignores):
        print(f"{name}: NEW vulnerability {ident} {aliases or ''} in {package} {version}")
        ok = False
    for stale in report.stale(ignores):
        print(f"{name}: ignore entry {stale.id} ({stale.package}) no longer reported: remove it")
    listed = len(report.found) - len(report.new(ignores))
    print(f"{name}: {report.audited} packages audited, {len(report.found)} known issues "
          f"({listed} listed in {IGNORE_FILE.name})")  # fmt: skip
    return ok


def run_pip_audit() -> Report:
    command = [
        str(PIP_AUDIT), "-r", str(LOCK), "--no-deps", "--disable-pip", "--format", "json",
        "--progress-spinner", "off", "--vulnerability-service", "pypi",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=900)
    try:
        return read_pip_audit(json.loads(done.stdout))
    except ValueError:
        print(done.stderr.strip()[-2000:], file=sys.stderr)
        return Report()


def run_npm_audit() -> Report:
    done = subprocess.run(
        ["npm", "audit", "--json", "--package-lock-only"],
        cwd=WIDGET, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    try:
        output = json.loads(done.stdout)
    except ValueError:
        return Report()
    if "error" in output or "message" in output and "vulnerabilities" not in output:
        return Report()  # the registry's audit endpoint did not answer
    return read_npm_audit(output)


def main() -> int:
    required = settings.AUDIT_REQUIRED.read()
    ignores = load_ignores()
    ok = verdict("pip-audit (requirements.lock)", run_pip_audit(), ignores, required)
    ok &= verdict("npm audit (webapp/widget)", run_npm_audit(), ignores, required)
    return 0 if ok else 1
