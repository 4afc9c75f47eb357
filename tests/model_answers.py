"""`python -m tests.model_answers MODEL`: what a trained model reads and would do next for a few
messages, as JSON, in a process patched or not as RASA_PATCHES says (test_rasa_patches.py runs it
both ways). Each message opens a session of its own; no action runs, so no action server is
needed (without one, the patched Rasa would run the session start in-process and stock Rasa
would not: a difference of behaviour the patches mean to make, tested elsewhere)."""

import asyncio
import json
import sys

import rasa_patches

rasa_patches.install()  # the entry point's part, before Rasa's modules load

from rasa.core.agent import load_agent  # noqa: E402
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered  # noqa: E402
from rasa.shared.core.trackers import DialogueStateTracker  # noqa: E402

MESSAGES = [
    "hi",
    "why does my neck give me headaches",
    "worst headache of my life, came on suddenly",
    "can I book an appointment",
    "ghfjdk",
    "what about stretches?",
    "I'd like to check if my headache comes from my neck",
    "can I talk to a person",
]


async def answers(model: str) -> list[dict]:
    agent = await load_agent(model)
    found = []
    for number, text in enumerate(MESSAGES):
        parsed = await agent.parse_message(text)
        tracker = DialogueStateTracker.from_events(
            f"answers-{number}",
            [
                ActionExecuted("action_session_start"),
                SessionStarted(),
                ActionExecuted("action_listen"),
                UserUttered(text, parsed["intent"], parsed["entities"], parse_data=parsed),
            ],
            slots=agent.domain.slots,
        )
        prediction = agent.processor.predict_next_with_tracker(tracker)
        best = max(prediction["scores"], key=lambda score: score["score"]) if prediction else {}
        found.append(
            {
                "text": text,
                "intent": parsed["intent"]["name"],
                "confidence": round(parsed["intent"]["confidence"], 6),
                "entities": sorted((e["entity"], str(e.get("value"))) for e in parsed["entities"]),
                "next_action": best.get("action"),
                "next_score": round(best.get("score", 0.0), 6),
            }
        )
    return found


if __name__ == "__main__":
    result = {"installed": rasa_patches.installed(), "answers": asyncio.run(answers(sys.argv[1]))}
    print(json.dumps(result))
