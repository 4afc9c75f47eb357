"""What a person says after red-flag advice, and what the assistant answers (issue 25).

Once a red flag is given, the assistant stays with it until the person has what they need
(clinical-reference §3: a red flag ends the flow). Every reply keeps the advice and its route;
what comes before it depends on what the person said:

- route_meaning: "what is 111?": what the route is.
- asks_number: "what number do I call?", "is it 111 or 999?", "where do I go?": the route.
- what_to_say: "what do I tell them?": what to tell the doctor.
- driving: "can I drive myself?": not for an emergency; ask someone or call an ambulance.
- painkiller: "can't I just take paracetamol?": it can hide the pain, not its cause.
- delays: "I'll call later", "let me lie down first": don't wait.
- plays_down: "it's probably nothing", "she seems fine now": signs that ease can come back.
- booking: a physio appointment instead: not the right care first.
- what_happens: "what will they do at the hospital?": what to expect, honestly, in a line.
- worry: "I'm scared": acknowledged; acting now is the right thing.
- thanks: "ok thanks", "calling now": a short kind word.
- topic: another question: the advice first, then the answer.
- anything else: the advice again, kindly.

The message texts are in knowledge/messages.yml (`red_flag_after_*`).
"""

import re

from headache_core.lexicon import alternatives

KINDS = ("route_meaning", "asks_number", "what_to_say", "driving", "painkiller", "delays",
         "plays_down", "booking", "what_happens", "worry", "thanks")  # fmt: skip
# Kinds whose message differs by level (red_flag_after_<kind>_<level>).
BY_LEVEL = ("route_meaning", "asks_number", "driving", "delays")
# Checked in this order: "can I drive there later?" is about driving before delay.
CUES = {
    "route_meaning": re.compile(
        r"\bwhat(?:'?s| is| does| do you mean by)\b.{0,12}\b(111|999|911|112|a ?& ?e|a and e|"
        r"urgent care|walk-?in|emergency department|er)\b",
        re.I,
    ),
    "what_to_say": re.compile(
        r"\bwhat (do|should|shall|will) i (tell|say|mention)\b|\bwhat (do|should) (i|we) say\b",
        re.I,
    ),
    "asks_number": re.compile(
        r"\b(what|which|wat|wot)\b.{0,25}\b(number|no\.?|num|phone|ring|call|dial)\b"
        r"|\b(number|phone)\b.{0,20}\b(call|ring|dial)\b"
        r"|\b(999|911|112|000|111)\b.{0,20}\bor\b"
        r"|\b(where|who)\b.{0,30}\b(go|call|ring|phone|take (him|her|them|me))\b"
        r"|\bhow do i (get|call|contact)\b",
        re.I,
    ),
    "driving": re.compile(r"\b(drive|driving|drove|car|lift|uber|taxi|bus)\b", re.I),
    "painkiller": re.compile(
        r"\b(paracetamol|ibuprofen|aspirin|tylenol|advil|nurofen|panadol|co-?codamol|codeine|"
        r"painkillers?|pain ?killers?|tablets?|pills?|meds|medicine|medication|sumatriptan)\b",
        re.I,
    ),
    "delays": re.compile(
        r"\b(later|tomorrow|tonight|morning|after (my|the|work|school|lunch|dinner)|first|"
        r"wait|waiting|sleep it off|lie down|lay down|nap|rest|in a bit|in an hour|"
        r"after (my )?shift|finish (work|my)|monday|weekend|next week)\b",
        re.I,
    ),
    "plays_down": re.compile(
        r"\b(probably nothing|just (a|stress|tired|a migraine|a headache)|not that bad|"
        r"(feel|feels|feeling|seems?|looks?) (ok|okay|fine|better|alright|all right|normal)|"
        r"gone now|passed|overreact|over-react|fuss|making a fuss|not serious|i'?m fine|"
        r"(she|he|they)'?s fine|it'?s fine|no big deal|don'?t want to bother|waste)\b",
        re.I,
    ),
    "booking": re.compile(
        r"\b(book|booking|appointment|physio|session|see (you|the clinic)|come in)\b", re.I
    ),
    "what_happens": re.compile(
        r"\bwhat (will|would|do|does|might|are) (they|the doctors?|the hospital|a&e|the gp|"
        r"the paramedics?|the ambulance)\b|\bwhat happens\b|\bwhat (tests|scans?)\b|"
        r"\bwill (they|i) (need|have|get) (a |an )?(scan|test|tests|x-?ray|mri|ct)\b|"
        r"\bhow long will (i|it|they|we) (be|take|wait)\b",
        re.I,
    ),
    "worry": re.compile(
        r"\b(scared|frightened|terrified|panicking|panic|afraid|worried|anxious|freaking out|"
        r"shaking|crying|nervous)\b",
        re.I,
    ),
    "thanks": re.compile(
        r"^\W*(ok(ay)?|k|right|alright|will do|got it|understood|"
        rf"{alternatives('thanks_phrases', 'thanks')}|thank|"
        r"calling (now|them|999|911|111)|on (my|our) way|going now|ringing (now|them)|"
        r"bye)\b",
        re.I,
    ),
}
BOOKING_INTENTS = ("book_appointment", "request_human")


def reply_kind(text: str, intent: str | None = None) -> str | None:
    """What the person's reply to the advice does (one of KINDS), or None."""
    for kind in KINDS:
        if CUES[kind].search(text or ""):
            return kind
    if intent in BOOKING_INTENTS:
        return "booking"
    return None
