"""Spreadsheets in and out: ``.xlsx`` (openpyxl) and ``;``-separated CSV as French Excel writes it.

Exports have French headers, real dates, amounts as numbers shown in euros, a frozen header row
and columns as wide as their content. The columns are declared in ``services.columns`` and read
back by ``services.imports``, so an exported file can be edited and imported again.

Number formats are stored in the file in Excel's neutral notation (``#,##0.00``): Excel and
LibreOffice show them with the reader's separators, « 1 234,56 € » on a French computer.

Kept whole: one writer for both formats, so that an export in CSV and in xlsx can never differ.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any, BinaryIO, cast

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import N_, _
from sitiv_desktop.progress import Progress, no_progress
from sitiv_desktop.services.columns import (
    COMMITMENT_COLUMNS,
    COMMUNE,
    EXCHANGE_COLUMNS,
    MEETING_COLUMNS,
    PPI_LINE_COLUMNS,
    PROJECT_COLUMNS,
    Column,
    ColumnKind,
)
from sitiv_desktop.services.commitments import CommitmentFilter, list_commitments
from sitiv_desktop.services.exchanges import exchange_timeline
from sitiv_desktop.services.files import read_failed, write_atomically
from sitiv_desktop.services.meetings import list_meetings
from sitiv_desktop.services.ppi import list_ppi_lines, ppi_table
from sitiv_desktop.services.projects import ProjectFilter, list_projects
from sitiv_desktop.services.reading import (
    CONTROL_CHARACTERS,
    FORMULA_TRIGGERS,
    MAX_FILE_BYTES,
    Cell,
    SheetRows,
    neutralise,
    read_csv,
    read_xlsx,
)
from sitiv_desktop.store import models

MONEY_FORMAT = '#,##0.00\\ "€"'
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
CSV_DELIMITER = ";"
MAX_COLUMN_WIDTH = 60
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")


class ExportKind(StrEnum):
    PROJECTS = "projects"
    COMMITMENTS = "commitments"
    PPI = "ppi"
    EXCHANGES = "exchanges"
    MEETINGS = "meetings"


@dataclass(frozen=True)
class Table:
    """One sheet of a workbook, or the whole of a CSV file."""

    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]


def format_share(commune_name: str, share: int) -> str:
    return f"{commune_name} ({share} %)"


# ---------------------------------------------------------------------------------------------
# Tables built from the services


def projects_table(session: Session, commune_id: uuid.UUID | None = None) -> Table:
    records = list_projects(session, ProjectFilter(commune_id=commune_id))
    shares = _shares_by_project(session, [record.id for record in records])
    rows = tuple(
        (
            p.code,
            p.title,
            p.domain.label,
            p.status.label,
            p.owner_name,
            "; ".join(shares.get(p.id, [])),
            p.start_date,
            p.end_date,
            p.progress,
            p.budget,
            p.partners,
            p.description,
        )
        for p in records
    )
    return Table(N_("Projects"), PROJECT_COLUMNS, rows)


def _shares_by_project(
    session: Session, project_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[str]]:
    statement = (
        select(
            models.Participation.project_id, models.Commune.name, models.Participation.cost_share
        )
        .join(models.Commune, models.Commune.id == models.Participation.commune_id)
        .where(models.Participation.project_id.in_(project_ids))
        .order_by(models.Commune.name)
    )
    shares: dict[uuid.UUID, list[str]] = {}
    for project_id, name, share in session.execute(statement):
        shares.setdefault(project_id, []).append(format_share(name, share))
    return shares


def _project_codes(session: Session) -> dict[uuid.UUID, str]:
    rows = session.execute(select(models.Project.id, models.Project.code))
    return {project_id: code for project_id, code in rows}


def commitments_table(session: Session, commune_id: uuid.UUID | None = None) -> Table:
    codes = _project_codes(session)
    rows = tuple(
        (
            c.commune_name,
            c.title,
            c.made_on,
            c.due_date,
            c.status.label,
            c.closed_on,
            codes.get(c.project_id, "") if c.project_id else "",
            c.promised_by,
            c.responsible,
            c.description,
            c.evidence,
        )
        for c in list_commitments(session, CommitmentFilter(commune_id=commune_id))
    )
    return Table(N_("Commitments"), COMMITMENT_COLUMNS, rows)


def ppi_lines_table(session: Session, commune_id: uuid.UUID | None = None) -> Table:
    """One row per PPI line and year of CP; a line without CP still gets a row."""
    rows: list[tuple[Cell, ...]] = []
    for line in list_ppi_lines(session, commune_id):
        voted_on = line.ap_history[-1][0] if line.ap_history else None
        years: list[int | None] = list(sorted(line.cp_by_year)) or [None]
        for year in years:
            rows.append(
                (
                    line.project_code,
                    line.project_title,
                    line.owner_name,
                    year,
                    line.cp_by_year[year] if year is not None else None,
                    line.ap,
                    voted_on,
                    line.note,
                )
            )
    return Table(N_("PPI lines"), PPI_LINE_COLUMNS, tuple(rows))


def ppi_communes_table(session: Session, commune_id: uuid.UUID | None = None) -> Table:
    """The commune × year table of the seminar: each payer's AP and CP."""
    table = ppi_table(session, commune_id)
    columns = (
        COMMUNE,
        Column(N_("AP"), ColumnKind.MONEY),
        *(Column(_("CP {year}").format(year=year), ColumnKind.MONEY) for year in table.years),
        Column(N_("Total CP"), ColumnKind.MONEY),
    )
    rows: list[tuple[Cell, ...]] = [
        (row.commune_name, row.ap, *(row.cp_by_year[y] for y in table.years), row.cp_total)
        for row in table.rows
    ]
    totals: tuple[Cell, ...] = (
        _("Total"),
        table.total_ap(),
        *(table.total_cp(year) for year in table.years),
        sum((table.total_cp(year) for year in table.years), Decimal(0)),
    )
    return Table(N_("PPI by commune"), columns, (*rows, totals))


