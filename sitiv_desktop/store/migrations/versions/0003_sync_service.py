"""sync service: accounts, tokens and grants in the service's database, a change log numbered by
the service alone and indexed per commune, row-level security keyed on the user being served;
on a laptop, the changes in flight

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

Laptops no longer reach the shared database: the members' PostgreSQL roles, their policies, the
SECURITY DEFINER functions they could call and the trigger that let them take the push lock all
go. What replaces them serves one role, the sync service's, which owns no table.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SYNCED_TABLES = (
    "communes", "contacts", "projects", "participations", "milestones", "ppi_lines",
    "ap_revisions", "payment_credits", "meetings", "meeting_communes", "commitments",
    "agenda_items", "exchanges", "mandate_stakes", "stake_projects",
)  # fmt: skip

OLD_FUNCTIONS = (
    "sitiv_my_communes()", "sitiv_my_writable_communes()", "sitiv_project_in(uuid, uuid, uuid[])",
    "sitiv_line_in(uuid, uuid[])", "sitiv_meeting_in(uuid, uuid[])", "sitiv_stake_in(uuid, uuid[])",
    "sitiv_is_writer()", "sitiv_stamp_change()",
)  # fmt: skip

# The user being served is named by the service at the start of each transaction
# (``sitiv.user``); ``sitiv.scope = 'all'`` is set by the service's merge and administration,
# which apply the scope rules in code. Each function reads as the tables' owner, so that policies
# never recurse into each other, and its search path is pinned.
VISIBILITY_FUNCTIONS = """
CREATE FUNCTION public.sitiv_all_rows() RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
  SELECT coalesce(current_setting('sitiv.scope', true), '') = 'all'
$$;
CREATE FUNCTION public.sitiv_granted() RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT g.commune_id FROM public.sync_grants g JOIN public.sync_users u ON u.id = g.user_id
  WHERE u.name = current_setting('sitiv.user', true) AND NOT u.disabled
$$;
CREATE FUNCTION public.sitiv_visible_projects() RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT p.id FROM public.projects p WHERE p.owner_commune_id IN (SELECT public.sitiv_granted())
  UNION
  SELECT x.project_id FROM public.participations x WHERE x.commune_id IN (SELECT public.sitiv_granted())
$$;
CREATE FUNCTION public.sitiv_visible_lines() RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT l.id FROM public.ppi_lines l WHERE l.project_id IN (SELECT public.sitiv_visible_projects())
$$;
CREATE FUNCTION public.sitiv_visible_meetings() RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT m.meeting_id FROM public.meeting_communes m WHERE m.commune_id IN (SELECT public.sitiv_granted())
$$;
CREATE FUNCTION public.sitiv_visible_stakes() RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT s.id FROM public.mandate_stakes s WHERE s.commune_id IN (SELECT public.sitiv_granted())
$$;
CREATE FUNCTION public.sitiv_visible_communes() RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT public.sitiv_granted()
  UNION
  SELECT p.owner_commune_id FROM public.projects p
  WHERE p.owner_commune_id IS NOT NULL AND p.id IN (SELECT public.sitiv_visible_projects())
  UNION
  SELECT x.commune_id FROM public.participations x
  WHERE x.project_id IN (SELECT public.sitiv_visible_projects())
