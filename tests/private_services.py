"""Throwaway PostgreSQL and Redis servers for fault tests: each on its own port and folder, so
a test can stop and restart them without touching the machine's shared ones."""

import getpass
import os
import shutil
import socket
import subprocess
import tempfile
import time
from glob import glob
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def machine_postgres_candidates(override: str | None = None) -> list[str]:
    """URLs of the machine's own PostgreSQL (127.0.0.1:5432, database `test`, trust auth) under
    the users it may know, or just `override`."""
    if override:
        return [override]
    users = dict.fromkeys(["postgres", "root", getpass.getuser()])
    return [f"postgresql://{user}@127.0.0.1:5432/test" for user in users]


def first_answering_postgres(candidates: list[str]) -> str | None:
    """The first URL PostgreSQL accepts a connection on, or None."""
    import psycopg2

    for url in candidates:
        try:
            psycopg2.connect(url, connect_timeout=2).close()
        except psycopg2.Error:
            continue
        return url
    return None


def postgres_bin() -> Path | None:
    found = sorted(glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


class PrivatePostgres:
    """initdb into a temporary folder, trust auth, user postgres (as root: run as `postgres`,
    since PostgreSQL refuses to run as root)."""

    def __init__(self) -> None:
        bin_dir = postgres_bin()
        if bin_dir is None:
            raise FileNotFoundError("no /usr/lib/postgresql/*/bin/initdb")
        self.bin = bin_dir
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="headache-pg-"))
        self.data = self.folder / "data"
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/headache_cluster"

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [*self.as_user, str(self.bin / tool), *args],
            check=True, capture_output=True, cwd=self.folder,
        )  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options,
                  "-l", str(self.folder / "log"), "-w", "start")  # fmt: skip

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


class PrivateRedis:
    """redis-server on its own port, nothing saved to disk."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while not _answers(self.port):
            if time.monotonic() > deadline:
                raise TimeoutError(f"redis-server on {self.port} did not answer")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
