"""Bad files: every mangled spreadsheet or CSV is refused by row and column, in French, with
exit code 2, and the data stays byte for byte as it was; good files in any encoding are read.

The command line runs in-process (``cli.main``) on a real SQLite copy made by the test.
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import sqlite3
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from sitiv_desktop import cli
from sitiv_desktop.context import Context
from sitiv_desktop.store import models


def run(data: Path, *arguments: str) -> int:
    return cli.main(["--data-dir", str(data), *arguments])


def dump(database: Path) -> list[str]:
    """The domain's rows, to compare a copy before and after, value for value."""
    connection = sqlite3.connect(database)
    try:
        lines = []
        for table in sorted(models.Base.metadata.tables):
            lines += [
                repr(row) for row in connection.execute(f'SELECT * FROM "{table}" ORDER BY 1')
            ]
        return lines
    finally:
        connection.close()


def refused(
    context: Context, capsys: pytest.CaptureFixture[str], path: Path, kind: str = "commitments"
) -> str:
    """Import ``path`` (dry run, then for real): exit 2 both times, nothing changed."""
    before = dump(context.paths.database)
    for options in (("--dry-run",), ()):
        code = run(context.paths.data_dir, "import", kind, str(path), *options)
        captured = capsys.readouterr()
        assert code == 2, captured.err
        assert "Traceback" not in captured.err
    assert dump(context.paths.database) == before
    return plain(captured.err)


