"""The contacts of a commune: the list dialog and the editor of one contact."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from sitiv_desktop.domain.enums import ContactRole
from sitiv_desktop.domain.kinds import RecordKind
from sitiv_desktop.domain.records import CommuneRecord, ContactRecord
from sitiv_desktop.i18n import _, of_commune
from sitiv_desktop.services.communes import (
    ContactDraft,
    delete_contact,
    list_contacts,
    save_contact,
)
from sitiv_desktop.store import models
from sitiv_desktop.ui.editors.fields import enum_combo, line_field
from sitiv_desktop.ui.editors.form import FormDialog
from sitiv_desktop.ui.errors import show_error
from sitiv_desktop.ui.tasks import ALL, StoreRunner


class ContactEditor(FormDialog):
    """One contact of a commune: its mayor, a deputy, the DGS, the DSI, a referent."""

    kind = RecordKind.CONTACT
    table = "contacts"
    model = models.Contact

    def __init__(
        self,
        runner: StoreRunner,
        commune_id: uuid.UUID,
        record: ContactRecord | None = None,
        role: ContactRole = ContactRole.REFERENT,
        parent: QWidget | None = None,
    ) -> None:
        title = _("New contact") if record is None else _("Edit the contact")
        super().__init__(runner, title, parent)
        self.record = record
        self.commune_id = commune_id
        self.set_record_id(record.id if record else None)
        self.add_field("full_name", _("Full name"), line_field(record.full_name if record else ""))
        self.add_field("role", _("Role"), enum_combo(ContactRole, record.role if record else role))
        self.add_field(
            "title",
            _("Title"),
            line_field(record.title if record else "", _("e.g. Director general of services")),
        )
        self.add_field("email", _("E-mail"), line_field(record.email if record else ""))
        self.add_field("phone", _("Phone"), line_field(record.phone if record else ""))
        if record is not None and record.role is ContactRole.MAYOR:
            self.notice.setText(
                _("A new mayor: type the new mayor's name, e-mail and phone over the former's.")
            )
            self.notice.show()

    def work(self) -> Callable[[Session], Any]:
        draft = ContactDraft(
            commune_id=self.commune_id,
            full_name=self.text("full_name"),
            role=self.choice("role"),
            title=self.text("title"),
            email=self.text("email"),
            phone=self.text("phone"),
            id=self.record.id if self.record else None,
        )
        return lambda session: save_contact(session, draft)


class ContactsDialog(QDialog):
    """A commune's contacts, mayor first; each opens in its form."""

    def __init__(
        self,
        runner: StoreRunner,
        commune: CommuneRecord,
        read_only_reason: str = "",
        undo_stack: QUndoStack | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner, self.commune = runner, commune
        self.read_only_reason, self.undo_stack = read_only_reason, undo_stack
        self.contacts: list[ContactRecord] = []
        self.editor: ContactEditor | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(_("Contacts {of_commune}").format(of_commune=of_commune(commune.name)))
        self.setMinimumSize(720, 360)
        layout = QVBoxLayout(self)
        self.notice = QLabel(read_only_reason)
        self.notice.setObjectName("muted")
        self.notice.setVisible(bool(read_only_reason))
        layout.addWidget(self.notice)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [_("Role"), _("Full name"), _("Title"), _("E-mail"), _("Phone")]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setAccessibleName(_("Contacts"))
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton(_("Add a contact…"))
        self.add_button.clicked.connect(lambda: self.add())
        self.open_button = QPushButton(_("Open"))
        self.open_button.clicked.connect(lambda: self.open_selected())
        self.delete_button = QPushButton(_("Delete"))
        self.delete_button.clicked.connect(self.delete_selected)
        for button in (self.add_button, self.delete_button):
            button.setEnabled(not read_only_reason)
            button.setToolTip(read_only_reason)
        for button in (self.add_button, self.open_button, self.delete_button):
            row.addWidget(button)
        row.addStretch(1)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.accept)
        row.addWidget(close)
        layout.addLayout(row)
        runner.notifier.changed.connect(self._changed)
        self.load()

    def _changed(self, kind: str) -> None:
        if kind in (RecordKind.CONTACT, ALL):
            self.load()

    def load(self) -> None:
        commune_id = self.commune.id
        self.runner.read(lambda session: list_contacts(session, commune_id), self._fill)

    def _fill(self, contacts: list[ContactRecord]) -> None:
        order = list(ContactRole)
        self.contacts = sorted(contacts, key=lambda c: (order.index(c.role), c.full_name))
        self.table.setRowCount(len(self.contacts))
        for index, contact in enumerate(self.contacts):
            cells = (contact.role.label, contact.full_name, contact.title, contact.email)
            for column, value in enumerate((*cells, contact.phone)):
                self.table.setItem(index, column, QTableWidgetItem(value))

    def selected(self) -> ContactRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.contacts[rows[0].row()] if rows else None

    def _editor(self, record: ContactRecord | None, role: ContactRole) -> ContactEditor:
        editor = ContactEditor(self.runner, self.commune.id, record, role=role, parent=self)
        editor.undo_stack = self.undo_stack
        editor.set_read_only(self.read_only_reason)
        editor.open()
        self.editor = editor
        return editor

    def add(self, role: ContactRole = ContactRole.REFERENT) -> ContactEditor:
        return self._editor(None, role)

    def open_selected(self) -> ContactEditor | None:
        record = self.selected()
        return self._editor(record, record.role) if record is not None else None

    def delete_selected(self) -> None:
        record = self.selected()
        if record is None or self.read_only_reason:
            return
        record_id = record.id
        self.runner.write(
            lambda session: delete_contact(session, record_id),
            lambda _result: None,
            lambda error: show_error(self, error),
        )
