"""A commune's contacts in the window: reached from its dashboard, edited with French messages
by the field, the mayor among them, shown on the dashboard and in the next mayor meeting pack."""

from __future__ import annotations

import io

from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import select

from sitiv_desktop.context import Context
from sitiv_desktop.domain.enums import ContactRole
from sitiv_desktop.reports.document import BuildOptions
from sitiv_desktop.reports.meeting_pack import write_meeting_pack
from sitiv_desktop.services.briefings import meeting_pack_data
from sitiv_desktop.store import models
from sitiv_desktop.ui.app import Application
from sitiv_desktop.ui.editors import ContactEditor, ContactsDialog, select_data
from tests.ui.conftest import Town
from tests.ui.test_window import choose
from tests.unit.reports_data import flat, page_texts


def save(editor: ContactEditor) -> None:
    editor.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def type_contact(editor: ContactEditor, name: str, role: ContactRole, email: str = "") -> None:
    editor.fields["full_name"].setText(name)  # type: ignore[attr-defined]
    select_data(editor.fields["role"], role)  # type: ignore[arg-type]
    editor.fields["email"].setText(email)  # type: ignore[attr-defined]


def mayor_pack(context: Context) -> str:
    with context.database.read_session() as session:
        meeting = session.scalars(
            select(models.Meeting).where(models.Meeting.title == "Rencontre avec le maire")
        ).one()
        data = meeting_pack_data(session, meeting.id)
    stream = io.BytesIO()
    write_meeting_pack(data, stream, BuildOptions())
    return flat(" ".join(page_texts(stream.getvalue())))


def test_the_new_mayor_is_recorded_in_the_window_and_shows_in_the_pack(
    started: Application, context: Context, town: Town
) -> None:
    window = started.window
    choose(window, "Vénissieux")
    assert not window.dashboard.contacts_button.isHidden()
    window.dashboard.contacts_button.click()
    dialog = window.contacts_dialog
    assert isinstance(dialog, ContactsDialog)
    assert dialog.table.rowCount() == 0

    editor = dialog.add(ContactRole.MAYOR)
    type_contact(editor, "Michèle Picard", ContactRole.MAYOR, "pas-une-adresse")
    save(editor)
    assert "n’est pas une adresse" in editor.errors["email"].text().replace("\u00a0", " ")
    editor.fields["email"].setText("maire@venissieux.fr")  # type: ignore[attr-defined]
    save(editor)
    assert dialog.table.rowCount() == 1
    assert "Michèle Picard" in window.dashboard.subtitle.text()

    # A second mayor is refused: the mayor is one contact, replaced when the mayor changes.
    second = dialog.add(ContactRole.MAYOR)
    type_contact(second, "Quelqu’un d’autre", ContactRole.MAYOR)
    save(second)
    assert "a déjà un maire, Michèle Picard" in second.errors["role"].text()
    second.reject()

    dialog.table.selectRow(0)
    opened = dialog.open_selected()
    assert opened is not None and opened.fields["full_name"].text() == "Michèle Picard"  # type: ignore[attr-defined]
    opened.fields["full_name"].setText("Nouvelle Maire 2026")  # type: ignore[attr-defined]
    save(opened)
    assert dialog.table.item(0, 1).text() == "Nouvelle Maire 2026"
    assert "Nouvelle Maire 2026" in window.dashboard.subtitle.text()
    text = mayor_pack(context)
    assert "Maire Nouvelle Maire 2026" in text
    assert "Picard" not in text

    # Ctrl+Z takes the change back.
    window.undo_stack.undo()
    with context.database.read_session() as session:
        names = list(session.scalars(select(models.Contact.full_name)))
    assert names == ["Michèle Picard"]


def test_an_elected_official_reads_the_contacts_without_editing(
    started: Application, context: Context, town: Town
) -> None:
    context.settings.commune_roles = {str(town.venissieux): "elu"}
    window = started.window
    choose(window, "Vénissieux")
    dialog = window.open_contacts()
    assert isinstance(dialog, ContactsDialog)
    assert not dialog.add_button.isEnabled()
    assert "élu" in dialog.notice.text()
    editor = dialog.add(ContactRole.DEPUTY)
    type_contact(editor, "Adjoint", ContactRole.DEPUTY)
    save(editor)
    with context.database.read_session() as session:
        assert list(session.scalars(select(models.Contact))) == []
