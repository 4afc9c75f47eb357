"""The architecture as a test: the clinical core (headache_core) knows nothing of Rasa,
databases, the network or threads; infrastructure lives in handoff_delivery, stores, channels,
webapp and the Rasa glue. A new import that crosses the line fails here, named."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "headache_core"
# what the core may not import: databases, network, threads and processes, Rasa and servers
FORBIDDEN = {
    "aiohttp", "alembic", "asyncio", "concurrent", "http", "httpx",
    "multiprocessing", "psycopg2", "rasa", "rasa_sdk", "redis", "requests", "sanic", "smtplib",
    "socket", "sqlalchemy", "starlette", "subprocess", "threading", "urllib", "uvicorn",
    "actions", "channels", "components", "handoff_delivery", "rasa_patches", "stores", "tooling",
    "webapp",
}  # fmt: skip
# Build-time only: fetching the pinned model files runs pip (never at a patient's turn).
# The one home of the TensorFlow avoidance, which imports nothing of Rasa: keeps TensorFlow out
# of the project's own commands before spaCy loads.
ALLOWED = {("nlp/pinned_wheel.py", "subprocess"), ("nlp/__init__.py", "rasa_patches")}


def top_level_imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_the_clinical_core_imports_no_infrastructure() -> None:
    crossings = sorted(
        f"{path.relative_to(CORE)} imports {name}"
        for path in CORE.rglob("*.py")
        for name in top_level_imports(path) & FORBIDDEN
        if (path.relative_to(CORE).as_posix(), name) not in ALLOWED
    )
    assert crossings == []


def test_the_check_sees_a_crossing(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("import threading\nfrom sqlalchemy.orm import Session\nfrom . import x\n")
    assert top_level_imports(module) == {"threading", "sqlalchemy"}
