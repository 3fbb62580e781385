"""What an import may change: the AP in force only by a vote, and only communes the user writes.

Each case imports a real file through the command line (``cli.main``) on a real SQLite copy:
a refused row is named with its row number and a French reason, the exit code is 2, and the
domain's rows stay byte for byte as they were.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, text

from sitiv_desktop.context import Context
from sitiv_desktop.domain.transfers import ImportKind
from sitiv_desktop.services.imports import import_file
from sitiv_desktop.services.spreadsheets import ExportKind, export_spreadsheet
from sitiv_desktop.store import models
from tests.unit.test_bad_files import dump, plain, refused, run


def export(context: Context, kind: ExportKind, path: Path) -> Path:
    with context.database.read_session() as session:
        export_spreadsheet(session, kind, path)
    return path


def edit_cell(path: Path, code: str, header: str, value: object) -> Path:
    """Change one cell of an exported workbook, on the row whose first cell is ``code``."""
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == code:
            row[headers.index(header)].value = value
    workbook.save(path)
    return path


def grant(context: Context, roles: dict[str, str]) -> None:
    """The roles the sync service last gave, by commune name, as the sync stores them."""
    with context.database.session() as session:
        found = session.execute(select(models.Commune.name, models.Commune.id))
        ids = {name: commune_id for name, commune_id in found}
        stored = json.dumps({str(ids[name]): role for name, role in roles.items()})
        session.execute(text("UPDATE sync_state SET roles = :r WHERE id = 1"), {"r": stored})


# ---------------------------------------------------------------------------------------------
# « AP en vigueur »: an AP changes by a vote, which the projects sheet cannot date


def test_a_changed_ap_in_force_in_the_projects_sheet_is_refused_and_says_where_to_change_it(
    filled: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = export(filled, ExportKind.PROJECTS, tmp_path / "projets.xlsx")
    edit_cell(path, "VEN-2015-01", "AP en vigueur", 2_000_000)
    message = refused(filled, capsys, path, "projects")  # sorted by code: VEN-… comes third
    assert "Ligne 4 — AP en vigueur :" in message
    assert "1 345 678,89 €" in message and "PPI" in message and "AP votée le" in message


def test_an_ap_in_force_for_a_project_without_a_vote_is_named_in_the_preview(
    filled: Context, tmp_path: Path
) -> None:
    """Nothing to contradict: the AP comes with the PPI lines (as when a whole export is
    imported into a fresh copy, projects first), and the preview says it was not written."""
    path = tmp_path / "p.csv"
    path.write_text(
        "Code;Titre;Domaine;AP en vigueur\nGIV-2016-03;Téléphonie IP;Réseau;50000\n",
        encoding="utf-8",
    )
    before = dump(filled.paths.database)
    preview = import_file(filled.database, ImportKind.PROJECTS, path)
    assert preview.applied and not preview.problems and not preview.changes
    (notice,) = preview.notices
    assert notice.row == 2 and notice.column == "AP en vigueur"
    assert "pas encore d’AP votée" in notice.message and "AP votée le" in notice.message
    assert dump(filled.paths.database) == before


def test_the_unchanged_ap_in_force_of_an_export_imports_as_nothing_to_do(
    filled: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = export(filled, ExportKind.PROJECTS, tmp_path / "projets.xlsx")
    before = dump(filled.paths.database)
    assert run(filled.paths.data_dir, "import", "projects", str(path)) == 0
    assert "0 créé, 0 modifié, 3 inchangés" in plain(capsys.readouterr().out)
    assert dump(filled.paths.database) == before


@pytest.mark.parametrize(
    ("kind", "content"),
    [
        ("projects", "Code;Titre;Domaine;AP en vigueur\nVEN-2015-01;Fibre;Réseau;12,000\n"),
        ("ppi", "Code projet;AP en vigueur;AP votée le\nVEN-2015-01;12,000;14/12/2015\n"),
    ],
)
def test_an_ambiguous_ap_in_force_is_refused(
    filled: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path, kind: str, content: str
) -> None:
    path = tmp_path / f"{kind}.csv"
    path.write_text(content, encoding="utf-8")
    message = refused(filled, capsys, path, kind)
    assert "Ligne 2 — AP en vigueur : « 12,000 » n’est pas un montant lisible sans deviner" in (
        message
    )


# ---------------------------------------------------------------------------------------------
# Roles: an elected official or the secretariat reads a commune, and never imports into it


@pytest.mark.parametrize("role", ["elu", "secretariat"])
def test_commitments_of_a_commune_the_user_only_reads_are_refused(
    filled: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path, role: str
) -> None:
    grant(filled, {"Vénissieux": "liaison", "Givors": role})
    path = tmp_path / "e.csv"
    path.write_text(
        "Commune;Engagement;Pris le\n"
        "Vénissieux;Réunir les directeurs d’école;05/05/2016\n"
        "Givors;Câbler la mairie annexe;06/05/2016\n",
        encoding="utf-8",
    )
    message = refused(filled, capsys, path)
    label = {"elu": "élu", "secretariat": "secrétariat"}[role]
    assert f"Ligne 3 — Commune : votre rôle à Givors est « {label}" in message
    assert "Ligne 2" not in message


def test_a_row_refused_for_a_role_is_counted_in_the_summary_when_skipped(
    filled: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Every row read is counted once: the one refused for the role too, not left out."""
    grant(filled, {"Vénissieux": "liaison", "Givors": "elu"})
    path = tmp_path / "e.csv"
    path.write_text(
        "Commune;Engagement;Pris le\n"
        "Vénissieux;Réunir les directeurs d’école;05/05/2016\n"
        "Givors;Câbler la mairie annexe;06/05/2016\n",
        encoding="utf-8",
    )
    assert run(filled.paths.data_dir, "import", "commitments", str(path), "--skip-bad-rows") == 0
    out = capsys.readouterr().out
    assert "2 lignes lues\u00a0: 1 à créer, 0 à modifier, 0 inchangée, 1 refusée." in out
    assert "Import terminé\u00a0: 1 créé, 0 modifié, 0 inchangé." in out
    assert run(filled.paths.data_dir, "import", "commitments", str(path)) == 2
    captured = capsys.readouterr()
    assert "2 lignes lues\u00a0: 0 à créer, 0 à modifier, 1 inchangée, 1 refusée." in captured.out
    assert "Rien n’a été importé\u00a0: 1 ligne pose problème. Corrigez-la," in captured.err


