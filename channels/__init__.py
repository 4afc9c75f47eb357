"""Rasa's own channels, configured for the clinic (issue 6): the website widget's socket.io
(with message kinds for rendering), Slack and Facebook Messenger (secrets from the environment,
API base URLs overridable so tests talk to local fakes). Named in credentials.yml, so Rasa
imports this package at start: the redaction of patient text from its logs is installed here.
"""

from channels import log_redaction

log_redaction.install()
