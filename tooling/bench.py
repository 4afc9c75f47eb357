"""`make bench`: measure the assistant against a stock `rasa init` assistant (bench/README.md).

One run trains, cross-validates, starts and loads each assistant in turn (never two at once, so
they do not share the CPU), then writes bench/results.json, bench/results.md and a dated copy
in bench/history/, and prints the table. Everything it creates lives under bench/work/; the
project's models/ is not touched.

  --quick       only our assistant: no stock baseline, no LogReg/DIET comparison
  --compare     also bench/configs/diet_one_layer.yml (LogReg vs DIET); on by default, because
                `make bench` runs the full benchmark and calls this module without flags
  --no-compare  full benchmark without the comparison
"""

import argparse
import contextlib
import datetime
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import settings
from rasa_server import COMMAND as RASA  # our assistant, patched; the stock one: BIN / rasa
from tooling.bench_history import record_run
from tooling.stack import BIN, Ports, Stack, _get

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
WORK = BENCH / "work"
DIET_CONFIG = BENCH / "configs" / "diet_one_layer.yml"
# 330 messages (15 per intent) written without sight of data/nlu; never trained on.
HOLDOUT = BENCH / "intent_holdout.yml"
CONVERSE = Path(settings.BENCH_CONVERSE.read())
TOKEN = "bench-token"
OURS_PORTS = Ports(rasa=25005, actions=25055, web=28080)
STOCK_PORTS = Ports(rasa=25006, actions=25056, web=0)  # the stock assistant has no web app
LOAD_ONE = (1, 40)  # users, turns per user
LOAD_MANY = (10, 16)
WARM_UP = (1, 8)  # one pass through the load script first, not counted
READY_TIMEOUT = 300.0
TRAIN_TIMEOUT = 3600
ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "PYTHONUNBUFFERED": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "RASA_TELEMETRY_ENABLED": "false",
    # the load script types far faster than a person: no per-sender limit (channels/limits.py)
    "RATE_LIMIT_PER_MINUTE": "0",
}


def log(message: str) -> None:
    stamp = datetime.datetime.now().strftime("%H:%M:%S")
    print(f"[bench {stamp}] {message}", flush=True)


def child_env(**extra: str) -> dict[str, str]:
    return os.environ | ENV | extra


# ---------------------------------------------------------------- processes


