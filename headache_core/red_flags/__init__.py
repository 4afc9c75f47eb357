"""Red flags: headaches that need a doctor, not a neck screening (clinical-reference §2).

`knowledge/red_flags.yml` holds the flags, their level, the concepts they are made of and the
NegEx-style context cues. `rules` reads it (no spaCy: the action server only needs levels and
reasons); `detector` matches it in a spaCy doc for the Rasa NLU component and the tests.
"""
