"""Handing a patient over to the clinic's front desk (issue 5): the handoff record, its store,
the contact-detail readers, the booking systems (front-desk queue, Cliniko) and notifications.
Knows nothing of Rasa; `actions/` and `webapp/` use it."""
