"""The development stack's addresses (tooling/stack.py): loopback only unless LISTEN_HOST says
otherwise, and both loopback names let in by CORS; the cluster keeps its production settings;
RASA_CORS_ORIGINS, when set, is taken exactly as configured (issue 28)."""

from pathlib import Path

import pytest

from channels.limits import loopback_origins
from tooling.stack import Ports, Stack


def stack(tmp_path: Path, **options: object) -> Stack:
    return Stack(model=tmp_path / "m.tar.gz", ports=Ports(6005, 6055, 6080), run_dir=tmp_path,
                 **options)  # fmt: skip


def commands(of: Stack) -> dict[str, list[str]]:
    return {s.name: s.command for s in of._services()}


def option(command: list[str], name: str) -> str | None:
    return command[command.index(name) + 1] if name in command else None


@pytest.fixture(autouse=True)
def no_machine_settings(monkeypatch):
    for name in ("LISTEN_HOST", "RASA_CORS_ORIGINS"):
        monkeypatch.delenv(name, raising=False)


def test_a_development_stack_listens_on_loopback_only(tmp_path):
    dev = stack(tmp_path)
    found = commands(dev)
    assert option(found["rasa"], "--interface") == "127.0.0.1"
    assert option(found["web"], "--host") == "127.0.0.1"
    [actions] = [s for s in dev._services() if s.name == "actions"]
    assert actions.env == {"SANIC_HOST": "127.0.0.1"}  # rasa_sdk's only way to be told


def test_listen_host_opens_it_when_asked(tmp_path, monkeypatch):
    monkeypatch.setenv("LISTEN_HOST", "0.0.0.0")
    found = commands(stack(tmp_path))
    assert option(found["rasa"], "--interface") == "0.0.0.0"
    assert option(found["web"], "--host") == "0.0.0.0"


def test_the_cluster_keeps_its_production_settings(tmp_path):
    """development=False (tooling/cluster.py): Rasa and the action servers on every interface,
    as in deploy/, and only the web app's own origin unless RASA_CORS_ORIGINS says more."""
    cluster = stack(tmp_path, development=False)
    found = commands(cluster)
    assert "--interface" not in found["rasa"]
    assert [s.env for s in cluster._services() if s.name == "actions"] == [{}]
    assert option(found["web"], "--host") == "127.0.0.1"
    assert cluster.cors_origins() == ["http://localhost:6080"]


def test_both_loopback_names_of_the_web_app_may_call_rasa(tmp_path):
    dev = stack(tmp_path)
    both = ["http://localhost:6080", "http://127.0.0.1:6080"]
    assert dev.cors_origins() == both == loopback_origins(6080)
    rasa = commands(dev)["rasa"]
    assert rasa[rasa.index("--cors") + 1 : rasa.index("--cors") + 3] == both
    assert dev.environment()["RASA_CORS_ORIGINS"] == ",".join(both)  # the socket.io check's


@pytest.mark.parametrize("development", [True, False])
def test_configured_origins_are_taken_exactly(tmp_path, monkeypatch, development):
    monkeypatch.setenv("RASA_CORS_ORIGINS", "https://www.clinic.example")
    configured = stack(tmp_path, development=development)
    assert configured.cors_origins() == ["https://www.clinic.example"]
    assert configured.environment()["RASA_CORS_ORIGINS"] == "https://www.clinic.example"


def test_the_cluster_starts_its_replicas_as_a_production_stack(tmp_path):
    from tooling.cluster import Cluster

    replica = Cluster(model=tmp_path / "m.tar.gz", run_dir=tmp_path)._stack(0)
    assert replica.development is False and replica.host is None
