"""Rasa glue for where conversations live: the tracker store and the lock store (issue 7)."""
