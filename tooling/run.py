"""`make run`: train if needed, start the three processes, print the URLs, stop on Ctrl-C."""

import signal
import sys
import threading

from tooling.stack import DEV_FRONTDESK_PASSWORD, DEV_FRONTDESK_TOKEN, DEV_TOKEN, Stack
from tooling.train import ensure_model


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
