"""A `.env` file for `make run`: KEY=VALUE lines, `#` comments, values optionally quoted.

Only `make run` reads it (the tests never do). The environment wins over the file, and a name
that is not a declared setting is refused, so a typo such as FRONTDESK_TOKN is caught at start
instead of leaving the console closed.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from pathlib import Path

import settings


def parse(text: str, where: str = ".env") -> dict[str, str]:
    """The file's variables; a line that is not KEY=VALUE or an unknown KEY names its line."""
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        name, sep, value = stripped.removeprefix("export ").partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name:
            raise ValueError(f"{where}:{number}: expected NAME=value, not {stripped!r}")
        if name not in settings.ALL:
            raise ValueError(f"{where}:{number}: {name} is not a setting (see .env.example)")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[name] = value
    return values


def apply(path: Path, environ: MutableMapping[str, str] | None = None) -> list[str]:
    """Set the file's variables that the environment does not already set; the names set."""
    environ = os.environ if environ is None else environ
    if not path.is_file():
        return []
    added = []
    for name, value in parse(path.read_text(), str(path)).items():
        if name not in environ:
            environ[name] = value
            added.append(name)
    return added
