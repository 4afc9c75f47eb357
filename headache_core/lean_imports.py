"""Keep TensorFlow out of the project's own commands.

spaCy's `thinc` imports TensorFlow whenever it is installed (Rasa installs it): 5-8 s and about
450 MB for nothing in a process that uses spaCy but not Rasa's neural models. The project's own
commands (`python -m tooling.train`, `python -m headache_core.nlp.pipeline`, `python -m actions`,
...) never run Rasa in-process (training and the server are `rasa` subprocesses), so in them the
import is blocked: thinc then sees no TensorFlow, as on a machine without it. Processes started
by anything else (the `rasa` command, pytest, uvicorn) are left alone: Rasa needs TensorFlow.
"""

import sys

# Top-level packages whose modules are the project's own commands (run with `python -m`).
OWN_COMMANDS = ("tooling", "headache_core", "actions", "stores")


def started_as_own_command(argv: list[str] | None = None) -> bool:
    """The process was started as `python [options] -m <one of OWN_COMMANDS>...`. Read from the
    interpreter's own arguments: while `-m` imports a module's parent packages, `__main__` is not
    that module yet."""
    argv = sys.orig_argv if argv is None else argv
    for i, arg in enumerate(argv[1:-1], start=1):
        if arg == "-m":
            return argv[i + 1].split(".")[0] in OWN_COMMANDS
    return False


def keep_tensorflow_out() -> None:
    """Make `import tensorflow` fail (an ImportError, which thinc expects without it), unless it
    is loaded already. Call before spaCy is imported."""
    sys.modules.setdefault("tensorflow", None)  # type: ignore[arg-type]


def keep_tensorflow_out_of_own_commands() -> None:
    if started_as_own_command():
        keep_tensorflow_out()
