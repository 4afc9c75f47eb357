"""`make bench-load`: concurrent conversations of a realistic mix against one replica
(`make run`'s stack) and against the cluster, with a stock `rasa init` assistant measured in
the same run as the throughput baseline (issue 7).

Per message: p50/p95/p99, messages per second, no-reply and error counts, peak RSS per process.
The mix: each simulated person asks education questions, goes through the neck screening, books
an appointment (name, phone, times, note, consent) and asks more, in one conversation, as long
as the run needs. Growth: one person at a time talks for 60 turns, the script repeating after
49 so that turn 50 says what turn 1 said; latency at turn 50 against turn 1 (median over the
conversations; also turns 1-10 against 50-59, the same ten messages). Writes
bench/load-results.json and bench/load-results.md, and a dated copy in bench/history/.
"""

import argparse
import concurrent.futures
import datetime
import gc
import json
import os
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tooling.bench import (
    BENCH,
    ENV,
    READY_TIMEOUT,
    STOCK_PORTS,
    TOKEN,
    WORK,
    RssSampler,
    StockAssistant,
    _processes,
    check_ports,
    git,
    log,
    machine,
    make_stock,
    proc_stat,
)
from tooling.bench_history import record_run
from tooling.stack import Ports, Stack
from tooling.train import ensure_model

ONE_REPLICA_PORTS = Ports(rasa=26005, actions=26055, web=26080)
USERS = 10
TURNS = 24  # per person in the concurrent run
GROWTH_CONVERSATIONS = 6
GROWTH_TURNS = 60
GROWTH_PERIOD = 49  # the script repeats so that turn 50 says exactly what turn 1 said
TIMEOUT = 30.0

EDUCATION = [
    "hi",
    "why does my neck give me headaches?",
    "what are the muscles at the base of the skull",
    "is sitting at a laptop all day bad for my neck",
    "what can i do at home for it",
    "when should i see a doctor about headaches",
]
SCREENING = [
    "can you check whether my headache is coming from my neck?",
    "no, none of those",
    "44",
    "right side only",
    "it starts at the back of my head and moves forward",
    "yes, turning my head or sitting at my desk sets it off",
    "yes my neck is stiff",
    "a bit in my right shoulder",
    "a few times a week for about three months",
    "nothing else",
]
BOOKING = [
    "i'd like to book an appointment",
    "Sam Taylor",
    "07700 900123",
    "weekday mornings",
    "no thanks",
    "yes",
    "what is the thoracic spine",
    "how does physio treat this",
    "thanks",
]
SCRIPT = EDUCATION + SCREENING + BOOKING


def quantile(values: list[float], q: int) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 1)
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1], 1)


