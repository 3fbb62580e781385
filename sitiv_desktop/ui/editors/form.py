"""What every editor shares: a form whose save runs on the store runner, errors under fields.

Each form builds the service's draft from what was typed and saves it on the store runner. A
``UserError`` naming a field puts its French message under that field and leaves every field as
the user typed it; the form closes only once the record is saved.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from sitiv_desktop.domain.records import CommuneRecord
from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.ui.editors.fields import (
    ERROR_STYLE,
    DateField,
    commune_combo,
    form_layout,
    freeze,
)
from sitiv_desktop.ui.errors import show_error
from sitiv_desktop.ui.tasks import StoreRunner
from sitiv_desktop.ui.undo import EditCommand, Snapshot, snapshot_of


class FormDialog(QDialog):
    """A form whose fields each have a place for their error message, just below them.

    Saving runs on the store runner; the rows of the record before and after are kept so that
    Ctrl+Z takes the edit back (``EditCommand``). ``read_only`` (a reason) disables every field.
    """

    kind = ""
    table = ""  # the history's table name
    model: type[Any] | None = None

    def __init__(
        self,
        runner: StoreRunner,
        title: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.saved: Any = None
        self.record_id: uuid.UUID | None = None
        self.undo_stack: QUndoStack | None = None
        self.read_only_reason = ""
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(18, 18, 18, 12)
        outer.setSpacing(10)
        self.notice = QLabel()
        self.notice.setObjectName("muted")
        self.notice.setWordWrap(True)
        self.notice.hide()
        outer.addWidget(self.notice)
        self.general_error = self._error_label()
        outer.addWidget(self.general_error)
        self.form = form_layout()
        self.form.setVerticalSpacing(6)
        self.body = QVBoxLayout()
        self.body.addLayout(self.form)
        outer.addLayout(self.body, 1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.history_button = self.buttons.addButton(
            _("History…"), QDialogButtonBox.ButtonRole.HelpRole
        )
        self.history_button.setAccessibleName(_("History"))
        self.history_button.clicked.connect(self.show_history)
        self.history_button.setEnabled(False)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}

    def set_record_id(self, record_id: uuid.UUID | None) -> None:
        self.record_id = record_id
        self.history_button.setEnabled(record_id is not None and bool(self.table))

    def start_with_commune(
        self,
        record: Any,
        communes: Sequence[CommuneRecord],
        commune_id: uuid.UUID | None,
    ) -> None:
        """The opening of an editor of a record that belongs to one commune: the record it
        edits (None for a new one), then its commune, chosen or given."""
        self.record = record
        self.set_record_id(record.id if record else None)
        self.add_field(
            "commune",
            _("Commune"),
            commune_combo(communes, record.commune_id if record else commune_id),
        )

    def show_history(self) -> QDialog | None:
        from sitiv_desktop.ui.history import HistoryDialog

        if self.record_id is None or not self.table:
            return None
        dialog = HistoryDialog(self.runner, self.table, self.record_id, self.windowTitle(), self)
        dialog.open()
        return dialog

    def set_read_only(self, reason: str) -> None:
        """Show the record without letting it change, and say why."""
        self.read_only_reason = reason
        if not reason:
            return
        self.notice.setText(reason)
        self.notice.show()
        for widget in self.fields.values():
            freeze(widget)
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setEnabled(False)
        save.setToolTip(reason)

    @staticmethod
    def _error_label() -> QLabel:
        label = QLabel()
        label.setStyleSheet(ERROR_STYLE)
        label.setWordWrap(True)
        label.hide()
        return label

    def add_field(
        self, name: str, label: str, widget: QWidget, form: QFormLayout | None = None
    ) -> QWidget:
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        error = self._error_label()
        error.setAccessibleName(_("Error: {field}").format(field=label))
        column.addWidget(error)
        if widget.minimumHeight() and widget.minimumHeight() == widget.maximumHeight():
            # A text box of fixed height stays under its label (at the row's top) with its
            # error just below, whatever height the page gives the form.
            column.addStretch(1)
        caption = QLabel(label)
        caption.setBuddy(widget)
        widget.setAccessibleName(label)
        (form or self.form).addRow(caption, holder)
        self.fields[name] = widget
        self.errors[name] = error
        return widget

    def text(self, name: str) -> str:
        widget = self.fields[name]
        if isinstance(widget, QLineEdit | DateField):
            return widget.text()
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText()
        raise TypeError(name)

    def choice(self, name: str) -> Any:
        widget = self.fields[name]
        assert isinstance(widget, QComboBox)
        return widget.currentData()

    def clear_errors(self) -> None:
        self.general_error.hide()
        for label in self.errors.values():
            label.hide()
            label.clear()

    def show_user_error(self, error: UserError) -> None:
        label = self.errors.get(error.field or "")
        if label is None:
            label = self.general_error
        label.setText(error.message)
        label.show()
        widget = self.fields.get(error.field or "")
        if widget is not None:
            self._reveal(widget)
            widget.setFocus()

    def _reveal(self, widget: QWidget) -> None:
        """Bring the tab holding ``widget`` to the front."""
        parent = widget.parentWidget()
        while parent is not None and parent is not self:
            grand = parent.parentWidget()
            if isinstance(grand, QStackedWidget) and isinstance(grand.parentWidget(), QTabWidget):
                tabs = grand.parentWidget()
                assert isinstance(tabs, QTabWidget)
                tabs.setCurrentWidget(parent)
            parent = grand

    def save(self) -> None:
        self.clear_errors()
        if self.read_only_reason:
            return
        try:
            work = self.work()
        except UserError as error:
            self.show_user_error(error)
            return
        self.buttons.setEnabled(False)
        model, before_id = self.model, self.record_id

        def tracked(session: Session) -> tuple[Any, Snapshot, Snapshot, uuid.UUID | None]:
            before = (
                snapshot_of(session, model, before_id)
                if model is not None and before_id is not None
                else Snapshot()
            )
            result = work(session)
            saved_id = getattr(result, "id", None)
            session.flush()
            after = (
                snapshot_of(session, model, saved_id)
                if model is not None and saved_id is not None
                else Snapshot()
            )
            return result, before, after, saved_id

        self.runner.write(tracked, self._tracked_saved, self._failed)

    def _tracked_saved(self, result: tuple[Any, Snapshot, Snapshot, uuid.UUID | None]) -> None:
        record, before, after, saved_id = result
        if self.undo_stack is not None and self.model is not None and saved_id is not None:
            label = getattr(record, "title", None) or getattr(record, "subject", "") or ""
            text = (
                _("Create « {title} »") if self.record_id is None else _("Edit « {title} »")
            ).format(title=label)
            self.undo_stack.push(
                EditCommand(
                    self.runner,
                    self.model,
                    saved_id,
                    before,
                    after,
                    text,
                )
            )
        self._saved(record)

    def work(self) -> Callable[[Session], Any]:
        """What saving does with a writing session; reads the widgets on the GUI thread."""
        raise NotImplementedError

    def _saved(self, record: Any) -> None:
        self.buttons.setEnabled(True)
        self.saved = record  # the runner told the notifier what the save wrote
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        if isinstance(error, UserError):
            self.show_user_error(error)
        else:
            show_error(self, error)
