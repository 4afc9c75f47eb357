"""The production shape on one machine: `make cluster-up` / `make cluster-down` (contract).

Two Rasa replicas and two action servers behind nginx, conversations in PostgreSQL, Redis as
the lock store (one turn at a time per conversation across replicas), the handoff store in
PostgreSQL, one clinic web app. The processes outlive the command that started them: each
writes its log and pid file under the run folder, and `stop()` (from any process) finds them
there. The commands, readiness checks, environment and migration are tooling/stack.py's.

The load benchmark starts it through `Cluster` (start, wait_ready, stop, entry_url, pids).
"""

import contextlib
import os
import shutil
import signal
import string
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import settings
from insights.keys import key_from_file, new_key, write_key_file
from tooling.stack import DEV_TOKEN, ROOT, Ports, Stack, _get, rasa_ready

CLUSTER_DIR = ROOT / "deploy" / "cluster"
ENDPOINTS = CLUSTER_DIR / "endpoints.yml"
NGINX_TEMPLATE = CLUSTER_DIR / "nginx.conf.template"
NGINX = settings.NGINX.read() or shutil.which("nginx") or "/usr/sbin/nginx"
# what each process's command line contains: a pid file left by a dead cluster whose number
# now belongs to some other program is never signalled
MARKERS = {"rasa": "rasa", "actions": "actions", "nginx": "nginx", "web": "webapp.app"}


@dataclass
class ClusterPorts:
    """The cluster's ports: apart from `make run`'s (5005/5055/8080) and the tests'."""

    entry: int = 8005  # nginx: the balanced Rasa entry (REST, HTTP API, socket.io)
    action_entry: int = 8055  # nginx: the action servers, for the Rasa replicas
    rasa: tuple[int, ...] = (8006, 8007)
    actions: tuple[int, ...] = (8056, 8057)
    web: int = 8081

    @classmethod
    def from_env(cls) -> "ClusterPorts":
        return cls(
            entry=settings.CLUSTER_PORT.read(),
            action_entry=settings.CLUSTER_ACTION_PORT.read(),
            rasa=settings.CLUSTER_RASA_PORTS.read(),
            actions=settings.CLUSTER_ACTION_PORTS.read(),
            web=settings.CLUSTER_WEB_PORT.read(),
        )


