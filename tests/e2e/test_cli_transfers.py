"""export, import, backup and restore from the command line, as a user types them."""

from __future__ import annotations

from pathlib import Path

from icalendar import Calendar
from openpyxl import load_workbook

from tests.e2e.conftest import Runner
from tests.unit.transfer_data import empty_copy, filled_context


def test_export_then_import_into_another_copy(sitiv: Runner, tmp_path: Path) -> None:
    filled, empty = tmp_path / "filled", tmp_path / "empty"
    filled_context(filled).close()
    empty_copy(empty).close()
    workbook = tmp_path / "projets.xlsx"

    exported = sitiv("export", "projects", "-o", str(workbook), data=filled)
    assert exported.returncode == 0, exported.stderr
    assert "3 lignes écrites dans" in exported.stdout
    assert load_workbook(workbook).worksheets[0]["B1"].value == "Titre"

    dry = sitiv("import", "projects", str(workbook), "--dry-run", data=empty)
    assert dry.returncode == 0, dry.stderr
    assert "3 lignes lues\u00a0: 3 à créer, 0 à modifier, 0 inchangée, 0 refusée." in dry.stdout
    assert "Ligne 4\u00a0: créer le projet VEN-2015-01" in dry.stdout
    assert "Rien n’a été écrit" in dry.stdout

    first = sitiv("import", "projects", str(workbook), data=empty)
    assert first.returncode == 0, first.stderr
    assert "Import terminé\u00a0: 3 créés, 0 modifié, 0 inchangé." in first.stdout
    second = sitiv("import", "projects", str(workbook), data=empty)
    assert "Import terminé\u00a0: 0 créé, 0 modifié, 3 inchangés." in second.stdout

    listed = sitiv("list", "projects", data=empty)
    assert "Fibre des écoles" in listed.stdout


def test_a_bad_file_is_refused_with_the_row_and_column(sitiv: Runner, tmp_path: Path) -> None:
    data = tmp_path / "data"
    empty_copy(data).close()
    bad = tmp_path / "engagements.csv"
    bad.write_bytes(
        "Commune;Engagement;Pris le\r\nGivors;Rappeler le DGS;04/03/2016\r\n"
        "Lyon;Ouvrir un guichet;05/03/2016\r\n".encode("cp1252")
    )
    result = sitiv("import", "commitments", str(bad), data=data)
    assert result.returncode == 2
    assert (
        "Ligne 3 — Commune\u00a0: Aucune commune ne s’appelle «\u00a0Lyon\u00a0»" in result.stderr
    )
    assert "Rien n’a été importé" in result.stderr
    assert "Traceback" not in result.stderr

    skipped = sitiv("import", "commitments", str(bad), "--skip-bad-rows", data=data)
    assert skipped.returncode == 0, skipped.stderr
    assert "1 créé," in skipped.stdout


def test_meetings_to_a_calendar(sitiv: Runner, tmp_path: Path) -> None:
    data = tmp_path / "data"
    filled_context(data).close()
    target = tmp_path / "reunions.ics"
    result = sitiv("export", "meetings", "--commune", "Vénissieux", "-o", str(target), data=data)
    assert result.returncode == 0, result.stderr
    calendar = Calendar.from_ical(target.read_bytes())
    assert len(calendar.events) == 2
    assert f"2 réunions écrites dans {target}." in result.stdout
    # The format is said before the existing file: no « --force » asked for a refused export.
    existing = tmp_path / "p.ics"
    existing.write_bytes(b"mine")
    for force in ((), ("--force",)):
        refused = sitiv("export", "projects", "-o", str(existing), *force, data=data)
        assert refused.returncode == 2
        assert "seules les réunions vont dans un calendrier" in refused.stderr
        assert "--force" not in refused.stderr
    assert existing.read_bytes() == b"mine"


def test_backup_and_restore(sitiv: Runner, tmp_path: Path) -> None:
    data = tmp_path / "data"
    filled_context(data).close()
    saved = tmp_path / "sauvegarde.sqlite3"
    result = sitiv("backup", str(saved), data=data)
    assert result.returncode == 0, result.stderr
    assert saved.exists()

    automatic = sitiv("backup", data=data)
    assert automatic.returncode == 0, automatic.stderr
    assert len(list((data / "sauvegardes").glob("auto-*.sqlite3"))) == 1

    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("rien à voir", encoding="utf-8")
    refused = sitiv("restore", str(not_a_backup), data=data)
    assert refused.returncode == 2
    assert "n’est pas une base SQLite" in refused.stderr
    assert "La copie locale a été laissée telle quelle." in refused.stderr

    (data / "sitiv.sqlite3").write_bytes(b"damaged beyond repair")
    restored = sitiv("restore", str(saved), data=data)
    assert restored.returncode == 0, restored.stderr
    assert "La copie locale a été restaurée" in restored.stdout
    listed = sitiv("list", "communes", data=data)
    assert listed.returncode == 0, listed.stderr
    assert "Vénissieux" in listed.stdout
