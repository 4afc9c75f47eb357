"""One home for every environment variable: declared once, read through the declaration,
checked at start, documented by generated files, and never leaking from the machine into tests."""

import os
import re
from pathlib import Path

import pytest

import settings
from settings import dotenv
from settings.__main__ import docs, example
from tooling.stack import Stack

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = (
    "actions", "channels", "components", "handoff_delivery", "headache_core", "insights",
    "rasa_patches", "rasa_server", "stores", "tooling", "webapp",
)  # fmt: skip
# os.environ.get("X"), os.environ["X"], os.getenv("X"), env.get("X") and env["X"] on a mapping
DIRECT_READ = re.compile(
    r"""(?:environ|getenv|\benv)\s*(?:\.get\(|\[|\()\s*["']([A-Z][A-Z0-9_]+)["']"""
)


def test_product_code_reads_variables_only_through_their_declaration() -> None:
    found = [
        f"{path.relative_to(ROOT)}: {name}"
        for package in PRODUCT
        for path in sorted((ROOT / package).rglob("*.py"))
        for name in DIRECT_READ.findall(path.read_text())
    ]
    assert found == []


def test_the_scan_sees_a_direct_read() -> None:
    assert DIRECT_READ.findall('x = os.environ.get("FRONTDESK_TOKEN")') == ["FRONTDESK_TOKEN"]
    assert DIRECT_READ.findall("x = env['DATABASE_URL']") == ["DATABASE_URL"]


def test_generated_files_are_current() -> None:
    assert (ROOT / ".env.example").read_text() == example(), "run: python -m settings example"
    assert (ROOT / "docs" / "configuration.md").read_text() == docs(), (
        "run: python -m settings docs > docs/configuration.md"
    )


def test_example_lists_every_variable_and_no_secret_value() -> None:
    text = (ROOT / ".env.example").read_text()
    for name, setting in settings.ALL.items():
        assert f"# {name}=" in text
        if setting.secret:
            assert f"# {name}=\n" in text


def test_every_bad_value_is_named_at_once() -> None:
    env = {"ACTION_TIMEOUT": "soon", "RASA_PORT": "70000", "FRONTDESK_COOKIE_SECURE": "maybe"}
    found = settings.problems(env)
    assert len(found) == 3
    assert any("ACTION_TIMEOUT" in p and "'soon'" in p for p in found)
    assert any("RASA_PORT" in p and "65535" in p for p in found)
    with pytest.raises(SystemExit, match="FRONTDESK_COOKIE_SECURE"):
        settings.check(env)


def test_defaults_when_unset_or_blank() -> None:
    assert settings.ACTION_TIMEOUT.read({}) == 10.0
    assert settings.RETENTION_DAYS.read({"RETENTION_DAYS": "  "}) == 90
    assert settings.FRONTDESK_COOKIE_SECURE.read({"FRONTDESK_COOKIE_SECURE": "on"}) is True
    assert settings.FRONTDESK_SMTP_PASSWORD.read({"FRONTDESK_SMTP_PASSWORD": " p w "}) == " p w "


def test_the_stack_refuses_a_bad_setting_before_starting_anything(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ACTION_TIMEOUT", "soon")
    stack = Stack(model=tmp_path / "none.tar.gz", run_dir=tmp_path)
    with pytest.raises(SystemExit, match="ACTION_TIMEOUT"):
        stack.start()
    assert stack.services == [] and stack.migration is None


def test_machine_settings_never_reach_the_tests() -> None:
    """CI sets FRONTDESK_TOKEN, RASA_API_TOKEN and the store URLs to unrelated values (.ci/run);
    conftest clears them, and the session's own handoff store is what the code sees."""
    assert "FRONTDESK_TOKEN" not in os.environ
    assert "RASA_API_TOKEN" not in os.environ
    assert "REDIS_URL" not in os.environ
    assert "TRACKER_STORE_URL" not in os.environ
    assert settings.DATABASE_URL.read().startswith("sqlite:///")


def test_dotenv_fills_what_the_environment_leaves_unset(tmp_path) -> None:
    path = tmp_path / ".env"
    path.write_text('# clinic\nFRONTDESK_TOKEN="from-file"\nexport RETENTION_DAYS=30\n\n')
    environ = {"RETENTION_DAYS": "60"}
    assert dotenv.apply(path, environ) == ["FRONTDESK_TOKEN"]
    assert environ == {"RETENTION_DAYS": "60", "FRONTDESK_TOKEN": "from-file"}
    assert dotenv.apply(tmp_path / "missing", environ) == []


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("FRONTDESK_TOKN=x", "FRONTDESK_TOKN is not a setting"),
        ("just words", "expected NAME=value"),
    ],
)
def test_dotenv_names_the_bad_line(line: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        dotenv.parse(f"# top\n{line}\n", ".env")


def test_a_shared_database_with_insights_needs_one_insights_key() -> None:
    """Each host would make its own key: a conversation counted twice, "forget me" missing the
    other replica's rows. Refused at start, naming the variable and why."""
    shared = {"DATABASE_URL": "postgresql://u@db:5432/clinic"}
    with pytest.raises(SystemExit, match="INSIGHTS_KEY must be set") as error:
        settings.check(shared)
    assert "DATABASE_URL" in str(error.value) and "postgresql" in str(error.value)
    settings.check(shared | {"INSIGHTS_KEY": "one-key-for-every-replica"})
    settings.check(shared | {"INSIGHTS": "off"})
    settings.check({"DATABASE_URL": "sqlite:////tmp/handoffs.sqlite3"})  # one machine: a file
    settings.check({})
    with pytest.raises(SystemExit, match="INSIGHTS_KEY"):
        settings.check({"DATABASE_URL": "postgresql+psycopg2://u@db/clinic", "INSIGHTS_KEY": " "})
    # training, the tests' tools and the action server record no insights: not refused
    settings.check(shared, serving=False)
