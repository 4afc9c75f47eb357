"""The insights summary from the stored counts: per clinic day and in total (interfaces: JSON
and CSV). Pure: the store hands over its query rows.

A conversation is counted on each day it had messages; the total counts it once. Its journey
(counted once, the first that fits): red_flag (any red flag) > screening_finished (an outcome
given) > screening_started (the screening form began, no outcome) > education_only (education
topics, with small talk, the clinic's details or unsure messages at most) > other. Outcomes,
red flags, their levels and channels count conversations; messages, topics and feedback count
messages.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from headache_core.handoff.model import KINDS, OUTCOME_RANK, STATUSES
from insights.tally import (
    BEYOND_EDUCATION,
    CHANNEL,
    EDUCATION,
    FLAG,
    HELPFUL,
    LEVEL,
    MESSAGES,
    NOT_HELPFUL,
    OUTCOME,
    RED_FLAG_OUTCOMES,
    SCREENING_STARTED,
    TOPIC,
    UNSURE,
)

OUTCOMES = tuple(sorted(OUTCOME_RANK, key=OUTCOME_RANK.__getitem__))  # most urgent first
LEVELS = ("emergency", "urgent")
JOURNEYS = ("education_only", "screening_started", "screening_finished", "red_flag", "other")
HANDOFF_KINDS = KINDS
HANDOFF_STATUSES = STATUSES
# What the per-conversation query reads (the store's second query)
CONVERSATION_NAMES = (MESSAGES, EDUCATION, BEYOND_EDUCATION, SCREENING_STARTED)
CONVERSATION_PREFIXES = (OUTCOME, FLAG, LEVEL, CHANNEL)


def journey(names: set[str]) -> str:
    """The one journey a conversation's count names put it in (module docstring)."""
    if any(n.startswith((FLAG, LEVEL)) for n in names) or any(
        OUTCOME + o in names for o in RED_FLAG_OUTCOMES
    ):
        return "red_flag"
    if any(n.startswith(OUTCOME) for n in names):
        return "screening_finished"
    if SCREENING_STARTED in names:
        return "screening_started"
    if EDUCATION in names and BEYOND_EDUCATION not in names:
        return "education_only"
    return "other"


def level(names: set[str]) -> str | None:
    """The most serious red-flag level of a conversation, if any."""
    return next((lv for lv in LEVELS if LEVEL + lv in names), None)


def _conversation_counts(conversations: list[set[str]]) -> dict[str, Any]:
    counted = [names for names in conversations if MESSAGES in names]
    everyone = list(conversations)
    journeys = Counter(journey(names) for names in counted)
    levels = Counter(lv for names in everyone if (lv := level(names)))
    outcomes = Counter(
        n[len(OUTCOME) :] for names in everyone for n in names if n.startswith(OUTCOME)
    )
    flags = Counter(n[len(FLAG) :] for names in everyone for n in names if n.startswith(FLAG))
    channels = Counter(
        n[len(CHANNEL) :] for names in counted for n in names if n.startswith(CHANNEL)
    )
    return {
        "conversations": len(counted),
        "journeys": {name: journeys[name] for name in JOURNEYS},
        "outcomes": {name: outcomes[name] for name in OUTCOMES}
        | {k: v for k, v in sorted(outcomes.items()) if k not in OUTCOMES},
        "red_flags": dict(sorted(flags.items(), key=lambda kv: (-kv[1], kv[0]))),
        "red_flag_levels": {name: levels[name] for name in LEVELS},
        "channels": dict(sorted(channels.items())),
    }


def _message_counts(sums: Counter[str]) -> dict[str, Any]:
    messages, unsure = sums[MESSAGES], sums[UNSURE]
    topics = {n[len(TOPIC) :]: v for n, v in sums.items() if n.startswith(TOPIC) and v}
    feedback: dict[str, dict[str, int]] = defaultdict(lambda: {"helpful": 0, "not_helpful": 0})
    for name, value in sums.items():
        if name.startswith(HELPFUL):
            feedback[name[len(HELPFUL) :]]["helpful"] += value
        elif name.startswith(NOT_HELPFUL):
            feedback[name[len(NOT_HELPFUL) :]]["not_helpful"] += value
    return {
        "messages": messages,
        "unsure_messages": unsure,
        "unsure_share": round(unsure / messages, 4) if messages else 0.0,
        "topics": dict(sorted(topics.items(), key=lambda kv: (-kv[1], kv[0]))),
        "feedback": dict(sorted(feedback.items())),
    }


