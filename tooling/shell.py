"""`make shell`: talk to the assistant in the terminal (rasa shell), with the action server."""

import subprocess
import sys

from rasa_server import COMMAND as RASA
from tooling.stack import ROOT, Stack
from tooling.train import ensure_model


def main() -> int:
    model = ensure_model()
    stack = Stack(model=model, only=("actions",), run_dir=ROOT / "run" / "shell")
    with stack:
        stack.wait_ready()
        command = [
            *RASA, "shell", "--model", str(model),
            "--endpoints", str(stack.endpoints_file()),
        ]  # fmt: skip
        return subprocess.call(command, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main())