def exchanges_table(session: Session, commune_id: uuid.UUID | None = None) -> Table:
    codes = _project_codes(session)
    rows = tuple(
        (
            e.occurred_on,
            e.commune_name,
            e.channel.label,
            e.direction.label,
            e.subject,
            e.summary,
            e.follow_up,
            e.author,
            codes.get(e.project_id, "") if e.project_id else "",
        )
        for e in exchange_timeline(session, commune_id)
    )
    return Table(N_("Exchanges"), EXCHANGE_COLUMNS, rows)


def meetings_table(session: Session, commune_id: uuid.UUID | None = None) -> Table:
    rows = tuple(
        (
            m.starts_at,
            m.duration_minutes,
            m.kind.label,
            m.title,
            m.place,
            ", ".join(m.commune_names),
            m.status.label,
        )
        for m in list_meetings(session, commune_id)
    )
    return Table(N_("Meetings"), MEETING_COLUMNS, rows)


def export_tables(
    session: Session, kind: ExportKind, commune_id: uuid.UUID | None = None
) -> list[Table]:
    """The sheets of an export; the first is the one an import reads back."""
    if kind is ExportKind.PROJECTS:
        return [projects_table(session, commune_id)]
    if kind is ExportKind.COMMITMENTS:
        return [commitments_table(session, commune_id)]
    if kind is ExportKind.PPI:
        return [ppi_lines_table(session, commune_id), ppi_communes_table(session, commune_id)]
    if kind is ExportKind.EXCHANGES:
        return [exchanges_table(session, commune_id)]
    return [meetings_table(session, commune_id)]


# ---------------------------------------------------------------------------------------------
# Writing

# Rows looked at to size the columns: enough to see the widths, without a second full pass.
WIDTH_SAMPLE = 2_000


def write_xlsx(tables: Sequence[Table], stream: BinaryIO, progress: Progress = no_progress) -> None:
    """Stream the tables into a workbook (openpyxl's write-only mode: memory stays flat)."""
    workbook = Workbook(write_only=True)
    for index, table in enumerate(tables):
        progress(index / max(len(tables), 1), _(table.title))
        sheet = workbook.create_sheet(_sheet_title(_(table.title)))
        _stream_sheet(sheet, table)
    workbook.save(stream)
    progress(1.0, _("Spreadsheet written"))


def _sheet_title(title: str) -> str:
    # Excel refuses sheet names longer than 31 characters or holding []:*?/\.
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in title)
    return cleaned[:31]


def printable(text: str) -> str:
    """Text without the control characters a workbook cannot hold (older copies may have some)."""
    return CONTROL_CHARACTERS.sub("", text) if CONTROL_CHARACTERS.search(text) else text


