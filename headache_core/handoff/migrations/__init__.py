"""Alembic migrations of the handoff store (`HandoffStore.migrate()`, or
`python -m headache_core.handoff.migrate`). A package so that it is installed with the code."""
