"""A snapshot page written into the local copy by SQLite itself.

The service sends a page as a JSON array of arrays (``rows.encode``'s values, in the order of its
columns). Reading it row by row in Python and converting each value costs more than everything
else a first sync does; SQLite's ``json_each`` reads the same text in C, so each page is stored
by three statements whatever its size: the rows, their shadows, and (when the table held rows
before) the ids that arrived.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Table, TextClause, text

from sitiv_desktop.store.sync_tables import OUTBOX, RECEIVED, SHADOWS


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class PageStatements:
    """The SQL that stores a page of ``table`` whose rows hold ``columns`` in that order.

    Each statement takes ``:t`` (the table's name) and ``:body`` (the page's JSON, whose
    ``rows`` are read). Rows with a local edit not yet sent are left to the caller.
    """

    def __init__(self, table: Table, columns: list[str]) -> None:
        self.table = table
        self.positions = {name: index for index, name in enumerate(columns)}
        self._source = "FROM json_each(:body, '$.rows') AS page"
        self._id = self._cell("id")
        self._not_edited_here = (
            f"WHERE {self._id} NOT IN (SELECT row_id FROM {OUTBOX.name} WHERE table_name = :t)"
        )

    def _cell(self, name: str) -> str:
        return f"json_extract(page.value, '$[{self.positions[name]}]')"

    def _stored(self, column: Column[object]) -> str:
        """The cell as the copy keeps it: JSON's ISO moments become SQLAlchemy's SQLite form
        (a space and six digits of microseconds); every other value is kept as sent."""
        cell = self._cell(column.name)
        if isinstance(column.type, DateTime):
            return (
                f"CASE WHEN {cell} IS NULL THEN NULL ELSE replace(substr({cell}, 1, 19), 'T', ' ')"
                f" || '.' || substr(substr({cell}, 21) || '000000', 1, 6) END"
            )
        return cell

    @property
    def upsert_rows(self) -> TextClause:
        columns = list(self.table.columns)
        names = ", ".join(_quoted(column.name) for column in columns)
        cells = ", ".join(self._stored(column) for column in columns)
        updates = ", ".join(
            f"{_quoted(column.name)} = excluded.{_quoted(column.name)}"
            for column in columns
            if column.name != "id"
        )
        return text(
            f"INSERT INTO {_quoted(self.table.name)} ({names}) SELECT {cells} {self._source} "
            f"{self._not_edited_here} ON CONFLICT (id) DO UPDATE SET {updates}"
        )

    @property
    def upsert_shadows(self) -> TextClause:
        pairs = ", ".join(
            f"'{column.name}', {self._cell(column.name)}" for column in self.table.columns
        )
        return text(
            f"INSERT INTO {SHADOWS.name} (table_name, row_id, data) "
            f"SELECT :t, {self._id}, json_object({pairs}) {self._source} "
            f"{self._not_edited_here} "
            "ON CONFLICT (table_name, row_id) DO UPDATE SET data = excluded.data"
        )

    @property
    def note_received(self) -> TextClause:
        return text(f"INSERT OR IGNORE INTO {RECEIVED.name} (id) SELECT {self._id} {self._source}")

    @property
    def edited_here(self) -> TextClause:
        """The page's rows that have a local edit not yet sent, as JSON arrays."""
        return text(
            f"SELECT page.value {self._source} WHERE {self._id} IN "
            f"(SELECT row_id FROM {OUTBOX.name} WHERE table_name = :t)"
        )
