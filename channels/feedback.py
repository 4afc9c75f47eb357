"""The widget's thumbs up/down on an answer, turned into a count in the insights (issue 29).

The browser says only which answer it rates (its text, as the widget received it) and how; what
is recorded (the person's message the answer replied to, its intent and confidence) comes from
the conversation's tracker on the server, never from the browser. Anything that does not fit
(an unknown session or answer, a bad payload, a client pressing too often, a second rating of
the same answer) is dropped with a short log line that holds none of the conversation.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rasa.shared.core.events import BotUttered, Event, UserUttered

from channels.guard import limiter, limits
from channels.limits import too_long
from channels.shared import SeenIds, hashed, redis_url
from insights.tally import personal_answer

log = logging.getLogger(__name__)

VALUES = {"helpful": True, "not_helpful": False}
# An answer rated once is remembered this long (shared by the replicas through Redis if set):
# a second press, a replayed event or a second tab does not count twice
RATED_TTL_SECONDS = 2 * 24 * 60 * 60


@dataclass(frozen=True)
class Feedback:
    """A rating as the widget sends it: {session_id, value, answer}."""

    session_id: str
    helpful: bool
    answer: str

    @classmethod
    def from_payload(cls, data: Any) -> Feedback | None:
        """The rating, or None for anything the widget does not send."""
        if not isinstance(data, dict):
            return None
        session_id, value, answer = data.get("session_id"), data.get("value"), data.get("answer")
        if not isinstance(session_id, str) or not session_id.strip():
            return None
        if not isinstance(value, str) or value not in VALUES:
            return None
        if not isinstance(answer, str) or not answer.strip():
            return None
        return cls(session_id, VALUES[value], answer.strip())


@dataclass(frozen=True)
class RatedTurn:
    """The person's message and the bot answer to it that was rated."""

    text: str  # empty when it answered the front desk's questions (insights.tally.personal_answer)
    intent: str | None
    confidence: float | None
    answer_key: str  # which answer (its time and text): one text said twice is two answers


def parts(text: str) -> set[str]:
    """What the browser may have received for one bot utterance: the whole text, or one of its
    paragraphs (Rasa's socketio output sends each blank-line-separated part as a message)."""
    whole = text.strip()
    return {whole, *(part.strip() for part in whole.split("\n\n"))} - {""}


def rated_turn(events: Sequence[Event], answer: str) -> RatedTurn | None:
    """The latest bot utterance that the browser's `answer` is (or is a paragraph of), and the
    person's message before it; None when either is missing."""
    for index in range(len(events) - 1, -1, -1):
        bot = events[index]
        if not isinstance(bot, BotUttered) or answer not in parts(bot.text or ""):
            continue
        for at in range(index - 1, -1, -1):
            user = events[at]
            if isinstance(user, UserUttered) and isinstance(user.text, str):
                intent = user.intent or {}
                confidence = intent.get("confidence")
                personal = personal_answer([e.as_dict() for e in events[at:index]], 0)
                return RatedTurn(
                    # a name or number given to the front desk's questions is counted, not kept
                    text="" if personal else user.text,
                    intent=intent.get("name") or None,
                    confidence=float(confidence) if isinstance(confidence, (int, float)) else None,
                    answer_key=f"{bot.timestamp!r}:{hashed(bot.text or '')}",
                )
        return None
    return None


@lru_cache(maxsize=1)
def rated_answers() -> SeenIds:
    return SeenIds("feedback-rated", RATED_TTL_SECONDS, redis_url())


TrackerEvents = Callable[[str], Awaitable[Sequence[Event] | None]]


async def handle_feedback(connection: str, data: Any, events_of: TrackerEvents) -> bool:
    """Records one rating; True if it was recorded. `connection` is the socket the rating came
    by (the rate limit counts per connection), `events_of` gives a conversation's events (None:
    no such conversation)."""
    if not (await limiter().check(f"feedback:{connection}")).allowed:
        log.info("feedback ignored: too many from one connection")
        return False
    feedback = Feedback.from_payload(data)
    if feedback is None or too_long(feedback.answer, limits()):
        log.info("feedback ignored: not a rating the widget sends")
        return False
    events = await events_of(feedback.session_id)
    turn = rated_turn(events, feedback.answer) if events else None
    if turn is None:
        log.info("feedback ignored: no such answer in the conversation")
        return False
    if not await rated_answers().first_time([f"{feedback.session_id}:{turn.answer_key}"]):
        log.info("feedback ignored: that answer was rated already")
        return False

    from insights.recorder import recorder  # the insights' storage: only when a rating comes

    try:
        # the recorder only queues the write (its own worker thread does it): nothing waits here
        recorder().record_feedback(
            feedback.session_id,
            helpful=feedback.helpful,
            text=turn.text,
            intent=turn.intent,
            confidence=turn.confidence,
        )
    except Exception as error:  # noqa: BLE001 - a database error's text may quote the message
        log.warning("feedback not recorded: %s", type(error).__name__)
        return False
    return True
