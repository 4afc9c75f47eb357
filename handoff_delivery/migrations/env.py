"""Alembic environment of the handoff store.

`HandoffStore.migrate()` hands over its own connection (`config.attributes["connection"]`),
so the migration runs with exactly the store's settings; the alembic command line
(`alembic -c handoff_delivery/migrations/alembic.ini ...`) connects to DATABASE_URL,
else the SQLite default. SQLite cannot alter tables in place: batch mode copies them.
"""

from __future__ import annotations

from logging.config import fileConfig
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection

from handoff_delivery.tables import (
    VERSION_TABLE,
    UTCDateTime,
    database_url,
    make_engine,
    metadata,
)

config = context.config


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Autogenerate writes the store's UTC type as the plain column type it is underneath,
    so revision files do not import the application."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def configure(**options: Any) -> None:
    context.configure(
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        render_item=render_item,
        compare_type=True,
        **options,
    )


def run_on(connection: Connection) -> None:
    configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return
    if config.config_file_name:
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    engine = make_engine(database_url(config.get_main_option("sqlalchemy.url")))
    try:
        with engine.begin() as connection:
            run_on(connection)
    finally:
        engine.dispose()


def run_offline() -> None:
    """`alembic upgrade head --sql`: the SQL, for a DBA to run."""
    url = database_url(config.get_main_option("sqlalchemy.url"))
    configure(
        url=url,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=url.get_backend_name() == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
