"""Custom actions: thin Rasa glue over `headache_core` (content, clinic details, safety)."""
