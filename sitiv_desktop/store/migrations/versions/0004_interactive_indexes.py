"""interactive indexes: every list's sort and commune switch, and the search layout (prefix
indexes, entries numbered by kind) on a laptop's copy

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import context, op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if context.config.attributes.get("role", "client") != "client":
        return
    if op.get_bind().dialect.name != "sqlite":
        return
    from sitiv_desktop.store.indexes import ensure_interactive_indexes

    ensure_interactive_indexes(op.get_bind())


def downgrade() -> None:
    raise NotImplementedError("the interactive indexes are not taken back")
