"""Setting kinds: how one environment variable is parsed, checked and defaulted.

A typo in a timeout, a limit or a port should stop the start with the variable's name in the
message, not surface later as a bare `could not convert string to float` or quietly mean a
negative wait. Every variable is parsed by one of these (declared in settings/__init__.py).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


def _parsed(
    env: Mapping[str, str] | None, name: str, parse: Callable[[str], T], what: str
) -> T | None:
    """The variable parsed, None when unset or blank; a value `parse` refuses names the variable."""
    raw = ((os.environ if env is None else env).get(name) or "").strip()
    if not raw:
        return None
    try:
        return parse(raw)
    except ValueError:
        raise ValueError(f"{name} must be {what}, not {raw!r}") from None


def env_int(name: str, default: int, env: Mapping[str, str] | None = None, minimum: int = 0) -> int:
    """A whole number of at least `minimum`; unset or blank gives `default`."""
    value = _parsed(env, name, int, "a whole number")
    if value is None:
        return default
    if value < minimum:
        raise ValueError(f"{name} must be {minimum} or more, not {value}")
    return value


def env_float(
    name: str,
    default: float,
    env: Mapping[str, str] | None = None,
    *,
    positive: bool = False,
) -> float:
    """A number that is not negative (more than 0 with `positive`); unset or blank: `default`."""
    value = _parsed(env, name, _finite, "a finite number")
    if value is None:
        return default
    if positive and value <= 0:
        raise ValueError(f"{name} must be more than 0, not {value}")
    if value < 0:
        raise ValueError(f"{name} must not be negative, not {value}")
    return value


def env_port(name: str, default: int, env: Mapping[str, str] | None = None) -> int:
    """A TCP port (1-65535)."""
    return _port(name, env_int(name, default, env, minimum=1))


def env_ports(
    name: str, default: tuple[int, ...], env: Mapping[str, str] | None = None
) -> tuple[int, ...]:
    """A comma-separated list of TCP ports, at least one."""
    ports = _parsed(env, name, _int_list, "ports separated by commas")
    if ports is None:
        return default
    return tuple(_port(name, port) for port in ports)


def env_flag(name: str, default: bool, env: Mapping[str, str] | None = None) -> bool:
    """true/false (1/0, yes/no, on/off); unset or blank gives `default`."""
    value = _parsed(env, name, _flag, "true or false")
    return default if value is None else value


def env_text(name: str, default: str | None, env: Mapping[str, str] | None = None) -> str | None:
    """The value with surrounding spaces removed; unset or blank gives `default`."""
    value = _parsed(env, name, str, "text")
    return default if value is None else value


def env_choice(
    name: str, default: str, choices: tuple[str, ...], env: Mapping[str, str] | None = None
) -> str:
    """One of `choices` (any case); unset or blank gives `default`."""
    value = _parsed(env, name, str.lower, " or ".join(repr(c) for c in choices))
    if value is None:
        return default
    if value not in choices:
        raise ValueError(f"{name} must be {' or '.join(repr(c) for c in choices)}, not {value!r}")
    return value


def _port(name: str, value: int) -> int:
    if not 1 <= value <= 65535:
        raise ValueError(f"{name} must be a port from 1 to 65535, not {value}")
    return value


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _int_list(text: str) -> list[int]:
    return [int(part) for part in text.split(",")]


def _flag(text: str) -> bool:
    word = text.lower()
    if word not in TRUE_WORDS + FALSE_WORDS:
        raise ValueError(text)
    return word in TRUE_WORDS


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One environment variable: its name, what it means, its default and how it is read.
    `example` is what .env.example shows (the default when empty); `secret` keeps it blank."""

    name: str
    group: str
    meaning: str
    default: T
    reader: Callable[[str, T, Mapping[str, str] | None], T]
    example: str = ""
    secret: bool = False

    def read(self, env: Mapping[str, str] | None = None) -> T:
        """The typed value; a bad value raises ValueError naming the variable."""
        return self.reader(self.name, self.default, env)

    def is_set(self, env: Mapping[str, str] | None = None) -> bool:
        return bool(((os.environ if env is None else env).get(self.name) or "").strip())

    def example_value(self) -> str:
        if self.secret:
            return ""
        if self.example:
            return self.example
        if self.default is None:
            return ""
        if isinstance(self.default, bool):
            return "true" if self.default else "false"
        if isinstance(self.default, tuple):
            return ",".join(str(part) for part in self.default)
        return str(self.default)
