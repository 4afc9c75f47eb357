"""The project's own spaCy pipeline: built from files in the repo, no downloaded model."""
