"""Alembic environment: always run from annotator.store.schema with a live connection in config.attributes."""

from alembic import context

from annotator.store.full_text import include_object
from annotator.store.tables import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things in place
    include_object=include_object,  # the full-text index is made by statements, not from the mappings
)
with context.begin_transaction():
    context.run_migrations()