def _handoff_counts(rows: Iterable[tuple[str, str]]) -> dict[str, dict[str, int]]:
    counts = {kind: dict.fromkeys(HANDOFF_STATUSES, 0) for kind in HANDOFF_KINDS}
    for kind, status in rows:
        counts.setdefault(kind, dict.fromkeys(HANDOFF_STATUSES, 0))
        counts[kind][status] = counts[kind].get(status, 0) + 1
    return counts


def _shaped(
    conversations: list[set[str]], sums: Counter[str], handed: list[tuple[str, str]]
) -> dict[str, Any]:
    """Every count, in the interfaces' key order."""
    people = _conversation_counts(conversations)
    said = _message_counts(sums)
    return {
        "conversations": people["conversations"],
        "messages": said["messages"],
        "unsure_messages": said["unsure_messages"],
        "unsure_share": said["unsure_share"],
        "journeys": people["journeys"],
        "outcomes": people["outcomes"],
        "red_flags": people["red_flags"],
        "red_flag_levels": people["red_flag_levels"],
        "handoffs": _handoff_counts(handed),
        "topics": said["topics"],
        "feedback": said["feedback"],
        "channels": people["channels"],
    }


def build(
    first: date,
    last: date,
    timezone_name: str,
    sums: Iterable[tuple[date, str, int]],
    conversation_rows: Iterable[tuple[str, date, str]],
    handoff_rows: Iterable[tuple[date, str, str]],
) -> dict[str, Any]:
    """The summary of the days `first`..`last` from the store's rows: (day, name, sum),
    (conversation key, day, name) and (day, kind, status) of each handoff."""
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    day_sums: dict[date, Counter[str]] = {day: Counter() for day in days}
    total_sums: Counter[str] = Counter()
    for day, name, value in sums:
        if day in day_sums:
            day_sums[day][name] += value
            total_sums[name] += value
    by_day_names: dict[date, dict[str, set[str]]] = {day: defaultdict(set) for day in days}
    total_names: dict[str, set[str]] = defaultdict(set)
    for key, day, name in conversation_rows:
        if day in by_day_names:
            by_day_names[day][key].add(name)
            total_names[key].add(name)
    day_handoffs: dict[date, list[tuple[str, str]]] = {day: [] for day in days}
    for day, kind, status in handoff_rows:
        if day in day_handoffs:
            day_handoffs[day].append((kind, status))
    result: dict[str, Any] = {
        "days": len(days),
        "from": first.isoformat(),
        "to": last.isoformat(),
        "timezone": timezone_name,
    }
    result |= _shaped(
        list(total_names.values()), total_sums, [h for d in days for h in day_handoffs[d]]
    )
    result["by_day"] = [
        {"day": day.isoformat()}
        | _shaped(list(by_day_names[day].values()), day_sums[day], day_handoffs[day])
        for day in days
    ]
    return result


def flatten(counts: dict[str, Any]) -> dict[str, Any]:
    """One day's (or the total's) counts as flat columns: `outcome:red_flag_urgent`,
    `handoff:booking:new`, `topic:ask_posture`, `feedback:ask_posture:helpful`..."""
    flat: dict[str, Any] = {
        name: counts[name]
        for name in ("conversations", "messages", "unsure_messages", "unsure_share")
    }
    prefixes = {
        "journeys": "journey",
        "outcomes": "outcome",
        "red_flag_levels": "red_flag_level",
        "red_flags": "red_flag",
        "topics": "topic",
        "channels": "channel",
    }
    for key, prefix in prefixes.items():
        flat |= {f"{prefix}:{name}": value for name, value in counts[key].items()}
    for kind, statuses in counts["handoffs"].items():
        flat |= {f"handoff:{kind}:{status}": n for status, n in statuses.items()}
    for topic, votes in counts["feedback"].items():
        flat |= {f"feedback:{topic}:{vote}": n for vote, n in votes.items()}
    return flat


def to_csv(result: dict[str, Any]) -> str:
    """One row per day, oldest first, then a `total` row; a column per count (0 where a day
    has none of it)."""
    rows = [{"day": d["day"]} | flatten(d) for d in result["by_day"]]
    rows.append({"day": "total"} | flatten(result))
    columns: list[str] = []
    for row in rows:
        columns += [name for name in row if name not in columns]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, restval=0, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
