"""Alembic migrations of the handoff store (`HandoffStore.migrate()`, or
`python -m handoff_delivery.migrate`). A package so that it is installed with the code."""
