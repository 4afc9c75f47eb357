"""The clinic front-desk console (issue 5): staff sign in, see handoffs by urgency, claim and
close them, hand conversations back to the assistant and screen callers; plus the bearer-token
handoff API. `webapp/app.py` mounts `routes.py`."""
