"""How long the clinic keeps conversations and front-desk records: one setting for all.

The retention job (`python -m stores.retention`) deletes what is older, and the handoff form's
consent question tells the person the same number, so what is said and what is done cannot
drift apart. `RETENTION_DAYS` sets it for every process (the stack passes its environment to all
three); 90 days by default.
"""

import os

DEFAULT_RETENTION_DAYS = 90
ENV = "RETENTION_DAYS"


def retention_days(environ: dict[str, str] | None = None) -> int:
    """RETENTION_DAYS as a whole number of days (>= 1), else the default."""
    text = (os.environ if environ is None else environ).get(ENV, "").strip()
    if not text:
        return DEFAULT_RETENTION_DAYS
    try:
        days = int(text)
    except ValueError:
        raise ValueError(f"{ENV} must be a whole number of days, not {text!r}") from None
    if days < 1:
        raise ValueError(f"{ENV} must be at least 1 day, not {days}")
    return days
