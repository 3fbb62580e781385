"""sync: the outbox, shadows, conflicts and history of a laptop; the change log, grants and
row-level security of the shared database

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29

One migration builds both sides: ``config.attributes["role"]`` says which.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SYNCED_TABLES = (
    "communes", "contacts", "projects", "participations", "milestones", "ppi_lines",
    "ap_revisions", "payment_credits", "meetings", "meeting_communes", "commitments",
    "agenda_items", "exchanges", "mandate_stakes", "stake_projects",
)  # fmt: skip

# The communes a row belongs to, as a PostgreSQL boolean over a set of communes ``{s}``.
ROW_SCOPE = {
    "communes": "id = ANY({s})",
    "contacts": "commune_id = ANY({s})",
    "commitments": "commune_id = ANY({s})",
    "exchanges": "commune_id = ANY({s})",
    "mandate_stakes": "commune_id = ANY({s})",
    "projects": "sitiv_project_in(id, owner_commune_id, {s})",
    "participations": "sitiv_project_in(project_id, NULL, {s})",
    "milestones": "sitiv_project_in(project_id, NULL, {s})",
    "ppi_lines": "sitiv_project_in(project_id, NULL, {s})",
    "ap_revisions": "sitiv_line_in(line_id, {s})",
    "payment_credits": "sitiv_line_in(line_id, {s})",
    "meetings": "sitiv_meeting_in(id, {s})",
    "meeting_communes": "commune_id = ANY({s})",
    "agenda_items": "sitiv_meeting_in(meeting_id, {s})",
    "stake_projects": "sitiv_stake_in(stake_id, {s})",
}
# Rows born without communes (a syndicate project, a new meeting) may be created by any writer.
CREATED_UNSCOPED = {
    "projects": "owner_commune_id IS NULL",
    "meetings": "TRUE",
}

FUNCTIONS = """
CREATE OR REPLACE FUNCTION sitiv_my_communes() RETURNS uuid[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT coalesce(array_agg(commune_id), '{}') FROM sync_grants WHERE user_name = session_user
$$;
CREATE OR REPLACE FUNCTION sitiv_my_writable_communes() RETURNS uuid[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT coalesce(array_agg(commune_id), '{}') FROM sync_grants
  WHERE user_name = session_user AND role IN ('liaison', 'admin')
$$;
CREATE OR REPLACE FUNCTION sitiv_project_in(project uuid, owner uuid, s uuid[]) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT coalesce(owner = ANY(s), FALSE)
      OR EXISTS (SELECT 1 FROM projects p WHERE p.id = project AND p.owner_commune_id = ANY(s))
      OR EXISTS (SELECT 1 FROM participations x WHERE x.project_id = project AND x.commune_id = ANY(s))
$$;
CREATE OR REPLACE FUNCTION sitiv_line_in(line uuid, s uuid[]) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT EXISTS (SELECT 1 FROM ppi_lines l WHERE l.id = line AND sitiv_project_in(l.project_id, NULL, s))
$$;
CREATE OR REPLACE FUNCTION sitiv_meeting_in(meeting uuid, s uuid[]) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT EXISTS (SELECT 1 FROM meeting_communes m WHERE m.meeting_id = meeting AND m.commune_id = ANY(s))
$$;
CREATE OR REPLACE FUNCTION sitiv_stake_in(stake uuid, s uuid[]) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT EXISTS (SELECT 1 FROM mandate_stakes m WHERE m.id = stake AND m.commune_id = ANY(s))
$$;
CREATE OR REPLACE FUNCTION sitiv_is_writer() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT EXISTS (SELECT 1 FROM sync_grants WHERE user_name = session_user
                 AND role IN ('liaison', 'admin'))
$$;
"""


STAMP_CHANGES = """
CREATE OR REPLACE FUNCTION sitiv_stamp_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(72430001);
  NEW.seq := nextval('sync_seq');
  NEW.author := session_user;
  NEW.committed_at := now() AT TIME ZONE 'UTC';
  RETURN NEW;
END $$;
CREATE TRIGGER stamp_change BEFORE INSERT ON sync_changes
FOR EACH ROW EXECUTE FUNCTION sitiv_stamp_change();
"""


def role() -> str:
    return str(context.config.attributes.get("role", "client"))


def upgrade() -> None:
    if role() == "server":
        create_server_side()
    else:
        create_client_side()


def create_client_side() -> None:
    op.create_table(
        "sync_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("cursor", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("applying", sa.Integer, nullable=False, server_default="0"),
        sa.Column("granted", sa.Text, nullable=False, server_default=""),
        sa.Column("last_sync_at", sa.DateTime, nullable=True),
    )
    op.execute("INSERT INTO sync_state (id, cursor, applying, granted) VALUES (1, 0, 0, '')")
    op.create_table(
        "sync_outbox",
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("table_name", sa.String(40), nullable=False),
        sa.Column("row_id", sa.String(32), nullable=False),
        sa.Column("stamp", sa.Integer, nullable=False, server_default="0"),
        sa.Column("change_id", sa.String(32), nullable=True),
        sa.UniqueConstraint("table_name", "row_id", name="uq_sync_outbox_row"),
    )
    op.create_table(
        "sync_shadows",
        sa.Column("table_name", sa.String(40), primary_key=True),
        sa.Column("row_id", sa.String(32), primary_key=True),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_table(
        "sync_conflicts",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("table_name", sa.String(40), nullable=False),
        sa.Column("row_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("mine", sa.Text, nullable=False),
        sa.Column("theirs", sa.Text, nullable=False),
        sa.Column("noticed_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "sync_refused",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("table_name", sa.String(40), nullable=False),
        sa.Column("row_id", sa.String(32), nullable=False),
        sa.Column("change", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("noticed_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "history",
        sa.Column("seq", sa.BigInteger, primary_key=True),
        sa.Column("table_name", sa.String(40), nullable=False),
        sa.Column("row_id", sa.String(32), nullable=False),
        sa.Column("op", sa.String(10), nullable=False),
        sa.Column("fields", sa.Text, nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("committed_at", sa.DateTime, nullable=False),
        sa.Column("commune_ids", sa.Text, nullable=False),
    )
    op.create_index("ix_history_committed_at", "history", ["committed_at"])
    for table in SYNCED_TABLES:
        for event, row in (("insert", "new"), ("update", "new"), ("delete", "old")):
            # Every local edit lands in the outbox, except those the sync itself applies.
            op.execute(
                f"CREATE TRIGGER outbox_{table}_{event} AFTER {event.upper()} ON {table} "
                "WHEN (SELECT applying FROM sync_state WHERE id = 1) = 0 BEGIN "
                f"INSERT INTO sync_outbox (table_name, row_id, stamp) VALUES ('{table}', {row}.id, 0) "
                "ON CONFLICT (table_name, row_id) DO UPDATE SET stamp = stamp + 1, change_id = NULL; END"
            )


def create_server_side() -> None:
    op.create_table(
        "sync_changes",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("change_id", sa.String(32), nullable=False, unique=True),
        sa.Column("table_name", sa.String(40), nullable=False),
        sa.Column("row_id", sa.String(32), nullable=False),
        sa.Column("op", sa.String(10), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("old", sa.Text, nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("committed_at", sa.DateTime, nullable=False),
        sa.Column("commune_ids", sa.Text, nullable=False),
    )
    op.create_table(
        "sync_grants",
        sa.Column("user_name", sa.String(100), primary_key=True),
        sa.Column(
            "commune_id",
            sa.Uuid,
            sa.ForeignKey("communes.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("role", sa.String(20), nullable=False),
        sa.CheckConstraint(
            "role IN ('elu', 'liaison', 'secretariat', 'admin')", name="ck_sync_grants_role"
        ),
    )
    if op.get_bind().dialect.name == "postgresql":
        secure_postgresql()


def secure_postgresql() -> None:
    # Numbers are drawn under an advisory lock held until commit: their order is commit order.
    op.execute("CREATE SEQUENCE sync_seq")
    op.execute(FUNCTIONS)
    op.execute(
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sitiv_member') "
        "THEN CREATE ROLE sitiv_member NOLOGIN; END IF; END $$"
    )
    for table in (*SYNCED_TABLES, "sync_changes"):
        op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO sitiv_member")
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute("GRANT SELECT ON sync_grants TO sitiv_member")
    op.execute("GRANT USAGE ON SEQUENCE sync_seq TO sitiv_member")
    op.execute("ALTER TABLE sync_grants ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE sync_grants FORCE ROW LEVEL SECURITY")
    op.execute(
        "CREATE POLICY own_grants ON sync_grants FOR SELECT USING (user_name = session_user)"
    )
    for table, scope in ROW_SCOPE.items():
        readable = scope.format(s="sitiv_my_communes()")
        writable = scope.format(s="sitiv_my_writable_communes()")
        created = writable
        if table in CREATED_UNSCOPED:
            created = f"({writable}) OR (sitiv_is_writer() AND {CREATED_UNSCOPED[table]})"
        op.execute(f"CREATE POLICY reading ON {table} FOR SELECT USING ({readable})")
        op.execute(f"CREATE POLICY creating ON {table} FOR INSERT WITH CHECK ({created})")
        op.execute(
            f"CREATE POLICY changing ON {table} FOR UPDATE USING ({writable}) WITH CHECK ({created})"
        )
        op.execute(f"CREATE POLICY deleting ON {table} FOR DELETE USING ({writable})")
    op.execute(
        "CREATE POLICY reading ON sync_changes FOR SELECT "
        "USING (string_to_array(commune_ids, ',')::uuid[] && sitiv_my_communes())"
    )
    # A member may log a change only about communes it may write, and the database, not the
    # member, sets its number, author and time.
    op.execute(
        "CREATE POLICY writing ON sync_changes FOR INSERT WITH CHECK (sitiv_is_writer() AND ("
        "commune_ids = '' OR string_to_array(commune_ids, ',')::uuid[] && sitiv_my_writable_communes()))"
    )
    op.execute(STAMP_CHANGES)


def downgrade() -> None:
    if role() == "server":
        op.drop_table("sync_grants")
        op.drop_table("sync_changes")
        return
    for table in SYNCED_TABLES:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER outbox_{table}_{event}")
    for table in (
        "history",
        "sync_refused",
        "sync_conflicts",
        "sync_shadows",
        "sync_outbox",
        "sync_state",
    ):
        op.drop_table(table)
