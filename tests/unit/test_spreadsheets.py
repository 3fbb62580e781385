"""Spreadsheets: what a user sees in an exported workbook, round trips through an empty copy,
bad rows reported by row and column with nothing written, and imports that change nothing twice."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sitiv_desktop.context import Context
from sitiv_desktop.domain.transfers import ChangeAction, ImportKind, ImportPreview
from sitiv_desktop.services.imports import ImportRefused, import_spreadsheet
from sitiv_desktop.services.spreadsheets import (
    ExportKind,
    Table,
    commitments_table,
    export_spreadsheet,
    ppi_lines_table,
    projects_table,
)
from sitiv_desktop.store import models
from tests.unit.transfer_data import empty_copy, filled_context


@pytest.fixture
def filled(tmp_path: Path) -> Iterator[Context]:
    opened = filled_context(tmp_path / "filled")
    yield opened
    opened.close()


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[Context]:
    opened = empty_copy(tmp_path / "empty")
    yield opened
    opened.close()


def export(context: Context, kind: ExportKind, path: Path) -> Path:
    with context.database.read_session() as session:
        export_spreadsheet(session, kind, path)
    return path


def run_import(context: Context, kind: ImportKind, path: Path, **options: bool) -> ImportPreview:
    with context.database.session() as session:
        return import_spreadsheet(session, kind, path, **options)


def counts(context: Context) -> dict[str, int]:
    tables = (
        models.Project,
        models.Participation,
        models.Commitment,
        models.PpiLine,
        models.ApRevision,
        models.PaymentCredit,
    )
    with context.database.read_session() as session:
        return {
            t.__tablename__: session.scalar(select(func.count()).select_from(t)) or 0
            for t in tables
        }


# ---------------------------------------------------------------------------------------------
# What a user sees


def test_the_exported_workbook_reads_as_a_french_spreadsheet(
    filled: Context, tmp_path: Path
) -> None:
    path = export(filled, ExportKind.PROJECTS, tmp_path / "projets.xlsx")
    sheet = load_workbook(path).worksheets[0]
    assert sheet.title == "Projets"
    headers = [cell.value for cell in sheet[1]]
    assert headers[:6] == [
        "Code",
        "Titre",
        "Domaine",
        "Statut",
        "Maître d’ouvrage",
        "Communes participantes (part)",
    ]
    assert "AP en vigueur" in headers and "Avancement (%)" in headers
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])

    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    fibre = rows["VEN-2015-01"]
    by_header = dict(zip(headers, fibre, strict=True))
    assert by_header["Titre"].value == "Fibre des écoles"
    assert by_header["Statut"].value == "En cours"
    assert by_header["Début"].value == dt.datetime(2015, 1, 20)
    assert by_header["Début"].number_format == "DD/MM/YYYY"
    assert by_header["AP en vigueur"].value == pytest.approx(1_345_678.89)
    assert "€" in by_header["AP en vigueur"].number_format
    assert "#,##0.00" in by_header["AP en vigueur"].number_format
    assert by_header["Communes participantes (part)"].value == "Givors (30 %); Vénissieux (70 %)"

    title_column = sheet.column_dimensions["B"].width
    assert title_column >= len("Portail citoyen commun")
    description_column = sheet.column_dimensions["L"].width
    assert description_column >= len("Raccorder les 23 écoles; en deux tranches")


def test_the_ppi_workbook_has_its_lines_and_the_commune_by_year_table(
    filled: Context, tmp_path: Path
) -> None:
    workbook = load_workbook(export(filled, ExportKind.PPI, tmp_path / "ppi.xlsx"))
    assert workbook.sheetnames == ["Lignes du PPI", "PPI par commune"]
    by_commune = workbook["PPI par commune"]
    headers = [cell.value for cell in by_commune[1]]
    assert headers == ["Commune", "AP", "CP 2015", "CP 2016", "CP 2017", "Total des CP"]
    rows = {row[0].value: [cell.value for cell in row] for row in by_commune.iter_rows(min_row=2)}
    # 70 % of the AP in force for Vénissieux, 30 % for Givors.
    assert rows["Vénissieux"][1] == pytest.approx(941_975.22)
    assert rows["Givors"][1] == pytest.approx(403_703.67)
    assert rows["Total"][1] == pytest.approx(1_345_678.89)
    assert by_commune.freeze_panes == "A2"
    assert all("€" in cell.number_format for cell in by_commune[2][1:])


def test_meetings_and_exchanges_export_with_real_dates(filled: Context, tmp_path: Path) -> None:
    meetings = load_workbook(export(filled, ExportKind.MEETINGS, tmp_path / "r.xlsx")).active
    assert meetings is not None
    assert meetings["A1"].value == "Début"
    assert meetings["A2"].value == dt.datetime(2015, 7, 2, 9, 0)
    assert meetings["A2"].number_format == "DD/MM/YYYY HH:MM"
    exchanges = load_workbook(export(filled, ExportKind.EXCHANGES, tmp_path / "e.xlsx")).active
    assert exchanges is not None
    assert [c.value for c in exchanges[1]][:5] == ["Date", "Commune", "Canal", "Sens", "Objet"]
    assert exchanges["A2"].value == dt.datetime(2016, 4, 1)


def test_the_csv_is_what_french_excel_writes(filled: Context, tmp_path: Path) -> None:
    content = export(filled, ExportKind.PPI, tmp_path / "ppi.csv").read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 mark, so that Excel reads the accents
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[:4] == ["Code projet", "Projet", "Maître d’ouvrage", "Année"]
    assert "VEN-2015-01;Fibre des écoles;Vénissieux;2016;600000,50;1345678,89;14/12/2015;" in lines


# ---------------------------------------------------------------------------------------------
# Round trips


TABLES: dict[ImportKind, Callable[[Session], Table]] = {
    ImportKind.PROJECTS: projects_table,
    ImportKind.COMMITMENTS: commitments_table,
    ImportKind.PPI: ppi_lines_table,
}


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_export_then_import_into_an_empty_copy_gives_the_same_records(
    filled: Context, empty: Context, tmp_path: Path, suffix: str
) -> None:
    # Projects first: commitments and PPI lines name them by code.
    for kind in (ImportKind.PROJECTS, ImportKind.COMMITMENTS, ImportKind.PPI):
        path = export(filled, ExportKind(kind.value), tmp_path / f"{kind}{suffix}")
        preview = run_import(empty, kind, path)
        assert preview.applied and not preview.problems
    for kind, table in TABLES.items():
        with filled.database.read_session() as original, empty.database.read_session() as copy:
            assert table(copy).rows == table(original).rows, kind


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_importing_the_same_file_twice_changes_nothing_the_second_time(
    filled: Context, empty: Context, tmp_path: Path, suffix: str
) -> None:
    paths = {
        kind: export(filled, ExportKind(kind.value), tmp_path / f"{kind}{suffix}")
        for kind in ImportKind
    }
    for kind in ImportKind:
        run_import(empty, kind, paths[kind])
    before = counts(empty)
    for kind in ImportKind:
        again = run_import(empty, kind, paths[kind])
        assert again.changes == ()
        assert again.unchanged == again.rows_read
    assert counts(empty) == before
    # And importing into the copy the data came from changes nothing either.
    original = counts(filled)
    for kind in ImportKind:
        assert run_import(filled, kind, paths[kind]).changes == ()
    assert counts(filled) == original


def test_the_preview_names_what_changes_and_writes_nothing_on_a_dry_run(
    filled: Context, tmp_path: Path
) -> None:
    path = export(filled, ExportKind.PROJECTS, tmp_path / "projets.xlsx")
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    sheet["B4"] = "Fibre des écoles et des crèches"  # VEN-2015-01, sorted last
    sheet.append(["VEN-2017-09", "Vidéoprotection", "Réseau", "Étude", "Vénissieux"])
    workbook.save(path)

    preview = run_import(filled, ImportKind.PROJECTS, path, dry_run=True)
    assert not preview.applied
    assert [(c.row, c.action, c.columns) for c in preview.changes] == [
        (4, ChangeAction.UPDATE, ("Titre",)),
        (5, ChangeAction.CREATE, ()),
    ]
    assert str(preview.changes[0]) == "Ligne 4\u00a0: modifier le projet VEN-2015-01 (Titre)"
    with filled.database.read_session() as session:
        titles = set(session.scalars(select(models.Project.title)))
    assert "Fibre des écoles" in titles and "Vidéoprotection" not in titles

    run_import(filled, ImportKind.PROJECTS, path)
    with filled.database.read_session() as session:
        titles = set(session.scalars(select(models.Project.title)))
    assert {"Fibre des écoles et des crèches", "Vidéoprotection"} <= titles


def test_a_windows_1252_csv_with_french_numbers_is_read(empty: Context, tmp_path: Path) -> None:
    projects = tmp_path / "projets.csv"
    projects.write_bytes(
        "Code;Titre;Domaine;Statut;Maître d'ouvrage;Début\r\n"
        "VEN-01;Fibre des écoles;Réseau;En cours;VENISSIEUX;20/01/2015\r\n".encode("cp1252")
    )
    run_import(empty, ImportKind.PROJECTS, projects)
    ppi = tmp_path / "ppi.csv"
    ppi.write_bytes(
        "Code projet;Année;CP;AP en vigueur;AP votée le\r\n"
        "VEN-01;2016;1 234 567,89 €;2 000 000,00;15/12/2015\r\n".encode("cp1252")
    )
    run_import(empty, ImportKind.PPI, ppi)
    with empty.database.read_session() as session:
        project = session.scalars(select(models.Project)).one()
        assert project.owner is not None and project.owner.name == "Vénissieux"
        assert project.start_date == dt.date(2015, 1, 20)
        credit = session.scalars(select(models.PaymentCredit)).one()
        assert (credit.year, credit.amount_cents) == (2016, 123_456_789)
        vote = session.scalars(select(models.ApRevision)).one()
        assert (vote.voted_on, vote.amount_cents) == (dt.date(2015, 12, 15), 200_000_000)


# ---------------------------------------------------------------------------------------------
# Bad rows


def workbook_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


GOOD_PROJECT = ["VEN-01", "Fibre des écoles", "Réseau", "En cours", "Vénissieux", "20/01/2015"]
PROJECT_HEADERS = ["Code", "Titre", "Domaine", "Statut", "Maître d’ouvrage", "Début"]
COMMITMENT_HEADERS = ["Commune", "Engagement", "Pris le", "Échéance"]
PPI_HEADERS = ["Code projet", "Année", "CP"]

BAD_FILES = {
    "unknown commune": (
        ImportKind.PROJECTS,
        [PROJECT_HEADERS, GOOD_PROJECT, ["LYO-01", "Fibre", "Réseau", "Idée", "Lyon", ""]],
        "Ligne 3 — Maître d’ouvrage\u00a0: Aucune commune ne s’appelle «\u00a0Lyon\u00a0»",
    ),
    "bad date": (
        ImportKind.COMMITMENTS,
        [COMMITMENT_HEADERS, ["Givors", "Rappeler le DGS", "31/02/2016", ""]],
        "Ligne 2 — Pris le\u00a0: «\u00a031/02/2016\u00a0» n’est pas une date",
    ),
    "negative amount": (
        ImportKind.PPI,
        [PPI_HEADERS, ["VEN-01", 2016, 1000], ["VEN-01", 2017, -250.5]],
        "Ligne 3 — CP\u00a0: un montant ne peut pas être négatif.",
    ),
    "missing title": (
        ImportKind.PROJECTS,
        [PROJECT_HEADERS, ["GIV-01", "", "Réseau", "Idée", "Givors", ""], GOOD_PROJECT],
        "Ligne 2 — Titre\u00a0: ce champ est obligatoire.",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_row_is_reported_by_row_and_column_and_nothing_is_written(
    empty: Context, tmp_path: Path, case: str
) -> None:
    if BAD_FILES[case][0] is ImportKind.PPI:
        path = tmp_path / "project.xlsx"
        path.write_bytes(workbook_bytes([PROJECT_HEADERS, GOOD_PROJECT]))
        run_import(empty, ImportKind.PROJECTS, path)
    kind, rows, expected = BAD_FILES[case]
    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbook_bytes(rows))
    before = counts(empty)

    with pytest.raises(ImportRefused) as refused:
        run_import(empty, kind, path)

    problems = refused.value.preview.problems
    assert len(problems) == 1
    assert str(problems[0]).startswith(expected), str(problems[0])
    assert "Rien n’a été importé" in str(refused.value)
    assert counts(empty) == before


def test_bad_rows_can_be_skipped_and_the_good_ones_are_imported(
    empty: Context, tmp_path: Path
) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbook_bytes(BAD_FILES["unknown commune"][1]))
    preview = run_import(empty, ImportKind.PROJECTS, path, skip_bad_rows=True)
    assert preview.applied and len(preview.problems) == 1
    assert preview.problems[0].row == 3 and preview.problems[0].column == "Maître d’ouvrage"
    with empty.database.read_session() as session:
        assert list(session.scalars(select(models.Project.code))) == ["VEN-01"]


def test_the_same_record_twice_in_a_file_is_a_bad_row(empty: Context, tmp_path: Path) -> None:
    path = tmp_path / "twice.csv"
    path.write_text(
        "Commune;Engagement;Pris le\nGivors;Rappeler le DGS;04/03/2016\n"
        "givors;rappeler  le dgs;2016-03-04\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRefused) as refused:
        run_import(empty, ImportKind.COMMITMENTS, path)
    assert str(refused.value.preview.problems[0]).startswith(
        "Ligne 3 — Engagement\u00a0: la ligne 2 a déjà cette valeur"
    )


def test_a_missing_column_is_named(empty: Context, tmp_path: Path) -> None:
    """A column that matches rows (a commitment's day) is needed on the first row; one that
    only a new record needs (a project's title) is named on each row that would create one."""
    path = tmp_path / "no-day.csv"
    path.write_text("Commune;Engagement\nGivors;Rappeler le DGS\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        run_import(empty, ImportKind.COMMITMENTS, path)
    assert [str(p) for p in refused.value.preview.problems] == [
        "Ligne 1 — Pris le\u00a0: cette colonne manque sur la première ligne."
    ]
    path = tmp_path / "no-title.csv"
    path.write_text("Code;Domaine\nVEN-01;Réseau\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        run_import(empty, ImportKind.PROJECTS, path)
    assert [str(p) for p in refused.value.preview.problems] == [
        "Ligne 2 — Titre\u00a0: aucun projet n’a encore le code «\u00a0VEN-01\u00a0», et le "
        "créer demande cette colonne, absente du fichier."
    ]


def test_amounts_are_kept_to_the_cent(empty: Context, tmp_path: Path) -> None:
    path = tmp_path / "project.xlsx"
    path.write_bytes(workbook_bytes([PROJECT_HEADERS, GOOD_PROJECT]))
    run_import(empty, ImportKind.PROJECTS, path)
    path = tmp_path / "ppi.xlsx"
    path.write_bytes(
        workbook_bytes([PPI_HEADERS, ["VEN-01", 2016, Decimal("0.1") + Decimal("0.2")]])
    )
    run_import(empty, ImportKind.PPI, path)
    with empty.database.read_session() as session:
        assert session.scalars(select(models.PaymentCredit.amount_cents)).one() == 30
