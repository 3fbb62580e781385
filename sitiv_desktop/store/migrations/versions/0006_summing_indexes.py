"""summing indexes: the syndicate chart sums payment credits from an index alone, a commune's
commitments are counted by the day they were made, and a record's history is read by its row
(the history grows with every change pulled) — laptop copies only

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import context, op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Written out here, not read from the code: a migration must not change when the code does.
STATEMENTS = (
    "CREATE INDEX IF NOT EXISTS ix_payment_credits_line_year_amount"
    " ON payment_credits (line_id, year, amount_cents)",
    "CREATE INDEX IF NOT EXISTS ix_commitments_commune_made_on ON commitments (commune_id, made_on)",
    "CREATE INDEX IF NOT EXISTS ix_history_row ON history (table_name, row_id, seq)",
)


def upgrade() -> None:
    if context.config.attributes.get("role", "client") != "client":
        return
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    raise NotImplementedError("the summing indexes are not taken back")
