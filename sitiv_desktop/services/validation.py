"""Checks run before writing, each raising ``UserError`` with a French message naming the field.

The database refuses the same things; these checks exist so that people read a sentence
instead of a constraint name.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from babel.numbers import NumberFormatError, parse_decimal

from sitiv_desktop.domain.enums import LabelledEnum
from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import _, babel_locale

E = TypeVar("E", bound=LabelledEnum)
_SPACES = re.compile(r"[\s\u00a0\u202f']")


def require_text(value: str, field: str, label: str, max_length: int = 200) -> str:
    cleaned = value.strip()
    if not cleaned:
        raise UserError(_("{field}: this field is required.").format(field=label), field)
    if len(cleaned) > max_length:
        raise UserError(
            _("{field}: at most {count} characters.").format(field=label, count=max_length),
            field,
        )
    return cleaned


def parse_date(value: str | dt.date | None, field: str, label: str) -> dt.date | None:
    """A date typed as 20/01/2015, 20/01/15 or 2015-01-20; empty gives None."""
    if value is None or isinstance(value, dt.date):
        return value
    text = value.strip()
    if not text:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y", "%d.%m.%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise UserError(
        _("{field}: « {value} » is not a date; write it as 20/01/2015.").format(
            field=label, value=text
        ),
        field,
    )


def require_date(value: str | dt.date | None, field: str, label: str) -> dt.date:
    parsed = parse_date(value, field, label)
    if parsed is None:
        raise UserError(_("{field}: this field is required.").format(field=label), field)
    return parsed


def check_order(start: dt.date | None, end: dt.date | None, field: str, label: str) -> None:
    if start is not None and end is not None and end < start:
        raise UserError(
            _("{field}: the end cannot come before the start.").format(field=label), field
        )


def parse_amount(value: str | Decimal | int | None, field: str, label: str) -> Decimal | None:
    """A sum of money typed the French way (« 1 234,56 ») or as a number; never negative."""
    if value is None:
        return None
    if isinstance(value, str):
        text = _SPACES.sub("", value.replace("€", ""))
        if not text:
            return None
        try:
            amount = parse_decimal(text, locale=babel_locale(), strict=False)
        except NumberFormatError:
            try:
                amount = Decimal(text)
            except InvalidOperation:
                raise UserError(
                    _("{field}: « {value} » is not an amount.").format(field=label, value=value),
                    field,
                ) from None
    else:
        amount = Decimal(value)
    if amount < 0:
        raise UserError(_("{field}: an amount cannot be negative.").format(field=label), field)
    return amount.quantize(Decimal("0.01"))


def check_percent(value: int, field: str, label: str) -> int:
    if not 0 <= value <= 100:
        raise UserError(
            _("{field}: a percentage lies between 0 and 100.").format(field=label), field
        )
    return value


def check_positive(value: int, field: str, label: str) -> int:
    if value < 0:
        raise UserError(_("{field}: cannot be negative.").format(field=label), field)
    return value


def parse_choice(value: str | E, enum: type[E], field: str, label: str) -> E:
    """A code or a label (any case) of ``enum``."""
    if isinstance(value, enum):
        return value
    wanted = str(value).strip().casefold()
    for member in enum:
        if wanted in (member.value.casefold(), member.label.casefold()):
            return member
    choices = ", ".join(member.label for member in enum)
    raise UserError(
        _("{field}: « {value} » is not one of: {choices}.").format(
            field=label, value=value, choices=choices
        ),
        field,
    )


def to_cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))
