"""Reading a spreadsheet someone gives us, without trusting it.

An ``.xlsx`` is read as a stream of rows (openpyxl's sheet parser, never the whole grid): a cell
far away, at XFD1048576, costs what a cell in A1 costs, and empty rows cost nothing. A CSV has its
encoding and its line endings found from its bytes. Everything is bounded (the size of the file
and of its parts, the number of rows and columns, the length of a cell), and what the import must
not guess about is reported cell by cell, by row and column: merged cells, formulas without a
computed value, error values, control characters, cells beyond the header.

Problems with the file as a whole raise ``UserError``; problems with a cell are returned with
the rows, so that the preview can list each of them.

Kept whole: every rule of what a file may hold (bounds, cells, encodings) is read here and nowhere
else.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import logging
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, BinaryIO

from openpyxl.utils import coordinate_to_tuple, get_column_letter, range_boundaries

from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import _, format_number

log = logging.getLogger(__name__)

Cell = str | int | float | Decimal | dt.date | dt.datetime | None

# Bounds: far above what the syndicate's files hold, far below what would exhaust a laptop.
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_UNZIPPED_BYTES = 1024 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 200 * 1024 * 1024
MAX_ROWS = 200_000
MAX_COLUMNS = 200
# The most a spreadsheet cell holds (Excel's own limit): what we write must open in Excel.
MAX_CELL_CHARACTERS = 32_767

# What XML 1.0, hence xlsx, cannot hold; tab, line feed and carriage return are text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A CSV cell starting with one of these was neutralised by a leading quote (see ``neutralise``).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class CellProblem:
    """A cell the import must not read: its row, its column (a letter), and why."""

    row: int
    column: int
    message: str

    @property
    def letter(self) -> str:
        return get_column_letter(self.column) if 1 <= self.column <= 18_278 else "?"


@dataclass
class SheetRows:
    """What a file holds: its header row, each data row with its number, and bad cells."""

    headers: tuple[str, ...]
    rows: list[tuple[int, tuple[Cell, ...]]]
    problems: list[CellProblem] = field(default_factory=list)
    header_row: int = 1


def not_a_spreadsheet(kind: str) -> UserError:
    return UserError(
        _(
            "File: this is not a {kind} file that can be read (damaged, cut short, or another kind "
            "of file renamed). Open it in a spreadsheet and save it again as {kind}."
        ).format(kind=kind),
        "file",
    )


def _too_many_rows() -> UserError:
    return UserError(
        _("File: more than {count} rows; split it into several files.").format(
            count=format_number(MAX_ROWS)
        ),
        "file",
    )


def _cell_too_long(row: int) -> UserError:
    return UserError(
        _(
            "Row {row}: a cell holds more than {count} characters, more than a spreadsheet cell "
            "can hold."
        ).format(row=row, count=format_number(MAX_CELL_CHARACTERS)),
        "file",
    )


def neutralise(text: str) -> str:
    """A text cell for CSV that no spreadsheet will take for a formula (OWASP's advice).

    A leading quote is added before ``= + - @``, tab and CR, and before a leading quote itself, so
    that ``restore_neutralised`` gives back exactly the text that was written.
    """
    if text and (text[0] in FORMULA_TRIGGERS or text[0] == "'"):
        return "'" + text
    return text


def restore_neutralised(text: str) -> str:
    if len(text) > 1 and text[0] == "'" and (text[1] in FORMULA_TRIGGERS or text[1] == "'"):
        return text[1:]
    return text


def _check_text(value: str, row: int, column: int, problems: list[CellProblem]) -> bool:
    if CONTROL_CHARACTERS.search(value):
        problems.append(
            CellProblem(
                row,
                column,
                _(
                    "this cell holds an invisible control character; retype its text or delete "
                    "the character."
                ),
            )
        )
        return False
    return True


def _add_row(sheet: SheetRows, number: int, values: dict[int, Cell], width: int) -> None:
    """Keep a data row if it holds anything, refusing cells beyond the header."""
    cells: list[Cell] = [None] * width
    keep = False
    for column, value in values.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if column > width:
            sheet.problems.append(
                CellProblem(
                    number,
                    column,
                    _(
                        "this cell lies beyond the last column of the first row; give it a "
                        "header or empty it."
                    ),
                )
            )
            keep = True
            continue
        cells[column - 1] = value
        keep = True
    if keep:
        sheet.rows.append((number, tuple(cells)))


def _headers(values: dict[int, Cell]) -> tuple[str, ...]:
    named = [column for column, value in values.items() if str(value).strip()]
    if not named:
        raise UserError(_("File: the first row, which names the columns, is empty."), "file")
    width = max(named)
    if width > MAX_COLUMNS:
        raise UserError(
            _("File: more than {count} columns in the first row.").format(count=MAX_COLUMNS),
            "file",
        )
    return tuple(
        str(values.get(column) or "").strip() if values.get(column) is not None else ""
        for column in range(1, width + 1)
    )


# ---------------------------------------------------------------------------------------------
# xlsx


def read_xlsx(stream: BinaryIO) -> SheetRows:
    """The first sheet of a workbook, read row by row."""
    try:
        archive = zipfile.ZipFile(stream)
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        log.info("not a zip file: %r", error)
        raise not_a_spreadsheet("xlsx") from error
    if sum(member.file_size for member in members) > MAX_UNZIPPED_BYTES or any(
        member.filename.endswith("sharedStrings.xml")
        and member.file_size > MAX_SHARED_STRINGS_BYTES
        for member in members
    ):
        raise UserError(_("File: the workbook is too large to be read."), "file")
    try:
        return _read_workbook(archive, stream)
    except UserError:
        raise
    except Exception as error:  # a damaged workbook breaks the parser in any way it can
        log.info("unreadable workbook", exc_info=True)
        raise not_a_spreadsheet("xlsx") from error
    finally:
        archive.close()


def _read_workbook(archive: zipfile.ZipFile, stream: BinaryIO) -> SheetRows:
    from openpyxl import load_workbook
    from openpyxl.worksheet._reader import WorkSheetParser

    stream.seek(0)
    workbook: Any = load_workbook(stream, read_only=True, data_only=True)
    try:
        if not workbook.worksheets:
            raise not_a_spreadsheet("xlsx")
        first = workbook.worksheets[0]
        parser_class = _parser_class(WorkSheetParser)
        with workbook._archive.open(first._worksheet_path) as source:
            parser = parser_class(
                source,
                first._shared_strings,
                data_only=True,
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats,
            )
            return _collect(parser)
    finally:
        workbook.close()


def _parser_class(base: Any) -> Any:
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG

    class BoundedParser(base):  # type: ignore[misc]
        """openpyxl's sheet parser, telling formulas without a computed value apart."""

        def parse_cell(self, element: Any) -> dict[str, Any]:
            text = element.findtext(VALUE_TAG, None)
            if text is not None and len(text) > MAX_CELL_CHARACTERS:
                raise _cell_too_long(self.row_counter)
            try:
                cell: dict[str, Any] = super().parse_cell(element)
            except (ValueError, OverflowError, IndexError, TypeError) as error:
                log.info("unreadable cell: %r", error)
                try:
                    row, column = coordinate_to_tuple(element.get("r") or "")
                except (ValueError, TypeError):
                    row, column = self.row_counter, int(getattr(self, "col_counter", 0)) + 1
                self.col_counter = column
                return {
                    "row": row,
                    "column": column,
                    "value": None,
                    "data_type": "bad",
                }
            if element.find(FORMULA_TAG) is not None and cell["value"] is None:
                cell["data_type"] = "formula"
            return cell

    return BoundedParser


def _collect(parser: Any) -> SheetRows:
    sheet: SheetRows | None = None
    widths = 0
    for number, cells in parser.parse():
        values: dict[int, Cell] = {}
        problems: list[CellProblem] = []
        for cell in cells:
            column = int(cell["column"])
            value = _cell_value(cell, number, column, problems)
            if value is not None:
                values[column] = value
        if sheet is None:
            if not values and not problems:
                continue  # blank rows above the header
            sheet = SheetRows(_headers(values), [], problems, number)
            widths = len(sheet.headers)
            continue
        if number > MAX_ROWS + 1:
            if values:
                raise _too_many_rows()
            continue
        sheet.problems.extend(problems)
        _add_row(sheet, number, values, widths)
    if sheet is None:
        raise UserError(_("File: the file is empty."), "file")
    merged = getattr(parser, "merged_cells", None)
    if merged is not None:
        for merge in merged.mergeCell:
            _merge_problem(sheet, str(merge.ref))
    return sheet


def _merge_problem(sheet: SheetRows, ref: str) -> None:
    try:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
    except (ValueError, TypeError):
        min_col = min_row = max_col = max_row = None
    if min_col is None or min_row is None or max_row is None or max_col is None:
        return
    message = _("cells {range} are merged; unmerge them and give each cell its value.").format(
        range=ref
    )
    # One problem for the merge, on its first row; the other rows it covers are bad too.
    sheet.problems.append(CellProblem(min_row, min_col, message))
    if max_row > min_row:
        covered = set(range(min_row + 1, min(max_row, MAX_ROWS + 1) + 1))
        present = {number for number, _cells in sheet.rows}
        for number in sorted(covered & present):
            sheet.problems.append(CellProblem(number, min_col, message))


def _cell_value(cell: dict[str, Any], row: int, column: int, problems: list[CellProblem]) -> Cell:
    kind = cell.get("data_type")
    value = cell.get("value")
    if kind == "formula":
        problems.append(
            CellProblem(
                row,
                column,
                _(
                    "this cell holds a formula whose result the file does not keep; open the "
                    "file in a spreadsheet and save it again, or type the value."
                ),
            )
        )
        return None
    if kind == "bad":
        problems.append(CellProblem(row, column, _("this cell cannot be read.")))
        return None
    if kind == "e":
        problems.append(
            CellProblem(row, column, _("this cell holds an error ({value}).").format(value=value))
        )
        return None
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        if len(value) > MAX_CELL_CHARACTERS:
            raise _cell_too_long(row)
        if not _check_text(value, row, column, problems):
            return None
        return value
    if isinstance(value, int | float | Decimal | dt.datetime | dt.date):
        return value
    if isinstance(value, dt.time | dt.timedelta):
        return str(value)
    text = str(value)
    if len(text) > MAX_CELL_CHARACTERS:
        raise _cell_too_long(row)
    return text if _check_text(text, row, column, problems) else None


# ---------------------------------------------------------------------------------------------
# CSV

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(content: bytes) -> str:
    """The text of a CSV file: UTF-8 (with or without its mark), UTF-16, or Windows-1252."""
    for mark, encoding in _BOMS:
        if content.startswith(mark):
            try:
                return content.decode(encoding)
            except UnicodeDecodeError as error:
                raise _bad_encoding() from error
    head = content[:4096]
    if head and head.count(0) * 3 >= len(head):
        # UTF-16 without its mark: every other byte of Latin text is zero.
        encoding = "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
        try:
            return content.decode(encoding)
        except UnicodeDecodeError as error:
            raise _bad_encoding() from error
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # What French Excel writes when asked for plain « CSV (séparateur : point-virgule) ».
        return content.decode("cp1252")
    except UnicodeDecodeError as error:
        raise _bad_encoding() from error


def _bad_encoding() -> UserError:
    return UserError(
        _(
            "File: this is not a text file in UTF-8, UTF-16 or Windows-1252; save it again as "
            "« CSV UTF-8 »."
        ),
        "file",
    )


def _delimiter(text: str) -> str:
    first_line = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]
    for candidate in (";", "\t", ","):
        if candidate in first_line:
            return candidate
    return ";"