def plain(text: str) -> str:
    """French typography puts no-break spaces before « : » and inside « »; compare without."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def xlsx(rows: list[list[object]], path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


COMMITMENT_ROW = ["Givors", "Rappeler le DGS", dt.datetime(2016, 3, 4)]


# ---------------------------------------------------------------------------------------------
# Files that are not what they say


def test_a_text_file_renamed_xlsx_is_refused(
    filled: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "engagements.xlsx"
    path.write_text("Commune;Engagement\nGivors;Appeler\n", encoding="utf-8")
    assert "n’est pas un fichier xlsx lisible" in refused(filled, capsys, path)


def test_a_zero_byte_xlsx_is_refused(
    filled: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "engagements.xlsx"
    path.write_bytes(b"")
    assert "Fichier : le fichier est vide." in refused(filled, capsys, path)


def test_a_truncated_xlsx_is_refused(
    filled: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    whole = xlsx([["Commune", "Engagement", "Pris le"], COMMITMENT_ROW], tmp_path / "a.xlsx")
    path = tmp_path / "engagements.xlsx"
    path.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    assert "n’est pas un fichier xlsx lisible" in refused(filled, capsys, path)


def test_a_cell_at_the_far_corner_costs_nothing(
    filled: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Commune", "Engagement", "Pris le"])
    sheet.append(COMMITMENT_ROW)
    sheet["XFD1048576"] = "loin"
    path = tmp_path / "engagements.xlsx"
    workbook.save(path)
    assert path.stat().st_size < 20_000
    tracemalloc.start()
    message = refused(filled, capsys, path)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "plus de 200 000 lignes" in message
    assert peak < 50 * 1024 * 1024


def test_a_cell_beyond_the_header_is_refused(
    filled: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = xlsx(
        [["Commune", "Engagement", "Pris le"], [*COMMITMENT_ROW, "décalé"]], tmp_path / "e.xlsx"
    )
    message = refused(filled, capsys, path)
    assert "Ligne 2 — Colonne D : cette cellule est au-delà de la dernière colonne" in message


def test_a_csv_row_longer_than_its_header_is_refused(
    filled: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "e.csv"
    path.write_text(
        "Commune;Engagement;Pris le\nGivors;Rappeler;04/03/2016;en trop\n", encoding="utf-8"
    )
    assert "Ligne 2 — Colonne D" in refused(filled, capsys, path)


def test_merged_cells_are_refused(
    filled: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Code", "Titre", "Domaine", "Maître d’ouvrage"])
    sheet.append(["VEN-2015-01", "Fibre des écoles", "Fibre optique", "Vénissieux"])
    sheet.append(["GIV-2016-03", "Téléphonie IP", "Fibre optique", None])
    sheet.merge_cells("D2:D3")
    path = tmp_path / "projets.xlsx"
    workbook.save(path)
    message = refused(filled, capsys, path, "projects")
    assert "Ligne 2 — Maître d’ouvrage : les cellules D2:D3 sont fusionnées" in message
    assert "Ligne 3 — Maître d’ouvrage : les cellules D2:D3 sont fusionnées" in message


def test_a_formula_without_its_value_is_refused(
    filled: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = xlsx(
        [
            ["Code", "Titre", "Domaine", "Avancement (%)"],
            ["VEN-2015-01", "Fibre des écoles", "Fibre optique", "=20*2"],
        ],
        tmp_path / "projets.xlsx",
    )
    message = refused(filled, capsys, path, "projects")
    assert "Ligne 2 — Avancement (%) : cette cellule contient une formule" in message


def test_a_control_character_is_refused(
    filled: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "e.csv"
    path.write_text("Commune;Engagement;Pris le\nGivors;Rappeler\x07 le DGS;04/03/2016\n")
    assert "Ligne 2 — Engagement : cette cellule contient un caractère de contrôle" in refused(
        filled, capsys, path
    )


def test_a_field_longer_than_csv_allows_is_refused(
    filled: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "e.csv"
    path.write_text(f"Commune;Engagement;Pris le\nGivors;{'a' * 140_000};04/03/2016\n")
    assert "Ligne 2 : une cellule contient plus de 32" in refused(filled, capsys, path)


# ---------------------------------------------------------------------------------------------
# Amounts and numbers


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1,234.56", "n’est pas un montant lisible sans deviner"),
        ("12,000", "n’est pas un montant lisible sans deviner"),
        ("12.000", "n’est pas un montant lisible sans deviner"),
        ("1e30", "n’est pas un montant lisible sans deviner"),
        ("NaN", "n’est pas un montant lisible sans deviner"),
        ("Infinity", "n’est pas un montant lisible sans deviner"),
        ("1" * 29, "dépasse le plus grand montant conservé"),
        ("100000000000000000", "dépasse le plus grand montant conservé"),
        ("-5", "un montant ne peut pas être négatif"),
    ],
)
def test_an_amount_that_needs_a_guess_or_does_not_fit_is_refused(
    filled: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path, cell: str, expected: str
) -> None:
    path = tmp_path / "ppi.csv"
    path.write_text(f"Code projet;Année;CP\nVEN-2015-01;2016;{cell}\n", encoding="utf-8")
    message = refused(filled, capsys, path, "ppi")
    assert f"Ligne 2 — CP : « {cell[:40]} » {expected}" in message or (
        f"Ligne 2 — CP : {expected}" in message
    )


@pytest.mark.parametrize("number", ["1e30", "NaN", "INF", "-inf", "1E17", "12.345", "1" * 29])
def test_a_number_cell_the_store_cannot_hold_is_refused(
    filled: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path, number: str
) -> None:
    made = xlsx(
        [["Code projet", "Année", "CP"], ["VEN-2015-01", 2016, 424242]], tmp_path / "a.xlsx"
    )
    path = tmp_path / "p.xlsx"
    with zipfile.ZipFile(made) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.endswith("sheet1.xml"):
                assert b"<v>424242</v>" in data
                data = data.replace(b"<v>424242</v>", f"<v>{number}</v>".encode())
            target.writestr(item, data)
    assert "Ligne 2 — CP : " in refused(filled, capsys, path, "ppi")


@pytest.mark.parametrize(
    ("cell", "cents"), [("1234.56", 123_456), ("1 234,56", 123_456), ("7", 700)]
)
def test_plain_and_french_amounts_are_read(
    filled: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path, cell: str, cents: int
) -> None:
    path = tmp_path / "ppi.csv"
    path.write_text(f"Code projet;Année;CP\nVEN-2015-01;2016;{cell}\n", encoding="utf-8")
    assert run(filled.paths.data_dir, "import", "ppi", str(path)) == 0
    connection = sqlite3.connect(filled.paths.database)
    found = connection.execute(
        "SELECT amount_cents FROM payment_credits WHERE year = 2016"
    ).fetchall()
    connection.close()
    assert found == [(cents,)]


# ---------------------------------------------------------------------------------------------
# Encodings and line endings


COMMITMENT_CSV = "Commune;Engagement;Pris le\nGivors;Réunir les élus;04/03/2016\n"


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda text: text.encode("utf-8"), id="utf-8"),
        pytest.param(lambda text: codecs.BOM_UTF8 + text.encode("utf-8"), id="utf-8-bom"),
        pytest.param(lambda text: text.encode("utf-16"), id="utf-16"),
        pytest.param(lambda text: text.encode("utf-16-le"), id="utf-16-le-without-mark"),
        pytest.param(lambda text: text.encode("cp1252"), id="cp1252"),
        pytest.param(lambda text: text.replace("\n", "\r").encode("utf-8"), id="cr-only"),
        pytest.param(lambda text: text.replace("\n", "\r\n").encode("cp1252"), id="crlf"),
    ],
)
def test_csv_in_any_usual_encoding_and_line_ending_is_read(
    filled: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path, encode: object
) -> None:
    path = tmp_path / "e.csv"
    path.write_bytes(encode(COMMITMENT_CSV))  # type: ignore[operator]
    assert run(filled.paths.data_dir, "import", "commitments", str(path)) == 0
    connection = sqlite3.connect(filled.paths.database)
    titles = [row[0] for row in connection.execute("SELECT title FROM commitments")]
    connection.close()
    assert "Réunir les élus" in titles


# ---------------------------------------------------------------------------------------------
# Columns the file lacks, or that we do not know


def test_a_missing_or_renamed_column_leaves_its_field_as_it_is(
    filled: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    exported = tmp_path / "engagements.xlsx"
    assert run(filled.paths.data_dir, "export", "commitments", "-o", str(exported)) == 0
    workbook = load_workbook(exported)
    sheet = workbook.active
    assert sheet is not None
    headers = [cell.value for cell in sheet[1]]
    sheet.cell(1, headers.index("Statut") + 1).value = "Etat"
    sheet.delete_cols(headers.index("Clos le") + 1)
    workbook.save(exported)
    before = dump(filled.paths.database)
    capsys.readouterr()
    assert run(filled.paths.data_dir, "import", "commitments", str(exported)) == 0
    out = plain(capsys.readouterr().out)
    assert (
        "Colonnes absentes du fichier, dont les champs restent tels quels : Statut, Clos le." in out
    )
    assert "Colonnes inconnues, qui ne sont pas lues : « Etat »." in out
    assert "0 créé, 0 modifié" in out or "0 à créer, 0 à modifier" in out
    assert dump(filled.paths.database) == before


def test_the_exported_columns_an_import_does_not_read_are_not_called_unknown(
    filled: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    exported = tmp_path / "projets.csv"
    assert run(filled.paths.data_dir, "export", "projects", "-o", str(exported)) == 0
    capsys.readouterr()
    assert run(filled.paths.data_dir, "import", "projects", str(exported), "--dry-run") == 0
    out = plain(capsys.readouterr().out)
    assert "Colonnes inconnues" not in out
    assert "Colonnes absentes" not in out


# ---------------------------------------------------------------------------------------------
# Spreadsheet injection


INJECTED = ['=HYPERLINK("http://example.com";"clic")', "+33 4 78 00 00 00", "-5", "@SUM(A1)"]


def test_formula_looking_text_is_written_as_text_and_read_back_as_typed(
    filled: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    connection = sqlite3.connect(filled.paths.database)
    codes = ("VEN-2015-01", "SIT-2016-02", "GIV-2016-03", "VEN-2015-01")
    for value, code in zip(INJECTED, codes, strict=True):
        connection.execute("UPDATE projects SET partners = ? WHERE code = ?", (value, code))
    connection.execute("UPDATE projects SET description = '@SUM(A1)' WHERE code = 'VEN-2015-01'")
    connection.execute("UPDATE projects SET description = '''=1' WHERE code = 'GIV-2016-03'")
    connection.commit()
    connection.close()
    xlsx_path, csv_path = tmp_path / "p.xlsx", tmp_path / "p.csv"
    assert run(filled.paths.data_dir, "export", "projects", "-o", str(xlsx_path)) == 0
    assert run(filled.paths.data_dir, "export", "projects", "-o", str(csv_path)) == 0
    sheet = load_workbook(xlsx_path).active
    assert sheet is not None
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    text = csv_path.read_text("utf-8-sig")
    assert ";'@SUM(A1)" in text and "'-5" in text and "'+33" in text and "''=1" in text
    before = dump(filled.paths.database)
    capsys.readouterr()
    for path in (xlsx_path, csv_path):
        assert run(filled.paths.data_dir, "import", "projects", str(path)) == 0
        assert "0 créé, 0 modifié" in plain(capsys.readouterr().out)
    assert dump(filled.paths.database) == before


def test_a_stored_control_character_does_not_break_an_export(
    filled: Context, tmp_path: Path
) -> None:
    connection = sqlite3.connect(filled.paths.database)
    connection.execute("UPDATE projects SET title = 'Fibre\x01' WHERE code = 'VEN-2015-01'")
    connection.commit()
    connection.close()
    assert run(filled.paths.data_dir, "export", "projects", "-o", str(tmp_path / "p.xlsx")) == 0


# ---------------------------------------------------------------------------------------------
# A broken zip inside a real one


def test_a_workbook_with_a_broken_sheet_is_refused(
    filled: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    good = xlsx([["Commune", "Engagement", "Pris le"], COMMITMENT_ROW], tmp_path / "a.xlsx")
    path = tmp_path / "b.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.endswith("sheet1.xml"):
                data = data[: len(data) // 2]
            target.writestr(item, data)
    assert "n’est pas un fichier xlsx lisible" in refused(filled, capsys, path)


def test_an_xlsx_stream_is_read_the_same_as_a_file(tmp_path: Path) -> None:
    from sitiv_desktop.services.reading import read_xlsx

    path = xlsx([["Commune", "Engagement", "Pris le"], COMMITMENT_ROW], tmp_path / "a.xlsx")
    sheet = read_xlsx(io.BytesIO(path.read_bytes()))
    assert sheet.headers == ("Commune", "Engagement", "Pris le")
    assert sheet.rows == [(2, ("Givors", "Rappeler le DGS", dt.datetime(2016, 3, 4)))]
