"""Alembic environment, run from code by ``store.migration``: never from a command line."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from sitiv_desktop.store.models import Base


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations(context.config.attributes["connection"])
