"""Every table model passes Qt's model tester; first start, packs and exports from the window."""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from decimal import Decimal
from pathlib import Path

import openpyxl
from pypdf import PdfReader
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from sitiv_desktop.context import Context
from sitiv_desktop.i18n import format_money
from sitiv_desktop.services.backups import check_backup_file
from sitiv_desktop.services.meetings import get_meeting, list_meetings
from sitiv_desktop.services.ppi import list_ppi_lines
from sitiv_desktop.services.stakes import list_stakes
from sitiv_desktop.ui.agenda import AgendaModel
from sitiv_desktop.ui.app import Application
from sitiv_desktop.ui.first_start import FirstStartDialog
from sitiv_desktop.ui.models import (
    COMMITMENT_COLUMNS,
    EXCHANGE_COLUMNS,
    MEETING_COLUMNS,
    PROJECT_COLUMNS,
    STAKE_COLUMNS,
    PagedTableModel,
    RecordTableModel,
    StoreSortProxy,
    ppi_columns,
)
from sitiv_desktop.ui.packs import PackDialog
from sitiv_desktop.ui.tasks import StoreRunner
from tests import builders
from tests.ui.conftest import Town


def test_first_start_with_demonstration_data(context: Context, qtbot: QtBot) -> None:
    application = Application(context, inline=True)
    application.start()
    dialogs = application.window.findChildren(FirstStartDialog)
    assert len(dialogs) == 1 and dialogs[0].isVisible()
    assert dialogs[0].demo_button.text() == "Découvrir avec des données de démonstration"
    dialogs[0].demo_button.click()
    window = application.window
    names = [window.commune_list.item(i).text() for i in range(window.commune_list.count())]
    assert "Vénissieux" in names and names[0] == "Toutes les communes"
    assert window.projects.model.rowCount() > 0
    assert context.settings.first_start_done is True
    window.close()
    application.close()


def test_every_model_passes_the_model_tester(
    context: Context, town: Town, qtmodeltester: ModelTester
) -> None:
    runner = StoreRunner(context.database, inline=True)
    for kind, columns in (
        ("projects", PROJECT_COLUMNS),
        ("commitments", COMMITMENT_COLUMNS),
        ("meetings", MEETING_COLUMNS),
        ("exchanges", EXCHANGE_COLUMNS),
    ):
        paged = PagedTableModel(runner, kind, columns, page_size=1)
        paged.reload()
        qtmodeltester.check(paged)
        qtmodeltester.check(StoreSortProxy(paged))
        paged.sort(1)
        qtmodeltester.check(paged)
    with context.database.read_session() as session:
        stakes = list_stakes(session)
        meeting = get_meeting(session, list_meetings(session)[0].id)
    small = RecordTableModel(STAKE_COLUMNS)
    small.set_records(stakes)
    qtmodeltester.check(small)
    agenda = AgendaModel()
    agenda.set_records(meeting.agenda)
    qtmodeltester.check(agenda)
    runner.close()


def test_a_meeting_pack_is_built_and_previewed(started: Application, town: Town) -> None:
    window = started.window
    with started.context.database.read_session() as session:
        meeting = next(
            m
            for m in list_meetings(session, town.venissieux)
            if m.title.startswith("Rencontre avec")
        )
    dialog = window.prepare_meeting_pack(meeting)
    assert isinstance(dialog, PackDialog)
    assert dialog.path is not None and dialog.path.parent == started.context.paths.packs
    assert dialog.document.pageCount() >= 2
    assert dialog.print_button.isEnabled()
    text = "".join(page.extract_text() for page in PdfReader(dialog.path).pages)
    assert "Vénissieux" in text
    assert dialog.status.text() == f"{dialog.path.name} — {dialog.document.pageCount()} pages"
    dialog.document.close()
    dialog.close()


def test_a_one_page_agenda_says_one_page(started: Application, town: Town) -> None:
    window = started.window
    with started.context.database.read_session() as session:
        meeting = list_meetings(session, town.venissieux)[0]
    dialog = PackDialog(
        window.runner, started.context.paths.packs, "agenda", "Ordre du jour", meeting.id
    )
    dialog.start()
    assert dialog.path is not None and dialog.document.pageCount() == 1
    assert dialog.status.text() == f"{dialog.path.name} — 1 page"
    dialog.document.close()
    dialog.close()


def test_exports_and_backup_from_the_tools_menu(
    started: Application, tmp_path: Path, town: Town
) -> None:
    window = started.window
    window.tabs.setCurrentWidget(window.commitments)
    window.export_list(tmp_path / "engagements.xlsx")
    window.export_calendar(tmp_path / "reunions.ics")
    window.back_up(tmp_path / "copie.sqlite3")
    # Each file read back: the sheet lists the commune's commitments, the copy is a sound backup
    # holding every commitment of the local copy.
    sheet = openpyxl.load_workbook(tmp_path / "engagements.xlsx", read_only=True).active
    assert sheet is not None
    cells = {str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell}
    assert cells & {"Équiper la médiathèque", "Former les agents"}
    assert "BEGIN:VEVENT" in (tmp_path / "reunions.ics").read_text("utf-8")
    copy = tmp_path / "copie.sqlite3"
    assert check_backup_file(copy)
    with closing(sqlite3.connect(copy)) as connection:
        titles = {title for (title,) in connection.execute("SELECT title FROM commitments")}
    assert titles == {"Équiper la médiathèque", "Former les agents"}


def test_the_ppi_tab_says_why_an_abandoned_project_has_nothing_left(context: Context) -> None:
    with context.database.session() as session:
        commune = builders.commune(session, "Oullins-Pierre-Bénite", "69149", 37_000)
        dropped = builders.project(session, "SIT-01", "Plan de reprise", commune, "abandoned")
        live = builders.project(session, "SIT-02", "Hébergement", commune)
        for project in (dropped, live):
            builders.ppi_line(
                session, project, [(dt.date(2025, 1, 10), 146_000_00)], {2026: 40_880_00}
            )
    with context.database.read_session() as session:
        lines = {line.project_code: line for line in list_ppi_lines(session)}
    model = RecordTableModel(ppi_columns([2026]))
    model.set_records([lines["SIT-01"], lines["SIT-02"]])
    left = model.columnCount() - 1
    assert model.headerData(left, Qt.Orientation.Horizontal) == "Reste à programmer"
    tip = Qt.ItemDataRole.ToolTipRole
    assert model.data(model.index(0, left)) == format_money(Decimal(0))
    assert model.data(model.index(0, left), tip) == (
        f"{format_money(Decimal(0))} — Projet abandonné\u00a0: rien n’est plus à programmer."
    )
    assert model.data(model.index(1, left), tip) == format_money(Decimal("105120"))
