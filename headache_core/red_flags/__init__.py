"""Red flags: headaches that need a doctor, not a neck screening (clinical-reference §2).

`knowledge/red_flags.yml` holds the flags, their level, the concepts they are made of and the
NegEx-style context cues; this package matches them in a spaCy doc. Both the Rasa NLU component
(`components/red_flag_detector.py`) and the actions use `detect`.
"""

from headache_core.red_flags.detector import Detection, FlagHit, RedFlagDetector, detect

__all__ = ["Detection", "FlagHit", "RedFlagDetector", "detect"]
