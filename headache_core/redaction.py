"""Placeholder redactor (issue 29): e-mail addresses and digit runs only.

The "redact" helper writes the real one (names, phones, dates of birth, addresses); the lead
puts it here at merge. Same signature, so the review queue needs no change then.
"""

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
DIGITS = re.compile(r"\d+(?:[\s().-]*\d+)*")


def redact(text: str, region: str = "GB") -> str:
    """The text with e-mail addresses as [EMAIL] and runs of digits as [NUMBER]."""
    return DIGITS.sub("[NUMBER]", EMAIL.sub("[EMAIL]", text))
