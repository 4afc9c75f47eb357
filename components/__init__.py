"""Custom Rasa graph components (the ones config.yml names) and their helpers.

Thin glue between Rasa's graph and `headache_core`. Importing this package changes nothing in
Rasa: what changes Rasa's own behaviour lives in `rasa_patches/` and is installed by the entry
points (docs/rasa-patches.md).
"""