def _stop_group(process: subprocess.Popen, grace: float = 10.0) -> None:
    """SIGTERM the process group, SIGKILL it after `grace` seconds."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def timed_run(command: list[str], log_path: Path, cwd: Path = ROOT, **env: str) -> float:
    """Run `command` in its own process group, output to `log_path`; wall seconds."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log(f"$ {' '.join(command)}  (log: {log_path.relative_to(ROOT)})")
    with open(log_path, "w") as out:
        started = time.monotonic()
        process = subprocess.Popen(
            command, cwd=cwd, env=child_env(**env), start_new_session=True,
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            process.wait(TRAIN_TIMEOUT)
        finally:
            _stop_group(process, grace=5)
        seconds = time.monotonic() - started
    if process.returncode != 0:
        tail = "".join(log_path.read_text(errors="replace").splitlines(True)[-15:])
        raise RuntimeError(f"{command[:4]} exited with {process.returncode}:\n{tail}")
    return seconds


def port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def check_ports(ports: Ports) -> None:
    busy = [p for p in (ports.rasa, ports.actions, ports.web) if p and not port_free(p)]
    if busy:
        raise RuntimeError(f"ports already in use: {busy} (another bench running?)")


def rasa_ready(url: str, token: str) -> bool:
    status, body = _get(f"{url}/status?token={token}")
    try:
        return status == 200 and bool(json.loads(body or b"{}").get("model_id"))
    except ValueError:
        return False


class StockAssistant:
    """The `rasa init` assistant: Rasa server plus action server, each in its own group."""

    def __init__(self, project: Path, model: Path, ports: Ports, token: str) -> None:
        self.project, self.model, self.ports, self.token = project, model, ports, token
        self.processes: dict[str, subprocess.Popen] = {}
        self.rasa_url = f"http://localhost:{ports.rasa}"

    def start(self) -> None:
        endpoints = self.project / "endpoints.yml"
        text = endpoints.read_text()
        if "\naction_endpoint:" not in "\n" + text:
            url = f"http://localhost:{self.ports.actions}/webhook"
            endpoints.write_text(text + f'\naction_endpoint:\n  url: "{url}"\n')
        commands = {
            "actions": [str(BIN / "rasa"), "run", "actions", "--port", str(self.ports.actions)],
            "rasa": [
                str(BIN / "rasa"),
                "run",
                "--enable-api",
                "--auth-token",
                self.token,
                "--port",
                str(self.ports.rasa),
                "--model",
                str(self.model),
                "--endpoints",
                "endpoints.yml",
                "--credentials",
                "credentials.yml",
            ],  # fmt: skip
        }
        for name, command in commands.items():
            out = open(self.project / f"{name}.log", "w")  # noqa: SIM115 (closed by the child)
            self.processes[name] = subprocess.Popen(
                command, cwd=self.project, env=child_env(), start_new_session=True,
                stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
            out.close()

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> None:
        checks: dict[str, Callable[[], bool]] = {
            "actions": lambda: _get(f"http://localhost:{self.ports.actions}/health")[0] == 200,
            "rasa": lambda: rasa_ready(self.rasa_url, self.token),
        }
        started = time.monotonic()
        while checks:
            for name in list(checks):
                process = self.processes[name]
                if process.poll() is not None:
                    raise RuntimeError(
                        f"stock {name} exited with {process.returncode}; "
                        f"see {self.project / (name + '.log')}"
                    )
                if checks[name]():
                    del checks[name]
            if time.monotonic() - started > timeout:
                raise TimeoutError(f"stock not ready after {timeout:.0f}s: {list(checks)}")
            time.sleep(0.2)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            _stop_group(process)

    def pids(self) -> dict[str, int]:
        return {name: p.pid for name, p in self.processes.items()}

    def __enter__(self) -> "StockAssistant":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# ---------------------------------------------------------------- memory


def _proc_status_kb(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process in kB, from /proc (empty if it is gone)."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    fields = (line.split() for line in lines if line.startswith(("VmRSS:", "VmHWM:")))
    return {f[0].rstrip(":"): int(f[1]) for f in fields}


def proc_stat(pid: int | str) -> list[str] | None:
    """The fields of /proc/<pid>/stat after "pid (comm) " (state, ppid, pgrp, ...; utime and
    stime are [11] and [12]), or None if the process is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat[stat.rindex(")") + 2 :].split()


def _processes() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, process group) for every process, from /proc/<pid>/stat."""
    table: dict[int, tuple[int, int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        fields = proc_stat(entry.name)
        if fields is not None:
            table[int(entry.name)] = (int(fields[1]), int(fields[2]))
    return table


class RssSampler:
    """Samples, per service, the RSS of its process tree: the process, its descendants and
    anything else in its process group. Peak = max(highest sampled sum, the leader's VmHWM),
    so a spike of the main process between two samples still counts."""

    def __init__(self, pids: dict[str, int], interval: float = 0.25) -> None:
        self.pids = pids
        self.interval = interval
        self.peak_kb = dict.fromkeys(pids, 0)
        self.hwm_kb: dict[str, dict[int, int]] = {name: {} for name in pids}
        self.max_processes = dict.fromkeys(pids, 0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _tree(leader: int, table: dict[int, tuple[int, int]]) -> set[int]:
        tree = {leader} | {pid for pid, (_, pgid) in table.items() if pgid == leader}
        grew = True
        while grew:  # descendants that may have left the group
            more = {pid for pid, (ppid, _) in table.items() if ppid in tree} - tree
            tree |= more
            grew = bool(more)
        return tree

    def sample(self) -> None:
        table = _processes()
        for name, leader in self.pids.items():
            total, alive = 0, 0
            for pid in self._tree(leader, table):
                status = _proc_status_kb(pid)
                if "VmRSS" not in status:
                    continue
                alive += 1
                total += status["VmRSS"]
                hwm = self.hwm_kb[name]
                hwm[pid] = max(hwm.get(pid, 0), status.get("VmHWM", 0))
            leader_hwm = self.hwm_kb[name].get(leader, 0)
            self.peak_kb[name] = max(self.peak_kb[name], total, leader_hwm)
            self.max_processes[name] = max(self.max_processes[name], alive)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def results(self) -> dict[str, dict[str, float]]:
        return {
            name: {
                "peak_rss_mb": round(self.peak_kb[name] / 1024, 1),
                "vmhwm_sum_mb": round(sum(self.hwm_kb[name].values()) / 1024, 1),
                "processes": self.max_processes[name],
            }
            for name in self.pids
        }


# ---------------------------------------------------------------- measurements


def converse_load(url: str, users: int, turns: int, out: Path) -> dict[str, Any]:
    """converse.py's load mode as a subprocess; its summary (p50_ms, p95_ms, ...)."""
    command = [
        sys.executable, str(CONVERSE), "load", "--url", url, "--token", TOKEN,
        "--users", str(users), "--turns", str(turns), "--json", str(out),
    ]  # fmt: skip
    out.unlink(missing_ok=True)
    done = subprocess.run(
        command, env=child_env(), capture_output=True, text=True, timeout=1800, check=False
    )
    if done.returncode != 0 or not out.exists():
        raise RuntimeError(f"converse.py load failed ({done.returncode}): {done.stderr[-2000:]}")
    summary = json.loads(out.read_text())["summary"]
    summary.setdefault("no_reply", 0)
    summary.setdefault("errors", 0)
    log(f"  load {users}x{turns}: {json.dumps(summary)}")
    return summary


def load_figures(url: str, tag: str, one_user_only: bool = False) -> dict[str, Any]:
    figures = {"warm_up": converse_load(url, *WARM_UP, WORK / f"load-{tag}-warmup.json")}
    figures["one_user"] = converse_load(url, *LOAD_ONE, WORK / f"load-{tag}-1.json")
    if not one_user_only:
        figures["ten_users"] = converse_load(url, *LOAD_MANY, WORK / f"load-{tag}-10.json")
    return figures


def train_model(config: Path, out_dir: Path, name: str, tag: str) -> tuple[Path, float]:
    """Force-train `config` into `out_dir`; the model path and wall seconds of `rasa train`."""
    shutil.rmtree(out_dir, ignore_errors=True)
    command = [
        *RASA, "train", "--force", "--config", str(config.relative_to(ROOT)),
        "--out", str(out_dir), "--fixed-model-name", name,
    ]  # fmt: skip
    cache = str(WORK / "cache")
    seconds = timed_run(command, WORK / f"train-{tag}.log", RASA_CACHE_DIRECTORY=cache)
    model = out_dir / f"{name}.tar.gz"
    if not model.exists():
        raise RuntimeError(f"training wrote no {model}")
    log(f"  trained {model.relative_to(ROOT)} in {seconds:.1f}s")
    return model, seconds


def cross_validate(config: Path, tag: str) -> dict[str, Any]:
    """5-fold cross-validated intent report; macro F1 from the accumulated test folds."""
    out = WORK / f"cv-{tag}"
    shutil.rmtree(out, ignore_errors=True)
    command = [
        *RASA, "test", "nlu", "--nlu", "data/nlu",
        "--config", str(config.relative_to(ROOT)),
        "--cross-validation", "--folds", "5", "--out", str(out.relative_to(ROOT)),
    ]  # fmt: skip
    seconds = timed_run(command, WORK / f"cv-{tag}.log", RASA_CACHE_DIRECTORY=str(WORK / "cache"))
    return intent_report_figures(out / "intent_report.json", seconds, f"cv {tag}")


def intent_report_figures(report_path: Path, seconds: float, label: str) -> dict[str, Any]:
    """The figures of a `rasa test nlu` intent report, logged under `label`."""
    report = json.loads(report_path.read_text())
    per_intent = {k: v for k, v in report.items() if isinstance(v, dict) and "avg" not in k}
    worst = sorted(per_intent.items(), key=lambda kv: kv[1]["f1-score"])[:3]
    figures = {
        "macro_f1": round(report["macro avg"]["f1-score"], 4),
        "weighted_f1": round(report["weighted avg"]["f1-score"], 4),
        "accuracy": round(report.get("accuracy", float("nan")), 4),
        "examples": report["macro avg"]["support"],
        "intents": len(per_intent),
        "lowest_f1": {k: round(v["f1-score"], 3) for k, v in worst},
        "seconds": round(seconds, 1),
        "report": str(report_path.relative_to(ROOT)),
    }
    log(f"  {label}: macro F1 {figures['macro_f1']} (lowest: {figures['lowest_f1']})")
    return figures


def score_holdout(model: Path, tag: str) -> dict[str, Any]:
    """The trained model (whole NLU pipeline, red-flag marker included) on the held-out set."""
    out = WORK / f"holdout-{tag}"
    shutil.rmtree(out, ignore_errors=True)
    command = [
        *RASA, "test", "nlu", "--nlu", str(HOLDOUT.relative_to(ROOT)),
        "--model", str(model), "--out", str(out.relative_to(ROOT)),
    ]  # fmt: skip
    seconds = timed_run(command, WORK / f"holdout-{tag}.log")
    return intent_report_figures(out / "intent_report.json", seconds, f"held-out {tag}")


def serve_ours(model: Path, tag: str, ports: Ports, one_user_only: bool = False) -> dict[str, Any]:
    """Start the stack (Rasa, actions, web app), time readiness, sample RSS, run the load."""
    check_ports(ports)
    run_dir = WORK / f"run-{tag}"
    shutil.rmtree(run_dir, ignore_errors=True)
    stack = Stack(model=model, ports=ports, token=TOKEN, run_dir=run_dir)
    started = time.monotonic()
    with stack:
        pids = {k: v for k, v in stack.pids().items() if k in ("rasa", "actions")}
        with RssSampler(pids) as sampler:
            stack.wait_ready(timeout=READY_TIMEOUT)
            ready = time.monotonic() - started
            log(f"  {tag} ready {ready:.1f}s after start")
            figures: dict[str, Any] = {"ready_s": round(ready, 2)}
            figures |= load_figures(stack.rasa_url, tag, one_user_only)
            time.sleep(2.0)  # keep sampling a moment after the load
            sampler.sample()
        figures["rss"] = sampler.results()
    return figures


def serve_stock(project: Path, model: Path) -> dict[str, Any]:
    check_ports(STOCK_PORTS)
    started = time.monotonic()
    with StockAssistant(project, model, STOCK_PORTS, TOKEN) as stock:
        with RssSampler(stock.pids()) as sampler:
            stock.wait_ready()
            ready = time.monotonic() - started
            log(f"  stock ready {ready:.1f}s after start")
            figures: dict[str, Any] = {"ready_s": round(ready, 2)}
            figures |= load_figures(stock.rasa_url, "stock")
            time.sleep(2.0)
            sampler.sample()
        figures["rss"] = sampler.results()
    return figures


def make_stock() -> tuple[Path, Path, float]:
    """`rasa init --no-prompt` into bench/work/stock; it trains as part of init (timed)."""
    project = WORK / "stock"
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    command = [str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(project)]
    # A fresh cache inside the fresh project: nothing cached from earlier runs speeds it up.
    seconds = timed_run(
        command, WORK / "init-stock.log", RASA_CACHE_DIRECTORY=str(project / ".rasa" / "cache")
    )
    models = sorted((project / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise RuntimeError("rasa init trained no model")
    log(f"  stock project and model in {seconds:.1f}s: {models[-1].relative_to(ROOT)}")
    return project, models[-1], seconds


# ---------------------------------------------------------------- report


def _get_path(data: dict[str, Any], path: str) -> Any:
    for key in path.split("."):
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        text = f"{value:.3f}" if abs(value) < 1 else f"{value:.1f}"
    else:
        text = str(value)
    return f"{text}{unit}"


def _ratio(ours: Any, stock: Any) -> float | None:
    if isinstance(ours, int | float) and isinstance(stock, int | float) and stock:
        return round(ours / stock, 3)
    return None


def _fmt_ratio(ratio: float | None) -> str:
    return "–" if ratio is None else f"{ratio:.2f}"


def _met(ok: bool | None) -> str:
    return "–" if ok is None else ("yes" if ok else "**no**")


def main_rows(results: dict[str, Any]) -> list[tuple[str, ...]]:
    ours, stock = results.get("ours", {}), results.get("stock", {})

    def both(path: str) -> tuple[Any, Any]:
        return _get_path(ours, path), _get_path(stock, path)

    rows: list[tuple[str, ...]] = []

    def row(name: str, path: str, unit: str, target: str, check: Callable | None) -> None:
        a, b = both(path)
        ratio = _ratio(a, b)
        ok = None
        if check is not None and a is not None:
            try:
                ok = check(a, b, ratio)
            except TypeError:
                ok = None
        rows.append((name, _fmt(a, unit), _fmt(b, unit), _fmt_ratio(ratio), target, _met(ok)))

    macro = _get_path(ours, "cv.macro_f1")
    rows.append(
        ("intent macro-F1 (5-fold CV)", _fmt(macro), "–", "–", "≥ 0.95",
         _met(None if macro is None else macro >= 0.95))
    )  # fmt: skip
    held_out = _get_path(ours, "holdout.macro_f1")
    rows.append(("intent macro-F1, held-out set", _fmt(held_out), "–", "–", "–", "–"))
    row("train time", "train_s", " s", "–", None)
    row("ready after start", "serve.ready_s", " s", "≤ 15 s", lambda a, b, r: a <= 15)
    row("1 user p50", "serve.one_user.p50_ms", " ms", "≤ 0.5× stock",
        lambda a, b, r: None if r is None else r <= 0.5)  # fmt: skip
    row("1 user p95", "serve.one_user.p95_ms", " ms", "–", None)
    row("1 user throughput", "serve.one_user.throughput_msg_s", " msg/s", "–", None)
    row("10 users p50", "serve.ten_users.p50_ms", " ms", "–", None)
    row("10 users p95", "serve.ten_users.p95_ms", " ms", "≤ 150 ms", lambda a, b, r: a <= 150)
    row("10 users throughput", "serve.ten_users.throughput_msg_s", " msg/s", "≥ 3× stock",
        lambda a, b, r: None if r is None else r >= 3)  # fmt: skip
    row("Rasa server peak RSS", "serve.rss.rasa.peak_rss_mb", " MB", "≤ 900 MB",
        lambda a, b, r: a <= 900)  # fmt: skip
    row("action server peak RSS", "serve.rss.actions.peak_rss_mb", " MB", "–", None)
    for load in ("one_user", "ten_users"):
        for field in ("no_reply", "errors"):
            a, b = both(f"serve.{load}.{field}")
            label = f"{'1 user' if load == 'one_user' else '10 users'} {field.replace('_', '-')}"
            rows.append((label, _fmt(a), _fmt(b), "–", "0", _met(None if a is None else a == 0)))
    return rows


def compare_rows(results: dict[str, Any]) -> list[tuple[str, ...]]:
    ours, diet = results.get("ours", {}), results.get("diet", {})
    rows = []
    for name, path, unit in (
        ("intent macro-F1 (5-fold CV)", "cv.macro_f1", ""),
        ("intent macro-F1, held-out set", "holdout.macro_f1", ""),
        ("1 user p50", "serve.one_user.p50_ms", " ms"),
        ("ready after start", "serve.ready_s", " s"),
        ("train time", "train_s", " s"),
        ("Rasa server peak RSS", "serve.rss.rasa.peak_rss_mb", " MB"),
    ):
        a, b = _get_path(ours, path), _get_path(diet, path)
        rows.append((name, _fmt(a, unit), _fmt(b, unit), _fmt_ratio(_ratio(a, b))))
    return rows


def table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def render(results: dict[str, Any]) -> str:
    machine = results["machine"]
    parts = [
        "# Benchmark results",
        "",
        f"Generated by `make bench` (tooling/bench.py) at {results['timestamp']}, commit "
        f"`{results['git_commit']}`{' (dirty tree)' if results['git_dirty'] else ''}; "
        f"{machine['nproc']} CPUs, {machine['memory_gb']} GB RAM. "
        f"Mode: {results['mode']}. How it is measured: bench/README.md.",
        "",
        table(("metric", "ours", "stock rasa init", "ratio", "target", "met?"), main_rows(results)),
    ]
    if "diet" in results:
        parts += [
            "",
            "## LogisticRegression (config.yml) vs DIET (bench/configs/diet_one_layer.yml)",
            "",
            table(("metric", "LogReg (ours)", "DIET, 1 layer", "ratio"), compare_rows(results)),
        ]
    if results.get("errors"):
        parts += ["", "## Stages that failed", ""]
        parts += [f"- **{stage}**: {error}" for stage, error in results["errors"].items()]
    return "\n".join(parts) + "\n"


def _meminfo_kb(key: str) -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def machine() -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(),
        "memory_gb": round(_meminfo_kb("MemTotal") / 2**20, 1),
        "load_avg_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": sys.version.split()[0],
    }


def git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    return done.stdout.strip()


# ---------------------------------------------------------------- main


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="only our assistant, no baseline")
    parser.add_argument(
        "--compare", action=argparse.BooleanOptionalAction, default=True,
        help="also the LogReg vs DIET comparison",
    )  # fmt: skip
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _interrupt)  # stop children on `kill` as on Ctrl-C
    os.environ.update(ENV)  # Stack passes its own environment on to the three processes
    if not CONVERSE.exists():
        print(f"converse.py not found at {CONVERSE} (set BENCH_CONVERSE)", file=sys.stderr)
        return 2
    mode = "quick" if args.quick else ("full + compare" if args.compare else "full")
    WORK.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(WORK / "cache", ignore_errors=True)
    results: dict[str, Any] = {
        "timestamp": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "git_commit": git("rev-parse", "HEAD"),
        "git_dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "machine": machine(),
        "mode": mode,
        "load": {"one_user": LOAD_ONE, "ten_users": LOAD_MANY, "warm_up": WARM_UP},
        "ours": {},
        "errors": {},
    }
    compare = args.compare and not args.quick

    def stage(name: str, action: Callable[[], None]) -> None:
        log(f"== {name}")
        try:
            action()
        except Exception as err:  # noqa: BLE001 (one failed stage must not lose the others)
            traceback.print_exc()
            results["errors"][name] = f"{type(err).__name__}: {str(err).strip()[:500]}"

    # Imported here: they load spaCy, which `--help` does not need.
    from headache_core.nlp.pipeline import prepare_model_inputs
    from tooling.train import model_fingerprint

    prepare_model_inputs()  # the spaCy pipeline and subword vectors config.yml loads
    models: dict[str, Path] = {}

    def train_ours() -> None:
        name = f"headache-{model_fingerprint()}"
        models["ours"], seconds = train_model(ROOT / "config.yml", WORK / "models", name, "ours")
        results["ours"]["train_s"] = round(seconds, 1)

    def make_baseline() -> None:
        project, models["stock"], seconds = make_stock()
        results["stock"] = {"train_s": round(seconds, 1), "train_note": "rasa init --no-prompt"}
        results["stock"]["project"] = str(project.relative_to(ROOT))

    def train_diet() -> None:
        models["diet"], seconds = train_model(DIET_CONFIG, WORK / "models_diet", "diet", "diet")
        results.setdefault("diet", {})["train_s"] = round(seconds, 1)

    def cv_ours() -> None:
        results["ours"]["cv"] = cross_validate(ROOT / "config.yml", "ours")

    def cv_diet() -> None:
        results.setdefault("diet", {})["cv"] = cross_validate(DIET_CONFIG, "diet")

    def holdout(tag: str) -> Callable[[], None]:
        def action() -> None:
            if tag not in models:
                raise RuntimeError(f"no {tag} model (its training failed)")
            results.setdefault(tag, {})["holdout"] = score_holdout(models[tag], tag)

        return action

    def serve(tag: str) -> Callable[[], None]:
        def action() -> None:
            if tag not in models:
                raise RuntimeError(f"no {tag} model (its training failed)")
            if tag == "stock":
                results["stock"]["serve"] = serve_stock(WORK / "stock", models["stock"])
            else:
                figures = serve_ours(models[tag], tag, OURS_PORTS, one_user_only=tag == "diet")
                results.setdefault(tag, {})["serve"] = figures

        return action

    started = time.monotonic()
    try:
        stage("train ours", train_ours)
        if not args.quick:
            stage("stock rasa init", make_baseline)
        if compare:
            stage("train DIET", train_diet)
        stage("cross-validate ours", cv_ours)
        if compare:
            stage("cross-validate DIET", cv_diet)
        stage("held-out set, ours", holdout("ours"))
        if compare:
            stage("held-out set, DIET", holdout("diet"))
        stage("serve ours", serve("ours"))
        if not args.quick:
            stage("serve stock", serve("stock"))
        if compare:
            stage("serve DIET", serve("diet"))
    except KeyboardInterrupt:
        results["errors"]["interrupted"] = "KeyboardInterrupt"
    results["bench_seconds"] = round(time.monotonic() - started, 1)
    if not results["errors"]:
        del results["errors"]
    (BENCH / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    markdown = render(results)
    (BENCH / "results.md").write_text(markdown)
    history = record_run(markdown, "bench")
    print("\n" + markdown)
    log(
        f"wrote bench/results.json, bench/results.md and {history.relative_to(ROOT)}"
        f" in {results['bench_seconds']:.0f}s"
    )
    return 1 if results.get("errors") else 0


if __name__ == "__main__":
    sys.exit(main())
