"""From the insights JSON (GET /frontdesk/insights/data) to what the page shows: headline
figures and charts, every id in words. Pure: a missing or odd field counts as zero, so a
backend that adds or drops a key never takes the page down."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from webapp.frontdesk import words
from webapp.frontdesk.charts import (
    Bar,
    Segment,
    daily_bars,
    day_words,
    horizontal_bars,
    number,
    stacked_bars,
)

TOP_TOPICS = 10


@dataclass(frozen=True)
class Headline:
    label: str
    value: str
    detail: str = ""
    tone: str = ""


def count(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def counts(value: Any) -> dict[str, float]:
    return {str(k): count(v) for k, v in value.items()} if isinstance(value, Mapping) else {}


def period_words(data: Mapping[str, Any]) -> str:
    start, end = str(data.get("from") or ""), str(data.get("to") or "")
    if not start or not end:
        return ""
    return f"{day_words(start)} to {day_words(end)}"


def headlines(data: Mapping[str, Any]) -> list[Headline]:
    conversations = count(data.get("conversations"))
    messages = count(data.get("messages"))
    unsure = count(data.get("unsure_messages"))
    share = count(data.get("unsure_share"))  # the backend's: one definition of the share
    journeys = counts(data.get("journeys"))
    red = journeys.get("red_flag", sum(counts(data.get("red_flag_levels")).values()))
    handoffs = data.get("handoffs") if isinstance(data.get("handoffs"), Mapping) else {}
    waiting = sum(counts(statuses).get("new", 0) for statuses in handoffs.values())
    total_handoffs = sum(sum(counts(statuses).values()) for statuses in handoffs.values())
    return [
        Headline("Conversations", number(conversations), f"{number(messages)} messages"),
        Headline(
            "Red flags",
            number(red),
            "conversations with a red flag",
            "emergency" if red else "",
        ),
        Headline(
            "Handoffs",
            number(total_handoffs),
            f"{number(waiting)} still new" if waiting else "none waiting",
            "urgent" if waiting else "",
        ),
        Headline(
            "Assistant unsure",
            number(share, percent=True),
            f"{number(unsure)} of {number(messages)} messages",
        ),
    ]


def _days(data: Mapping[str, Any], key: str) -> list[tuple[str, float]]:
    by_day = data.get("by_day") if isinstance(data.get("by_day"), list) else []
    rows = [row for row in by_day if isinstance(row, Mapping)]
    return [(str(row.get("day", "")), count(row.get(key))) for row in rows]


def _ordered(values: Mapping[str, float], known: Mapping[str, str]) -> list[tuple[str, float]]:
    """Known keys in their usual order, then any others the backend sent."""
    return [(k, values.get(k, 0)) for k in known] + [
        (k, v) for k, v in values.items() if k not in known
    ]


def charts(data: Mapping[str, Any]) -> dict[str, str]:
    """Chart HTML by name, for the template."""
    period = period_words(data)
    journeys = counts(data.get("journeys"))
    outcomes = counts(data.get("outcomes"))
    flags = counts(data.get("red_flags"))
    levels = counts(data.get("red_flag_levels"))
    topics = counts(data.get("topics"))
    handoffs = data.get("handoffs") if isinstance(data.get("handoffs"), Mapping) else {}
    feedback = data.get("feedback") if isinstance(data.get("feedback"), Mapping) else {}
    statuses = list(words.HANDOFF_STATUSES)
    top_topics = sorted(topics.items(), key=lambda item: (-item[1], item[0]))[:TOP_TOPICS]
    rated = sorted(
        ((intent, counts(votes)) for intent, votes in feedback.items()),
        key=lambda item: (-(item[1].get("not_helpful", 0)), -sum(item[1].values()), item[0]),
    )
    return {
        "per_day": daily_bars(
            _days(data, "conversations"),
            chart_id="chart-per-day",
            title=f"Conversations per day{', ' + period if period else ''}",
            unit="conversations",
        ),
        "unsure_per_day": daily_bars(
            _days(data, "unsure_share"),
            chart_id="chart-unsure",
            title="Share of messages the assistant was unsure of, per day",
            unit="of messages",
            percent=True,
            tone="urgent",
            width=440,
            height=220,
        ),
        "journeys": horizontal_bars(
            [
                Bar(
                    words.JOURNEYS.get(k, words.readable(k)), v, words.JOURNEY_TONES.get(k, "brand")
                )
                for k, v in _ordered(journeys, words.JOURNEYS)
            ],
            chart_id="chart-journeys",
            title="How the conversations went",
            unit="conversations",
            empty="No conversations in this period.",
            show_share=True,
        ),
        "outcomes": horizontal_bars(
            [
                Bar(
                    words.OUTCOMES.get(k, words.readable(k)), v, words.OUTCOME_TONES.get(k, "brand")
                )
                for k, v in _ordered(outcomes, words.OUTCOMES)
            ],
            chart_id="chart-outcomes",
            title="Headache check outcomes",
            unit="conversations",
            empty="No headache check was finished in this period.",
        ),
        "levels": horizontal_bars(
            [
                Bar(words.LEVELS.get(k, words.readable(k)), v, k if k in words.LEVELS else "brand")
                for k, v in _ordered(levels, words.LEVELS)
            ],
            chart_id="chart-levels",
            title="Red flags by level",
            unit="conversations",
            empty="No red flags in this period.",
        ),
        "flags": horizontal_bars(
            [
                Bar(words.flag_words(k), v, "emergency")
                for k, v in sorted(flags.items(), key=lambda item: (-item[1], item[0]))
            ],
            chart_id="chart-flags",
            title="Red flags by flag",
            unit="conversations",  # the backend counts each conversation once per flag
            empty="No red flags in this period.",
        ),
        "handoffs": stacked_bars(
            [
                (
                    words.HANDOFF_KINDS.get(kind, words.readable(kind)),
                    [counts(by_status).get(s, 0) for s in statuses],
                )
                for kind, by_status in _ordered_kinds(handoffs)
            ],
            [Segment("New", "urgent"), Segment("Claimed", "consistent"), Segment("Done", "muted")],
            chart_id="chart-handoffs",
            title="Handoffs by kind and status",
            empty="No handoffs in this period.",
        ),
        "topics": horizontal_bars(
            [Bar(words.intent_words(k), v) for k, v in top_topics],
            chart_id="chart-topics",
            title=f"The {TOP_TOPICS} topics asked most",
            unit="messages",
            empty="No topics asked in this period.",
        ),
        "feedback": stacked_bars(
            [
                (words.intent_words(intent), [votes.get("helpful", 0), votes.get("not_helpful", 0)])
                for intent, votes in rated
            ],
            [Segment("Helpful", "brand"), Segment("Not helpful", "urgent")],
            chart_id="chart-feedback",
            title="Feedback per topic",
            empty="No feedback given in this period.",
        ),
    }


def _ordered_kinds(handoffs: Mapping[str, Any]) -> list[tuple[str, Any]]:
    known = [(k, handoffs[k]) for k in words.HANDOFF_KINDS if k in handoffs]
    return known + [(k, v) for k, v in handoffs.items() if k not in words.HANDOFF_KINDS]
