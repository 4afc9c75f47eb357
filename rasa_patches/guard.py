"""Refuse to patch a Rasa other than the one the patches were written against.

Every patch re-implements or wraps private Rasa code; a different Rasa may have changed what the
patch assumes. So before anything is installed, the installed Rasa's version and the source of
every function a patch replaces (or repeats) are compared with what was recorded when the patch
was written. The sources are read from the files, not imported: the check runs before Rasa's
heavy modules load (the TensorFlow deferral must come first) and does not depend on whether
something replaced a function in this process already.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
from pathlib import Path

from rasa_patches.manifest import RASA_VERSION, Patch, Replaced

OFF_HINT = "set RASA_PATCHES=off to run stock Rasa (docs/rasa-patches.md)"


class PatchMismatch(RuntimeError):
    """The Rasa underneath is not the one a patch was written against."""


def _module_file(module: str) -> Path:
    """The module's source file, found without importing the module or its packages."""
    top, *rest = module.split(".")
    spec = importlib.util.find_spec(top)
    if spec is None or not spec.submodule_search_locations and rest:
        raise PatchMismatch(f"no module {module}")
    if not rest:
        return Path(spec.origin or "")
    base = Path(next(iter(spec.submodule_search_locations or []))).joinpath(*rest)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    raise PatchMismatch(f"no source file for {module}")


def _definition(tree: ast.Module, qualname: str) -> ast.AST | None:
    node: ast.AST = tree
    for name in qualname.split("."):
        node = next(
            (
                child
                for child in getattr(node, "body", [])
                if isinstance(child, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                and child.name == name
            ),
            None,
        )
        if node is None:
            return None
    return node


def source_of(module: str, qualname: str) -> str | None:
    """The text `inspect.getsource` gives for `module.qualname` (decorators included), or None
    if the module defines no such function or class."""
    path = _module_file(module)
    text = path.read_text(encoding="utf-8")
    node = _definition(ast.parse(text), qualname)
    if node is None:
        return None
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)])  # type: ignore[attr-defined]
    lines = text.splitlines(keepends=True)
    return "".join(lines[first - 1 : node.end_lineno])  # type: ignore[attr-defined]


def sha256_of(module: str, qualname: str) -> str | None:
    source = source_of(module, qualname)
    return None if source is None else hashlib.sha256(source.encode()).hexdigest()


def check_version(found: str, expected: str = RASA_VERSION) -> None:
    if found != expected:
        raise PatchMismatch(
            f"the Rasa patches were written against Rasa {expected}, found Rasa {found}: "
            f"check each patch against the new Rasa and record it again, or {OFF_HINT}"
        )


def check_sources(patch: Patch) -> None:
    for replaced in patch.replaces:
        found = sha256_of(replaced.module, replaced.qualname)
        if found != replaced.sha256:
            raise PatchMismatch(_changed(patch, replaced, found))


def _changed(patch: Patch, replaced: Replaced, found: str | None) -> str:
    return (
        f"Rasa patch '{patch.name}' (rasa_patches/{patch.name}.py) was written against "
        f"{replaced.module}.{replaced.qualname} with source SHA-256 {replaced.sha256}; "
        f"found {found or 'no such definition'}. Check the patch against the new code and "
        f"record its hash again, or {OFF_HINT}"
    )


def check(patches: tuple[Patch, ...], rasa_version: str) -> None:
    """Raise PatchMismatch, naming the first patch that does not fit, before any is installed."""
    check_version(rasa_version)
    for patch in patches:
        check_sources(patch)
