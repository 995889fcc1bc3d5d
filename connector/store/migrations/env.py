"""Alembic's entry point for the store's migrations.

:func:`connector.store.migrate.upgrade` runs it with an open connection in
``config.attributes["connection"]``. For writing a new revision, point alembic at a scratch
database instead::

    from alembic import command
    from connector.store.migrate import alembic_config

    config = alembic_config()
    config.set_main_option("sqlalchemy.url", "sqlite:////tmp/scratch.db")
    command.upgrade(config, "head")
    command.revision(config, message="what changes", autogenerate=True)
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from connector.store.database import create_store_engine, writer
from connector.store.migrate import VERSION_TABLE
from connector.store.tables import METADATA


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=METADATA,
        version_table=VERSION_TABLE,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


given = context.config.attributes.get("connection")
if given is not None:
    run(given)
else:
    engine = writer(create_store_engine(context.config.get_main_option("sqlalchemy.url", "")))
    try:
        with engine.begin() as connection:
            run(connection)
    finally:
        engine.dispose()
