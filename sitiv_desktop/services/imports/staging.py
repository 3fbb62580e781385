"""The staging of an import: each row read into planned changes, problems and writes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from sitiv_desktop.domain.transfers import (
    ChangeAction,
    ImportPreview,
    PlannedChange,
    RowProblem,
)
from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.progress import Progress
from sitiv_desktop.services.columns import (
    Column,
    ColumnKind,
)
from sitiv_desktop.services.conversions import syndicate_name
from sitiv_desktop.services.imports.cells import Row, position_of
from sitiv_desktop.services.imports.matching import Communes
from sitiv_desktop.services.imports.writing import Writes
from sitiv_desktop.services.reading import SheetRows
from sitiv_desktop.services.roles import EDITABLE, granted_roles, role_in, role_label


@dataclass
class ImportPlan:
    preview: ImportPreview
    writes: Writes

    def will_write(self, skip_bad_rows: bool) -> bool:
        """Whether applying the plan writes anything: no bad row stops it (or they are
        skipped), and something is created, changed or removed."""
        return (skip_bad_rows or not self.preview.problems) and not self.writes.empty

    def applied_preview(self) -> ImportPreview:
        from dataclasses import replace

        return replace(self.preview, applied=True)


@dataclass
class Staged:
    changes: list[PlannedChange] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    notices: list[RowProblem] = field(default_factory=list)
    writes: Writes = field(default_factory=Writes)
    unchanged: int = 0


class Planner:
    """Reads every row into a plan; a row that raises ``UserError`` becomes a problem."""

    columns: tuple[Column, ...] = ()
    # Columns read to check a row, whose value the import does not write (not listed missing).
    checked_columns: tuple[Column, ...] = ()

    def __init__(self, session: Session, sheet: SheetRows, plan: Staged) -> None:
        self.session = session
        self.sheet = sheet
        self.plan = plan
        self.positions: dict[str, int] = {}
        read = (*self.columns, *self.checked_columns)
        for column in read:
            position = position_of(sheet.headers, column)
            if position is not None:
                self.positions[column.header] = position
        self.labels = {column.header: column.label for column in read}
        self.communes = Communes(session)
        self.roles = {str(commune): role for commune, role in granted_roles(session).items()}
        self.bad_cells: dict[int, list[RowProblem]] = {}
        for problem in sheet.problems:
            header = (
                sheet.headers[problem.column - 1] if problem.column <= len(sheet.headers) else ""
            )
            label = header or _("Column {column}").format(column=problem.letter)
            self.bad_cells.setdefault(problem.row, []).append(
                RowProblem(
                    problem.row,
                    label,
                    _("{field}: {message}").format(field=label, message=problem.message),
                )
            )

    def plan_all(self, progress: Progress) -> None:
        total = max(len(self.sheet.rows), 1)
        for index, (number, cells) in enumerate(self.sheet.rows):
            if index % 500 == 0:
                progress(0.6 * index / total, _("Checking row {row}").format(row=number))
            bad = self.bad_cells.pop(number, None)
            if bad:
                self.plan.problems.extend(bad)
                continue
            row = Row(number, cells, self.positions)
            try:
                self.plan_row(row)
            except UserError as error:
                self.plan.problems.extend(self.row_problems(row, error))
        for problems in self.bad_cells.values():
            self.plan.problems.extend(problems)

    def row_problems(self, row: Row, first: UserError) -> list[RowProblem]:
        """Every problem of a bad row, so that one pass corrects it: the rule that stopped it,
        then each other cell that cannot be read as its column's kind, in the file's order."""
        found = {first.field or "": first.message}
        for column in (*self.columns, *self.checked_columns):
            if column.header in found or not row.has(column):
                continue
            try:
                read_cell(row, column)
            except UserError as error:
                found[column.header] = error.message
        order = sorted(found, key=lambda header: self.positions.get(header, -1))
        return [RowProblem(row.number, self.labels.get(h, ""), found[h]) for h in order]

    def plan_row(self, row: Row) -> None:
        raise NotImplementedError

    def check_writable(
        self, kind: str, commune_ids: tuple[uuid.UUID | None, ...], column: Column
    ) -> None:
        """Refuse a row that would change what the user's role only lets them read (an elected
        official or the secretariat); the sync service would refuse it anyway."""
        for commune_id in commune_ids:
            role = role_in(self.roles, commune_id)
            if kind in EDITABLE[role]:
                continue
            name = (
                self.communes.names.get(commune_id, "") if commune_id is not None else ""
            ) or syndicate_name()
            raise UserError(
                _(
                    "{field}: your role in {commune} is « {role} »: you may read its records, "
                    "not change them."
                ).format(field=column.label, commune=name, role=role_label(role)),
                column.header,
            )

    def record(self, row: Row, action: ChangeAction, label: str, columns: list[str]) -> None:
        self.plan.changes.append(PlannedChange(row.number, action, label, tuple(columns)))


def read_cell(row: Row, column: Column) -> object:
    """A cell read as its column's kind: a date, an amount, a whole number, or text."""
    if column.kind in (ColumnKind.DATE, ColumnKind.DATETIME):
        return row.date(column)
    if column.kind is ColumnKind.MONEY:
        return row.amount(column)
    if column.kind is ColumnKind.INTEGER:
        return row.whole_number(column)
    return row.text(column)


def changed_columns(
    before: dict[Column, object], after: dict[Column, object]
) -> tuple[list[str], list[Column]]:
    """The columns whose value the row changes, by label; an empty cell empties its field (as
    in the spreadsheet), so the preview says so of each field it empties."""
    changed = [column for column, value in after.items() if before.get(column) != value]
    labels = [
        _("{field} → (empty)").format(field=column.label)
        if after[column] in (None, "") and before.get(column) not in (None, "")
        else column.label
        for column in changed
    ]
    return labels, changed
