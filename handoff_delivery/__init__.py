"""Where handoffs are kept and how they reach the clinic: the store (SQLAlchemy, SQLite or
PostgreSQL) and its migrations, the outbox that holds a handoff while the database is down,
the front-desk notices (Slack webhook, e-mail) and the booking systems (front-desk queue,
Cliniko's API). The infrastructure around the pure records of `headache_core.handoff`."""
