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
from collections.abc import Iterable, Mapping
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

# What a conversation's journey and level depend on: its traits, each the presence of one of
# these count names or of a name with one of these prefixes. The database works out each
# conversation's traits (per day, and over the window) and counts the conversations with the
# same traits, so only those few counts reach Python, where `journey` and `level` read them
# (`traits_of` is the same in Python, for tests).
COUNTED, RED, FINISHED = "counted", "red_flag", "finished"
TRAITS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    COUNTED: ((MESSAGES,), ()),
    EDUCATION: ((EDUCATION,), ()),
    BEYOND_EDUCATION: ((BEYOND_EDUCATION,), ()),
    SCREENING_STARTED: ((SCREENING_STARTED,), ()),
    FINISHED: ((), (OUTCOME,)),
    RED: (tuple(OUTCOME + o for o in RED_FLAG_OUTCOMES), (FLAG, LEVEL)),
    **{LEVEL + lv: ((LEVEL + lv,), ()) for lv in LEVELS},
}
# Counted per conversation (each conversation once per day and once in the total)
PER_CONVERSATION_PREFIXES = (OUTCOME, FLAG, CHANNEL)


def traits_of(names: set[str]) -> frozenset[str]:
    """The traits a conversation's count names give it (TRAITS)."""
    return frozenset(
        trait
        for trait, (exact, prefixes) in TRAITS.items()
        if any(n in exact or n.startswith(prefixes) for n in names)
    )


def journey(traits: frozenset[str]) -> str:
    """The one journey a conversation's traits put it in (module docstring)."""
    if RED in traits:
        return "red_flag"
    if FINISHED in traits:
        return "screening_finished"
    if SCREENING_STARTED in traits:
        return "screening_started"
    if EDUCATION in traits and BEYOND_EDUCATION not in traits:
        return "education_only"
    return "other"


def level(traits: frozenset[str]) -> str | None:
    """The most serious red-flag level of a conversation, if any."""
    return next((lv for lv in LEVELS if LEVEL + lv in traits), None)


def _conversation_counts(
    conversations: Iterable[tuple[frozenset[str], int]], people: Mapping[str, int]
) -> dict[str, Any]:
    """From how many conversations had each set of traits, and how many had each outcome,
    flag and channel name."""
    journeys: Counter[str] = Counter()
    levels: Counter[str] = Counter()
    for traits, n in conversations:
        if COUNTED in traits:
            journeys[journey(traits)] += n
        if lv := level(traits):
            levels[lv] += n

    def named(prefix: str) -> dict[str, int]:
        return {n[len(prefix) :]: v for n, v in people.items() if n.startswith(prefix) and v}

    outcomes, flags, channels = named(OUTCOME), named(FLAG), named(CHANNEL)
    return {
        "conversations": sum(journeys.values()),
        "journeys": {name: journeys[name] for name in JOURNEYS},
        "outcomes": {name: outcomes.get(name, 0) for name in OUTCOMES}
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
    conversations: Iterable[tuple[frozenset[str], int]],
    people: Mapping[str, int],
    sums: Counter[str],
    handed: list[tuple[str, str]],
) -> dict[str, Any]:
    """Every count, in the interfaces' key order."""
    counted = _conversation_counts(conversations, people)
    said = _message_counts(sums)
    return {
        "conversations": counted["conversations"],
        "messages": said["messages"],
        "unsure_messages": said["unsure_messages"],
        "unsure_share": said["unsure_share"],
        "journeys": counted["journeys"],
        "outcomes": counted["outcomes"],
        "red_flags": counted["red_flags"],
        "red_flag_levels": counted["red_flag_levels"],
        "handoffs": _handoff_counts(handed),
        "topics": said["topics"],
        "feedback": said["feedback"],
        "channels": counted["channels"],
    }


def build(
    first: date,
    last: date,
    timezone_name: str,
    sums: Iterable[tuple[date, str, int, int]],
    day_traits: Iterable[tuple[date, frozenset[str], int]],
    total_traits: Iterable[tuple[frozenset[str], int]],
    total_people: Mapping[str, int],
    handoff_rows: Iterable[tuple[date, str, str]],
) -> dict[str, Any]:
    """The summary of the days `first`..`last` from the store's counts: (day, name, sum of the
    values, how many conversations had it that day); (day, traits, how many conversations had
    those traits that day); (traits, how many conversations had those over the window); how
    many conversations of the window had each outcome, flag and channel name; and (day, kind,
    status) of each handoff."""
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    day_sums: dict[date, Counter[str]] = {day: Counter() for day in days}
    day_people: dict[date, Counter[str]] = {day: Counter() for day in days}
    total_sums: Counter[str] = Counter()
    for day, name, value, conversations in sums:
        if day in day_sums:
            day_sums[day][name] += value
            total_sums[name] += value
            day_people[day][name] += conversations
    by_day_traits: dict[date, list[tuple[frozenset[str], int]]] = {day: [] for day in days}
    for day, traits, n in day_traits:
        if day in by_day_traits:
            by_day_traits[day].append((traits, n))
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
        total_traits, total_people, total_sums, [h for d in days for h in day_handoffs[d]]
    )
    result["by_day"] = [
        {"day": day.isoformat()}
        | _shaped(by_day_traits[day], day_people[day], day_sums[day], day_handoffs[day])
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
