"""Rasa's command line with the project's patches: `python -m rasa_server run|train|test|shell ...`.

The one way this project starts Rasa on its own assistant (rasa_patches/ says what it changes
and how to turn it off); the bench's stock `rasa init` assistant keeps the plain `rasa` command.
"""

import sys

COMMAND = (sys.executable, "-m", "rasa_server")
"""The `rasa` command, patched: `[*COMMAND, "train", ...]`."""
