"""Custom Rasa NLU components: thin glue between Rasa's graph and `headache_core`."""