def read_csv(content: bytes) -> SheetRows:
    if len(content) > MAX_FILE_BYTES:
        raise UserError(_("File: the file is too large to be read."), "file")
    text = decode_text(content)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    sheet: SheetRows | None = None
    number = 0
    previous = csv.field_size_limit(MAX_CELL_CHARACTERS)
    try:
        for line in _records(reader):
            number += 1
            problems: list[CellProblem] = []
            values: dict[int, Cell] = {}
            for column, raw in enumerate(line, start=1):
                value = restore_neutralised(raw)
                if value.strip() and _check_text(value, number, column, problems):
                    values[column] = value
            if sheet is None:
                if not values and not problems:
                    continue
                sheet = SheetRows(_headers(values), [], problems, number)
                continue
            if number > MAX_ROWS + 1:
                raise _too_many_rows()
            sheet.problems.extend(problems)
            _add_row(sheet, number, values, len(sheet.headers))
    finally:
        csv.field_size_limit(previous)
    if sheet is None:
        raise UserError(_("File: the file is empty."), "file")
    return sheet


def _records(reader: Any) -> Iterator[list[str]]:
    while True:
        try:
            line = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise _cell_too_long(reader.line_num) from error
            raise UserError(
                _("Row {row}: this line cannot be read as CSV.").format(row=reader.line_num),
                "file",
            ) from error
        yield line
