"""Words that say an asked-about sign is happening after all (pure Python, no spaCy).

"Is neck manipulation safe? I had it done yesterday" (one message), or "what does a stroke look
like, is a drooping face one?" then "it's my dad, it's happening now" (two): a question that
named nobody only asked, until a later sentence or the next message says it happened. The
detector's context (context.py) reads the later sentences of a message; the conversation's
evidence (evidence.py) reads the next message.
"""

import re

HAD_IT_RE = re.compile(
    # "she hasn't had it done" says it did not happen
    r"(?<!n't )(?<!not )(?<!never )\b(had|got|did|done|have had|'ve had)\s+(it|that|this|one)\b"
    r"|(?<!n't had )(?<!not had )(?<!never had )\bit done\b"
    r"|\b(it's|it is|that's|that is|this is)\s+(what's\s+|what is\s+)?happening\b"
    r"|\bhappening (to (me|him|her|us|my)|right now|now)\b"
    # "is paracetamol ok for a headache?" then "I'm 16 weeks pregnant and it's been going on
    # since yesterday"
    r"|\b(?:it's|it has|it|that's|that has)\s+been\s+(?:going on|there|happening|on and off)\b"
    # "is it normal to see rings round lights?" then "only asking because my eye's red" (not
    # "asking because I'm writing an essay")
    r"|\basking because\s+(?:my|her|his|our|she|he|she's|he's|we|it's|it is|i've|i have|i got)\b"
    r"|\b(he|she|they|i|we)\s*(?:'s|'ve|has|have|is|are)\s+(?:got\s+)?(?:that|this|those|all of"
    r" (?:that|those|them))\b(?!\s+(?:is|was|would|could|can|should|mean|means)\b)",
    re.I,
)


def says_it_happened(text: str) -> bool:
    return bool(HAD_IT_RE.search(text or ""))
