"""A stand-in for the Rasa server behind the widget, for the browser test of "Helpful" / "Not
helpful" (issue 29) where no trained model is needed: Rasa's own channel registration with the
project's socketio channel (its `feedback` handler included) on a Sanic app whose agent answers
from a fixed table and keeps each conversation in Rasa's in-memory tracker store. Ratings go to a
JSON-lines file instead of the insights. It also serves a page with the widget (same origin).

    python -m tests.ui.feedback_standin --port 43010 --ratings /tmp/ratings.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "webapp" / "static" / "widget.js"

# what the person types -> (intent, confidence, the replies: text and optional kind)
ANSWERS: dict[str, tuple[str, float, list[dict[str, str]]]] = {
    "what are your opening hours": (
        "ask_clinic_info",
        0.97,
        [{"text": "Our opening hours are 8am to 6pm.\n\nCall us to book a visit."}],
    ),
    "does posture matter": (
        "ask_posture",
        0.88,
        [{"text": "Posture can load the neck. Take a break every half hour."}],
    ),
    "worst headache of my life": (
        "report_emergency_symptoms",
        0.99,
        [{"text": "Please call 999 now.", "kind": "emergency"}],
    ),
}
UNKNOWN = ("nlu_fallback", 0.2, [{"text": "I'm not sure I understood."}])


def fake_insights(ratings: Path) -> None:
    """insights.recorder with a recorder that appends each rating to `ratings`."""

    class FileRecorder:
        def record_feedback(self, sender_id: str, **kwargs: Any) -> None:
            with ratings.open("a", encoding="utf-8") as out:
                out.write(json.dumps({"sender_id": sender_id, **kwargs}) + "\n")

    one = FileRecorder()
    module = ModuleType("insights.recorder")
    module.recorder = lambda: one  # type: ignore[attr-defined]
    sys.modules["insights.recorder"] = module


def page(port: int) -> str:
    return (
        '<!doctype html><html lang="en"><title>Clinic</title><main><h1>Clinic</h1></main>'
        f'<script src="/static/widget.js" data-server-url="http://localhost:{port}" '
        'data-clinic-name="Test Clinic" defer></script></html>'
    )


def build_app(port: int) -> Any:
    from rasa.core.channels.channel import UserMessage, register
    from rasa.core.tracker_store import InMemoryTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import BotUttered, UserUttered
    from sanic import Sanic, response

    from channels.socketio import ClinicSocketIOInput

    app = Sanic("feedback_standin", configure_logging=False)
    store = InMemoryTrackerStore(Domain.empty())

    async def handle_message(message: UserMessage) -> None:
        tracker = await store.get_or_create_tracker(message.sender_id)
        intent, confidence, replies = ANSWERS.get(message.text.strip().lower(), UNKNOWN)
        tracker.update(UserUttered(message.text, {"name": intent, "confidence": confidence}))
        for reply in replies:
            tracker.update(BotUttered(reply["text"], {"kind": reply.get("kind")}))
            kind = {"kind": reply["kind"]} if reply.get("kind") else {}
            await message.output_channel.send_text_message(message.sender_id, reply["text"], **kind)
        await store.save(tracker)

    app.ctx.agent = SimpleNamespace(tracker_store=store, handle_message=handle_message)
    channel = ClinicSocketIOInput.from_credentials({"session_persistence": True})
    register([channel], app, route="/webhooks/")

    @app.get("/")
    async def index(_: Any) -> Any:
        return response.html(page(port))

    @app.get("/static/widget.js")
    async def widget(_: Any) -> Any:
        return await response.file(BUNDLE, mime_type="text/javascript")

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ratings", type=Path, required=True)
    args = parser.parse_args()
    fake_insights(args.ratings)
    app = build_app(args.port)
    app.run(host="127.0.0.1", port=args.port, access_log=False, motd=False)


if __name__ == "__main__":
    main()
