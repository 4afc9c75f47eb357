"""`make run`: train if needed, start the three processes, print the URLs, stop on Ctrl-C."""

import signal
import sys
import textwrap
import threading

from headache_core.clinic import ClinicConfigError, clinic_file, example_fields, load_clinic
from tooling.stack import DEV_FRONTDESK_PASSWORD, DEV_FRONTDESK_TOKEN, DEV_TOKEN, Stack
from tooling.train import ensure_model


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


def main() -> int:
    model = ensure_model()
    stack = Stack(model=model, log_to=sys.stdout)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stack.start()
    try:
        seconds = stack.wait_ready()
        print(
            f"\nReady in {seconds:.1f}s.\n"
            f"  Clinic web app (demo page): {stack.web_url}/\n"
            f"  Rasa server:                {stack.rasa_url}  (REST: /webhooks/rest/webhook)\n"
            f"  Action server:              {stack.action_url}\n"
            f"  Rasa API token:             {stack.token}"
            + ("  (development default; set RASA_API_TOKEN)" if stack.token == DEV_TOKEN else "")
            + f"\n  Front-desk console:         {stack.web_url}/frontdesk"
            + (
                f"  (development password: {DEV_FRONTDESK_PASSWORD}; set FRONTDESK_PASSWORD)"
                if stack.environment().get("FRONTDESK_PASSWORD") == DEV_FRONTDESK_PASSWORD
                else ""
            )
            + (
                f"\n  Front-desk API token:       {DEV_FRONTDESK_TOKEN}  (set FRONTDESK_TOKEN)"
                if stack.environment()["FRONTDESK_TOKEN"] == DEV_FRONTDESK_TOKEN
                else ""
            )
            + clinic_warning()
            + "\nCtrl-C stops all three.\n",
            flush=True,
        )
        while not stop.is_set():
            for service in stack.services:
                if service.process and service.process.poll() is not None:
                    print(f"{service.name} stopped ({service.process.returncode}); stopping all.")
                    return 1
            stop.wait(1.0)
        return 0
    except (RuntimeError, TimeoutError) as err:
        print(f"could not start: {err}", file=sys.stderr)
        return 1
    finally:
        print("stopping ...", flush=True)
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