$$;
"""
FUNCTION_NAMES = (
    "sitiv_all_rows()", "sitiv_granted()", "sitiv_visible_projects()", "sitiv_visible_lines()",
    "sitiv_visible_meetings()", "sitiv_visible_stakes()", "sitiv_visible_communes()",
)  # fmt: skip

# The rows of each table the user being served may read: the same rules as the service's code
# (sync/service/scope.py), kept here as a second wall.
POLICIES = {
    "communes": "id IN (SELECT public.sitiv_visible_communes())",
    "contacts": "commune_id IN (SELECT public.sitiv_granted())",
    "commitments": "commune_id IN (SELECT public.sitiv_granted())",
    "exchanges": "commune_id IN (SELECT public.sitiv_granted())",
    "mandate_stakes": "commune_id IN (SELECT public.sitiv_granted())",
    "meeting_communes": "commune_id IN (SELECT public.sitiv_granted())",
    "projects": "id IN (SELECT public.sitiv_visible_projects())",
    "participations": "project_id IN (SELECT public.sitiv_visible_projects())",
    "milestones": "project_id IN (SELECT public.sitiv_visible_projects())",
    "ppi_lines": "project_id IN (SELECT public.sitiv_visible_projects())",
    "ap_revisions": "line_id IN (SELECT public.sitiv_visible_lines())",
    "payment_credits": "line_id IN (SELECT public.sitiv_visible_lines())",
    "meetings": "id IN (SELECT public.sitiv_visible_meetings())",
    "agenda_items": "meeting_id IN (SELECT public.sitiv_visible_meetings())",
    "stake_projects": "stake_id IN (SELECT public.sitiv_visible_stakes())"
    " AND project_id IN (SELECT public.sitiv_visible_projects())",
    "sync_change_communes": "commune_id IN (SELECT public.sitiv_granted())",
    "sync_changes": "EXISTS (SELECT 1 FROM public.sync_change_communes c"
    " WHERE c.seq = sync_changes.seq AND c.commune_id IN (SELECT public.sitiv_granted()))",
}


def role() -> str:
    return str(context.config.attributes.get("role", "client"))


def upgrade() -> None:
    if role() == "server":
        upgrade_server()
    else:
        op.create_table(
            "sync_inflight",
            sa.Column("position", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("change_id", sa.String(32), nullable=False, unique=True),
            sa.Column("table_name", sa.String(40), nullable=False),
            sa.Column("row_id", sa.String(32), nullable=False),
            sa.Column("stamp", sa.Integer, nullable=False),
            sa.Column("payload", sa.Text, nullable=False),
        )
        with op.batch_alter_table("sync_state") as batch:
            batch.add_column(sa.Column("roles", sa.Text, nullable=False, server_default=""))


def upgrade_server() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        remove_member_access()
    op.drop_table("sync_grants")
    op.create_table(
        "sync_users",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_failed_at", sa.DateTime, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "sync_grants",
        sa.Column(
            "user_id", sa.Uuid, sa.ForeignKey("sync_users.id", ondelete="CASCADE"), primary_key=True
        ),
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
    op.create_table(
        "sync_tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column(
            "user_id", sa.Uuid, sa.ForeignKey("sync_users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_used_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_sync_tokens_user_id", "sync_tokens", ["user_id"])
    with op.batch_alter_table("sync_changes") as batch:
        batch.add_column(
            sa.Column("reshapes", sa.Boolean, nullable=False, server_default=sa.false())
        )
    op.create_table(
        "sync_change_communes",
        sa.Column("commune_id", sa.Uuid, primary_key=True),
        sa.Column("seq", sa.BigInteger, primary_key=True),
    )
    op.create_index("ix_sync_change_communes_seq", "sync_change_communes", ["seq"])
    op.create_table(
        "sync_counter",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
    )
    op.execute(
        "INSERT INTO sync_counter (id, last_seq) SELECT 1, coalesce(max(seq), 0) FROM sync_changes"
    )
    index_old_changes(postgresql)
    if postgresql:
        secure_postgresql()


def remove_member_access() -> None:
    op.execute("DROP TRIGGER IF EXISTS stamp_change ON sync_changes")
    for table in (*SYNCED_TABLES, "sync_changes"):
        for policy in ("reading", "creating", "changing", "deleting", "writing"):
            op.execute(f"DROP POLICY IF EXISTS {policy} ON {table}")
    op.execute("DROP POLICY IF EXISTS own_grants ON sync_grants")
    for function in OLD_FUNCTIONS:
        op.execute(f"DROP FUNCTION IF EXISTS {function}")
    op.execute(
        "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sitiv_member') THEN "
        "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM sitiv_member; "
        "REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM sitiv_member; END IF; END $$"
    )
    op.execute("DROP SEQUENCE IF EXISTS sync_seq")


def index_old_changes(postgresql: bool) -> None:
    """Earlier entries, labelled with their communes as text, get their rows in the index."""
    if postgresql:
        op.execute(
            "INSERT INTO sync_change_communes (commune_id, seq) "
            "SELECT DISTINCT c::uuid, seq FROM sync_changes, "
            "unnest(string_to_array(commune_ids, ',')) AS c WHERE c <> ''"
        )
        return
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT seq, commune_ids FROM sync_changes")).all()
    import uuid

    pairs = {
        (uuid.UUID(part).hex, seq) for seq, labels in rows for part in labels.split(",") if part
    }
    if pairs:
        bind.execute(
            sa.text("INSERT INTO sync_change_communes (commune_id, seq) VALUES (:c, :s)"),
            [{"c": commune, "s": seq} for commune, seq in pairs],
        )


def secure_postgresql() -> None:
    op.execute(VISIBILITY_FUNCTIONS)
    for function in FUNCTION_NAMES:
        op.execute(f"REVOKE ALL ON FUNCTION public.{function} FROM PUBLIC")
    for table, visible in POLICIES.items():
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        # The owner is the administrator's role, which the service never uses; the functions
        # above read as the owner, so the owner must not be subject to the policies they serve.
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        rule = f"public.sitiv_all_rows() OR ({visible})"
        op.execute(f"CREATE POLICY scoped ON {table} USING ({rule}) WITH CHECK ({rule})")


def downgrade() -> None:
    raise NotImplementedError("the sync service's schema is not taken back")
