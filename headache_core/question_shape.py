"""How a message is worded as a question: one home for the shapes that the forms, the NLU
components and the "forget me" confirmation read (pure Python, no Rasa).

- a question at all (a question mark, a question word first): side questions in the forms, a
  question is not a yes to "forget me", a question is not small talk (SocialQuestionRouter);
- a question about the question or the last reply ("why do you need that?", "what do you mean?",
  "huh?"): the forms' `why` and `means`, the fallback's "which part?";
- what the classifier should read (a greeting or thanks before a question, "what do you mean by
  X"): FramingTrimmer;
- whether my own headache is a neck headache (labelling guide rule 3): OwnHeadacheRouter."""

import re
from typing import NamedTuple

from headache_core.lexicon import alternatives, word_set

# "When I'm on my phone it starts" answers "what brings it on?": "when" followed by the person
# (I, my, we, it...) opens a clause of an answer, not a question ("when should I...?"). Words
# like "so" and "and" before the question word are skipped ("so what's a sub-occipital?").
QUESTION_START_RE = re.compile(
    rf"^\W*(?:(?:{alternatives('question_fillers')})\W+)*"
    rf"({alternatives('question_openers')})\b",
    re.I,
)


def opens_like_question(text: str) -> bool:
    return bool(QUESTION_START_RE.match(text or ""))


def looks_like_question(text: str) -> bool:
    """A question mark at the end, or a question word first."""
    text = (text or "").strip()
    return text.endswith("?") or opens_like_question(text)


# A question about the form's question may open with a filler word ("ok so why...", "sorry, what
# do you mean?"); the two kinds below differ in what follows it.
ABOUT_THE_QUESTION_FILLER = rf"^\W*(?:(?:{alternatives('about_the_question_fillers')})\W+)*"


def _about_the_question(*alternatives: str) -> re.Pattern[str]:
    return re.compile(ABOUT_THE_QUESTION_FILLER + "(?:" + "|".join(alternatives) + ")", re.I)


# "why do you need my age?", "why?", "what's that got to do with it?": answered with the
# question's `why` (knowledge/screening.yml, handoff.yml) before it is asked again
WHY_RE = _about_the_question(
    r"(?:why|what for|how come)\W*$",
    r"(?:why|how come)\b.{0,40}\b(?:you|u|ya)\b.{0,30}\b(?:need|want|ask|asking|care|wanna)",
    r"why(?:'?s)?\b.{0,30}\b(?:matter|matters|important|relevant|needed)\b",
    r"what(?:'?s| is| has| does)\b.{0,25}\b(?:got )?to do with",
    r"what does (?:that|it|this|my \w+) matter",
)
# "what do you mean by worst headache?", "i don't get it", "huh?": the person did not follow the
# question; answered with its `means` (or its example) before it is asked again. "I don't
# understand why my neck hurts" goes on past the words, so it is not one of these.
MEANING_RE = _about_the_question(
    r"wh?at\s*(?:do|d'?)\s*(?:you|u|ya)\s+mean",
    r"what\s+(?:does|do)\b.{1,40}\bmean\b",
    r"what(?:'?s|\s+is)\s+(?:that|this|it)\s+mean",
    r"(?:i\s+)?(?:don'?t|do\s+not|dont|didn'?t)\s+(?:understand|get|follow)"
    r"(?:\s+(?:it|that|this|you|the\s+question|what\s+you\s+mean))?\W*$",
    r"(?:i'?m\s+)?(?:not\s+sure|unsure)\s+what\s+(?:you|u)\s+mean",
    r"(?:i'?m\s+)?confused\W*$",
    r"(?:can|could)\s+(?:you|u)\s+(?:explain|clarify|rephrase|say\s+(?:that|it)\s+"
    r"(?:again|another\s+way|differently))",
    r"what\s+(?:should|do|can|am)\s+i\s+(?:supposed\s+to\s+)?(?:say|answer|put|write|type)",
    r"(?:huh|eh|pardon|meaning|explain)\W*$",
    r"(?:what|sorry)\s*\?+\s*$",
    r"\?+\s*$",
)


# The words a question about the last reply is made of, with nothing in it named ("sorry, what
# do you mean by that?"); anything else names what the person asks about.
BARE_MEANING_WORDS = word_set("bare_meaning_question")


def is_why_question(text: str) -> bool:
    return bool(WHY_RE.search(text or ""))


def is_meaning_question(text: str) -> bool:
    return bool(MEANING_RE.search(text or ""))