@dataclass
class Stores:
    """Where the cluster keeps things; `CLUSTER_*` so `make run`'s own settings stay apart."""

    tracker_store_url: str = field(default_factory=settings.CLUSTER_TRACKER_STORE_URL.read)
    database_url: str = field(default_factory=settings.CLUSTER_DATABASE_URL.read)
    redis_host: str = field(default_factory=settings.CLUSTER_REDIS_HOST.read)
    redis_port: int = field(default_factory=settings.CLUSTER_REDIS_PORT.read)
    redis_db: int = field(default_factory=settings.CLUSTER_REDIS_DB.read)
    redis_password: str = field(
        default_factory=lambda: settings.CLUSTER_REDIS_PASSWORD.read() or ""
    )

    @property
    def redis_url(self) -> str:
        """The same Redis as a URL: the rate limits and the channels' delivery memory
        (channels/shared.py) read REDIS_URL."""
        password = urllib.parse.quote(self.redis_password, safe="")
        password = f":{password}@" if password else ""
        return f"redis://{password}{self.redis_host}:{self.redis_port}/{self.redis_db}"


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in `url` when it does not exist yet."""
    import sqlalchemy as sa

    target = sa.engine.make_url(url)
    if not target.drivername.startswith("postgresql"):
        return
    engine = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            found = connection.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": target.database},
            ).first()
            if not found:
                connection.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    finally:
        engine.dispose()


def _alive(pid: int) -> bool:
    try:  # reap it first if it is our own child (a zombie still answers kill 0)
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _signal(pid: int, sig: int) -> None:
    """The process and its children (its own session/group, as started); the process alone
    when it leads no group."""
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)


def _command_line(pid: int) -> str:
    """Empty for a moment while a process just started is still exec-ing: asked again then."""
    for _ in range(20):
        try:
            text = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            return ""
        if text:
            return text
        time.sleep(0.05)
    return ""


@dataclass
class Process:
    name: str  # rasa-1, actions-2, nginx, web: also the pid and log file names
    command: list[str]
    ready_url: str


@dataclass
class Cluster:
    model: Path | None = None  # None: stop() and pids() only
    ports: ClusterPorts = field(default_factory=ClusterPorts.from_env)
    stores: Stores = field(default_factory=Stores)
    token: str = field(default_factory=lambda: settings.RASA_API_TOKEN.read() or DEV_TOKEN)
    run_dir: Path = ROOT / "run" / "cluster"
    extra_env: dict[str, str] = field(default_factory=dict)
    migration: Stack | None = None  # the handoff store's migration while it runs

    @property
    def entry_url(self) -> str:
        return f"http://localhost:{self.ports.entry}"

    @property
    def web_url(self) -> str:
        return f"http://localhost:{self.ports.web}"

    def _stack(self, index: int) -> Stack:
        """Replica `index` as tooling/stack.py would start it, with the cluster's endpoints."""
        assert self.model is not None, "Cluster(model=...) is needed to start"
        ports = Ports(
            rasa=self.ports.rasa[index], actions=self.ports.actions[index], web=self.ports.web
        )
        return Stack(
            model=self.model, ports=ports, token=self.token, run_dir=self.run_dir,
            endpoints=ENDPOINTS, development=False,
        )  # fmt: skip

    def environment(self) -> dict[str, str]:
        """Stack's environment with the cluster's stores; Rasa expands these in ENDPOINTS."""
        stack = self._stack(0)
        stores = self.stores
        return (
            stack.environment()
            | {
                "TRACKER_STORE_URL": stores.tracker_store_url,
                "DATABASE_URL": stores.database_url,
                "REDIS_HOST": stores.redis_host,
                "REDIS_PORT": str(stores.redis_port),
                "REDIS_DB": str(stores.redis_db),
                "REDIS_PASSWORD": stores.redis_password,
                "REDIS_URL": stores.redis_url,
                "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.ports.action_entry}/webhook",
                "RASA_PUBLIC_URL": self.entry_url,
                "RASA_INTERNAL_URL": self.entry_url,
                "RASA_CORS_ORIGINS": settings.RASA_CORS_ORIGINS.read() or self.web_url,
                "INSIGHTS_KEY": self.insights_key(),
            }
            | self.extra_env
        )

    @property
    def key_file(self) -> Path:
        return self.run_dir / "insights.key"

    def insights_key(self) -> str:
        """INSIGHTS_KEY when it is set, else this cluster run's key (its file in the run
        folder, mode 0600): every replica hashes a conversation alike, so it counts once and
        "forget me" on one replica reaches the rows the other wrote. Never printed or logged."""
        configured = settings.INSIGHTS_KEY.read()
        return configured or key_from_file(self.key_file).decode("ascii")

    def new_insights_key(self) -> None:
        """A new key for this run (`start`); a process restarted later (`restart`) reads it."""
        write_key_file(self.key_file, new_key())

    def processes(self) -> list[Process]:
        found: list[Process] = []
        for index in range(len(self.ports.rasa)):
            commands = {s.name: s.command for s in self._stack(index)._services()}
            rasa_url = f"http://localhost:{self.ports.rasa[index]}"
            found.append(Process(f"rasa-{index + 1}", commands["rasa"], rasa_url))
        for index in range(len(self.ports.actions)):
            commands = {s.name: s.command for s in self._stack(index)._services()}
            health = f"http://localhost:{self.ports.actions[index]}/health"
            found.append(Process(f"actions-{index + 1}", commands["actions"], health))
        web = {s.name: s.command for s in self._stack(0)._services()}["web"]
        found.append(Process("web", web, f"{self.web_url}/healthz"))
        nginx = [NGINX, "-p", str(self.run_dir), "-c", str(self.run_dir / "nginx.conf"), "-e",
                 str(self.run_dir / "nginx-error.log")]  # fmt: skip
        found.append(Process("nginx", nginx, f"http://localhost:{self.ports.action_entry}/health"))
        return found

    def write_nginx_conf(self) -> Path:
        """nginx.conf from the template (only at start: nginx may be reading it later)."""

        def servers(ports: tuple[int, ...]) -> str:
            return "\n".join(
                f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in ports
            )

        text = string.Template(NGINX_TEMPLATE.read_text()).substitute(
            run_dir=self.run_dir,
            rasa_servers=servers(self.ports.rasa),
            action_servers=servers(self.ports.actions),
            entry_port=self.ports.entry,
            action_entry_port=self.ports.action_entry,
        )
        path = self.run_dir / "nginx.conf"
        path.write_text(text)
        return path

    def pid_file(self, name: str) -> Path:
        return self.run_dir / f"{name}.pid"

    def pids(self) -> dict[str, int]:
        """Pids by process name (rasa-1, ..., nginx, web) of the processes still running."""
        found = {}
        for path in sorted(self.run_dir.glob("*.pid")):
            name = path.stem
            marker = MARKERS.get(name.split("-")[0])
            if marker is None:
                continue
            try:
                pid = int(path.read_text().strip())
            except ValueError:
                continue
            if _alive(pid) and marker in _command_line(pid):
                found[name] = pid
        return found

    def start(self) -> None:
        """Create the databases, start the migration and every process in its own session."""
        if self.pids():
            raise RuntimeError(f"a cluster is running already ({self.run_dir}); stop it first")
        if not Path(NGINX).exists():
            raise RuntimeError(f"nginx not found ({NGINX}): `make cluster-up` installs it")
        self.run_dir.mkdir(parents=True, exist_ok=True)
        (self.run_dir / "nginx").mkdir(exist_ok=True)
        for stale in self.run_dir.glob("*.pid"):
            stale.unlink()
        ensure_database(self.stores.tracker_store_url)
        ensure_database(self.stores.database_url)
        self.write_nginx_conf()
        self.new_insights_key()
        env = self.environment()
        # beside the services' start, as Stack does: nothing writes a handoff before Rasa loads
        self.migration = self._stack(0)
        self.migration.start_migration(env)
        for process in self.processes():
            self.start_one(process, env)

    def start_one(self, process: Process, env: dict[str, str] | None = None) -> int:
        """Start one process (also to bring a killed one back), log and pid file by name."""
        with open(self.run_dir / f"{process.name}.log", "ab") as log:
            child = subprocess.Popen(
                process.command, cwd=ROOT, env=env or self.environment(),
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        self.pid_file(process.name).write_text(f"{child.pid}\n")
        return child.pid

    def restart(self, name: str, timeout: float = 180.0) -> float:
        """Start process `name` again (after a fault) and wait until it is ready."""
        process = next(p for p in self.processes() if p.name == name)
        self.start_one(process)
        return self.wait_ready(timeout, names=(name,))

    def _ready(self, process: Process) -> bool:
        if process.name.startswith("rasa"):
            return rasa_ready(process.ready_url, self.token)
        return _get(process.ready_url)[0] == 200

    def wait_ready(self, timeout: float = 300.0, names: tuple[str, ...] | None = None) -> float:
        """Seconds until every process answers ready, then the balanced entry too; raises if
        one dies or time runs out."""
        started = time.monotonic()
        pending = [p for p in self.processes() if names is None or p.name in names]
        while pending:
            running = self.pids()
            for process in list(pending):
                if process.name not in running:
                    raise RuntimeError(
                        f"{process.name} is not running; see {self.run_dir}/{process.name}.log"
                    )
                if self._ready(process):
                    pending.remove(process)
            if time.monotonic() - started > timeout:
                raise TimeoutError(f"not ready after {timeout:.0f}s: {[p.name for p in pending]}")
            time.sleep(0.3)
        while not rasa_ready(self.entry_url, self.token):
            if time.monotonic() - started > timeout:
                raise TimeoutError(f"{self.entry_url} not ready after {timeout:.0f}s")
            time.sleep(0.3)
        if self.migration is not None:
            self.migration.finish_migration(max(1.0, timeout - (time.monotonic() - started)))
            self.migration = None
        return time.monotonic() - started

    def kill(self, name: str, sig: int = signal.SIGKILL) -> int:
        """Signal one process by its pid file (the fault tests)."""
        pid = int(self.pid_file(name).read_text())
        _signal(pid, sig)
        deadline = time.monotonic() + 10
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        return pid

    def stop(self, grace: float = 15.0) -> list[str]:
        """Stop every process of the cluster (harmless when none runs); names stopped."""
        if self.migration is not None and self.migration.migration is not None:
            self.migration.migration.kill()
            self.migration.migration.wait()
        self.migration = None
        running = self.pids()
        for pid in running.values():
            _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for pid in running.values():
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            if _alive(pid):
                _signal(pid, signal.SIGKILL)
        for path in self.run_dir.glob("*.pid"):
            path.unlink()
        return sorted(running)

    def __enter__(self) -> "Cluster":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "status"
    if command == "down":
        stopped = Cluster().stop()
        print(f"stopped: {', '.join(stopped)}" if stopped else "no cluster was running")
        return 0
    if command == "status":
        pids = Cluster().pids()
        print("\n".join(f"{n}: {p}" for n, p in pids.items()) or "no cluster running")
        return 0
    if command != "up":
        print("usage: python -m tooling.cluster up|down|status", file=sys.stderr)
        return 2
    from tooling.train import ensure_model

    cluster = Cluster(model=ensure_model())
    if cluster.pids():
        print(f"a cluster is running already ({cluster.run_dir}); `make cluster-down` first")
        return 1
    try:
        cluster.start()
        seconds = cluster.wait_ready()
    except Exception as err:
        print(f"could not start the cluster: {err}; stopping what started", file=sys.stderr)
        cluster.stop()
        return 1
    ports, stores = cluster.ports, cluster.stores
    print(
        f"Cluster ready in {seconds:.1f}s (logs and pid files: {cluster.run_dir}).\n"
        f"  Rasa, balanced (REST, API, socket.io): {cluster.entry_url}\n"
        f"  Rasa replicas:   {', '.join(str(p) for p in ports.rasa)}\n"
        f"  Action servers:  {', '.join(str(p) for p in ports.actions)}"
        f" (balanced for Rasa at :{ports.action_entry})\n"
        f"  Clinic web app:  {cluster.web_url}\n"
        f"  Conversations:   {stores.tracker_store_url}\n"
        f"  Handoff store:   {stores.database_url}\n"
        f"  Lock store:      redis://{stores.redis_host}:{stores.redis_port}/{stores.redis_db}\n"
        f"  Rasa API token:  {cluster.token}\n"
        "`make cluster-down` stops it.",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