class Client:
    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")

    def say(self, sender: str, text: str) -> tuple[float, int]:
        """Milliseconds and the number of replies; raises on an HTTP or network error."""
        body = json.dumps({"sender": sender, "message": text}).encode()
        request = urllib.request.Request(
            f"{self.url}/webhooks/rest/webhook",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            replies = json.loads(response.read())
        return (time.perf_counter() - started) * 1000, len(replies)


def converse(client: Client, turns: int, script: list[str]) -> dict[str, Any]:
    """One person, `turns` messages of the script in order (wrapping around)."""
    sender = f"load-{uuid.uuid4().hex[:10]}"
    times: list[float | None] = []
    no_reply = errors = 0
    for turn in range(turns):
        try:
            ms, replies = client.say(sender, script[turn % len(script)])
        except (urllib.error.URLError, OSError, ValueError):
            errors += 1
            times.append(None)
            continue
        times.append(ms)
        no_reply += replies == 0
    return {"times": times, "no_reply": no_reply, "errors": errors}


def cpu_seconds(pids: dict[str, int]) -> dict[str, float]:
    """CPU time used so far by each service's process tree (as RssSampler finds it)."""
    table, tick = _processes(), os.sysconf("SC_CLK_TCK")
    used = {}
    for name, leader in pids.items():
        total = 0
        for pid in RssSampler._tree(leader, table):
            fields = proc_stat(pid)
            if fields is not None:
                total += int(fields[11]) + int(fields[12])  # utime, stime
        used[name] = total / tick
    return used


def machine_jiffies() -> tuple[int, int]:
    """(busy, total) CPU time of the whole machine so far, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return sum(values) - idle, sum(values)


def concurrent_load(
    url: str, users: int, turns: int, script: list[str], pids: dict[str, int] | None = None
) -> dict[str, Any]:
    """`users` people at once; with `pids`, also how many of the machine's cores the services
    and this load generator kept busy meanwhile."""
    client = Client(url)
    cpu_before, own_before = cpu_seconds(pids or {}), time.process_time()
    machine_before = machine_jiffies()
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(users) as pool:
        rows = list(pool.map(lambda _: converse(client, turns, script), range(users)))
    wall = time.perf_counter() - started
    cpu_after, own_after = cpu_seconds(pids or {}), time.process_time()
    machine_after = machine_jiffies()
    times = sorted(t for r in rows for t in r["times"] if t is not None)
    summary = {
        "users": users,
        "turns": turns,
        "messages": users * turns,
        "answered": len(times),
        "no_reply": sum(r["no_reply"] for r in rows),
        "errors": sum(r["errors"] for r in rows),
        "p50_ms": quantile(times, 50),
        "p95_ms": quantile(times, 95),
        "p99_ms": quantile(times, 99),
        "max_ms": round(times[-1], 1) if times else None,
        "throughput_msg_s": round(len(times) / wall, 1),
    }
    if pids:
        cores = {name: (cpu_after[name] - cpu_before[name]) / wall for name in pids}
        cores["load generator"] = (own_after - own_before) / wall
        busy, total = (a - b for a, b in zip(machine_after, machine_before, strict=True))
        cores["whole machine"] = (os.cpu_count() or 1) * busy / max(total, 1)
        summary["cores_busy"] = {name: round(value, 2) for name, value in cores.items()}
    log(f"  {users} users x {turns}: {json.dumps(summary)}")
    return summary


def growth(url: str, conversations: int, turns: int) -> dict[str, Any]:
    """One person at a time, `turns` messages each: how turn 50 compares with turn 1."""
    client = Client(url)
    by_turn: list[list[float]] = [[] for _ in range(turns)]
    for _ in range(conversations):
        row = converse(client, turns, (SCRIPT * 2)[:GROWTH_PERIOD])
        for turn, ms in enumerate(row["times"]):
            if ms is not None:
                by_turn[turn].append(ms)

    def median(first: int, last: int) -> float | None:
        values = [v for turn in range(first - 1, last) for v in by_turn[turn]]
        return round(statistics.median(values), 1) if values else None

    figures = {
        "conversations": conversations,
        "turn_1_ms": median(1, 1),
        "turn_50_ms": median(50, 50),
        "turns_1_10_ms": median(1, 10),
        "turns_50_59_ms": median(50, 59),
        "per_turn_median_ms": [median(t, t) for t in range(1, turns + 1)],
    }
    figures["ratio_50_to_1"] = ratio(figures["turn_50_ms"], figures["turn_1_ms"])
    figures["ratio_windows"] = ratio(figures["turns_50_59_ms"], figures["turns_1_10_ms"])
    log(
        f"  growth: turn 1 {figures['turn_1_ms']} ms, turn 50 {figures['turn_50_ms']} ms, "
        f"1-10 {figures['turns_1_10_ms']} ms, 50-59 {figures['turns_50_59_ms']} ms"
    )
    return figures


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


def measured(start: Callable[[], Any], url: Callable[[Any], str], pids: Callable[[Any], dict],
             work: Callable[[str, dict[str, int]], dict[str, Any]]) -> dict[str, Any]:  # fmt: skip
    """Start something, sample the RSS of its processes while `work` runs against its URL."""
    started = time.monotonic()
    with start() as target, RssSampler(pids(target)) as sampler:
        target.wait_ready(READY_TIMEOUT)
        figures: dict[str, Any] = {"ready_s": round(time.monotonic() - started, 1)}
        figures |= work(url(target), pids(target))
        time.sleep(1.0)
        sampler.sample()
    figures["rss"] = sampler.results()
    return figures


def ours_work(url: str, pids: dict[str, int]) -> dict[str, Any]:
    concurrent_load(url, 1, len(SCRIPT), SCRIPT)  # warm-up, not counted
    return {
        "mix": concurrent_load(url, USERS, TURNS, SCRIPT, pids),
        "education": concurrent_load(url, USERS, TURNS, EDUCATION, pids),
        "growth": growth(url, GROWTH_CONVERSATIONS, GROWTH_TURNS),
    }


def stock_work(url: str, pids: dict[str, int]) -> dict[str, Any]:
    concurrent_load(url, 1, len(EDUCATION), EDUCATION)
    return {"education": concurrent_load(url, USERS, TURNS, EDUCATION, pids)}


def cluster_work(url: str, pids: dict[str, int]) -> dict[str, Any]:
    concurrent_load(url, 2, len(SCRIPT), SCRIPT)
    return {"mix": concurrent_load(url, USERS * 2, TURNS, SCRIPT, pids)}


def one_replica() -> dict[str, Any]:
    check_ports(ONE_REPLICA_PORTS)
    run_dir = WORK / "run-load-one"
    run_dir.mkdir(parents=True, exist_ok=True)
    for stale in run_dir.glob("*.sqlite3*"):
        stale.unlink()

    def start() -> Stack:
        return Stack(model=ensure_model(), ports=ONE_REPLICA_PORTS, token=TOKEN, run_dir=run_dir)

    def pids(stack: Stack) -> dict[str, int]:
        return {k: v for k, v in stack.pids().items() if k in ("rasa", "actions")}

    return measured(start, lambda s: s.rasa_url, pids, ours_work)


def stock() -> dict[str, Any]:
    check_ports(STOCK_PORTS)
    project, model, _ = make_stock()
    return measured(
        lambda: StockAssistant(project, model, STOCK_PORTS, TOKEN),
        lambda s: s.rasa_url,
        lambda s: s.pids(),
        stock_work,
    )


def cluster() -> dict[str, Any]:
    from tooling.cluster import Cluster  # the production shape (make cluster-up)

    def start() -> Cluster:
        return Cluster(model=ensure_model(), run_dir=WORK / "run-load-cluster")

    return measured(start, lambda c: c.entry_url, lambda c: c.pids(), cluster_work)


def _get(data: dict, path: str) -> Any:
    for key in path.split("."):
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _fmt(value: Any, unit: str = "") -> str:
    return "–" if value is None else f"{value}{unit}"


def _met(value: float | None, ok: Callable[[float], bool]) -> str:
    return "–" if value is None else ("yes" if ok(value) else "**no**")


def _latency(data: dict, load: str) -> str:
    parts = [_fmt(_get(data, f"{load}.{q}_ms")) for q in ("p50", "p95", "p99")]
    return " / ".join(parts) + " ms"


def _rasa_cores(data: dict) -> float | None:
    cores = _get(data, "mix.cores_busy") or {}
    rasa = [value for name, value in cores.items() if name.startswith("rasa")]
    return round(sum(rasa), 2) if rasa else None


def render(results: dict[str, Any]) -> str:
    one = results.get("one_replica") or {}
    base = results.get("stock") or {}
    many = results.get("cluster") or {}
    rate = "throughput_msg_s"
    stock_rate = _get(base, f"education.{rate}")
    edu_ratio = ratio(_get(one, f"education.{rate}"), stock_rate)
    mix_ratio = ratio(_get(one, f"mix.{rate}"), stock_rate)
    scale = ratio(_get(many, f"mix.{rate}"), _get(one, f"mix.{rate}"))
    p95 = _get(one, "mix.p95_ms")
    growth_ratio = _get(one, "growth.ratio_50_to_1")
    turn = f"{_fmt(_get(one, 'growth.turn_1_ms'))} → {_fmt(_get(one, 'growth.turn_50_ms'))} ms"
    window = (
        f"{_fmt(_get(one, 'growth.turns_1_10_ms'))} → {_fmt(_get(one, 'growth.turns_50_59_ms'))}"
        f" ms ({_fmt(_get(one, 'growth.ratio_windows'), '×')})"
    )
    busy = "; ".join(
        f"{name} {_fmt(_get(data, 'mix.cores_busy.whole machine'))} of "
        f"{results['machine']['nproc']} ({_fmt(_rasa_cores(data))})"
        for name, data in (("one replica", one), ("cluster", many))
    )
    lost = "; ".join(
        f"{name} {_fmt(_get(data, 'mix.no_reply'))} / {_fmt(_get(data, 'mix.errors'))}"
        for name, data in (("one replica", one), ("cluster", many))
    )
    rows = [
        ("one replica, 10 users, mix: p50 / p95 / p99", _latency(one, "mix"), "p95 ≤ 150 ms",
         _met(p95, lambda v: v <= 150)),
        ("one replica, 10 users, mix: throughput", _fmt(_get(one, f"mix.{rate}"), " msg/s"),
         "", ""),
        ("one replica, 10 users, education: p50 / p95 / p99", _latency(one, "education"), "", ""),
        ("one replica, 10 users, education: throughput",
         _fmt(_get(one, f"education.{rate}"), " msg/s"), "", ""),
        ("stock rasa init, 10 users: p50 / p95 / p99", _latency(base, "education"), "", ""),
        ("stock rasa init, 10 users: throughput", _fmt(stock_rate, " msg/s"), "", ""),
        ("throughput vs stock (education; mix)", f"{_fmt(edu_ratio, '×')}; {_fmt(mix_ratio, '×')}",
         "≥ 3×", _met(edu_ratio, lambda v: v >= 3)),
        ("one person: turn 1 → turn 50", f"{turn} ({_fmt(growth_ratio, '×')})", "≤ 1.5×",
         _met(growth_ratio, lambda v: v <= 1.5)),
        ("one person: turns 1-10 → 50-59 (same messages)", window, "", ""),
        ("cluster, 20 users, mix: p50 / p95 / p99", _latency(many, "mix"), "", ""),
        ("cluster throughput (vs one replica)",
         f"{_fmt(_get(many, f'mix.{rate}'), ' msg/s')} ({_fmt(scale, '×')})", "≥ 1.6×",
         _met(scale, lambda v: v >= 1.6)),
        ("cores busy during the mix (whole machine; Rasa servers)", busy, "", ""),
        ("no reply / errors", lost, "0 / 0", ""),
        ("ready after start (one replica; cluster)",
         f"{_fmt(one.get('ready_s'), ' s')}; {_fmt(many.get('ready_s'), ' s')}", "", ""),
    ]  # fmt: skip
    rss_rows = [
        (f"{where}: {name}", f"{_fmt(fig.get('peak_rss_mb'), ' MB')}")
        for where, data in (("one replica", one), ("stock", base), ("cluster", many))
        for name, fig in (data.get("rss") or {}).items()
    ]
    errors = [f"- {name}: {data['error']}" for name, data in results.items() if _get(data, "error")]
    lines = [
        f"Generated by `make bench-load` (tooling/bench_load.py) at {results['generated_at']}, "
        f"commit `{results['commit'][:12]}`; {results['machine']['nproc']} CPUs. One run; "
        f"{USERS} concurrent people × {TURNS} messages on one replica, {2 * USERS} on the cluster.",
        "",
        "| metric | measured | target | met? |",
        "|---|---|---|---|",
        *[f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows],
        "",
        "| process | peak RSS |",
        "|---|---|",
        *[f"| {a} | {b} |" for a, b in rss_rows],
        *(["", "Stages that failed:", *errors] if errors else []),
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-stock", action="store_true", help="leave out the stock baseline")
    parser.add_argument("--no-cluster", action="store_true", help="leave out the cluster")
    args = parser.parse_args()
    os.environ.update(ENV)  # no per-sender rate limit: ten people type faster than patients
    # This process imports spaCy (and so TensorFlow) to find the model: a full collection of
    # that heap stopped the simulated people for 190 ms, counted as the server's latency.
    gc.collect()
    gc.freeze()
    WORK.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "generated_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "commit": git("rev-parse", "HEAD"),
        "machine": machine(),
    }
    stages: list[tuple[str, Callable[[], dict[str, Any]]]] = [("one_replica", one_replica)]
    if not args.no_stock:
        stages.append(("stock", stock))
    if not args.no_cluster:
        stages.append(("cluster", cluster))
    for name, stage in stages:
        log(f"{name} ...")
        try:
            results[name] = stage()
        except Exception as error:  # one stage failing still leaves the others' figures
            log(f"  {name} failed: {error}")
            results[name] = {"error": str(error)}
    (BENCH / "load-results.json").write_text(json.dumps(results, indent=2) + "\n")
    markdown = render(results)
    (BENCH / "load-results.md").write_text(markdown)
    record_run(markdown, "load")
    print(markdown)
    return 0


if __name__ == "__main__":
    threading.current_thread().name = "bench-load"
    sys.exit(main())
