"""first schema

Revision ID: 0001
Revises:
Create Date: 2026-11-28

Every table of the domain, and on SQLite the full-text index kept by triggers.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


# What each kind of record contributes to the search index: (table, title, body).
SEARCHED = {
    "commune": ("communes", "new.name", "new.mayor || ' ' || new.departement || ' ' || new.note"),
    "contact": ("contacts", "new.full_name", "new.email"),
    "project": (
        "projects",
        "new.code || ' ' || new.title",
        "new.description || ' ' || new.partners",
    ),
    "commitment": (
        "commitments",
        "new.title",
        "new.description || ' ' || new.responsible || ' ' || new.promised_by",
    ),
    "meeting": (
        "meetings",
        "new.title",
        "new.place || ' ' || new.participants || ' ' || new.minutes",
    ),
    "agenda_item": ("agenda_items", "new.title", "new.presenter || ' ' || new.outcome_text"),
    "exchange": ("exchanges", "new.subject", "new.summary || ' ' || new.follow_up"),
    "stake": ("mandate_stakes", "new.action", "new.axis || ' ' || new.line"),
}


def create_search_index() -> None:
    """An FTS5 index that ignores case and accents, and triggers that keep it current."""
    op.execute(
        "CREATE TABLE search_entries (rowid INTEGER PRIMARY KEY, kind TEXT NOT NULL,"
        " record_id TEXT NOT NULL, UNIQUE (kind, record_id))"
    )
    op.execute(
        "CREATE VIRTUAL TABLE search_index USING fts5("
        "title, body, tokenize = 'unicode61 remove_diacritics 2')"
    )
    for kind, (table, title, body) in SEARCHED.items():
        entry = f"(SELECT rowid FROM search_entries WHERE kind = '{kind}' AND record_id = {{}}.id)"
        op.execute(
            f"CREATE TRIGGER search_{table}_insert AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO search_entries (kind, record_id) VALUES ('{kind}', new.id); "
            f"INSERT INTO search_index (rowid, title, body) "
            f"VALUES ({entry.format('new')}, {title}, {body}); END"
        )
        op.execute(
            f"CREATE TRIGGER search_{table}_update AFTER UPDATE ON {table} BEGIN "
            f"UPDATE search_index SET title = {title}, body = {body} "
            f"WHERE rowid = {entry.format('new')}; END"
        )
        op.execute(
            f"CREATE TRIGGER search_{table}_delete AFTER DELETE ON {table} BEGIN "
            f"DELETE FROM search_index WHERE rowid = {entry.format('old')}; "
            f"DELETE FROM search_entries WHERE kind = '{kind}' AND record_id = old.id; END"
        )


def upgrade() -> None:
    op.create_table(
        "communes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("insee_code", sa.String(length=5), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("departement", sa.String(length=200), nullable=False),
        sa.Column("metropole", sa.String(length=20), nullable=False),
        sa.Column("mayor", sa.String(length=200), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "metropole IN ('lyon', 'saint_etienne', 'other')",
            name=op.f("ck_communes_metropole_code"),
        ),
        sa.CheckConstraint("length(insee_code) = 5", name=op.f("ck_communes_insee_code_length")),
        sa.CheckConstraint("length(name) > 0", name=op.f("ck_communes_name_not_empty")),
        sa.CheckConstraint("population >= 0", name=op.f("ck_communes_population_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_communes")),
        sa.UniqueConstraint("insee_code", name=op.f("uq_communes_insee_code")),
    )
    op.create_table(
        "meetings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("participants", sa.Text(), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('mayor_meeting', 'syndicate_committee', 'bureau', 'steering_committee', 'technical_committee', 'ppi_seminar', 'new_year', 'technical_meeting')",
            name=op.f("ck_meetings_kind_code"),
        ),
        sa.CheckConstraint(
            "status IN ('planned', 'in_progress', 'held', 'cancelled')",
            name=op.f("ck_meetings_status_code"),
        ),
        sa.CheckConstraint("duration_minutes > 0", name=op.f("ck_meetings_duration_positive")),
        sa.CheckConstraint("length(title) > 0", name=op.f("ck_meetings_title_not_empty")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meetings_starts_at"), ["starts_at"], unique=False)

    op.create_table(
        "contacts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("commune_id", sa.Uuid(), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            "role IN ('mayor', 'deputy', 'general_director', 'it_director', 'referent')",
            name=op.f("ck_contacts_role_code"),
        ),
        sa.CheckConstraint("length(full_name) > 0", name=op.f("ck_contacts_full_name_not_empty")),
        sa.ForeignKeyConstraint(
            ["commune_id"],
            ["communes.id"],
            name=op.f("fk_contacts_commune_id_communes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contacts_commune_id"), ["commune_id"], unique=False)

    op.create_table(
        "mandate_stakes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("commune_id", sa.Uuid(), nullable=False),
        sa.Column("axis", sa.String(length=200), nullable=False),
        sa.Column("line", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=200), nullable=False),
        sa.Column("priority", sa.String(length=10), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "priority IN ('high', 'medium', 'low')", name=op.f("ck_mandate_stakes_priority_code")
        ),
        sa.CheckConstraint("length(action) > 0", name=op.f("ck_mandate_stakes_action_not_empty")),
        sa.CheckConstraint(
            "progress BETWEEN 0 AND 100", name=op.f("ck_mandate_stakes_progress_percent")
        ),
        sa.ForeignKeyConstraint(
            ["commune_id"],
            ["communes.id"],
            name=op.f("fk_mandate_stakes_commune_id_communes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mandate_stakes")),
    )
    with op.batch_alter_table("mandate_stakes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mandate_stakes_commune_id"), ["commune_id"], unique=False
        )

    op.create_table(
        "meeting_communes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("commune_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commune_id"],
            ["communes.id"],
            name=op.f("fk_meeting_communes_commune_id_communes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_communes_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_communes")),
        sa.UniqueConstraint("meeting_id", "commune_id", name="meeting_commune"),
    )
    with op.batch_alter_table("meeting_communes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_communes_commune_id"), ["commune_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_meeting_communes_meeting_id"), ["meeting_id"], unique=False
        )

    op.create_table(
        "projects",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("domain", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("owner_commune_id", sa.Uuid(), nullable=True),
        sa.Column("partners", sa.Text(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "domain IN ('network', 'business_apps', 'citizen_portal', 'schools', 'gis', 'telephony', 'identity_security', 'hosting')",
            name=op.f("ck_projects_domain_code"),
        ),
        sa.CheckConstraint(
            "status IN ('idea', 'study', 'in_progress', 'delivered', 'suspended', 'abandoned')",
            name=op.f("ck_projects_status_code"),
        ),
        sa.CheckConstraint(
            "end_date IS NULL OR start_date IS NULL OR end_date >= start_date",
            name=op.f("ck_projects_end_after_start"),
        ),
        sa.CheckConstraint("length(title) > 0", name=op.f("ck_projects_title_not_empty")),
        sa.CheckConstraint("progress BETWEEN 0 AND 100", name=op.f("ck_projects_progress_percent")),
        sa.ForeignKeyConstraint(
            ["owner_commune_id"],
            ["communes.id"],
            name=op.f("fk_projects_owner_commune_id_communes"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        sa.UniqueConstraint("code", name=op.f("uq_projects_code")),
    )
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_projects_owner_commune_id"), ["owner_commune_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_projects_status"), ["status"], unique=False)

    op.create_table(
        "commitments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("commune_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("promised_by", sa.String(length=200), nullable=False),
        sa.Column("responsible", sa.String(length=200), nullable=False),
        sa.Column("made_on", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("meeting_id", sa.Uuid(), nullable=True),
        sa.Column("project_id", sa.Uuid(), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'in_progress', 'kept', 'abandoned')",
            name=op.f("ck_commitments_status_code"),
        ),
        sa.CheckConstraint(
            "due_date IS NULL OR due_date >= made_on", name=op.f("ck_commitments_due_after_made")
        ),
        sa.CheckConstraint("length(title) > 0", name=op.f("ck_commitments_title_not_empty")),
        sa.ForeignKeyConstraint(
            ["commune_id"],
            ["communes.id"],
            name=op.f("fk_commitments_commune_id_communes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_commitments_meeting_id_meetings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_commitments_project_id_projects"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitments")),
    )
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commitments_commune_id"), ["commune_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_commitments_due_date"), ["due_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_commitments_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_commitments_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_commitments_status"), ["status"], unique=False)

    op.create_table(
        "milestones",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.CheckConstraint("length(title) > 0", name=op.f("ck_milestones_title_not_empty")),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_milestones_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestones")),
    )
    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_milestones_project_id"), ["project_id"], unique=False)

    op.create_table(
        "participations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("commune_id", sa.Uuid(), nullable=False),
        sa.Column("cost_share", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "cost_share BETWEEN 0 AND 100", name=op.f("ck_participations_cost_share_percent")
        ),
        sa.ForeignKeyConstraint(
            ["commune_id"],
            ["communes.id"],
            name=op.f("fk_participations_commune_id_communes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_participations_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participations")),
        sa.UniqueConstraint("project_id", "commune_id", name="project_commune"),
    )
    with op.batch_alter_table("participations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_participations_commune_id"), ["commune_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_participations_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "ppi_lines",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_ppi_lines_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ppi_lines")),
        sa.UniqueConstraint("project_id", name=op.f("uq_ppi_lines_project_id")),
    )
    op.create_table(
        "stake_projects",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("stake_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_stake_projects_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["stake_id"],
            ["mandate_stakes.id"],
            name=op.f("fk_stake_projects_stake_id_mandate_stakes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stake_projects")),
        sa.UniqueConstraint("stake_id", "project_id", name="stake_project"),
    )
    with op.batch_alter_table("stake_projects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stake_projects_project_id"), ["project_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_stake_projects_stake_id"), ["stake_id"], unique=False)

    op.create_table(
        "agenda_items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("presenter", sa.String(length=200), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=True),
        sa.Column("commitment_id", sa.Uuid(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("outcome_text", sa.Text(), nullable=False),
        sa.Column("carried_from_id", sa.Uuid(), nullable=True),
        sa.CheckConstraint(
            "outcome IN ('none', 'information', 'decision', 'commitment')",
            name=op.f("ck_agenda_items_outcome_code"),
        ),
        sa.CheckConstraint("duration_minutes >= 0", name=op.f("ck_agenda_items_duration_positive")),
        sa.CheckConstraint("length(title) > 0", name=op.f("ck_agenda_items_title_not_empty")),
        sa.CheckConstraint("position >= 0", name=op.f("ck_agenda_items_position_positive")),
        sa.ForeignKeyConstraint(
            ["carried_from_id"],
            ["agenda_items.id"],
            name=op.f("fk_agenda_items_carried_from_id_agenda_items"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitments.id"],
            name=op.f("fk_agenda_items_commitment_id_commitments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_agenda_items_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_agenda_items_project_id_projects"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_items")),
    )
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agenda_items_meeting_id"), ["meeting_id"], unique=False
        )

    op.create_table(
        "ap_revisions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("line_id", sa.Uuid(), nullable=False),
        sa.Column("voted_on", sa.Date(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_ap_revisions_amount_positive")),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["ppi_lines.id"],
            name=op.f("fk_ap_revisions_line_id_ppi_lines"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ap_revisions")),
    )
    with op.batch_alter_table("ap_revisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ap_revisions_line_id"), ["line_id"], unique=False)

    op.create_table(
        "exchanges",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("commune_id", sa.Uuid(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("direction", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("follow_up", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=True),
        sa.Column("commitment_id", sa.Uuid(), nullable=True),
        sa.CheckConstraint(
            "channel IN ('phone', 'email', 'meeting', 'letter', 'video')",
            name=op.f("ck_exchanges_channel_code"),
        ),
        sa.CheckConstraint(
            "direction IN ('incoming', 'outgoing')", name=op.f("ck_exchanges_direction_code")
        ),
        sa.CheckConstraint("length(subject) > 0", name=op.f("ck_exchanges_subject_not_empty")),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitments.id"],
            name=op.f("fk_exchanges_commitment_id_commitments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["commune_id"],
            ["communes.id"],
            name=op.f("fk_exchanges_commune_id_communes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_exchanges_project_id_projects"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchanges")),
    )
    with op.batch_alter_table("exchanges", schema=None) as batch_op:
        batch_op.create_index(
            "ix_exchanges_commune_date", ["commune_id", "occurred_on"], unique=False
        )

    op.create_table(
        "payment_credits",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("line_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.CheckConstraint("amount_cents >= 0", name=op.f("ck_payment_credits_amount_positive")),
        sa.CheckConstraint(
            "year BETWEEN 1972 AND 2100", name=op.f("ck_payment_credits_year_range")
        ),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["ppi_lines.id"],
            name=op.f("fk_payment_credits_line_id_ppi_lines"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_credits")),
        sa.UniqueConstraint("line_id", "year", name="line_year"),
    )
    with op.batch_alter_table("payment_credits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_credits_line_id"), ["line_id"], unique=False)

    if op.get_bind().dialect.name == "sqlite":
        create_search_index()


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table, _title, _body in SEARCHED.values():
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER search_{table}_{event}")
        op.execute("DROP TABLE search_index")
        op.execute("DROP TABLE search_entries")
    with op.batch_alter_table("payment_credits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_credits_line_id"))

    op.drop_table("payment_credits")
    with op.batch_alter_table("exchanges", schema=None) as batch_op:
        batch_op.drop_index("ix_exchanges_commune_date")

    op.drop_table("exchanges")
    with op.batch_alter_table("ap_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ap_revisions_line_id"))

    op.drop_table("ap_revisions")
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_items_meeting_id"))

    op.drop_table("agenda_items")
    with op.batch_alter_table("stake_projects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stake_projects_stake_id"))
        batch_op.drop_index(batch_op.f("ix_stake_projects_project_id"))

    op.drop_table("stake_projects")
    op.drop_table("ppi_lines")
    with op.batch_alter_table("participations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_participations_project_id"))
        batch_op.drop_index(batch_op.f("ix_participations_commune_id"))

    op.drop_table("participations")
    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_milestones_project_id"))

    op.drop_table("milestones")
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commitments_status"))
        batch_op.drop_index(batch_op.f("ix_commitments_project_id"))
        batch_op.drop_index(batch_op.f("ix_commitments_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_commitments_due_date"))
        batch_op.drop_index(batch_op.f("ix_commitments_commune_id"))

    op.drop_table("commitments")
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_projects_status"))
        batch_op.drop_index(batch_op.f("ix_projects_owner_commune_id"))

    op.drop_table("projects")
    with op.batch_alter_table("meeting_communes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_communes_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_communes_commune_id"))

    op.drop_table("meeting_communes")
    with op.batch_alter_table("mandate_stakes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mandate_stakes_commune_id"))

    op.drop_table("mandate_stakes")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contacts_commune_id"))

    op.drop_table("contacts")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meetings_starts_at"))

    op.drop_table("meetings")
    op.drop_table("communes")
