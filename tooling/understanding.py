"""`make understanding`: blind intent and out-of-domain sets against a running assistant.

    .venv/bin/python -m tooling.understanding                  # starts the assistant itself
    .venv/bin/python -m tooling.understanding --url http://localhost:5005 --token dev-token
    .venv/bin/python -m tooling.understanding --only final     # the sets whose name has "final"

Sets live in tests/nlu/blind/ (README there says who wrote each and which are tuning sets):
- intent sets (`messages`: text and the contract intent the person meant): each message is read
  by the whole NLU pipeline (`POST /model/parse`, routers and fallback included); macro-F1 over
  the contract's intents, a fallback counting as a miss.
- out-of-domain sets (`out_of_domain`: requests meant for a general assistant; `small_talk`:
  turns with their kind): each request is read and also sent as a conversation's first
  message, to see what the assistant did with it: out of scope or unclear is right; the deletion
  question, a form, a booking or a red-flag escalation is what must never happen.
Writes bench/understanding.md (generated), a dated copy in bench/history/ and
run/understanding/<set>.json. Exit status 1 only when the assistant could not be reached; the
targets are a benchmark (issue 26), not a gate.
"""

import argparse
import concurrent.futures
import json
import sys
import time
import urllib.parse
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from tooling.bench_history import record_run
from tooling.safety import Bot, against_assistant

ROOT = Path(__file__).resolve().parent.parent
SET_DIR = ROOT / "tests" / "nlu" / "blind"
UNSURE = ("out_of_scope", "nlu_fallback")
# What a small-talk kind may be read as (the reply each intent gets fits the kind).
SMALL_TALK = {
    "greet": {"greet"},
    "how_are_you": {"how_are_you"},
    "thank": {"thank"},
    "goodbye": {"goodbye"},
    "thank_and_goodbye": {"goodbye"},
    "pleasantry": {"pleasantry", "thank", "goodbye"},
    "acknowledge": {"affirm"},
    "bot_challenge": {"bot_challenge"},
    "affirm": {"affirm"},
    "deny": {"deny"},
}
# Side effects an out-of-domain request must never start.
FORMS = ("handoff_form", "human_handoff_form", "screening_form")
FORGET_QUESTION = "action_confirm_forget_me"
RED = ("red_flag_emergency", "red_flag_urgent")
TARGETS = {"intent_macro_f1": 0.97, "ood_unsure_rate": 0.90, "side_effects": 0,
           "small_talk_accuracy": 0.95, "red_flag_rate": 0.001}  # fmt: skip


class Reader(Bot):
    """The contract's REST channel, the tracker, and the NLU parse endpoint."""

    def parse(self, text: str) -> dict[str, Any]:
        query = urllib.parse.urlencode({"token": self.token})
        return self._call(f"/model/parse?{query}", {"text": text})

    def events(self, sender: str) -> list[dict[str, Any]]:
        query = urllib.parse.urlencode({"token": self.token})
        path = f"/conversations/{urllib.parse.quote(sender)}/tracker?{query}"
        return self._call(path).get("events", [])


