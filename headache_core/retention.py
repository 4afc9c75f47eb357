"""How long the clinic keeps conversations and front-desk records: one setting for all.

The retention job (`python -m stores.retention`) deletes what is older, and the handoff form's
consent question tells the person the same number, so what is said and what is done cannot
drift apart. `RETENTION_DAYS` sets it for every process (the stack passes its environment to all
three); 90 days by default.
"""

import settings

DEFAULT_RETENTION_DAYS = settings.RETENTION_DAYS.default


def retention_days(environ: dict[str, str] | None = None) -> int:
    """RETENTION_DAYS as a whole number of days (>= 1), else the default."""
    return settings.RETENTION_DAYS.read(environ)
