"""Insights and the review queue (issue 29): counts of how conversations went, and the
messages the assistant was unsure of, redacted, for staff to label. Infrastructure (SQLAlchemy);
`tally.py` and `summary.py` are pure."""
