"""Each editor driven with bad input (the French message by the field, nothing written) and with
good input (saved, undone with Ctrl+Z, redone), the history of a record, roles, the new models."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCalendarWidget, QDialogButtonBox, QTableWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select, text

from sitiv_desktop.context import Context
from sitiv_desktop.services.history import record_history
from sitiv_desktop.store import models
from sitiv_desktop.ui.app import Application
from sitiv_desktop.ui.editors import (
    CommitmentEditor,
    DateField,
    FormDialog,
    MeetingEditor,
    PpiLineEditor,
    ProjectEditor,
    StakeEditor,
)
from sitiv_desktop.ui.history import HistoryDialog, HistoryModel
from sitiv_desktop.ui.models import STAKE_COLUMNS, RecordTableModel, StoreSortProxy, ppi_columns
from tests.ui.conftest import Town
from tests.ui.test_window import choose


def save(editor: FormDialog) -> None:
    editor.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def count(context: Context, model: type[Any]) -> int:
    with context.database.read_session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def error_of(editor: FormDialog, name: str) -> str:
    label = editor.errors[name]
    assert not label.isHidden(), f"no error shown by {name}"
    return label.text()


def test_a_mayor_meeting_needs_exactly_one_commune(
    started: Application, context: Context, town: Town
) -> None:
    window = started.window
    choose(window, "Vénissieux")
    editor = window.new_meeting()
    assert isinstance(editor, MeetingEditor)
    editor.fields["title"].setText("Rencontre de janvier")  # type: ignore[attr-defined]
    editor.check_commune(town.venissieux, False)
    before = count(context, models.Meeting)
    save(editor)
    assert "au moins une commune" in error_of(editor, "communes")
    editor.check_commune(town.venissieux)
    editor.check_commune(town.givors)
    save(editor)
    assert "une seule commune" in error_of(editor, "communes")
    assert count(context, models.Meeting) == before
    editor.check_commune(town.givors, False)
    editor.fields["minutes"].setPlainText("Le maire demande la fibre.")  # type: ignore[attr-defined]
    save(editor)
    assert not editor.isVisible()
    assert count(context, models.Meeting) == before + 1
    with context.database.read_session() as session:
        minutes = session.scalar(
            select(models.Meeting.minutes).where(models.Meeting.title == "Rencontre de janvier")
        )
    assert minutes == "Le maire demande la fibre."
    # Ctrl+Z takes the creation back, Ctrl+Shift+Z brings it again.
    window.undo_action.trigger()
    assert count(context, models.Meeting) == before
    window.redo_action.trigger()
    assert count(context, models.Meeting) == before + 1


def test_a_project_with_shares_milestones_and_an_ap_vote(
    started: Application, context: Context, town: Town
) -> None:
    window = started.window
    choose(window, "Vénissieux")
    editor = window.new_project()
    assert isinstance(editor, ProjectEditor)
    editor.fields["code"].setText("VEN-30")  # type: ignore[attr-defined]
    editor.fields["title"].setText("Portail citoyen")  # type: ignore[attr-defined]
    shares = editor.fields["participations"]
    assert isinstance(shares, QTableWidget)
    givors_row = [shares.item(r, 0).text() for r in range(shares.rowCount())].index("Givors")
    shares.item(givors_row, 1).setText("30")
    assert "Vénissieux (maître d’ouvrage) porte le reste : 70 %" in editor.rest_label.text()
    shares.item(givors_row, 1).setText("130")
    assert "100 %" in editor.rest_label.text()
    before = count(context, models.Project)
    save(editor)
    assert "100" in error_of(editor, "participations")
    assert editor.tabs.currentIndex() == 1  # the tab with the error is shown
    shares.item(givors_row, 1).setText("30")
    row = editor.add_milestone_row("Recette", "32/01/2026")
    save(editor)
    assert "Jalon 1" in error_of(editor, "milestones")
    editor.fields["milestones"].item(row, 1).setText("31/01/2026")  # type: ignore[attr-defined]
    editor.fields["vote_date"].setText("15/12/2025")  # type: ignore[attr-defined]
    editor.fields["ap_votes"].setText("-5")  # type: ignore[attr-defined]
    save(editor)
    assert "négatif" in error_of(editor, "ap_votes")
    assert count(context, models.Project) == before
    editor.fields["ap_votes"].setText("150 000,00")  # type: ignore[attr-defined]
    save(editor)
    assert not editor.isVisible(), editor.general_error.text()
    with context.database.read_session() as session:
        project = session.scalars(
            select(models.Project).where(models.Project.code == "VEN-30")
        ).one()
        assert {p.commune_id: p.cost_share for p in project.participations} == {town.givors: 30}
        assert [m.title for m in project.milestones] == ["Recette"]
        votes = session.scalars(select(models.ApRevision.amount_cents)).all()
    assert 15_000_000 in votes
    # Editing it again shows the vote in its history; undo puts the old title back.
    window.tabs.setCurrentWidget(window.projects)
    window.projects.filter.setText("VEN-30")
    window.projects.view.selectRow(0)
    again = window.edit_selected()
    assert isinstance(again, ProjectEditor)
    assert again.fields["ap_history"].rowCount() == 1  # type: ignore[attr-defined]
    again.fields["title"].setText("Portail citoyen 2")  # type: ignore[attr-defined]
    save(again)
    window.undo_action.trigger()
    with context.database.read_session() as session:
        title = session.scalar(select(models.Project.title).where(models.Project.code == "VEN-30"))
        shares_back = session.scalar(select(func.count()).select_from(models.Participation))
    assert title == "Portail citoyen" and shares_back
    window.redo_action.trigger()
    with context.database.read_session() as session:
        title = session.scalar(select(models.Project.title).where(models.Project.code == "VEN-30"))
    assert title == "Portail citoyen 2"


def test_a_commitment_links_its_project_and_meeting(
    started: Application, context: Context, town: Town
) -> None:
    window = started.window
    choose(window, "Vénissieux")
    editor = window.new_commitment()
    assert isinstance(editor, CommitmentEditor)
    project = editor.fields["project"]
    meeting = editor.fields["meeting"]
    assert project.count() == 2 and meeting.count() == 3  # type: ignore[attr-defined]
    project.setCurrentIndex(1)  # type: ignore[attr-defined]
    meeting.setCurrentIndex(1)  # type: ignore[attr-defined]
    editor.fields["title"].setText("")  # type: ignore[attr-defined]
    before = count(context, models.Commitment)
    save(editor)
    assert "obligatoire" in error_of(editor, "title")
    assert count(context, models.Commitment) == before
    editor.fields["title"].setText("Câbler l’école Jaurès")  # type: ignore[attr-defined]
    save(editor)
    with context.database.read_session() as session:
        row = session.scalars(
            select(models.Commitment).where(models.Commitment.title == "Câbler l’école Jaurès")
        ).one()
        assert row.project_id is not None and row.meeting_id is not None


def test_stakes_and_ppi_lines_are_created_and_opened_by_double_click(
    started: Application, context: Context, town: Town
) -> None:
    window = started.window
    choose(window, "Vénissieux")
    window.tabs.setCurrentWidget(window.stakes)
    editor = window.new_stake()
    assert isinstance(editor, StakeEditor)
    save(editor)
    assert "Axe" in error_of(editor, "axis")
    assert count(context, models.MandateStake) == 0
    for name, value in (("axis", "Ville numérique"), ("line", "Écoles"), ("action", "Fibre")):
        editor.fields[name].setText(value)  # type: ignore[attr-defined]
    editor.fields["projects"].item(0).setCheckState(  # type: ignore[attr-defined]
        Qt.CheckState.Checked
    )
    save(editor)
    assert [s.action for s in window.stakes.model.records] == ["Fibre"]
    assert window.stakes.model.records[0].project_titles
    window.stakes.view.selectRow(0)
    opened = window.edit_selected()
    assert isinstance(opened, StakeEditor) and opened.record is not None

    choose(window, "Toutes les communes")
    window.tabs.setCurrentWidget(window.ppi)
    assert len(window.ppi.model.records) == 1
    line = window.new_ppi_line()
    assert isinstance(line, PpiLineEditor)
    save(line)
    assert "Projet" in error_of(line, "project")
    projects = line.fields["project"]
    projects.setCurrentIndex(projects.findText("SIG-02", Qt.MatchFlag.MatchStartsWith))  # type: ignore[attr-defined]
    line.fields["vote_date"].setText("01/02/2026")  # type: ignore[attr-defined]
    line.fields["ap_votes"].setText("10 000")  # type: ignore[attr-defined]
    credits = line.fields["cp"]
    assert isinstance(credits, QTableWidget)
    credits.item(0, 1).setText("abc")
    save(line)
    assert "montant" in error_of(line, "cp")
    credits.item(0, 1).setText("4 000")
    save(line)
    assert not line.isVisible(), line.general_error.text()
    assert len(window.ppi.model.records) == 2
    remaining = [c.header for c in window.ppi.model.columns].index("Left to plan")
    texts = [window.ppi.model.data(window.ppi.model.index(r, remaining)) for r in range(2)]
    assert any(t.startswith("6") and "000,00" in t for t in texts), texts
    # Opened again, the CP typed is shown as an amount, with its cents, under a heading in €.
    records = window.ppi.model.records
    saved = next(r for r, record in enumerate(records) if record.project_code == "SIG-02")
    window.ppi.view.selectRow(saved)
    again = window.edit_selected()
    assert isinstance(again, PpiLineEditor)
    shown = again.fields["cp"]
    assert isinstance(shown, QTableWidget)
    assert shown.horizontalHeaderItem(1).text() == "CP (€)"
    typed = [shown.item(row, 1).text() for row in range(shown.rowCount())]
    assert "4\u202f000,00" in typed, typed
    assert again.fields["vote_date"].edit.placeholderText() == "jj/mm/aaaa"  # type: ignore[attr-defined]


def test_a_date_is_picked_in_a_calendar(qtbot: Any) -> None:
    field = DateField(dt.date(2025, 3, 4))
    qtbot.addWidget(field)
    calendar = field.open_calendar()
    assert isinstance(calendar, QCalendarWidget)
    assert calendar.selectedDate().toPython() == dt.date(2025, 3, 4)
    calendar.setSelectedDate(calendar.selectedDate().addDays(3))
    calendar.clicked.emit(calendar.selectedDate())
    assert field.text() == "07/03/2025"


def test_the_history_shows_synced_changes_and_local_edits(
    started: Application, context: Context, town: Town, qtmodeltester: ModelTester
) -> None:
    with context.database.session() as session:
        commitment = session.scalars(select(models.Commitment)).first()
        assert commitment is not None
        key = commitment.id.hex
        session.execute(
            text(
                "INSERT INTO history (seq, table_name, row_id, op, fields, author, committed_at,"
                " commune_ids) VALUES (7, 'commitments', :r, 'update', :f, 'mdupont',"
                " '2025-01-10 09:30:00', '')"
            ),
            {"r": key, "f": json.dumps({"responsible": ["", "DSI"]})},
        )
        session.execute(
            text(
                "INSERT INTO sync_shadows (table_name, row_id, data) VALUES ('commitments', :r, :d)"
            ),
            {"r": key, "d": json.dumps({"title": "Ancien titre", "id": key})},
        )
    with context.database.read_session() as session:
        events = record_history(session, "commitments", commitment.id)
    assert events[0].pending and any(c.old == "Ancien titre" for c in events[0].changes)
    assert events[1].author == "mdupont" and events[1].changes[0].label == "Responsable"
    window = started.window
    window.tabs.setCurrentWidget(window.commitments)
    window.commitments.view.selectRow(0)
    dialog = window.show_selected_history()
    assert isinstance(dialog, HistoryDialog)
    rows = dialog.model.rows
    assert any(r[1] == "mdupont" and r[3] == "Responsable" and r[5] == "DSI" for r in rows)
    assert any(r[4] == "Ancien titre" for r in rows)
    assert dialog.summary.text().startswith("2 modifications enregistrées.")
    qtmodeltester.check(dialog.model)
    # A record with one change says so in the singular.
    window.commitments.view.selectRow(1)
    other = window.commitments.selected_record()
    assert other is not None and other.id != commitment.id
    with context.database.read_session() as session:
        assert len(record_history(session, "commitments", other.id)) == 1  # its creation
    single = window.show_selected_history()
    assert isinstance(single, HistoryDialog)
    assert single.summary.text().startswith("1 modification enregistrée.")
    qtmodeltester.check(HistoryModel())


def test_an_elu_sees_read_only_editors_with_the_reason(
    started: Application, context: Context, town: Town
) -> None:
    context.settings.commune_roles = {str(town.venissieux): "elu"}
    window = started.window
    choose(window, "Vénissieux")
    editor = window.new_commitment()
    assert isinstance(editor, FormDialog)
    assert "élu" in editor.notice.text() and not editor.notice.isHidden()
    assert not editor.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled()
    assert editor.fields["title"].isReadOnly()  # type: ignore[attr-defined]
    choose(window, "Givors")  # no role given there: read only as well
    assert window.new_project().read_only_reason


def test_new_list_models_pass_the_model_tester(
    started: Application, qtmodeltester: ModelTester
) -> None:
    window = started.window
    QApplication.processEvents()
    stakes = RecordTableModel(STAKE_COLUMNS)
    qtmodeltester.check(stakes)
    lines = RecordTableModel(ppi_columns([2025, 2026]))
    lines.set_records(window.ppi.model.records)
    qtmodeltester.check(lines)
    proxy = StoreSortProxy(lines)
    proxy.sort(0)
    qtmodeltester.check(proxy)


def test_the_president_s_notes_are_typed_on_the_meeting_and_named_by_its_kind(
    started: Application, context: Context, town: Town
) -> None:
    from sitiv_desktop.domain.enums import MeetingKind
    from sitiv_desktop.ui.editors import select_data

    window = started.window
    choose(window, "Vénissieux")
    editor = window.new_meeting()
    assert isinstance(editor, MeetingEditor)
    notes = editor.fields["speaker_notes"]
    caption = editor.form.labelForField(notes.parentWidget())
    assert caption.text() == "Points personnels"  # type: ignore[attr-defined]
    select_data(editor.fields["kind"], MeetingKind.NEW_YEAR)  # type: ignore[arg-type]
    assert caption.text() == "Notes pour le discours"  # type: ignore[attr-defined]
    assert notes.accessibleName() == "Notes pour le discours"
    select_data(editor.fields["kind"], MeetingKind.MAYOR_MEETING)  # type: ignore[arg-type]
    editor.fields["title"].setText("Rencontre de février")  # type: ignore[attr-defined]
    notes.setPlainText("- Féliciter le maire pour la médiathèque\n")  # type: ignore[attr-defined]
    save(editor)
    assert not editor.isVisible(), editor.general_error.text()
    with context.database.read_session() as session:
        saved = session.scalar(
            select(models.Meeting.speaker_notes).where(
                models.Meeting.title == "Rencontre de février"
            )
        )
    assert saved == "- Féliciter le maire pour la médiathèque"
    window.undo_action.trigger()
    window.redo_action.trigger()
    with context.database.read_session() as session:
        again = session.scalar(
            select(models.Meeting.speaker_notes).where(
                models.Meeting.title == "Rencontre de février"
            )
        )
    assert again == saved


def test_a_kept_commitment_s_evidence_goes_to_its_own_column(
    started: Application, context: Context, town: Town
) -> None:
    from sitiv_desktop.domain.enums import CommitmentStatus
    from sitiv_desktop.ui.editors import select_data

    window = started.window
    choose(window, "Vénissieux")
    with context.database.session() as session:
        old = session.scalars(
            select(models.Commitment).where(models.Commitment.title == "Équiper la médiathèque")
        ).one()
        # As the window wrote it before the column existed.
        old.description = "Douze postes\n\n— Preuve : Bon de livraison du 3 mars"
    window.tabs.setCurrentWidget(window.commitments)
    window.commitments.filter.setText("Équiper la médiathèque")
    window.commitments.view.selectRow(0)
    editor = window.edit_selected()
    assert isinstance(editor, CommitmentEditor)
    evidence = editor.fields["evidence"]
    assert editor.text("description") == "Douze postes"
    assert editor.text("evidence") == "Bon de livraison du 3 mars"
    assert not evidence.isEnabled()  # open: no evidence yet
    select_data(editor.fields["status"], CommitmentStatus.KEPT)  # type: ignore[arg-type]
    assert evidence.isEnabled()
    evidence.setPlainText("Bon de livraison du 3 mars, signé")  # type: ignore[attr-defined]
    save(editor)
    assert not editor.isVisible(), editor.general_error.text()
    with context.database.read_session() as session:
        row = session.scalars(
            select(models.Commitment).where(models.Commitment.title == "Équiper la médiathèque")
        ).one()
        assert (row.description, row.evidence) == (
            "Douze postes",
            "Bon de livraison du 3 mars, signé",
        )
        assert row.status == "kept"


def test_a_long_title_reads_from_its_start_and_the_calendar_button_shows_a_calendar(
    qtbot: QtBot,
) -> None:
    from sitiv_desktop.ui.editors.fields import DateField, line_field

    title = line_field("Raccordement en fibre optique " * 8)
    qtbot.addWidget(title)
    assert title.cursorPosition() == 0
    date = DateField(None)
    qtbot.addWidget(date)
    # Drawn, not an emoji that many desktops have no font for.
    assert not date.button.icon().isNull() and date.button.text() == ""