def _stream_sheet(sheet: Any, table: Table) -> None:
    columns = table.columns
    widths = [len(column.label) for column in columns]
    for row in table.rows[:WIDTH_SAMPLE]:
        for position, (column, value) in enumerate(zip(columns, row, strict=True)):
            if value is not None:
                widths[position] = max(widths[position], _display_width(column.kind, value))
    for position, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = min(
            width + 2, MAX_COLUMN_WIDTH
        )
    sheet.freeze_panes = "A2"
    if table.rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(table.rows) + 1}"

    header = []
    for column in columns:
        cell: Any = WriteOnlyCell(sheet, value=column.label)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center")
        header.append(cell)
    sheet.append(header)

    formats = {
        ColumnKind.DATE: DATE_FORMAT,
        ColumnKind.DATETIME: DATETIME_FORMAT,
        ColumnKind.MONEY: MONEY_FORMAT,
        ColumnKind.INTEGER: "0",
    }
    # One style per formatted column, shared by its cells (styling each cell is what costs).
    styles: list[Any] = []
    for column in columns:
        template: Any = WriteOnlyCell(sheet)
        if column.kind in formats:
            template.number_format = formats[column.kind]
            styles.append(template._style)
        else:
            styles.append(None)
    as_text: Any = WriteOnlyCell(sheet)
    as_text.quotePrefix = True
    text_style = as_text._style
    for row in table.rows:
        values: list[Any] = []
        for value, style in zip(row, styles, strict=True):
            if value is None:
                values.append(None)
            elif isinstance(value, str):
                text = printable(value)
                if text[:1] in FORMULA_TRIGGERS or text[:1] == "'":
                    # Text a spreadsheet would take for a formula: kept as text, shown as typed.
                    cell = WriteOnlyCell(sheet, value=text)
                    cell.data_type = "s"
                    cell._style = text_style
                    values.append(cell)
                else:
                    values.append(text)
            elif style is not None:
                cell = WriteOnlyCell(sheet, value=cast(Any, value))
                cell._style = style
                values.append(cell)
            else:
                values.append(value)
        sheet.append(values)


def _display_width(kind: ColumnKind, value: Cell) -> int:
    if kind is ColumnKind.DATE:
        return 10
    if kind is ColumnKind.DATETIME:
        return 16
    if kind is ColumnKind.MONEY:
        return len(f"{value:,.2f}") + 2
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def write_csv(table: Table, stream: BinaryIO) -> None:
    """CSV as French Excel reads it: UTF-8 with its mark, ``;``, decimal commas, dd/mm/yyyy.

    Text that a spreadsheet would take for a formula gets a leading quote (OWASP's advice);
    the import takes it off again.
    """
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, delimiter=CSV_DELIMITER)
    writer.writerow([column.label for column in table.columns])
    for row in table.rows:
        writer.writerow([_csv_text(value) for value in row])
    text.flush()
    text.detach()


def _csv_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal | float):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, str):
        return neutralise(printable(value))
    return str(value)


def export_spreadsheet(
    session: Session,
    kind: ExportKind,
    path: Path,
    commune_id: uuid.UUID | None = None,
    progress: Progress = no_progress,
) -> int:
    """Write an export to ``path`` (``.xlsx`` or ``.csv``); returns the number of rows."""
    file_format = spreadsheet_format(path)
    progress(0.0, _("Reading the local copy"))
    tables = export_tables(session, kind, commune_id)
    if file_format == "csv":
        write_atomically(path, lambda stream: write_csv(tables[0], stream))
    else:
        write_atomically(path, lambda stream: write_xlsx(tables, stream, progress))
    progress(1.0, _("Spreadsheet written"))
    return len(tables[0].rows)


def spreadsheet_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".csv"):
        return suffix[1:]
    raise UserError(
        _("File: « {name} » is neither a .xlsx nor a .csv file.").format(name=path.name), "file"
    )


# ---------------------------------------------------------------------------------------------
# Reading


def read_spreadsheet(source: Path | BinaryIO, file_format: str) -> SheetRows:
    """The first sheet of a workbook, or a CSV file (see ``services.reading``)."""
    if isinstance(source, Path):
        try:
            size = source.stat().st_size
        except OSError as error:
            raise read_failed(source, error) from error
        if size == 0:
            raise UserError(_("File: the file is empty."), "file")
        if size > MAX_FILE_BYTES:
            raise UserError(_("File: the file is too large to be read."), "file")
        try:
            with source.open("rb") as stream:
                return read_spreadsheet(stream, file_format)
        except OSError as error:
            raise read_failed(source, error) from error
    if file_format == "csv":
        return read_csv(source.read(MAX_FILE_BYTES + 1))
    return read_xlsx(source)
