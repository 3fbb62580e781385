"""The syndicate's communes file (``server import-communes``): its columns, read and checked
line by line, nothing written."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.services.text import fold

DEPARTEMENT_LENGTH = 200


INTERCOMMUNALITIES = {
    "metropole de lyon": "lyon",
    "saint-etienne metropole": "saint_etienne",
    "": "other",
}


def metropole_code(text_given: str) -> str:
    code = INTERCOMMUNALITIES.get(fold(text_given).strip())
    if code is None:
        raise UserError(
            _(
                "Intercommunality: « {value} » is neither Métropole de Lyon nor "
                "Saint-Étienne Métropole."
            ).format(value=text_given),
            "intercommunalite",
        )
    return code


@dataclass(frozen=True)
class CommuneRow:
    line: int
    name: str
    insee_code: str
    population: int
    metropole: str
    joined_on: dt.date | None
    departement: str = ""
    note: str = ""


def read_communes(path: str) -> list[CommuneRow]:
    """The communes of a CSV (comma or semicolon) or xlsx file with the columns of the
    syndicate's list: name, insee_code, departement, intercommunalite, population_2018,
    member_since, note."""
    from pathlib import Path

    file = Path(path)
    try:
        if file.suffix.lower() == ".xlsx":
            from openpyxl import load_workbook

            book = load_workbook(file, read_only=True, data_only=True)
            sheet = book.active
            table = [
                ["" if v is None else str(v) for v in row]
                for row in (sheet.iter_rows(values_only=True) if sheet is not None else [])
            ]
            book.close()
        else:
            import csv

            content = file.read_text("utf-8-sig")
            dialect = csv.Sniffer().sniff(content.splitlines()[0], delimiters=",;")
            table = list(csv.reader(content.splitlines(), dialect))
    except OSError as error:
        from sitiv_desktop.services.files import read_failed

        raise read_failed(file, error) from error
    except (UnicodeError, ValueError) as error:
        raise UserError(
            _("The file {path} cannot be read as a list of communes.").format(path=path)
        ) from error
    if not table:
        raise UserError(_("The file {path} is empty.").format(path=path))
    headers = [h.strip().lower() for h in table[0]]

    def column(*names: str) -> int | None:
        return next((headers.index(n) for n in names if n in headers), None)

    name_at, insee_at = column("name", "nom"), column("insee_code", "code insee", "insee")
    if name_at is None or insee_at is None:
        raise UserError(_("The file needs the columns name and insee_code."))
    population_at = column("population_2018", "population")
    metropole_at = column("intercommunalite", "intercommunalité")
    since_at = column("member_since", "membre depuis")
    departement_at = column("departement", "département")
    note_at = column("note")
    found = []
    for line, cells in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue

        def cell(at: int | None, cells: list[str] = cells) -> str:
            return cells[at].strip() if at is not None and at < len(cells) else ""

        population, since = cell(population_at), cell(since_at)
        if population and not population.isdigit():
            raise UserError(
                _("Line {line}: the population « {value} » is not a whole number.").format(
                    line=line, value=population
                )
            )
        if since and not (since.isdigit() and 1900 <= int(since) <= 2100):
            raise UserError(
                _("Line {line}: « {value} » is not a year of membership.").format(
                    line=line, value=since
                )
            )
        found.append(
            CommuneRow(
                line,
                cell(name_at),
                cell(insee_at),
                int(population or 0),
                metropole_code(cell(metropole_at)),
                dt.date(int(since), 1, 1) if since else None,
                cell(departement_at),
                cell(note_at),
            )
        )
    return found


def check_commune(name: str, insee_code: str, population: int) -> None:
    if not name.strip():
        raise UserError(_("Name: this field is required."), "name")
    if not re.fullmatch(r"\d[\dAB]\d{3}", insee_code.strip()):
        raise UserError(_("INSEE code: five characters, such as 69259."), "insee_code")
    if population < 0:
        raise UserError(_("Population: cannot be negative."), "population")
