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
# Characters no text field keeps: they break spreadsheets and are never typed on purpose.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The largest amount kept: sums of many of them still fit the store's 64-bit cents.
MAX_AMOUNT = Decimal("999999999999.99")
MAX_WHOLE_NUMBER = 999_999_999
# The years of a budget: the CP of a year and the day of an AP vote fall within them.
FIRST_YEAR, LAST_YEAR = 1972, 2100
_CENT = Decimal("0.01")
# « 1234.56 », « 1234 » (a point and no thousands separator), or the French « 1 234,56 ».
_PLAIN_AMOUNT = re.compile(r"^\d+(?:\.\d{1,2})?$", re.ASCII)
_FRENCH_AMOUNT = re.compile(r"^(?:\d{1,3}(?: \d{3})+|\d+)(?:,\d{1,2})?$", re.ASCII)


def require_text(value: str, field: str, label: str, max_length: int = 200) -> str:
    cleaned = check_text(value, field, label, max_length)
    if not cleaned:
        raise UserError(_("{field}: this field is required.").format(field=label), field)
    return cleaned


def check_text(value: str, field: str, label: str, max_length: int | None = None) -> str:
    """A text stripped of surrounding spaces, without control characters, not too long."""
    cleaned = value.strip()
    if _CONTROL.search(cleaned):
        raise UserError(
            _("{field}: the text holds an invisible control character; retype it.").format(
                field=label
            ),
            field,
        )
    if max_length is not None and len(cleaned) > max_length:
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


def check_year(year: int, field: str, label: str) -> int:
    """A year of the plan (payment credits), between ``FIRST_YEAR`` and ``LAST_YEAR``."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise UserError(
            _("{field}: the year {year} lies outside {first}–{last}.").format(
                field=label, year=year, first=FIRST_YEAR, last=LAST_YEAR
            ),
            field,
        )
    return year


def check_budget_date(day: dt.date, field: str, label: str) -> dt.date:
    """A day of the budget (an AP vote), within the years of the plan."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise UserError(
            _("{field}: {day} lies outside the years {first}–{last}.").format(
                field=label, day=day.strftime("%d/%m/%Y"), first=FIRST_YEAR, last=LAST_YEAR
            ),
            field,
        )
    return day


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
    return check_amount(amount, field, label, str(value)).quantize(_CENT)


def check_amount(amount: Decimal, field: str, label: str, shown: str) -> Decimal:
    """A finite amount, not negative, within what the store keeps."""
    if not amount.is_finite():
        raise UserError(
            _("{field}: « {value} » is not an amount.").format(field=label, value=shown), field
        )
    if amount < 0:
        raise UserError(_("{field}: an amount cannot be negative.").format(field=label), field)
    if amount > MAX_AMOUNT:
        raise UserError(
            _("{field}: « {value} » is larger than the largest amount kept ({largest}).").format(
                field=label, value=shown[:40], largest="999 999 999 999,99 €"
            ),
            field,
        )
    return amount


def parse_typed_amount(text: str, field: str, label: str) -> Decimal | None:
    """An amount typed in a file, read only when it cannot mean two things.

    « 1234.56 » (a point, no thousands separator) and the French « 1 234,56 » are read;
    « 1,234.56 » or « 12,000 » could be English or French and are refused, as are exponents,
    more than two decimals, and anything but digits.
    """
    compact = re.sub(r"[\u00a0\u202f]", " ", text).strip()
    compact = re.sub(r"\s*€$", "", compact).strip()
    if not compact:
        return None
    if compact.startswith("-") and any(char.isdigit() for char in compact):
        raise UserError(_("{field}: an amount cannot be negative.").format(field=label), field)
    if _PLAIN_AMOUNT.match(compact):
        amount = Decimal(compact)
    elif _FRENCH_AMOUNT.match(compact):
        amount = Decimal(compact.replace(" ", "").replace(",", "."))
    else:
        raise UserError(
            _(
                "{field}: « {value} » is not an amount that can be read without guessing; "
                "write it 1 234,56 or 1234.56."
            ).format(field=label, value=text.strip()[:40]),
            field,
        )
    return check_amount(amount, field, label, text.strip()).quantize(_CENT)


def exact_cents(amount: Decimal, field: str, label: str, shown: str) -> Decimal:
    """A number from a spreadsheet cell as an amount to the cent, refusing fractions of cents."""
    check_amount(amount, field, label, shown)
    rounded = amount.quantize(_CENT)
    # Tolerate the binary noise of a spreadsheet's floating point (0.1 + 0.2), nothing more.
    if abs(rounded - amount) > Decimal("0.000001"):
        raise UserError(
            _("{field}: « {value} » has more than two decimals; amounts are to the cent.").format(
                field=label, value=shown[:40]
            ),
            field,
        )
    return rounded


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
