"""The assistant's clinical core: content, clinic configuration, language tools.

Pure Python plus spaCy; nothing here imports Rasa, so it is tested directly and shared by the
custom NLU components (`components/`), the action server (`actions/`) and the web app.
"""

from pathlib import Path

KNOWLEDGE_DIR = Path(__file__).parent / "knowledge"
