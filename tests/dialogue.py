"""What the tracker property tests share: the project's domain, its forms, a parsed message."""

from pathlib import Path

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered

DOMAIN = Domain.load(Path(__file__).resolve().parents[1] / "domain.yml")
LOOPS = ["screening_form", "handoff_form"]


def said(intent: str, side: str | None) -> UserUttered:
    """A user message as NLU leaves it: the intent, and a side entity if given."""
    entities = [{"entity": "side", "value": side, "start": 0, "end": 4}] if side else []
    return UserUttered(intent, {"name": intent, "confidence": 0.9}, entities)
