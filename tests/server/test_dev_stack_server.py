"""`make run` as a newcomer meets it (issue 28): a few lines of what it does, then the
addresses, the full logs in files it names; and its servers cannot be reached from another
machine (they listen on loopback)."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from settings.values import env_port
from tests.conftest import ROOT
from tests.private_services import free_port

pytestmark = pytest.mark.server

# Lines before "Ready" (what it does) and the address block; a start that prints a warning per
# line of a third-party library is far above
MOST_LINES = 20
# The machine's settings that would change what is printed (its own secrets, stores, origins)
MACHINE_SETTINGS = (
    "RASA_API_TOKEN", "FRONTDESK_TOKEN", "FRONTDESK_PASSWORD", "FRONTDESK_PASSWORD_HASH",
    "DATABASE_URL", "TRACKER_STORE_URL", "REDIS_URL", "RASA_CORS_ORIGINS", "RASA_PUBLIC_URL",
    "LISTEN_HOST",
)  # fmt: skip


def start_output(run_dir: Path, ports: dict[str, int], timeout: float = 240.0) -> list[str]:
    """`python -m tooling.run` (what `make run` runs, with its environment) until it is ready
    and says so, then Ctrl-C: every line it printed."""
    env = {k: v for k, v in os.environ.items() if k not in MACHINE_SETTINGS}
    env |= {f"{name.upper()}_PORT": str(port) for name, port in ports.items()}
    env |= {"TF_CPP_MIN_LOG_LEVEL": "3", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
    env |= {"RASA_TELEMETRY_ENABLED": "false", "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "tooling.run", "--run-dir", str(run_dir)]
    run = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    try:
        for line in run.stdout:
            lines.append(line.rstrip("\n"))
            if "Ctrl-C stops all three" in line or time.monotonic() > deadline:
                break
    finally:
        run.send_signal(signal.SIGINT)
        rest, _ = run.communicate(timeout=60)
    return lines + rest.splitlines()


def test_make_run_says_what_it_does_in_a_few_lines_then_the_addresses(tmp_path):
    ports = {"rasa": free_port(), "action": free_port(), "web": free_port()}
    output = start_output(tmp_path, ports)
    shown = "\n".join(output)
    ready = next(i for i, line in enumerate(output) if line.startswith("Ready in"))
    assert ready <= 5, shown  # what it did: the model, the start, where the logs are
    assert len(output) <= MOST_LINES, shown
    for address in (
        f"http://localhost:{ports['web']}/",
        f"http://localhost:{ports['rasa']}",
        f"http://localhost:{ports['action']}/webhook",
        f"http://localhost:{ports['web']}/frontdesk",
    ):
        assert address in shown
    assert "Rasa API token:             dev-token-change-me" in shown
    assert "development password: dev-frontdesk-password" in shown
    assert not any("Warning" in line or "it/s]" in line for line in output), shown

    logs = {name: tmp_path / f"{name}.log" for name in ("rasa", "actions", "web")}
    assert f"{tmp_path}/: actions.log, web.log, rasa.log" in shown  # where the logs are
    for name, log in logs.items():
        assert log.stat().st_size > 0, name  # everything each process said is there
    assert "Rasa server is up and running" in logs["rasa"].read_text()
    assert output[-1] == "stopping ..."


def non_loopback_addresses() -> list[str]:
    """The machine's own addresses other than loopback (`hostname -I`)."""
    try:
        found = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [a for a in found.stdout.split() if not a.startswith("127.") and a != "::1"]


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def test_the_development_servers_listen_on_loopback_only(assistant):
    addresses = non_loopback_addresses()
    if not addresses:
        pytest.skip("this machine has no address but loopback")
    ports = [int(url.rsplit(":", 1)[1]) for url in (assistant.rasa_url, assistant.web_url)]
    ports.append(env_port("TEST_ACTION_PORT", 15055))  # as the `assistant` fixture has it
    for port in ports:
        assert answers("127.0.0.1", port), port  # up, on loopback
        for address in addresses:
            assert not answers(address, port), (address, port)
