"""An export edited in one cell and imported again: the preview names exactly what changes, and
nothing else is written.

Each case runs the command line in-process (``cli.main``) on a real SQLite copy, reading a real
workbook written by the export and edited with openpyxl, as a person would in a spreadsheet.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from sitiv_desktop.context import Context
from sitiv_desktop.domain.transfers import ImportKind
from sitiv_desktop.services.imports import ImportRefused, import_file
from sitiv_desktop.services.spreadsheets import ExportKind
from sitiv_desktop.store import models
from tests.unit.test_bad_files import dump, plain, refused, run
from tests.unit.test_import_rules import export


def edit_row(path: Path, match: dict[str, object], header: str, value: object) -> int:
    """Change one cell of an exported workbook, on the one row matching ``match``; returns its
    row number."""
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    found = [
        row
        for row in sheet.iter_rows(min_row=2)
        if all(row[headers.index(name)].value == wanted for name, wanted in match.items())
    ]
    assert len(found) == 1, match
    found[0][headers.index(header)].value = value
    workbook.save(path)
    return found[0][0].row


def dry_run(context: Context, capsys: pytest.CaptureFixture[str], kind: str, path: Path) -> str:
    before = dump(context.paths.database)
    assert run(context.paths.data_dir, "import", kind, str(path), "--dry-run") == 0
    assert dump(context.paths.database) == before
    return plain(capsys.readouterr().out)


def cp_cents(context: Context, code: str) -> dict[int, int]:
    with context.database.read_session() as session:
        rows = session.execute(
            select(models.PaymentCredit.year, models.PaymentCredit.amount_cents)
            .join(models.PpiLine, models.PpiLine.id == models.PaymentCredit.line_id)
            .join(models.Project, models.Project.id == models.PpiLine.project_id)
            .where(models.Project.code == code)
        )
        return {year: cents for year, cents in rows}


def votes(context: Context, code: str) -> list[tuple[dt.date, int]]:
    with context.database.read_session() as session:
        rows = session.execute(
            select(models.ApRevision.voted_on, models.ApRevision.amount_cents)
            .join(models.PpiLine, models.PpiLine.id == models.ApRevision.line_id)
            .join(models.Project, models.Project.id == models.PpiLine.project_id)
            .where(models.Project.code == code)
            .order_by(models.ApRevision.voted_on)
        )
        return [(day, cents) for day, cents in rows]


def project_row(context: Context, code: str) -> dict[str, object]:
    with context.database.read_session() as session:
        table = models.Project.__table__
        found = session.execute(select(table).where(table.c.code == code)).mappings().one()
        return dict(found)


# ---------------------------------------------------------------------------------------------
# An unchanged export imports as nothing to do; one edited cell is one field changed


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
@pytest.mark.parametrize("kind", ["projects", "commitments", "ppi"])
def test_an_unchanged_export_imports_as_nothing_to_create_or_change(
    filled: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path, kind: str, suffix: str
) -> None:
    path = export(filled, ExportKind(kind), tmp_path / f"{kind}.{suffix}")
    out = dry_run(filled, capsys, kind, path)
    summary = r"lignes? lues? : 0 à créer, 0 à modifier, \d+ inchangées?, 0 refusée\."
    assert re.search(summary, out), out


@pytest.mark.parametrize(
    ("kind", "match", "header", "value", "expected"),
    [
        (
            "projects",
            {"Code": "VEN-2015-01"},
            "Avancement (%)",
            55,
            "modifier le projet VEN-2015-01 (Avancement (%))",
        ),
        (
            "commitments",
            {"Engagement": "Câbler le groupe scolaire Parilly"},
            "Responsable",
            "La DGS",
            "modifier l’engagement « Câbler le groupe scolaire Parilly » (Responsable)",
        ),
        (
            "ppi",
            {"Code projet": "VEN-2015-01", "Année": 2017},
            "CP",
            345_678.5,
            "modifier la ligne du PPI VEN-2015-01, 2017 (CP)",
        ),
    ],
)
def test_one_edited_cell_of_an_export_is_one_field_changed(
    filled: Context,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    kind: str,
    match: dict[str, object],
    header: str,
    value: object,
    expected: str,
) -> None:
    path = export(filled, ExportKind(kind), tmp_path / f"{kind}.xlsx")
    number = edit_row(path, match, header, value)
    out = dry_run(filled, capsys, kind, path)
    assert ": 0 à créer, 1 à modifier," in out, out
    assert f"Ligne {number} : {expected}\n" in out, out


# ---------------------------------------------------------------------------------------------
# PPI: a new date of vote is a new AP vote of the line, never a new line, and keeps the CP


def test_a_new_vote_date_changes_the_line_and_leaves_its_cp_to_the_cent(
    filled: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The copy holds a CP of 600 000,50 € for 2016: the export writes it to the cent, and a
    row whose only edit is the day of the vote adds that vote and nothing else."""
    cents_before, votes_before = cp_cents(filled, "VEN-2015-01"), votes(filled, "VEN-2015-01")
    assert cents_before[2016] == 60_000_050
    path = export(filled, ExportKind.PPI, tmp_path / "ppi.xlsx")
    number = edit_row(
        path,
        {"Code projet": "VEN-2015-01", "Année": 2016},
        "AP votée le",
        dt.datetime(2026, 11, 15),
    )
    out = dry_run(filled, capsys, "ppi", path)
    assert ": 0 à créer, 1 à modifier," in out, out
    assert (
        f"Ligne {number} : modifier la ligne du PPI VEN-2015-01, 2016 "
        "(nouveau vote de l’AP du 15/11/2026)\n"
    ) in out

    assert run(filled.paths.data_dir, "import", "ppi", str(path)) == 0
    assert "0 créé, 1 modifié" in plain(capsys.readouterr().out)
    assert cp_cents(filled, "VEN-2015-01") == cents_before
    assert votes(filled, "VEN-2015-01") == [*votes_before, (dt.date(2026, 11, 15), 134_567_889)]


