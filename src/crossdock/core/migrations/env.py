"""Alembic environment: runs against the connection crossdock hands it (see core/store.py)."""

from alembic import context

from crossdock.core.tables import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    version_table="cd_alembic_version",
)
with context.begin_transaction():
    context.run_migrations()
