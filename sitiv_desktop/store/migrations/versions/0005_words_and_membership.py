"""words and membership: a meeting's speaker's notes, a contact's job title as addressed, a kept
commitment's evidence, the day a commune's membership ended

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

Synced columns: both sides (laptop and service) get them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(sa.Column("speaker_notes", sa.Text, nullable=False, server_default=""))
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(sa.Column("title", sa.String(200), nullable=False, server_default=""))
    with op.batch_alter_table("commitments") as batch:
        batch.add_column(sa.Column("evidence", sa.Text, nullable=False, server_default=""))
    with op.batch_alter_table("communes") as batch:
        batch.add_column(sa.Column("left_on", sa.Date, nullable=True))


def downgrade() -> None:
    raise NotImplementedError("these columns are not taken back")
