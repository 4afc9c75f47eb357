"""The assistant's clinical core: content, clinic configuration, language tools.

Pure Python plus spaCy; nothing here imports Rasa, so it is tested directly and shared by the
custom NLU components (`components/`), the action server (`actions/`) and the web app.
"""

from pathlib import Path

from headache_core.lean_imports import keep_tensorflow_out_of_own_commands

# Before anything here imports spaCy (and through it TensorFlow): see lean_imports.py
keep_tensorflow_out_of_own_commands()

KNOWLEDGE_DIR = Path(__file__).parent / "knowledge"