def test_a_cp_the_file_would_change_is_named_beside_the_new_vote(
    filled: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A file exported before the CP was corrected to the cent: the row brings back the older
    CP, and the preview says so instead of hiding it under « create »."""
    path = export(filled, ExportKind.PPI, tmp_path / "ppi.xlsx")
    number = edit_row(
        path,
        {"Code projet": "VEN-2015-01", "Année": 2016},
        "AP votée le",
        dt.datetime(2026, 11, 15),
    )
    with filled.database.session() as session:
        credit = session.scalars(
            select(models.PaymentCredit).where(models.PaymentCredit.year == 2016)
        ).one()
        credit.amount_cents = 60_000_099
    out = dry_run(filled, capsys, "ppi", path)
    assert (
        f"Ligne {number} : modifier la ligne du PPI VEN-2015-01, 2016 "
        "(CP, nouveau vote de l’AP du 15/11/2026)\n"
    ) in out


@pytest.mark.parametrize("day", [dt.datetime(9999, 12, 31), dt.datetime(1900, 1, 1)])
def test_a_vote_outside_the_years_of_the_plan_is_refused_by_row_and_column(
    filled: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path, day: dt.datetime
) -> None:
    path = export(filled, ExportKind.PPI, tmp_path / "ppi.xlsx")
    number = edit_row(path, {"Code projet": "VEN-2015-01", "Année": 2016}, "AP votée le", day)
    message = refused(filled, capsys, path, "ppi")
    assert (
        f"Ligne {number} — AP votée le : la date du {day:%d/%m/%Y} n’est pas comprise entre "
        "1972 et 2100."
    ) in message


# ---------------------------------------------------------------------------------------------
# A column the file lacks leaves its field as it is


def test_a_file_of_codes_and_progress_changes_only_the_progress(
    filled: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "avancement.csv"
    path.write_text("Code;Avancement (%)\nVEN-2015-01;85\n", encoding="utf-8")
    out = dry_run(filled, capsys, "projects", path)
    assert "Ligne 2 : modifier le projet VEN-2015-01 (Avancement (%))" in out
    assert "Titre, Domaine, Statut" in out  # the columns not found, left as they are
    before = project_row(filled, "VEN-2015-01")
    assert run(filled.paths.data_dir, "import", "projects", str(path)) == 0
    after = project_row(filled, "VEN-2015-01")
    assert after["progress"] == 85
    assert {name for name in after if after[name] != before[name]} == {"progress"}


def test_a_row_that_would_create_a_project_without_title_and_domain_is_refused(
    filled: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "avancement.csv"
    path.write_text("Code;Avancement (%)\nVEN-2015-01;85\nVEN-2099-01;10\n", encoding="utf-8")
    message = refused(filled, capsys, path, "projects")
    assert (
        "Ligne 3 — Titre, Domaine : aucun projet n’a encore le code « VEN-2099-01 », et le créer "
        "demande ces colonnes, absentes du fichier."
    ) in message
    assert "Ligne 2" not in message


# ---------------------------------------------------------------------------------------------
# The refusal: every problem of a row, and the option that skips bad rows


def test_the_refusal_names_the_option_and_lists_every_bad_cell_of_a_row(
    filled: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "engagements.csv"
    path.write_text(
        "Commune;Engagement;Pris le;Échéance;Clos le\n"
        "Givors;Rappeler le DGS;le 4 mars;bientôt;04/03/2016\n",
        encoding="utf-8",
    )
    message = refused(filled, capsys, path)
    assert "Ligne 2 — Pris le : « le 4 mars » n’est pas une date" in message
    assert "Ligne 2 — Échéance : « bientôt » n’est pas une date" in message
    assert message.index("Pris le :") < message.index("Échéance :")
    # One row with two problems: counted as one row.
    assert message.rstrip().endswith(
        "1 ligne pose problème. Corrigez-la, ou choisissez d’ignorer les lignes erronées "
        "(--skip-bad-rows)."
    )


def test_the_core_refusal_names_the_choice_not_the_option(filled: Context, tmp_path: Path) -> None:
    """The window offers a box to skip bad rows: the core's message names no option."""
    path = tmp_path / "engagements.csv"
    path.write_text("Commune;Engagement;Pris le\nNulle-part;Rappeler;04/03/2016\n", "utf-8")
    with pytest.raises(ImportRefused) as refusal:
        import_file(filled.database, ImportKind.COMMITMENTS, path)
    assert refusal.value.field == "skip_bad_rows"
    assert "--" not in refusal.value.message