# A greeting word, stretched as people type it ("hiii", "heyy", "helloo"); also read by
# components/social_questions.py, which adds the looser openers a greeting may start with.
GREETING_WORD = f"(?:{alternatives('greeting')})"
# "thanks, and what about stretches?", "hiya, is it normal for my neck to click": a greeting or a
# thanks in front of a question. Read alone, the opener's words outweigh the question's ("thank",
# 0.46), and the question is dropped. Not "morning" alone: "morning headaches, why?" asks about
# them; "ok" only before a thanks ("ok thank you, ..."): "ok, can we start?" answers the assistant.
SOCIAL_OPENER_RE = re.compile(
    r"^\W*(?:(?:ok|okay|oh|ah|great|lovely|cool|brilliant|perfect)[\s,.!]+)?"
    r"(?:" + GREETING_WORD + r"|"
    rf"{alternatives('thanks_phrases', 'thanks')})"
    r"(?:\s+(?:there|again|so\s+much|very\s+much|a\s+lot|loads|"
    r"for\s+(?:that|this|the\s+\w+|your\s+\w+)))*"
    r"[\s,.!:;-]+",
    re.I,
)
LETTERS_RE = re.compile(r"[^\W\d_]+")
MIN_QUESTION_WORDS = 3


def question_after_social_opener(text: str) -> int:
    """Where the question after a greeting or thanks starts (8 in "thanks, what about it?"), or
    0 when the message is not a greeting or thanks followed by a question of three words or more
    ("thanks, that's really helpful" is a thanks)."""
    match = SOCIAL_OPENER_RE.match(text or "")
    if not match:
        return 0
    rest = text[match.end() :]
    if len(LETTERS_RE.findall(rest)) < MIN_QUESTION_WORDS or not looks_like_question(rest):
        return 0
    return match.end()


# "what do you mean by referred pain?" asks what referred pain is; read whole, its "what do you
# mean" outweighs the subject ("referred" then reads as a referral: the clinic's details). The
# classifier reads "what is referred pain?". A bare "what do you mean?" has no subject.
MEANING_BY_RE = re.compile(
    ABOUT_THE_QUESTION_FILLER
    + r"(?:wh?at\s*(?:do|d'?)\s*(?:you|u|ya)\s+mean\s+(?:by|with|when\s+you\s+say)"
    r"|what(?:'?s|\s+is)\s+meant\s+by)\s+",
    re.I,
)
THAT_WORDS = frozenset({"that", "this", "it", "there", "so", "exactly", "please", "pls", "again"})


class Reframe(NamedTuple):
    """The classifier reads `replacement` in place of the message's first `cut` characters."""

    cut: int
    replacement: str = ""


def reframe_for_classifier(text: str) -> Reframe | None:
    """What the classifier should read instead of the words that say nothing of the topic: a
    greeting or thanks before a question is dropped, "what do you mean by X" becomes "what is
    X"; None when the message is read as it is."""
    cut = question_after_social_opener(text)
    match = MEANING_BY_RE.match(text[cut:])
    if match and set(LETTERS_RE.findall(text[cut + match.end() :].lower())) - THAT_WORDS:
        return Reframe(cut + match.end(), "what is ")
    return Reframe(cut) if cut else None


# The NLU's name for such a question (an `input_problem`), read by the fallback action
ASKED_WHAT_WE_MEANT = "asked_what_we_meant"


def is_bare_meaning_question(text: str) -> bool:
    """ "what do you mean?", "huh?", "what do you mean by that": about the last reply as a whole,
    naming nothing in it."""
    if not is_meaning_question(text):
        return False
    words = set(LETTERS_RE.findall((text or "").lower()))
    return not (words - BARE_MEANING_WORDS)


# Labelling guide rule 3: whether MY headache is a neck headache ("is this a neck headache?",
# "could mine be cervicogenic?", "do I have a cervicogenic headache?") asks for the check, not for
# what a neck headache is (rule 14); the classifier reads the topic words and gives rule 14.
# Over the 3,900 training examples both parts match 25, all labelled start_screening.
OWN_HEADACHE_RE = re.compile(
    r"\b(?:is|could|might|would|can)\s+(?:this|mine|my\s+(?:headache|headaches|head\s*ache|pain))\b"
    r"|\b(?:do|could|might|would|am)\s+i\s+(?:have|be\s+getting|getting|get|suffer)"
    r"|\bdo\s+(?:you|u)\s+think\s+(?:i|mine|my|it|this)\b"
    r"|\b(?:i\s+think\s+i|maybe\s+i)\s+(?:have|get|fit|might)",
    re.I,
)
NECK_HEADACHE_RE = re.compile(
    r"cervicogenic|neck\s*headache|neck[- ]related|(?:coming\s+)?from\s+(?:my|the)\s+neck", re.I
)


def asks_if_own_headache_is_from_the_neck(text: str) -> bool:
    return bool(OWN_HEADACHE_RE.search(text or "") and NECK_HEADACHE_RE.search(text or ""))
