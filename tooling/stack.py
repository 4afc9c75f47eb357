"""Start, watch and stop the three processes of the assistant (contract: ports and readiness).

Used by `make run`, the server tests and the benchmarks, so all three start the assistant the
same way. Each process runs in its own process group and is stopped with its children.

A development stack (the default) listens on loopback only: 127.0.0.1, or the interface named by
LISTEN_HOST (0.0.0.0: every interface; other machines' browsers then need RASA_PUBLIC_URL and
RASA_CORS_ORIGINS to name this machine).
Its browser origins are the web app under both loopback names unless RASA_CORS_ORIGINS names
them. The local cluster (tooling/cluster.py, `development=False`) keeps the production settings
of deploy/: Rasa and the action servers on every interface, CORS as configured.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import yaml

import settings
from rasa_server import COMMAND as RASA

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DEV_TOKEN = "dev-token-change-me"
# The front desk's development credentials, printed by `make run`; set FRONTDESK_TOKEN and
# FRONTDESK_PASSWORD (or FRONTDESK_PASSWORD_HASH) for anything real.
DEV_FRONTDESK_TOKEN = "dev-frontdesk-token-change-me"
DEV_FRONTDESK_PASSWORD = "dev-frontdesk-password"


@dataclass
class Ports:
    rasa: int = 5005
    actions: int = 5055
    web: int = 8080

    @classmethod
    def from_env(cls) -> "Ports":
        return cls(
            rasa=settings.RASA_PORT.read(),
            actions=settings.ACTION_PORT.read(),
            web=settings.WEB_PORT.read(),
        )


@dataclass
class Service:
    name: str
    command: list[str]
    ready: Callable[[], bool]
    env: dict[str, str] = field(default_factory=dict)  # beside the stack's shared environment
    process: subprocess.Popen | None = None
    log_thread: threading.Thread | None = None


def _get(url: str, timeout: float = 2.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, b""
    except (urllib.error.URLError, OSError):
        return 0, b""


def rasa_ready(url: str, token: str) -> bool:
    """Ready (contract): the server answers and a model is loaded."""
    status, body = _get(f"{url}/status?token={token}")
    return status == 200 and bool(json.loads(body or b"{}").get("model_id"))


@dataclass
class Stack:
    model: Path
    ports: Ports = field(default_factory=Ports.from_env)
    # An empty token would open Rasa's API to `?token=` (Rasa compares it as given): never empty
    token: str = field(default_factory=lambda: settings.RASA_API_TOKEN.read() or DEV_TOKEN)
    run_dir: Path = ROOT / "run" / "dev"
    log_to: IO[str] | None = None  # None: one log file per process under run_dir
    only: tuple[str, ...] = ("actions", "web", "rasa")  # which of the three to start
    endpoints: Path | None = None  # None: endpoints.yml with this stack's action server
    development: bool = True  # loopback only and both loopback origins (module docstring)
    services: list[Service] = field(default_factory=list)
    migration: subprocess.Popen | None = None

    @property
    def rasa_url(self) -> str:
        return f"http://localhost:{self.ports.rasa}"

    @property
    def web_url(self) -> str:
        return f"http://localhost:{self.ports.web}"

    @property
    def action_url(self) -> str:
        return f"http://localhost:{self.ports.actions}/webhook"

    def endpoints_file(self) -> Path:
        """endpoints.yml with the action server at this stack's port (or the given file)."""
        if self.endpoints is not None:
            return self.endpoints
        endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text())
        endpoints["action_endpoint"]["url"] = self.action_url
        path = self.run_dir / "endpoints.yml"
        path.write_text(yaml.safe_dump(endpoints))
        return path

    @property
    def host(self) -> str | None:
        """The interface Rasa and the action server listen on; None: their own default (all)."""
        return settings.LISTEN_HOST.read() if self.development else None

    def cors_origins(self) -> list[str]:
        """Browser origins allowed to call Rasa (REST and socket.io): RASA_CORS_ORIGINS exactly
        as configured, by default this stack's web app (channels/limits.py checks the list)."""
        from channels.limits import cors_origins, loopback_origins

        own = loopback_origins(self.ports.web) if self.development else [self.web_url]
        return cors_origins({"RASA_CORS_ORIGINS": ",".join(own)} | os.environ)

    def _services(self) -> list[Service]:
        rasa = [
            *RASA, "run", "--enable-api", "--auth-token", self.token,
            "--port", str(self.ports.rasa), "--model", str(self.model),
            "--endpoints", str(self.endpoints_file()), "--credentials", "credentials.yml",
            "--cors", *self.cors_origins(),
        ]  # fmt: skip
        if self.host:
            rasa += ["--interface", self.host]
        # rasa_sdk directly (actions/__main__.py): `rasa run actions` would import all of Rasa
        # and TensorFlow
        actions = [sys.executable, "-m", "actions", "--port", str(self.ports.actions)]
        web = [
            str(BIN / "uvicorn"), "webapp.app:app", "--host", self.host or "127.0.0.1",
            "--port", str(self.ports.web), "--no-access-log", "--ws", "none",
        ]  # fmt: skip
        action_health = f"http://localhost:{self.ports.actions}/health"
        return [
            # rasa_sdk takes its interface from SANIC_HOST only
            Service(
                "actions",
                actions,
                lambda: _get(action_health)[0] == 200,
                env={"SANIC_HOST": self.host} if self.host else {},
            ),
            Service("web", web, lambda: _get(f"{self.web_url}/healthz")[0] == 200),
            Service("rasa", rasa, lambda: rasa_ready(self.rasa_url, self.token)),
        ]

    def _pipe(self, service: Service, stream: IO[bytes]) -> None:
        target = self.log_to
        log_file = None if target else open(self.run_dir / f"{service.name}.log", "w")  # noqa: SIM115
        for line in iter(stream.readline, b""):
            text = line.decode(errors="replace")
            if target:
                target.write(f"[{service.name}] {text}")
                target.flush()
            else:
                log_file.write(text)
                log_file.flush()
        if log_file:
            log_file.close()

    def environment(self) -> dict[str, str]:
        """What the three processes share: the handoff store and the conversations (embedded
        SQLite files under run_dir unless DATABASE_URL / TRACKER_STORE_URL are set), the Rasa
        API for the console, front-desk secrets."""
        defaults = {
            "DATABASE_URL": f"sqlite:///{self.run_dir / 'handoffs.sqlite3'}",
            "TRACKER_STORE_URL": f"sqlite:///{self.run_dir / 'conversations.sqlite3'}",
            "HANDOFF_OUTBOX": str(self.run_dir / "outbox"),
            "FRONTDESK_TOKEN": DEV_FRONTDESK_TOKEN,
            "FRONTDESK_PUBLIC_URL": self.web_url,
            "RASA_PUBLIC_URL": self.rasa_url,
            # Rasa's usage reports to Rasa's servers are on unless refused: a clinic's assistant
            # sends nothing out that it need not (and the report's model scan slows the start)
            "RASA_TELEMETRY_ENABLED": "false",
        }
        if not settings.FRONTDESK_PASSWORD_HASH.is_set():
            defaults["FRONTDESK_PASSWORD"] = DEV_FRONTDESK_PASSWORD
        return (
            defaults
            | dict(os.environ)
            | {
                "TF_CPP_MIN_LOG_LEVEL": "3",
                "PYTHONUNBUFFERED": "1",
                "RASA_API_TOKEN": self.token,
                "RASA_INTERNAL_URL": self.rasa_url,
                "RASA_CORS_ORIGINS": ",".join(self.cors_origins()),
            }
        )

    def start_migration(self, env: dict[str, str]) -> None:
        """Bring the handoff store to the newest schema, beside the services' own start (Rasa
        takes far longer to load than this, and nothing writes a handoff before it answers);
        `wait_ready` waits for it too."""
        self.migration = subprocess.Popen(
            [sys.executable, "-m", "handoff_delivery.migrate"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip

    def finish_migration(self, timeout: float) -> None:
        """A store that is down is not fatal: handoffs wait in the outbox until it is back."""
        if self.migration is None:
            return
        output, _ = self.migration.communicate(timeout=timeout)
        if self.migration.returncode != 0:
            print(f"warning: {output.strip()}", file=sys.stderr, flush=True)
        self.migration = None

    def start(self) -> None:
        if not self.token.strip():
            raise ValueError("the Rasa API token must not be empty")
        self.run_dir.mkdir(parents=True, exist_ok=True)
        env = self.environment()
        settings.check(env)  # a bad value stops here, named, not in one of three logs
        self.start_migration(env)
        self.services = [s for s in self._services() if s.name in self.only]
        for service in self.services:
            service.process = subprocess.Popen(
                service.command, cwd=ROOT, env=env | service.env, start_new_session=True,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            )  # fmt: skip
            service.log_thread = threading.Thread(
                target=self._pipe, args=(service, service.process.stdout), daemon=True
            )
            service.log_thread.start()

    def wait_ready(self, timeout: float = 120.0) -> float:
        """Seconds until every service answers ready; raises if one dies or time runs out."""
        started = time.monotonic()
        pending = list(self.services)
        while pending:
            for service in list(pending):
                if service.process and service.process.poll() is not None:
                    raise RuntimeError(
                        f"{service.name} exited with {service.process.returncode}; "
                        f"see its log ({self.run_dir}/{service.name}.log or above)"
                    )
                if service.ready():
                    pending.remove(service)
            if time.monotonic() - started > timeout:
                raise TimeoutError(f"not ready after {timeout:.0f}s: {[s.name for s in pending]}")
            time.sleep(0.2)
        self.finish_migration(max(1.0, timeout - (time.monotonic() - started)))
        return time.monotonic() - started

    def stop(self, grace: float = 10.0) -> None:
        if self.migration is not None and self.migration.poll() is None:
            self.migration.kill()
            self.migration.wait()
        for service in self.services:
            if service.process and service.process.poll() is None:
                os.killpg(service.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for service in self.services:
            if not service.process:
                continue
            try:
                service.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(service.process.pid, signal.SIGKILL)
                service.process.wait()
            if service.log_thread:
                service.log_thread.join(timeout=2)

    def pids(self) -> dict[str, int]:
        return {s.name: s.process.pid for s in self.services if s.process}

    def __enter__(self) -> "Stack":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
