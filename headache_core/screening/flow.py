"""What the screening form needs besides the answer readers, with no Rasa inside.

- Red flags across answers: each answer alone may say nothing alarming, while together they do
  ("I'm 63" ... "it started three weeks ago"). The detector reads every answer so far as one text.
- Pre-fill: what the person said before the screening ("my right-sided headache starts at the
  base of my skull") becomes answers to confirm instead of questions to ask.
- Stop requests and questions asked in the middle of the form.
"""

import re

from headache_core.age import find_age
from headache_core.lexicon import alternatives
from headache_core.red_flags.detector import Detection, detect
from headache_core.red_flags.evidence import NO_HEADACHE, check_supplies_headache
from headache_core.red_flags.rules import LEVELS
from headache_core.screening.answers import (
    NOT_SURE,
    START_WORDS_RE,
    read_age,
    read_pain_side,
    read_pain_start,
)

# Gives the detector the "headache" that every answer in this form is about, so combinations such
# as pregnancy + headache hold even when no answer repeats the word.
CONTEXT_PREFIX = "I have headaches."
# A command on its own ("stop", "actually cancel", "cancel please"), or a sentence that asks to
# stop the check or the booking.
# "end of the work day" or "it stops when I lie down" are answers, not requests.
LEAD_IN = rf"(({alternatives('stop_fillers', 'plain_no', 'thanks_phrases', 'thanks')})\W+)*"
STOP_RE = re.compile(
    rf"^\W*{LEAD_IN}(please\s+)?"
    r"(stop|cancel|quit|exit|end|abort|enough|never ?mind|forget it|bye|goodbye)"
    r"(\s+(it|this|that|now|please|(the|my) (check|test|questions|booking|appointment|request)))*"
    r"\W*$"
    rf"|^\W*{LEAD_IN}(please\s+)?(can we |could we |let'?s |i want to |i'?d like to )?"
    r"(stop|cancel|quit|end|skip) (this|it|(the|my) (check|test|questions|screening|booking|"
    r"appointment|request))\b"
    r"|\b(i('?d| would) rather not (do|carry on|continue|go on)|i don'?t want to (do|carry on|"
    r"continue|go on) (this|with)|no more questions)\b"
    # "can we stop", "let's stop here", "I want to stop now" (issue 27: not heard)
    r"|(?:\b(can|could) we (just )?(stop|end|leave it|finish)|\blet'?s (just )?(stop|leave it)"
    r"|\bi(?:'d| would)? (?:want|like|wanna) to (?:stop|quit|end)|\bplease stop)\b"
    r"(?!\s+(?:the|my|these|those|them|this pain|it from|taking|using|having|getting|pain|"
    r"headaches?|migraines?|painkillers?|medication|tablets))"
    # said inside a longer message: "ugh never mind, I'll just ring you"
    r"|\b(cancel|scrap|stop)\s+(that|this|it|the\s+(whole\s+)?(thing|booking|request|form|check|"
    r"questions))\b(?!\s+(head|pain|ache|feeling|hurt|from|happening|getting|coming))"
    r"|\bnever\s?mind\b|\bforget\s+(it|about\s+it|the\s+whole\s+thing)\b"
    r"|\b(i('ve| have)\s+)?changed\s+my\s+mind\b"
    r"|\bi'?ll\s+(just\s+)?(call|ring|phone)(\s+(you|the\s+clinic|the\s+front\s+desk|them))?"
    r"\s+(instead|later|tomorrow|myself)\b",
    re.I,
)

# A request to start the check names the neck without saying where the pain starts: "start the
# neck check please" must not become "it starts in the neck".
CHECK_REQUEST_RE = re.compile(
    r"\b(?:(?:start|begin|do|run|take|try|go through|have)\w*\s+(?:with\s+)?"
    r"(?:the|a|my|this|your|that)?\s*)?(?:neck[\s-]+)?(?:headache\s+)?"
    r"(?:check|test|screening|quiz|questionnaire|questions|assessment)\b",
    re.I,
)


def context_text(answers: dict[str, str], headache: bool = True) -> str:
    """All free-text answers so far as one text for the red-flag detector; `headache`: the
    check's own headache comes first (CONTEXT_PREFIX)."""
    parts = [CONTEXT_PREFIX] if headache else []
    for slot, text in answers.items():
        text = " ".join(str(text).split())
        if not text:
            continue
        age = read_age(text) if slot == "age" else None
        if isinstance(age, int):  # "fifty-seven", "55 next month" answer "How old are you?"
            rest = re.sub(r"^\W*\d+\W*(?:(?:years?|yrs?)(?:\s+old)?|y/?o)?\W*(?:and\b)?", "", text)
            rest = rest.strip()
            # what else the answer says is kept: "31, and I'm 33 weeks pregnant"
            text = f"I am {age}." + (f" {rest}" if re.search(r"[a-z]{3}", rest, re.I) else "")
        parts.append(text if text[-1] in ".!?" else text + ".")
    return " ".join(parts)


def red_flags_in_answers(answers: dict[str, str], latest: str | None = None) -> Detection:
    """Red flags (or hints) in the answers read together, and in the latest answer on its own
    (as the NLU component reads every message: an answer may state an age the way a first
    message does, "fifty-six and ..."). The answers together are no one message: the
    whole-message reading (red_flags/reports.py) reads each answer alone, not the collage."""
    together = detect(context_text(answers), one_message=False)
    if NO_HEADACHE in together.concepts:  # "no headaches at all": read without the check's one
        plain = detect(context_text(answers, headache=False), one_message=False)
        if not check_supplies_headache(plain.concepts):
            together = plain
    alone = detect(latest) if latest else None
    if alone and alone.flags and not together.flags:
        return alone
    if alone and alone.flags and LEVELS.index(alone.level) < LEVELS.index(together.level):
        return alone
    return together


def is_stop_request(text: str) -> bool:
    return bool(STOP_RE.search(text or ""))


def prefill(texts: list[str]) -> dict[str, dict[str, object]]:
    """Answers a person gave in their own words before the screening started (latest wins),
    as {slot: {"value": ..., "said": the message}}.

    Only explicit statements count: an age said as an age, a side named, and where the pain
    starts when they say "starts"/"begins". The form asks the person to confirm them.
    """
    found: dict[str, dict[str, object]] = {}
    for text in texts:
        if not text or text.startswith("/"):
            continue
        said = " ".join(text.split())
        text = CHECK_REQUEST_RE.sub(" ", text)
        values = {
            "age": find_age(text, bare_number_is_age=False),
            "pain_side": read_pain_side(text),
            "pain_start": read_pain_start(text) if START_WORDS_RE.search(text) else None,
        }
        for slot, value in values.items():
            if value not in (None, NOT_SURE):
                found[slot] = {"value": value, "said": said}
    return found
