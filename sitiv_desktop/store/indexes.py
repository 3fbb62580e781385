"""The indexes that keep the window's queries and the search fast at any size.

Two parts, both idempotent and run inside the caller's transaction:

- B-tree indexes for every list's sort and commune switch (``INTERACTIVE_INDEXES``);
- the search layout: an FTS5 index with prefix indexes for one to three characters, so that
  « v » or « de » read one stored prefix instead of merging thousands of words, and entry
  rowids grouped by kind (kind number × 2⁴⁰ + a counter), so that one kind's matches are one
  rowid range of the index. The insert triggers number new entries within their kind's range.

``ensure_interactive_indexes`` builds what is missing; ``rebuild_search_index`` refills the
search index from the domain tables in one pass (after a bulk load with triggers suspended).
"""

from __future__ import annotations

from sqlalchemy import Connection

from sitiv_desktop.domain.kinds import RecordKind

KIND_SHIFT = 40
# The kinds in the order search results are grouped; the number is the kind's rowid range.
SEARCH_KINDS: dict[RecordKind, int] = {
    RecordKind.COMMUNE: 1,
    RecordKind.PROJECT: 2,
    RecordKind.COMMITMENT: 3,
    RecordKind.MEETING: 4,
    RecordKind.AGENDA_ITEM: 5,
    RecordKind.EXCHANGE: 6,
    RecordKind.CONTACT: 7,
    RecordKind.STAKE: 8,
}
# What each kind contributes to the index: (table, title, body), ``{row}`` standing for the row.
SEARCHED: dict[RecordKind, tuple[str, str, str]] = {
    RecordKind.COMMUNE: (
        RecordKind.COMMUNE.table,
        "{row}.name",
        "{row}.mayor || ' ' || {row}.departement || ' ' || {row}.note",
    ),
    RecordKind.PROJECT: (
        RecordKind.PROJECT.table,
        "{row}.code || ' ' || {row}.title",
        "{row}.description || ' ' || {row}.partners",
    ),
    RecordKind.COMMITMENT: (
        RecordKind.COMMITMENT.table,
        "{row}.title",
        "{row}.description || ' ' || {row}.responsible || ' ' || {row}.promised_by",
    ),
    RecordKind.MEETING: (
        RecordKind.MEETING.table,
        "{row}.title",
        "{row}.place || ' ' || {row}.participants || ' ' || {row}.minutes",
    ),
    RecordKind.AGENDA_ITEM: (
        RecordKind.AGENDA_ITEM.table,
        "{row}.title",
        "{row}.presenter || ' ' || {row}.outcome_text",
    ),
    RecordKind.EXCHANGE: (
        RecordKind.EXCHANGE.table,
        "{row}.subject",
        "{row}.summary || ' ' || {row}.follow_up",
    ),
    RecordKind.CONTACT: (RecordKind.CONTACT.table, "{row}.full_name", "{row}.email"),
    RecordKind.STAKE: (RecordKind.STAKE.table, "{row}.action", "{row}.axis || ' ' || {row}.line"),
}

SEARCH_INDEX_DDL = (
    "CREATE VIRTUAL TABLE search_index USING fts5(title, body,"
    " tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3')"
)

# name → (table, columns): the sort of each list, alone (all communes) or after the commune.
INTERACTIVE_INDEXES: dict[str, tuple[str, str]] = {
    "ix_communes_name": ("communes", "name"),
    "ix_projects_title": ("projects", "title"),
    "ix_projects_domain": ("projects", "domain"),
    "ix_projects_progress": ("projects", "progress"),
    "ix_projects_end_date": ("projects", "end_date"),
    "ix_commitments_title": ("commitments", "title"),
    "ix_commitments_made_on": ("commitments", "made_on"),
    "ix_commitments_responsible": ("commitments", "responsible"),
    "ix_commitments_commune_due": ("commitments", "commune_id, due_date"),
    "ix_commitments_status_due": ("commitments", "status, due_date, commune_id"),
    "ix_meetings_title": ("meetings", "title"),
    "ix_meetings_kind": ("meetings", "kind"),
    "ix_meetings_place": ("meetings", "place"),
    "ix_meetings_status": ("meetings", "status, starts_at"),
    "ix_meeting_communes_commune_meeting": ("meeting_communes", "commune_id, meeting_id"),
    "ix_exchanges_occurred_on": ("exchanges", "occurred_on"),
    "ix_exchanges_subject": ("exchanges", "subject"),
    "ix_exchanges_channel": ("exchanges", "channel"),
    "ix_exchanges_direction": ("exchanges", "direction"),
    "ix_exchanges_author": ("exchanges", "author"),
    "ix_mandate_stakes_commune_order": ("mandate_stakes", "commune_id, axis, line, action"),
    "ix_agenda_items_carried_from_id": ("agenda_items", "carried_from_id"),
    "ix_agenda_items_project_id": ("agenda_items", "project_id"),
    "ix_agenda_items_commitment_id": ("agenda_items", "commitment_id"),
    "ix_exchanges_project_id": ("exchanges", "project_id"),
    "ix_exchanges_commitment_id": ("exchanges", "commitment_id"),
    # Migration 0006: the syndicate chart sums credits from the index alone; a commune's
    # commitments are counted by day of making.
    "ix_payment_credits_line_year_amount": ("payment_credits", "line_id, year, amount_cents"),
    "ix_commitments_commune_made_on": ("commitments", "commune_id, made_on"),
}


