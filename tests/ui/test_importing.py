"""The window's import preview: the same plan as the command line, shown before writing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from sitiv_desktop.context import Context
from sitiv_desktop.services.spreadsheets import ExportKind, export_spreadsheet
from sitiv_desktop.store import models
from tests.ui.conftest import Town


def test_a_new_vote_date_is_previewed_as_a_change_of_the_line_and_keeps_the_cp(
    context: Context, town: Town, qtbot: QtBot, tmp_path: Path
) -> None:
    from sitiv_desktop.ui.importing import ImportDialog
    from sitiv_desktop.ui.tasks import StoreRunner

    year = dt.date.today().year
    path = tmp_path / "ppi.xlsx"
    with context.database.read_session() as session:
        export_spreadsheet(session, ExportKind.PPI, path)
        credits_before = sorted(session.execute(select(models.PaymentCredit.amount_cents)))
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    edited = [row for row in sheet.iter_rows(min_row=2) if row[3].value == year]
    assert len(edited) == 1
    edited[0][6].value = dt.datetime(year, 11, 15)
    workbook.save(path)

    dialog = ImportDialog(StoreRunner(context.database, inline=True), "ppi", path)
    qtbot.addWidget(dialog)
    dialog.start()
    assert ": 0 à créer, 1 à modifier," in dialog.summary.text()
    assert [dialog.changes.item(i).text() for i in range(dialog.changes.count())] == [
        f"Ligne {edited[0][0].row}\u00a0: modifier la ligne du PPI RES-01, {year} "
        f"(nouveau vote de l’AP du 15/11/{year})"
    ]
    assert dialog.import_button.isEnabled()
    dialog.apply()
    with context.database.read_session() as session:
        assert sorted(session.execute(select(models.PaymentCredit.amount_cents))) == credits_before
        days = session.scalars(select(models.ApRevision.voted_on).order_by("voted_on")).all()
    assert days == [dt.date(year - 1, 12, 1), dt.date(year, 11, 15)]