def test_a_project_owned_by_a_commune_the_user_only_reads_is_refused(
    filled: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    grant(filled, {"Vénissieux": "liaison", "Givors": "elu"})
    path = export(filled, ExportKind.PROJECTS, tmp_path / "projets.xlsx")
    edit_cell(path, "GIV-2016-03", "Titre", "Téléphonie IP des écoles")
    edit_cell(path, "VEN-2015-01", "Titre", "Fibre des écoles et des crèches")
    message = refused(filled, capsys, path, "projects")
    assert "Ligne 2 — Maître d’ouvrage : votre rôle à Givors est « élu" in message
    assert "Ligne 4" not in message  # Vénissieux's project is the liaison's to change


def test_a_project_cannot_be_handed_to_a_commune_the_user_only_reads(
    filled: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    grant(filled, {"Vénissieux": "liaison", "Givors": "secretariat"})
    path = export(filled, ExportKind.PROJECTS, tmp_path / "projets.xlsx")
    edit_cell(path, "VEN-2015-01", "Maître d’ouvrage", "Givors")
    message = refused(filled, capsys, path, "projects")
    assert "Ligne 4 — Maître d’ouvrage : votre rôle à Givors est « secrétariat" in message


def test_ppi_lines_of_a_project_the_user_only_reads_are_refused(
    filled: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    grant(filled, {"Vénissieux": "elu", "Givors": "liaison"})
    path = tmp_path / "ppi.csv"
    path.write_text("Code projet;Année;CP\nVEN-2015-01;2018;1000\n", encoding="utf-8")
    message = refused(filled, capsys, path, "ppi")
    assert "Ligne 2 — Code projet : votre rôle à Vénissieux est « élu" in message


def test_unchanged_rows_of_a_read_only_commune_are_not_refused(
    filled: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Re-importing an export the user was given changes nothing and says nothing wrong."""
    grant(filled, {"Vénissieux": "elu", "Givors": "elu"})
    path = export(filled, ExportKind.COMMITMENTS, tmp_path / "engagements.xlsx")
    before = dump(filled.paths.database)
    assert run(filled.paths.data_dir, "import", "commitments", str(path)) == 0
    assert "2 inchangés" in plain(capsys.readouterr().out)
    assert dump(filled.paths.database) == before


def test_an_emptied_cell_is_named_in_the_preview_as_emptying_its_field(
    filled: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """An empty cell empties its field, as in the spreadsheet; the preview says so before
    anything is written, so a column added for one row cannot erase the others unseen."""
    path = export(filled, ExportKind.PROJECTS, tmp_path / "projets.xlsx")
    edit_cell(path, "VEN-2015-01", "Fin", None)
    before = dump(filled.paths.database)
    assert run(filled.paths.data_dir, "import", "projects", str(path), "--dry-run") == 0
    assert "Fin → (vide)" in plain(capsys.readouterr().out)
    assert dump(filled.paths.database) == before
