"""Education content (`knowledge/education.yml`): choosing and filling in an answer.

An answer is picked by intent, then narrowed by the entities in the person's message
("what are the sub-occipital muscles?" gets the sub-occipital answer, not the general neck one).
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from headache_core import KNOWLEDGE_DIR
from headache_core.clinic import Clinic

EDUCATION_FILE = KNOWLEDGE_DIR / "education.yml"
PLACEHOLDERS = ("emergency_number", "urgent_route", "emergency_place", "clinic_name", "phone")
# The entity components/follow_up_router.py sets to the id of the follow-up question asked.
FOLLOW_UP_ENTITY = "follow_up"
PAYLOAD_RE = re.compile(r"^/(?P<intent>[a-z_]+)(?P<entities>\{.*\})?$")


class ContentError(ValueError):
    """The education file is malformed; the message names the topic."""


@dataclass(frozen=True)
class Button:
    title: str
    payload: str

    @property
    def intent(self) -> str:
        match = PAYLOAD_RE.match(self.payload)
        if not match:
            raise ContentError(f"button {self.title!r}: payload {self.payload!r} is not /intent")
        return match["intent"]

    @property
    def entities(self) -> dict[str, str]:
        match = PAYLOAD_RE.match(self.payload)
        return json.loads(match["entities"]) if match and match["entities"] else {}


@dataclass(frozen=True)
class Topic:
    id: str
    intents: tuple[str, ...]
    entities: Mapping[str, tuple[str, ...]]
    text: str
    buttons: tuple[Button, ...]
    sources: tuple[str, ...]
    asked_as: tuple[re.Pattern[str], ...] = ()

    def is_asked_by(self, text: str) -> bool:
        """The message asks this follow-up question in one of its `asked_as` ways."""
        return any(pattern.search(text) for pattern in self.asked_as)

    def matches(self, found: Mapping[str, set[str]]) -> bool:
        """True when the message mentions one of this topic's narrowing values."""
        return any(found.get(label, set()) & set(values) for label, values in self.entities.items())

    def render(self, clinic: Clinic) -> str:
        """The text with the clinic's emergency number and urgent route filled in."""
        values = {
            "emergency_number": clinic.region.emergency_number,
            "urgent_route": clinic.region.urgent_route,
            "emergency_place": clinic.region.emergency_place,
            "clinic_name": clinic.name,
            "phone": clinic.phone,
        }
        return re.sub(r"\{(\w+)\}", lambda m: values.get(m[1], m[0]), self.text)


def _parse_topic(raw: dict) -> Topic:
    topic_id = raw.get("id") or "?"
    for key in ("intents", "text", "buttons", "sources"):
        if not raw.get(key):
            raise ContentError(f"topic {topic_id}: '{key}' is missing")
    for name in re.findall(r"\{(\w*)\}", raw["text"]):
        if name not in PLACEHOLDERS:
            raise ContentError(f"topic {topic_id}: unknown placeholder {{{name}}}")
    buttons = tuple(Button(str(b["title"]), str(b["payload"])) for b in raw["buttons"])
    for button in buttons:
        button.intent  # noqa: B018  (raises on a malformed payload)
    try:
        asked_as = tuple(re.compile(p, re.I) for p in raw.get("asked_as") or [])
    except re.error as error:
        raise ContentError(f"topic {topic_id}: bad asked_as pattern: {error}") from error
    entities = {k: tuple(v) for k, v in (raw.get("entities") or {}).items()}
    if asked_as:  # the router marks the question with the topic's id (FOLLOW_UP_ENTITY)
        entities[FOLLOW_UP_ENTITY] = (topic_id,)
    return Topic(
        id=topic_id,
        intents=tuple(raw["intents"]),
        entities=entities,
        text=" ".join(str(raw["text"]).split()),
        buttons=buttons,
        sources=tuple(raw["sources"]),
        asked_as=asked_as,
    )


def load_topics(path: Path = EDUCATION_FILE) -> tuple[Topic, ...]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    topics = tuple(_parse_topic(raw) for raw in data.get("topics") or [])
    ids = [t.id for t in topics]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise ContentError(f"duplicate topic ids: {sorted(duplicates)}")
    return topics


@lru_cache(maxsize=2)
def max_words(path: Path = EDUCATION_FILE) -> int:
    """The house-style limit on an answer's length, stated once in the education file."""
    return int(yaml.safe_load(path.read_text(encoding="utf-8"))["max_words"])


@lru_cache(maxsize=1)
def topics() -> tuple[Topic, ...]:
    return load_topics()


def asked_topic(text: str) -> Topic | None:
    """The follow-up question (a topic with `asked_as`) the message asks, if any."""
    return next((t for t in topics() if t.asked_as and t.is_asked_by(text)), None)


def education_intents() -> set[str]:
    return {intent for topic in topics() for intent in topic.intents}


def select_topic(intent: str, found: Mapping[str, set[str]]) -> Topic | None:
    """The narrowest topic for an intent: one whose entities match, else the general one."""
    candidates = [t for t in topics() if intent in t.intents]
    asked = found.get(FOLLOW_UP_ENTITY, set())
    for topic in candidates:  # a follow-up question first: it is the narrowest answer
        if topic.asked_as and topic.id in asked:
            return topic
    for topic in candidates:
        if topic.entities and topic.matches(found):
            return topic
    return next((t for t in candidates if not t.entities), None)


# How a follow-up to the last answer opens ("and for back sleepers?", "what about my phone?")
FOLLOW_UP_OPENERS = ("and ", "what about ", "how about ", "what if ", "for ", "also ", "or ")


def is_follow_up(text: str) -> bool:
    return text.strip().lower().startswith(FOLLOW_UP_OPENERS)


def topic_by_id(topic_id: str) -> Topic | None:
    return next((t for t in topics() if t.id == topic_id), None)


def select_follow_up(
    intent: str, found: Mapping[str, set[str]], text: str, previous_id: str | None
) -> Topic | None:
    """The narrowest topic for the question; when the question gets only a general answer, is
    worded as a follow-up and names a narrower topic of the previous answer's question, that
    topic: "and for back sleepers?" after the phone posture answer is about sleeping posture,
    though the classifier read "back" as the upper back."""
    topic = select_topic(intent, found)
    if (topic is not None and topic.entities) or not previous_id or not is_follow_up(text):
        return topic
    previous = topic_by_id(previous_id)
    for earlier_intent in previous.intents if previous else ():
        narrower = select_topic(earlier_intent, found)
        if narrower is not None and narrower.entities:
            return narrower
    return topic