def interactive_index_ddl() -> list[str]:
    """The ``CREATE INDEX`` statements, as a migration would write them."""
    return [
        f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})"
        for name, (table, columns) in INTERACTIVE_INDEXES.items()
    ]


def kind_range(kind: str) -> tuple[int, int]:
    """The rowids of one kind's search entries: lower bound excluded, upper bound excluded."""
    searched = RecordKind.of(kind)
    if searched is None:
        raise KeyError(kind)
    low = SEARCH_KINDS[searched] << KIND_SHIFT
    return low, low + (1 << KIND_SHIFT)


def search_trigger_ddl() -> list[str]:
    """The triggers that keep the search index current, numbering entries within their kind."""
    statements = []
    for kind, (table, title, body) in SEARCHED.items():
        low, high = kind_range(kind)
        new_title, new_body = title.format(row="new"), body.format(row="new")
        entry = f"(SELECT rowid FROM search_entries WHERE kind = '{kind}' AND record_id = {{}}.id)"
        statements += [
            f"CREATE TRIGGER search_{table}_insert AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO search_entries (rowid, kind, record_id) VALUES ("
            f"(SELECT coalesce(max(rowid), {low}) + 1 FROM search_entries"
            f" WHERE rowid > {low} AND rowid < {high}), '{kind}', new.id); "
            f"INSERT INTO search_index (rowid, title, body) "
            f"VALUES ({entry.format('new')}, {new_title}, {new_body}); END",
            f"CREATE TRIGGER search_{table}_update AFTER UPDATE ON {table} BEGIN "
            f"UPDATE search_index SET title = {new_title}, body = {new_body} "
            f"WHERE rowid = {entry.format('new')}; END",
            f"CREATE TRIGGER search_{table}_delete AFTER DELETE ON {table} BEGIN "
            f"DELETE FROM search_index WHERE rowid = {entry.format('old')}; "
            f"DELETE FROM search_entries WHERE kind = '{kind}' AND record_id = old.id; END",
        ]
    return statements


def drop_search_triggers(connection: Connection) -> None:
    for table, _title, _body in SEARCHED.values():
        for event in ("insert", "update", "delete"):
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS search_{table}_{event}")


def create_search_triggers(connection: Connection) -> None:
    drop_search_triggers(connection)
    for statement in search_trigger_ddl():
        connection.exec_driver_sql(statement)


def search_layout_ready(connection: Connection) -> bool:
    """True when the index has its prefix indexes and every entry sits in its kind's range."""
    ddl = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE name = 'search_index'"
    ).scalar()
    if ddl is None or "prefix" not in ddl:
        return False
    legacy = connection.exec_driver_sql(
        f"SELECT 1 FROM search_entries WHERE rowid < {1 << KIND_SHIFT} LIMIT 1"
    ).first()
    if legacy is not None:
        return False
    trigger = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'search_communes_insert'"
    ).scalar()
    return trigger is not None and "max(rowid)" in trigger


def rebuild_search_index(connection: Connection) -> None:
    """Refill the search entries and the index from the domain tables, kind by kind, in one pass."""
    connection.exec_driver_sql("DROP TABLE IF EXISTS search_index")
    connection.exec_driver_sql(SEARCH_INDEX_DDL)
    connection.exec_driver_sql("DELETE FROM search_entries")
    for kind, (table, title, body) in SEARCHED.items():
        low, high = kind_range(kind)
        connection.exec_driver_sql(
            f"INSERT INTO search_entries (rowid, kind, record_id)"
            f" SELECT {low} + row_number() OVER (ORDER BY t.rowid), '{kind}', t.id FROM {table} t"
        )
        connection.exec_driver_sql(
            f"INSERT INTO search_index (rowid, title, body)"
            f" SELECT e.rowid, {title.format(row='t')}, {body.format(row='t')}"
            f" FROM search_entries e JOIN {table} t ON t.id = e.record_id"
            f" WHERE e.rowid > {low} AND e.rowid < {high}"
        )
    connection.exec_driver_sql("INSERT INTO search_index (search_index) VALUES ('optimize')")


def ensure_interactive_indexes(connection: Connection) -> None:
    """Create the list indexes and the search layout where they are missing (SQLite only)."""
    if connection.dialect.name != "sqlite":
        return
    for statement in interactive_index_ddl():
        connection.exec_driver_sql(statement)
    if not search_layout_ready(connection):
        create_search_triggers(connection)
        rebuild_search_index(connection)
