"""Reading the cells of one row by column: text, dates, amounts and whole numbers, refused
with their column when they could be read two ways.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal

from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.services.columns import (
    Column,
)
from sitiv_desktop.services.reading import Cell
from sitiv_desktop.services.text import fold
from sitiv_desktop.services.validation import (
    MAX_WHOLE_NUMBER,
    check_text,
    exact_cents,
    parse_date,
    parse_typed_amount,
    require_date,
)


def header_key(header: str) -> str:
    # People type « Maître d'ouvrage » with a straight apostrophe; the export writes ’.
    return " ".join(fold(header).replace("’", "'").split())


def position_of(headers: tuple[str, ...], column: Column) -> int | None:
    wanted = {header_key(column.label), header_key(column.header)}
    for index, header in enumerate(headers):
        if header_key(header) in wanted:
            return index
    return None


class Row:
    """One data row, read by column whatever the order of the columns in the file."""

    def __init__(self, number: int, cells: tuple[Cell, ...], positions: dict[str, int]) -> None:
        self.number = number
        self.cells = cells
        self.positions = positions

    def has(self, column: Column) -> bool:
        return column.header in self.positions

    def raw(self, column: Column) -> Cell:
        index = self.positions.get(column.header)
        if index is None or index >= len(self.cells):
            return None
        value = self.cells[index]
        return value.strip() if isinstance(value, str) else value

    def text(self, column: Column, max_length: int | None = None) -> str:
        value = self.raw(column)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        if isinstance(value, dt.datetime | dt.date):
            return value.strftime("%d/%m/%Y")
        return check_text(str(value), column.header, column.label, max_length)

    def date(self, column: Column) -> dt.date | None:
        value = self.raw(column)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, int | float | Decimal):
            raise UserError(
                _("{field}: « {value} » is not a date; write it as 20/01/2015.").format(
                    field=column.label, value=value
                ),
                column.header,
            )
        return parse_date(self.text(column), column.header, column.label)

    def required_date(self, column: Column) -> dt.date:
        found = self.date(column)
        return require_date(found, column.header, column.label)

    def amount(self, column: Column) -> Decimal | None:
        value = self.raw(column)
        if value is None or value == "":
            return None
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            if isinstance(value, float) and not math.isfinite(value):
                raise UserError(
                    _("{field}: « {value} » is not an amount.").format(
                        field=column.label, value=value
                    ),
                    column.header,
                )
            return exact_cents(Decimal(str(value)), column.header, column.label, str(value))
        if isinstance(value, dt.date):
            raise UserError(
                _("{field}: « {value} » is not an amount.").format(
                    field=column.label, value=self.text(column)
                ),
                column.header,
            )
        return parse_typed_amount(str(value), column.header, column.label)

    def whole_number(self, column: Column) -> int | None:
        value = self.raw(column)
        if value is None or value == "":
            return None
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, str):
            text = re.sub(r"[\s\u00a0\u202f%]", "", value)
            if re.fullmatch(r"-?\d{1,12}", text, re.ASCII):
                number = int(text)
        if number is None or abs(number) > MAX_WHOLE_NUMBER:
            raise UserError(
                _("{field}: « {value} » is not a whole number.").format(
                    field=column.label, value=str(value)[:40]
                ),
                column.header,
            )
        return number


def same_value_problem(column: Column, other_row: int) -> UserError:
    return UserError(
        _("{field}: row {other} already has this value; each record comes once.").format(
            field=column.label, other=other_row
        ),
        column.header,
    )