def macro_f1(pairs: list[tuple[str, str]]) -> tuple[float, dict[str, dict[str, float]]]:
    """Macro-F1 over the gold labels (a prediction outside them is a miss for its gold label)."""
    labels = sorted({gold for gold, _ in pairs})
    per: dict[str, dict[str, float]] = {}
    for label in labels:
        tp = sum(1 for g, p in pairs if g == label and p == label)
        fp = sum(1 for g, p in pairs if g != label and p == label)
        fn = sum(1 for g, p in pairs if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per[label] = {"precision": round(precision, 3), "recall": round(recall, 3),
                      "f1": round(f1, 3), "n": tp + fn}  # fmt: skip
    return (sum(p["f1"] for p in per.values()) / len(per) if per else 0.0), per


def _intent(parsed: dict[str, Any]) -> str:
    return ((parsed or {}).get("intent") or {}).get("name") or "none"


def score_intents(bot: Reader, data: dict, workers: int) -> tuple[list[dict], dict]:
    messages = data.get("messages") or []
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        parsed = list(pool.map(lambda m: bot.parse(m["text"]), messages))
    rows = [{"text": m["text"], "gold": m["intent"], "read": _intent(p), "style": m.get("style"),
             "confidence": round(((p or {}).get("intent") or {}).get("confidence") or 0.0, 3)}
            for m, p in zip(messages, parsed, strict=True)]  # fmt: skip
    f1, per = macro_f1([(r["gold"], r["read"]) for r in rows])
    summary = {
        "messages": len(rows),
        "intent_macro_f1": round(f1, 4),
        "accuracy": round(sum(r["gold"] == r["read"] for r in rows) / max(len(rows), 1), 4),
        "fallback": sum(r["read"] == "nlu_fallback" for r in rows),
        "weakest": sorted(per.items(), key=lambda kv: kv[1]["f1"])[:6],
    }
    return rows, summary


def first_message(bot: Reader, text: str) -> dict[str, Any]:
    """What one message does as a conversation's opening: the intent it was read as and the
    side effect it started, if any."""
    sender = f"understanding-{uuid.uuid4().hex[:10]}"
    said = bot.say(sender, text)
    events = bot.events(sender)
    slots = bot.slots(sender)
    actions = [e.get("name") for e in events if e.get("event") == "action"]
    loops = [e.get("name") for e in events if e.get("event") == "active_loop" and e.get("name")]
    user = [e for e in events if e.get("event") == "user"]
    effect = None
    if FORGET_QUESTION in actions:
        effect = "deletion question"
    elif any(loop in FORMS for loop in loops):
        effect = next(loop for loop in loops if loop in FORMS)
    elif slots.get("triage_outcome") in RED:
        effect = "red flag"
    parsed = (user[-1] if user else {}).get("parse_data") or {}
    confidence = round((parsed.get("intent") or {}).get("confidence") or 0.0, 3)
    return {"read": _intent(parsed), "confidence": confidence, "effect": effect, "said": said[:200]}


def score_out_of_domain(bot: Reader, data: dict, workers: int) -> tuple[list[dict], dict]:
    requests = data.get("out_of_domain") or []
    talk = data.get("small_talk") or []
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        played = list(pool.map(lambda m: first_message(bot, m["text"]), requests))
        small = list(pool.map(lambda m: bot.parse(m["text"]), talk))
    rows = [{"text": m["text"], "domain": m.get("domain"), "hard": bool(m.get("hard")), **p}
            for m, p in zip(requests, played, strict=True)]  # fmt: skip
    small_rows = [{"text": m["text"], "kind": m["kind"], "read": _intent(p),
                   "right": _intent(p) in SMALL_TALK.get(m["kind"], {m["kind"]})}
                  for m, p in zip(talk, small, strict=True)]  # fmt: skip
    n = max(len(rows), 1)
    hard = [r for r in rows if r["hard"]]
    effects = Counter(r["effect"] for r in rows if r["effect"])
    summary = {
        "requests": len(rows),
        "ood_unsure_rate": round(sum(r["read"] in UNSURE for r in rows) / n, 4),
        "ood_unsure_rate_hard": round(
            sum(r["read"] in UNSURE for r in hard) / max(len(hard), 1), 4
        ),
        "side_effects": sum(v for k, v in effects.items() if k != "red flag"),
        "effects": dict(effects),
        "red_flag_rate": round(effects.get("red flag", 0) / n, 4),
        "read_as": dict(Counter(r["read"] for r in rows if r["read"] not in UNSURE).most_common(8)),
        "small_talk": len(small_rows),
        "small_talk_accuracy": round(
            sum(r["right"] for r in small_rows) / max(len(small_rows), 1), 4
        ),
    }
    return rows + small_rows, summary


def find_sets(only: str | None) -> list[tuple[Path, str, dict]]:
    found = []
    for path in sorted(SET_DIR.glob("*.yml")):
        if only and only not in str(path):
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if "messages" in data:
            found.append((path, "intents", data))
        elif "out_of_domain" in data or "small_talk" in data:
            found.append((path, "out_of_domain", data))
    return found


SCORERS = {"intents": score_intents, "out_of_domain": score_out_of_domain}


def report(results: list, seconds: float) -> str:
    lines = [
        "# Understanding on blind sets (generated by `make understanding`)",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} in {seconds:.0f} s. Targets "
        f"(issue 26): {json.dumps(TARGETS)}. Tuning or final: tests/nlu/blind/README.md.",
        "",
    ]
    for path, kind, summary in results:
        lines.append(f"## {path.relative_to(ROOT)} ({kind})")
        lines.append("")
        for key, value in summary.items():
            lines.append(f"- {key}: {json.dumps(value)}")
        lines.append("")
    return "\n".join(lines)


def run_sets(bot: Reader, sets: list, workers: int, out_dir: Path) -> list:
    results = []
    out_dir.mkdir(parents=True, exist_ok=True)
    for path, kind, data in sets:
        rows, summary = SCORERS[kind](bot, data, workers)
        results.append((path, kind, summary))
        (out_dir / f"{path.stem}.json").write_text(
            json.dumps({"summary": summary, "rows": rows}, indent=1, ensure_ascii=False)
        )
        print(f"{path.relative_to(ROOT)}: {json.dumps(summary)}", flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--url", help="a running assistant; without it one is started")
    parser.add_argument("--token", default="understanding-token")
    parser.add_argument("--only", help="only sets whose path contains this")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--report", type=Path, default=ROOT / "bench" / "understanding.md")
    args = parser.parse_args(argv)
    sets = find_sets(args.only)
    if not sets:
        print("no sets found", file=sys.stderr)
        return 1
    out_dir = ROOT / "run" / "understanding"
    started = time.monotonic()
    try:
        results = against_assistant(
            args.url, args.token, (26005, 26055, 29080), out_dir,
            lambda url: run_sets(Reader(url, args.token), sets, args.workers, out_dir),
        )  # fmt: skip
    except OSError as error:  # the assistant could not be reached
        print(f"assistant unreachable: {error}", file=sys.stderr)
        return 1
    if not args.only:
        text = report(results, time.monotonic() - started) + "\n"
        args.report.write_text(text)
        print(f"report: {args.report}, {record_run(text, 'understanding')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
