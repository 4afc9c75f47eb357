"""`make run`: train if needed, start the three processes, print the URLs, stop on Ctrl-C.

A newcomer sees what it does in a few lines, then the addresses. Everything else goes to log
files it names: each process's full output to run/dev/<name>.log, a training's log lines and
progress bars to run/dev/train.log (`--run-dir` puts them, and the development stores,
elsewhere). Third-party warnings are filtered where they start (rasa_server/__main__.py,
actions/__main__.py, webapp/app.py), so the logs keep what matters.
"""

import argparse
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import settings
from headache_core.clinic import ClinicConfigError, clinic_file, example_fields, load_clinic
from settings import dotenv
from tooling.stack import (
    DEV_FRONTDESK_PASSWORD,
    DEV_FRONTDESK_TOKEN,
    DEV_TOKEN,
    ROOT,
    Stack,
)
from tooling.train import ensure_model, shown

RUN_DIR = ROOT / "run" / "dev"
DOTENV = ROOT / ".env"  # read by make run only; the environment wins (settings/dotenv.py)
TAIL_LINES = 20


def clinic_warning() -> str:
    """A start-up warning while patients would see the shipped example clinic's details: it
    names the file and the fields left to replace; empty once the clinic's own are in."""
    path = clinic_file()
    try:
        clinic = load_clinic()
    except ClinicConfigError as err:
        text = f"the clinic file {path} is not usable: {err}"
    else:
        left, flagged = example_fields(clinic), clinic.example_values
        if left:
            text = f"{path} still holds the example clinic's {', '.join(left)}. Patients see"
            text += " these: replace them with your clinic's details"
            text += ", then set example_values: false." if flagged else "."
        elif flagged:
            text = f"{path} marks its details as examples, so patients are told they are"
            text += " examples. Set example_values: false."
        else:
            return ""
    wrapped = textwrap.fill(
        text, 96, initial_indent="  WARNING: ", subsequent_indent=" " * 11, break_on_hyphens=False
    )
    return "\n" + wrapped


def addresses(stack: Stack, seconds: float) -> str:
    """The lines that matter: where each part answers, the token, the console's password."""
    env = stack.environment()
    return (
        f"\nReady in {seconds:.1f}s.\n"
        f"  Clinic web app (demo page): {stack.web_url}/\n"
        f"  Rasa server:                {stack.rasa_url}  (REST: /webhooks/rest/webhook)\n"
        f"  Action server:              {stack.action_url}\n"
        f"  Rasa API token:             {stack.token}"
        + ("  (development default; set RASA_API_TOKEN)" if stack.token == DEV_TOKEN else "")
        + f"\n  Front-desk console:         {stack.web_url}/frontdesk"
        + (
            f"  (development password: {DEV_FRONTDESK_PASSWORD}; set FRONTDESK_PASSWORD)"
            if settings.FRONTDESK_PASSWORD.read(env) == DEV_FRONTDESK_PASSWORD
            else ""
        )
        + (
            f"\n  Front-desk API token:       {DEV_FRONTDESK_TOKEN}  (set FRONTDESK_TOKEN)"
            if settings.FRONTDESK_TOKEN.read(env) == DEV_FRONTDESK_TOKEN
            else ""
        )
        + clinic_warning()
        + "\nCtrl-C stops all three.\n"
    )


def tail(log: Path, lines: int = TAIL_LINES) -> str:
    """The end of a log, indented: on screen when something failed, so the cause is there."""
    if not log.exists():
        return f"  ({shown(log)} is missing)"
    last = log.read_text(errors="replace").splitlines()[-lines:]
    return "\n".join(f"  | {line}" for line in last)


def report_stopped(stack: Stack) -> None:
    for service in stack.services:
        if service.process and service.process.poll() is not None:
            log = stack.run_dir / f"{service.name}.log"
            print(
                f"{service.name} stopped ({service.process.returncode}); the end of {shown(log)}:"
                f"\n{tail(log)}",
                file=sys.stderr,
                flush=True,
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--run-dir", type=Path, default=RUN_DIR, help="logs and stores")
    run_dir = parser.parse_args(argv).run_dir.resolve()
    try:
        from_file = dotenv.apply(DOTENV)
        settings.check()
    except (ValueError, SystemExit) as err:
        print(f"could not start: {err}", file=sys.stderr)
        return 2
    if from_file:
        print(f"settings from {shown(DOTENV)}: {', '.join(from_file)}", flush=True)
    train_log = run_dir / "train.log"
    try:
        model = ensure_model(log=train_log)
    except subprocess.CalledProcessError:
        print(
            f"training failed; the end of {shown(train_log)}:\n{tail(train_log)}", file=sys.stderr
        )
        return 1
    stack = Stack(model=model, run_dir=run_dir)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    names = ", ".join(f"{s}.log" for s in stack.only)
    print(
        "starting the action server, the web app and the Rasa server"
        f" (logs: {shown(run_dir)}/: {names}) ...",
        flush=True,
    )
    stack.start()
    try:
        print(addresses(stack, stack.wait_ready()), flush=True)
        while not stop.is_set():
            if any(s.process and s.process.poll() is not None for s in stack.services):
                report_stopped(stack)
                print("stopping all.", flush=True)
                return 1
            stop.wait(1.0)
        return 0
    except (RuntimeError, TimeoutError) as err:
        print(f"could not start: {err}", file=sys.stderr)
        report_stopped(stack)
        return 1
    finally:
        print("stopping ...", flush=True)
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
