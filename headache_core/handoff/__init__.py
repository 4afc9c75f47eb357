"""Handing a patient over to the clinic's front desk (issue 5): the handoff record, what the
form asks and how its answers are read (name, contact, times, corrections, requests).
Knows nothing of Rasa, databases or the network: where a handoff is kept and how the front
desk hears of it live in `handoff_delivery/`; `actions/` and `webapp/` use both."""
