"""Rasa glue for where conversations live: the tracker store (issue 7)."""
