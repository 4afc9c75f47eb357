"""tooling/cluster.py without starting a cluster: its nginx configuration is valid, and
stopping finds only its own processes."""

import os
import subprocess
import sys

import pytest

import settings
from tooling.cluster import NGINX, Cluster, ClusterPorts


@pytest.fixture
def cluster(tmp_path) -> Cluster:
    ports = ClusterPorts(entry=18905, action_entry=18955, rasa=(18906, 18907, 18908),
                         actions=(18956, 18957), web=18981)  # fmt: skip
    return Cluster(ports=ports, run_dir=tmp_path)


def test_nginx_accepts_the_generated_configuration(cluster):
    if not os.path.exists(NGINX):
        if os.environ.get("CI"):
            pytest.fail("nginx is not installed (make nginx)")
        pytest.skip("nginx is not installed (make nginx)")
    (cluster.run_dir / "nginx").mkdir()
    conf = cluster.write_nginx_conf()
    text = conf.read_text()
    assert text.count("server 127.0.0.1:1890") == 6  # 3 replicas, in both Rasa upstreams
    assert text.count("server 127.0.0.1:1895") == 2
    checked = subprocess.run(
        [NGINX, "-t", "-p", str(cluster.run_dir), "-c", str(conf), "-e",
         str(cluster.run_dir / "nginx-error.log")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr


def test_stop_is_harmless_when_nothing_runs(cluster):
    assert cluster.stop() == []
    assert cluster.pids() == {}


def test_a_stale_pid_file_never_signals_another_program(cluster):
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (cluster.run_dir / "rasa-1.pid").write_text(f"{other.pid}\n")
        assert cluster.pids() == {}
        cluster.stop(grace=1)
        assert other.poll() is None
    finally:
        other.kill()
        other.wait()


def test_pids_names_its_live_processes(cluster):
    # a process whose command line looks like the web app's (uvicorn webapp.app:app)
    web = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "webapp.app"])
    try:
        cluster.pid_file("web").write_text(f"{web.pid}\n")
        assert cluster.pids() == {"web": web.pid}
        assert cluster.stop(grace=5) == ["web"]
        assert web.wait(5) is not None
        assert not list(cluster.run_dir.glob("*.pid"))
    finally:
        if web.poll() is None:
            web.kill()
            web.wait()


def test_every_process_of_a_cluster_run_gets_the_same_insights_key(cluster, tmp_path, monkeypatch):
    """One conversation on two replicas must hash alike (counted once, forgotten everywhere):
    one key per cluster run, given to every process, kept in the run folder and private."""
    monkeypatch.delenv("INSIGHTS_KEY", raising=False)
    cluster.model = tmp_path / "model.tar.gz"
    cluster.new_insights_key()
    key = cluster.environment()["INSIGHTS_KEY"]
    assert len(key) == 64 and cluster.environment()["INSIGHTS_KEY"] == key  # restart: the same
    assert (tmp_path / "insights.key").stat().st_mode & 0o777 == 0o600

    settings.check(cluster.environment())  # the servers' own check at start passes
    cluster.new_insights_key()
    assert cluster.environment()["INSIGHTS_KEY"] != key  # a new run, a new key
    monkeypatch.setenv("INSIGHTS_KEY", "the-operator-s-own-key")
    assert cluster.environment()["INSIGHTS_KEY"] == "the-operator-s-own-key"
