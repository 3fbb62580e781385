"""Editors for projects, commitments, exchanges, meetings, mandate stakes, PPI lines and the
contacts of a commune.

Each form builds the service's draft from what was typed and saves it on the store runner. A
``UserError`` naming a field puts its French message under that field and leaves every field as
the user typed it; the form closes only once the record is saved.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from decimal import Decimal
from enum import Enum
from typing import Any

from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCalendarWidget,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from sitiv_desktop.domain.enums import (
    CommitmentStatus,
    ContactRole,
    ExchangeChannel,
    ExchangeDirection,
    MeetingKind,
    MeetingStatus,
    Priority,
    ProjectDomain,
    ProjectStatus,
)
from sitiv_desktop.domain.records import (
    CommitmentRecord,
    CommuneRecord,
    ContactRecord,
    ExchangeRecord,
    MeetingRecord,
    PpiLineRecord,
    ProjectRecord,
    StakeRecord,
)
from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import _, format_money, format_number
from sitiv_desktop.services.budgets import ApVoteDraft, PpiLineDraft, save_ppi_line
from sitiv_desktop.services.commitments import (
    CommitmentDraft,
    save_commitment,
    split_legacy_evidence,
)
from sitiv_desktop.services.communes import (
    ContactDraft,
    delete_contact,
    list_contacts,
    save_contact,
)
from sitiv_desktop.services.exchanges import ExchangeDraft, record_exchange
from sitiv_desktop.services.meetings import MeetingDraft, save_meeting
from sitiv_desktop.services.projects import (
    MilestoneDraft,
    ProjectDraft,
    owner_share,
    save_project,
)
from sitiv_desktop.services.stakes import StakeDraft, save_stake
from sitiv_desktop.store import models
from sitiv_desktop.ui.errors import show_error
from sitiv_desktop.ui.tasks import ChangeNotifier, StoreRunner
from sitiv_desktop.ui.undo import EditCommand, Snapshot, snapshot_of

DATE_HINT = "20/01/2015"
ERROR_STYLE = "color: #b3261e;"


def date_text(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value is not None else ""


class DateField(QWidget):
    """A date typed as people write it (20/01/2015) or picked from a calendar; may be empty.

    What was typed is kept as typed, so that a wrong date is shown back with its message.
    """

    def __init__(self, value: dt.date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        self.edit = QLineEdit(date_text(value))
        self.edit.setPlaceholderText(DATE_HINT)
        self.edit.setMaximumWidth(160)
        row.addWidget(self.edit)
        self.button = QToolButton()
        self.button.setText("📅")
        self.button.setToolTip(_("Choose in a calendar"))
        self.button.setAccessibleName(_("Choose in a calendar"))
        self.button.clicked.connect(self.open_calendar)
        row.addWidget(self.button)
        row.addStretch(1)
        self.setFocusProxy(self.edit)
        self.popup: QCalendarWidget | None = None

    def text(self) -> str:
        return self.edit.text()

    def setText(self, text: str) -> None:
        self.edit.setText(text)

    def setAccessibleName(self, name: str) -> None:
        super().setAccessibleName(name)
        self.edit.setAccessibleName(name)

    def setReadOnly(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)
        self.button.setEnabled(not read_only)

    def open_calendar(self) -> QCalendarWidget:
        calendar = QCalendarWidget(self)
        calendar.setWindowFlags(Qt.WindowType.Popup)
        calendar.setGridVisible(True)
        calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        current = self._typed_date() or dt.date.today()
        calendar.setSelectedDate(QDate(current.year, current.month, current.day))
        calendar.clicked.connect(self._picked)
        calendar.activated.connect(self._picked)
        calendar.move(self.mapToGlobal(self.button.geometry().bottomLeft()))
        calendar.show()
        self.popup = calendar
        return calendar

    def _picked(self, date: QDate) -> None:
        self.edit.setText(date.toString("dd/MM/yyyy"))
        if self.popup is not None:
            self.popup.close()
            self.popup = None

    def _typed_date(self) -> dt.date | None:
        try:
            return dt.datetime.strptime(self.edit.text().strip(), "%d/%m/%Y").date()
        except ValueError:
            return None


def select_data(combo: QComboBox, value: object) -> None:
    """Select the entry holding ``value``: Qt's ``findData`` compares Python objects by identity."""
    for index in range(combo.count()):
        if combo.itemData(index) == value:
            combo.setCurrentIndex(index)
            return


def enum_combo(enum: type[Enum], current: Enum | None = None) -> QComboBox:
    combo = QComboBox()
    for member in enum:
        combo.addItem(member.label, member)  # type: ignore[attr-defined]
    if current is not None:
        select_data(combo, current)
    return combo


def commune_combo(
    communes: Sequence[CommuneRecord], current: uuid.UUID | None, none_label: str = ""
) -> QComboBox:
    combo = QComboBox()
    if none_label:
        combo.addItem(none_label, None)
    for commune in communes:
        combo.addItem(commune.name, commune.id)
    if current is not None:
        select_data(combo, current)
    return combo


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
        notifier: ChangeNotifier,
        title: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.notifier = notifier
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
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
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
            _freeze(widget)
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
                    self.notifier,
                    self.kind,
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
        self.saved = record
        self.notifier.notify(self.kind)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        if isinstance(error, UserError):
            self.show_user_error(error)
        else:
            show_error(self, error)


def _freeze(widget: QWidget) -> None:
    if isinstance(widget, QLineEdit | QPlainTextEdit | DateField):
        widget.setReadOnly(True)
    elif isinstance(widget, QAbstractItemView):
        widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        widget.setEnabled(False)
    else:
        widget.setEnabled(False)


def _line(value: str = "", placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(value)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    return edit


def _long_text(value: str = "", height: int = 80) -> QPlainTextEdit:
    edit = QPlainTextEdit(value)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(height)
    return edit


def choice_combo(choices: Sequence[tuple[str, Any]], current: Any, none_label: str) -> QComboBox:
    """A combo of (label, value) with a first « none » entry; the current value is selected."""
    combo = QComboBox()
    combo.addItem(none_label, None)
    for label, value in choices:
        combo.addItem(label, value)
    combo.setMaxVisibleItems(20)
    if current is not None:
        select_data(combo, current)
    return combo


class CommitmentEditor(FormDialog):
    kind = "commitment"
    table = "commitments"
    model = models.Commitment

    def __init__(
        self,
        runner: StoreRunner,
        notifier: ChangeNotifier,
        communes: Sequence[CommuneRecord],
        record: CommitmentRecord | None = None,
        commune_id: uuid.UUID | None = None,
        projects: Sequence[tuple[str, uuid.UUID]] = (),
        meetings: Sequence[tuple[str, uuid.UUID]] = (),
        parent: QWidget | None = None,
    ) -> None:
        title = _("New commitment") if record is None else _("Edit the commitment")
        super().__init__(runner, notifier, title, parent)
        self.record = record
        self.set_record_id(record.id if record else None)
        self.add_field(
            "commune",
            _("Commune"),
            commune_combo(communes, record.commune_id if record else commune_id),
        )
        self.add_field("title", _("Commitment"), _line(record.title if record else ""))
        made_on = record.made_on if record else dt.date.today()
        self.add_field("made_on", _("Made on"), DateField(made_on))
        self.add_field("due_date", _("Due date"), DateField(record.due_date if record else None))
        status = enum_combo(CommitmentStatus, record.status if record else CommitmentStatus.OPEN)
        self.add_field("status", _("Status"), status)
        self.add_field("promised_by", _("Promised by"), _line(record.promised_by if record else ""))
        self.add_field("responsible", _("Responsible"), _line(record.responsible if record else ""))
        self.add_field(
            "project",
            _("Project"),
            choice_combo(projects, record.project_id if record else None, _("No project")),
        )
        self.add_field(
            "meeting",
            _("Made at the meeting"),
            choice_combo(meetings, record.meeting_id if record else None, _("No meeting")),
        )
        text, evidence = record.description if record else "", record.evidence if record else ""
        if not evidence:  # written in the description before it had a column of its own
            text, evidence = split_legacy_evidence(text)
        self.add_field("description", _("Description"), _long_text(text))
        self.add_field(
            "evidence",
            _("Evidence it was kept"),
            _long_text(evidence, 50),
        )
        self.fields["evidence"].setToolTip(
            _("What shows the commitment was kept: a delivery, a decision, a letter.")
        )
        status.currentIndexChanged.connect(self._evidence_shown)
        self._evidence_shown()

    def _evidence_shown(self) -> None:
        kept = self.choice("status") == CommitmentStatus.KEPT
        self.fields["evidence"].setEnabled(kept)

    def work(self) -> Callable[[Session], Any]:
        record = self.record
        kept = self.choice("status") == CommitmentStatus.KEPT
        draft = CommitmentDraft(
            commune_id=self.choice("commune"),
            title=self.text("title"),
            made_on=self.text("made_on"),
            due_date=self.text("due_date"),
            status=self.choice("status"),
            description=self.text("description"),
            promised_by=self.text("promised_by"),
            responsible=self.text("responsible"),
            meeting_id=self.choice("meeting"),
            project_id=self.choice("project"),
            id=record.id if record else None,
            evidence=self.text("evidence") if kept else "",
        )
        return lambda session: save_commitment(session, draft)


class ExchangeEditor(FormDialog):
    kind = "exchange"
    table = "exchanges"
    model = models.Exchange

    def __init__(
        self,
        runner: StoreRunner,
        notifier: ChangeNotifier,
        communes: Sequence[CommuneRecord],
        record: ExchangeRecord | None = None,
        commune_id: uuid.UUID | None = None,
        author: str = "",
        projects: Sequence[tuple[str, uuid.UUID]] = (),
        commitments: Sequence[tuple[str, uuid.UUID]] = (),
        parent: QWidget | None = None,
    ) -> None:
        title = _("Note an exchange") if record is None else _("Edit the exchange")
        super().__init__(runner, notifier, title, parent)
        self.record = record
        self.set_record_id(record.id if record else None)
        self.add_field(
            "commune",
            _("Commune"),
            commune_combo(communes, record.commune_id if record else commune_id),
        )
        occurred = record.occurred_on if record else dt.date.today()
        self.add_field("occurred_on", _("Date"), DateField(occurred))
        self.add_field(
            "channel",
            _("Channel"),
            enum_combo(ExchangeChannel, record.channel if record else ExchangeChannel.PHONE),
        )
        self.add_field(
            "direction",
            _("Direction"),
            enum_combo(
                ExchangeDirection, record.direction if record else ExchangeDirection.INCOMING
            ),
        )
        self.add_field("subject", _("Subject"), _line(record.subject if record else ""))
        self.add_field("summary", _("Summary"), _long_text(record.summary if record else ""))
        self.add_field("follow_up", _("Follow-up"), _long_text(record.follow_up if record else ""))
        self.add_field("author", _("Author"), _line(record.author if record else author))
        self.add_field(
            "project",
            _("Project"),
            choice_combo(projects, record.project_id if record else None, _("No project")),
        )
        self.add_field(
            "commitment",
            _("Commitment"),
            choice_combo(commitments, record.commitment_id if record else None, _("No commitment")),
        )

    def work(self) -> Callable[[Session], Any]:
        record = self.record
        draft = ExchangeDraft(
            commune_id=self.choice("commune"),
            subject=self.text("subject"),
            occurred_on=self.text("occurred_on"),
            channel=self.choice("channel"),
            direction=self.choice("direction"),
            summary=self.text("summary"),
            follow_up=self.text("follow_up"),
            author=self.text("author"),
            project_id=self.choice("project"),
            commitment_id=self.choice("commitment"),
            id=record.id if record else None,
        )
        return lambda session: record_exchange(session, draft)


def _table(headers: Sequence[str], rows: int = 0) -> QTableWidget:
    table = QTableWidget(rows, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setMinimumHeight(150)
    return table


def _cell(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    return item.text() if item is not None else ""


def _set_cell(table: QTableWidget, row: int, column: int, text: str, editable: bool = True) -> None:
    item = QTableWidgetItem(text)
    if not editable:
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    table.setItem(row, column, item)


class ProjectEditor(FormDialog):
    """A project in four tabs: what it is, who pays (shares), its milestones, its AP and CP."""

    kind = "project"
    table = "projects"
    model = models.Project

    def __init__(
        self,
        runner: StoreRunner,
        notifier: ChangeNotifier,
        communes: Sequence[CommuneRecord],
        record: ProjectRecord | None = None,
        commune_id: uuid.UUID | None = None,
        budget: PpiLineRecord | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = _("New project") if record is None else _("Edit the project")
        super().__init__(runner, notifier, title, parent)
        self.record, self.budget, self.communes = record, budget, list(communes)
        self.set_record_id(record.id if record else None)
        self.tabs = QTabWidget()
        self.body.removeItem(self.form)
        general = QWidget()
        general.setLayout(self.form)
        self.tabs.addTab(general, _("General"))
        self.body.addWidget(self.tabs, 1)
        self.add_field("code", _("Code"), _line(record.code if record else ""))
        self.add_field("title", _("Title"), _line(record.title if record else ""))
        self.add_field(
            "domain",
            _("Domain"),
            enum_combo(ProjectDomain, record.domain if record else ProjectDomain.NETWORK),
        )
        self.add_field(
            "status",
            _("Status"),
            enum_combo(ProjectStatus, record.status if record else ProjectStatus.IDEA),
        )
        owner = record.owner_commune_id if record else commune_id
        owner_combo = commune_combo(communes, owner, none_label=_("The syndicate"))
        if record is not None and record.owner_commune_id is None:
            owner_combo.setCurrentIndex(0)
        self.add_field("owner", _("Owner"), owner_combo)
        self.add_field("start_date", _("Start"), DateField(record.start_date if record else None))
        self.add_field("end_date", _("End"), DateField(record.end_date if record else None))
        progress = QSpinBox()
        progress.setRange(0, 100)
        progress.setSuffix(" %")
        progress.setValue(record.progress if record else 0)
        self.add_field("progress", _("Progress"), progress)
        self.add_field("partners", _("Partners"), _line(record.partners if record else ""))
        self.add_field(
            "description", _("Description"), _long_text(record.description if record else "")
        )
        self._build_shares(record)
        self._build_milestones(record)
        self._build_budget(budget)
        owner_combo.currentIndexChanged.connect(self._update_rest)
        self._update_rest()

    # Participations ----------------------------------------------------------------------

    def _build_shares(self, record: ProjectRecord | None) -> None:
        page = QWidget()
        form = QFormLayout(page)
        shares = _table([_("Commune"), _("Cost share (%)")], len(self.communes))
        current = {p.commune_id: p.cost_share for p in (record.participations if record else ())}
        for row, commune in enumerate(self.communes):
            _set_cell(shares, row, 0, commune.name, editable=False)
            share = current.get(commune.id)
            _set_cell(shares, row, 1, str(share) if share is not None else "")
        shares.itemChanged.connect(lambda _item: self._update_rest())
        self.add_field("participations", _("Participating communes"), shares, form)
        self.rest_label = QLabel()
        self.rest_label.setObjectName("strong")
        self.rest_label.setAccessibleName(_("Share left to the owner"))
        form.addRow("", self.rest_label)
        self.tabs.addTab(page, _("Participations"))

    def shares(self) -> dict[uuid.UUID, int]:
        """The shares typed, by commune; raises ``UserError`` for one that is not a number."""
        table = self.fields["participations"]
        assert isinstance(table, QTableWidget)
        found: dict[uuid.UUID, int] = {}
        for row, commune in enumerate(self.communes):
            typed = _cell(table, row, 1).replace("%", "").strip()
            if not typed:
                continue
            try:
                found[commune.id] = int(typed)
            except ValueError:
                raise UserError(
                    _("Cost share: « {value} » for {commune} is not a whole percentage.").format(
                        value=typed, commune=commune.name
                    ),
                    "participations",
                ) from None
        return found

    def _update_rest(self) -> None:
        try:
            shares = self.shares()
        except UserError as error:
            self.rest_label.setText(error.message)
            return
        owner = self.choice("owner")
        names = {commune.id: commune.name for commune in self.communes}
        owner_name = names.get(owner, _("The syndicate"))
        others = sum(share for commune_id, share in shares.items() if commune_id != owner)
        if others > 100:
            self.rest_label.setText(_("The shares add up to more than 100 %."))
            self.rest_label.setStyleSheet(ERROR_STYLE)
            return
        self.rest_label.setStyleSheet("")
        self.rest_label.setText(
            _("{owner} (owner) bears the rest: {share} %").format(
                owner=owner_name, share=owner_share(shares, owner)
            )
        )

    # Milestones --------------------------------------------------------------------------

    def _build_milestones(self, record: ProjectRecord | None) -> None:
        page = QWidget()
        column = QVBoxLayout(page)
        form = QFormLayout()
        milestones = record.milestones if record else ()
        table = _table([_("Milestone"), _("Due date"), _("Done on")], len(milestones))
        self.milestone_ids: list[uuid.UUID | None] = []
        for row, milestone in enumerate(milestones):
            _set_cell(table, row, 0, milestone.title)
            _set_cell(table, row, 1, date_text(milestone.due_date))
            _set_cell(table, row, 2, date_text(milestone.done_on))
            self.milestone_ids.append(milestone.id)
        self.add_field("milestones", _("Milestones"), table, form)
        column.addLayout(form)
        buttons = QHBoxLayout()
        add = QPushButton(_("Add a milestone"))
        add.clicked.connect(self.add_milestone_row)
        remove = QPushButton(_("Remove the milestone"))
        remove.clicked.connect(self._remove_milestone_row)
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        column.addLayout(buttons)
        self.tabs.addTab(page, _("Milestones"))

    def add_milestone_row(self, title: str = "", due: str = "", done: str = "") -> int:
        table = self.fields["milestones"]
        assert isinstance(table, QTableWidget)
        row = table.rowCount()
        table.insertRow(row)
        for column, text in enumerate((title, due, done)):
            _set_cell(table, row, column, text)
        self.milestone_ids.append(None)
        return row

    def _remove_milestone_row(self) -> None:
        table = self.fields["milestones"]
        assert isinstance(table, QTableWidget)
        row = table.currentRow()
        if row >= 0:
            table.removeRow(row)
            del self.milestone_ids[row]

    def milestone_drafts(self) -> list[MilestoneDraft]:
        table = self.fields["milestones"]
        assert isinstance(table, QTableWidget)
        drafts = []
        for row in range(table.rowCount()):
            title, due, done = (_cell(table, row, column) for column in range(3))
            if not (title or due or done):
                continue
            drafts.append(MilestoneDraft(title, due, done, self.milestone_ids[row]))
        return drafts

    # Budget ------------------------------------------------------------------------------

    def _build_budget(self, budget: PpiLineRecord | None) -> None:
        page = QWidget()
        form = QFormLayout(page)
        history = budget.ap_history if budget else ()
        votes = _table([_("Voted on"), _("AP amount")], len(history))
        for row, (voted_on, amount) in enumerate(history):
            _set_cell(votes, row, 0, date_text(voted_on), editable=False)
            _set_cell(votes, row, 1, format_money(amount), editable=False)
        votes.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        votes.setMinimumHeight(100)
        self.add_field("ap_history", _("AP votes"), votes, form)
        self.add_field("vote_date", _("New AP vote on"), DateField(None), form)
        self.add_field("ap_votes", _("Amount voted"), _line("", "1 234 567,89"), form)
        years = sorted(budget.cp_by_year) if budget else []
        first = dt.date.today().year
        shown = sorted(set(years) | {first, first + 1, first + 2})
        credits = _table([_("Year"), _("CP")], len(shown))
        for row, year in enumerate(shown):
            _set_cell(credits, row, 0, str(year), editable=False)
            credit = budget.cp_by_year.get(year) if budget else None
            _set_cell(credits, row, 1, format_number(credit) if credit is not None else "")
        self.add_field("cp", _("CP per year"), credits, form)
        self.cp_years = shown
        self.add_field(
            "ppi_note", _("PPI note"), _long_text(budget.note if budget else "", 50), form
        )
        self.tabs.addTab(page, _("Budget (AP, CP)"))

    def budget_draft(self, project_id: uuid.UUID | None) -> PpiLineDraft | None:
        credits = self.fields["cp"]
        assert isinstance(credits, QTableWidget)
        typed_cp = {year: _cell(credits, row, 1) for row, year in enumerate(self.cp_years)}
        vote_date, vote_amount = self.text("vote_date"), self.text("ap_votes")
        votes = [ApVoteDraft(vote_date, vote_amount)] if (vote_date or vote_amount) else []
        note = self.text("ppi_note")
        if self.budget is None and not votes and not any(typed_cp.values()) and not note:
            return None
        given: dict[int, str | Decimal | None] = {
            year: (text if text.strip() else None)
            for year, text in typed_cp.items()
            if text.strip() or (self.budget is not None and year in self.budget.cp_by_year)
        }
        return PpiLineDraft(project_id=project_id, note=note, new_votes=votes, cp_by_year=given)

    def work(self) -> Callable[[Session], Any]:
        record = self.record
        progress = self.fields["progress"]
        assert isinstance(progress, QSpinBox)
        shares = self.shares()
        owner = self.choice("owner")
        draft = ProjectDraft(
            code=self.text("code"),
            title=self.text("title"),
            domain=self.choice("domain"),
            status=self.choice("status"),
            description=self.text("description"),
            owner_commune_id=owner,
            partners=self.text("partners"),
            start_date=self.text("start_date"),
            end_date=self.text("end_date"),
            progress=progress.value(),
            id=record.id if record else None,
            participations={k: v for k, v in shares.items() if k != owner},
            replace_participations=True,
            milestones=self.milestone_drafts(),
        )
        budget = self.budget_draft(None)

        def save(session: Session) -> ProjectRecord:
            saved = save_project(session, draft)
            if budget is not None:
                budget.project_id = saved.id
                save_ppi_line(session, budget)
            return saved

        return save


class MeetingEditor(FormDialog):
    kind = "meeting"
    table = "meetings"
    model = models.Meeting

    def __init__(
        self,
        runner: StoreRunner,
        notifier: ChangeNotifier,
        communes: Sequence[CommuneRecord],
        record: MeetingRecord | None = None,
        commune_id: uuid.UUID | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = _("New meeting") if record is None else _("Edit the meeting")
        super().__init__(runner, notifier, title, parent)
        self.record = record
        self.set_record_id(record.id if record else None)
        self.add_field(
            "kind",
            _("Kind"),
            enum_combo(MeetingKind, record.kind if record else MeetingKind.MAYOR_MEETING),
        )
        self.add_field("title", _("Title"), _line(record.title if record else ""))
        starts = QDateTimeEdit()
        starts.setCalendarPopup(True)
        starts.setDisplayFormat("dd/MM/yyyy HH:mm")
        moment = record.starts_at if record else _next_morning()
        starts.setDateTime(
            QDateTime(
                QDate(moment.year, moment.month, moment.day), QTime(moment.hour, moment.minute)
            )
        )
        self.add_field("starts_at", _("Date and time"), starts)
        duration = QSpinBox()
        duration.setRange(0, 24 * 60)
        duration.setSingleStep(15)
        duration.setSuffix(_(" min"))
        duration.setValue(record.duration_minutes if record else 90)
        self.add_field("duration_minutes", _("Duration"), duration)
        self.add_field("place", _("Place"), _line(record.place if record else ""))
        self.add_field(
            "status",
            _("Status"),
            enum_combo(MeetingStatus, record.status if record else MeetingStatus.PLANNED),
        )
        chosen = set(record.commune_ids) if record else {commune_id}
        commune_list = QListWidget()
        commune_list.setFixedHeight(110)
        for commune in communes:
            item = QListWidgetItem(commune.name)
            item.setData(Qt.ItemDataRole.UserRole, commune.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = commune.id in chosen
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            commune_list.addItem(item)
        self.add_field("communes", _("Communes"), commune_list)
        self.add_field(
            "participants",
            _("Participants"),
            _long_text(record.participants if record else "", height=60),
        )
        self.add_field(
            "minutes", _("Minutes"), _long_text(record.minutes if record else "", height=90)
        )
        self.add_field(
            "speaker_notes",
            _("Personal points"),
            _long_text(record.speaker_notes if record else "", height=80),
        )
        kind_combo = self.fields["kind"]
        assert isinstance(kind_combo, QComboBox)
        kind_combo.currentIndexChanged.connect(self._notes_named)
        self._notes_named()

    def notes_label(self) -> str:
        """« Notes pour le discours » for the vœux, « Points personnels » for other meetings."""
        if self.choice("kind") == MeetingKind.NEW_YEAR:
            return _("Notes for the speech")
        return _("Personal points")

    def _notes_named(self) -> None:
        notes = self.fields["speaker_notes"]
        label = self.notes_label()
        holder = notes.parentWidget()
        caption = self.form.labelForField(holder) if holder is not None else None
        if isinstance(caption, QLabel):
            caption.setText(label)
        notes.setAccessibleName(label)
        notes.setToolTip(
            _("The president's own words, printed in the pack before the suggested points.")
        )

    def check_commune(self, commune_id: uuid.UUID, checked: bool = True) -> None:
        commune_list = self.fields["communes"]
        assert isinstance(commune_list, QListWidget)
        for row in range(commune_list.count()):
            item = commune_list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == commune_id:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def work(self) -> Callable[[Session], Any]:
        record = self.record
        starts = self.fields["starts_at"]
        duration = self.fields["duration_minutes"]
        commune_list = self.fields["communes"]
        assert isinstance(starts, QDateTimeEdit)
        assert isinstance(duration, QSpinBox)
        assert isinstance(commune_list, QListWidget)
        chosen = [
            commune_list.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(commune_list.count())
            if commune_list.item(row).checkState() == Qt.CheckState.Checked
        ]
        draft = MeetingDraft(
            kind=self.choice("kind"),
            title=self.text("title"),
            starts_at=starts.dateTime().toPython(),  # type: ignore[arg-type]
            duration_minutes=duration.value(),
            place=self.text("place"),
            status=self.choice("status"),
            participants=self.text("participants"),
            minutes=self.text("minutes"),
            commune_ids=tuple(chosen),
            id=record.id if record else None,
            speaker_notes=self.text("speaker_notes"),
        )
        return lambda session: save_meeting(session, draft)


class StakeEditor(FormDialog):
    """A mandate stake: axis → line → action, its priority, the projects that answer it."""

    kind = "stake"
    table = "mandate_stakes"
    model = models.MandateStake

    def __init__(
        self,
        runner: StoreRunner,
        notifier: ChangeNotifier,
        communes: Sequence[CommuneRecord],
        record: StakeRecord | None = None,
        commune_id: uuid.UUID | None = None,
        projects: Sequence[tuple[str, uuid.UUID]] = (),
        parent: QWidget | None = None,
    ) -> None:
        title = _("New mandate stake") if record is None else _("Edit the mandate stake")
        super().__init__(runner, notifier, title, parent)
        self.record = record
        self.set_record_id(record.id if record else None)
        self.add_field(
            "commune",
            _("Commune"),
            commune_combo(communes, record.commune_id if record else commune_id),
        )
        self.add_field("axis", _("Axis"), _line(record.axis if record else ""))
        self.add_field("line", _("Line"), _line(record.line if record else ""))
        self.add_field("action", _("Action"), _line(record.action if record else ""))
        self.add_field(
            "priority",
            _("Priority"),
            enum_combo(Priority, record.priority if record else Priority.MEDIUM),
        )
        progress = QSpinBox()
        progress.setRange(0, 100)
        progress.setSuffix(" %")
        progress.setValue(record.progress if record else 0)
        self.add_field("progress", _("Progress"), progress)
        rolled = record.rolled_up_progress if record else None
        formula = QLabel(
            _("From the projects that answer it: {value} % (the mean of their progress).").format(
                value=rolled
            )
            if rolled is not None
            else _("No project answers it yet: its progress is entered by hand.")
        )
        formula.setObjectName("muted")
        formula.setWordWrap(True)
        self.form.addRow("", formula)
        answering = QListWidget()
        answering.setFixedHeight(140)
        chosen = set(record.project_ids) if record else set()
        for label, project_id in projects:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, project_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if project_id in chosen else Qt.CheckState.Unchecked
            )
            answering.addItem(item)
        self.add_field("projects", _("Projects that answer it"), answering)

    def work(self) -> Callable[[Session], Any]:
        record = self.record
        progress = self.fields["progress"]
        answering = self.fields["projects"]
        assert isinstance(progress, QSpinBox)
        assert isinstance(answering, QListWidget)
        chosen = [
            answering.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(answering.count())
            if answering.item(row).checkState() == Qt.CheckState.Checked
        ]
        draft = StakeDraft(
            commune_id=self.choice("commune"),
            axis=self.text("axis"),
            line=self.text("line"),
            action=self.text("action"),
            priority=self.choice("priority"),
            progress=progress.value(),
            project_ids=tuple(chosen),
            id=record.id if record else None,
        )
        return lambda session: save_stake(session, draft)


class PpiLineEditor(FormDialog):
    """A PPI line: its project, the AP votes (history kept), the CP per year, what is left."""

    kind = "ppi_line"
    table = "ppi_lines"
    model = models.PpiLine

    def __init__(
        self,
        runner: StoreRunner,
        notifier: ChangeNotifier,
        record: PpiLineRecord | None = None,
        projects: Sequence[tuple[str, uuid.UUID]] = (),
        parent: QWidget | None = None,
    ) -> None:
        title = _("New PPI line") if record is None else _("Edit the PPI line")
        super().__init__(runner, notifier, title, parent)
        self.record = record
        self.set_record_id(record.id if record else None)
        self.add_field(
            "project",
            _("Project"),
            choice_combo(projects, record.project_id if record else None, _("Choose a project")),
        )
        if record is not None:
            self.fields["project"].setEnabled(False)
        history = record.ap_history if record else ()
        lines = [
            _("{date}: {amount}").format(date=date_text(voted_on), amount=format_money(amount))
            for voted_on, amount in history
        ]
        votes = QLabel("\n".join(lines) if lines else _("No AP voted yet."))
        self.form.addRow(_("AP votes"), votes)
        self.add_field("vote_date", _("New AP vote on"), DateField(None))
        self.add_field("ap_votes", _("Amount voted"), _line("", "1 234 567,89"))
        first = dt.date.today().year
        years = sorted(set(record.cp_by_year if record else ()) | {first, first + 1, first + 2})
        self.cp_years = years
        credits = _table([_("Year"), _("CP")], len(years))
        for row, year in enumerate(years):
            _set_cell(credits, row, 0, str(year), editable=False)
            amount = record.cp_by_year.get(year) if record else None
            _set_cell(credits, row, 1, format_number(amount) if amount is not None else "")
        self.add_field("cp", _("CP per year"), credits)
        remaining = (
            record.ap - sum(record.cp_by_year.values(), Decimal(0))
            if record is not None and record.ap is not None
            else None
        )
        left = QLabel(
            _("Left to plan: {amount}").format(amount=format_money(remaining))
            if remaining is not None
            else _("Left to plan: no AP voted yet.")
        )
        left.setObjectName("strong")
        self.form.addRow("", left)
        self.add_field("note", _("Note"), _long_text(record.note if record else "", 50))

    def work(self) -> Callable[[Session], Any]:
        credits = self.fields["cp"]
        assert isinstance(credits, QTableWidget)
        record = self.record
        typed = {year: _cell(credits, row, 1) for row, year in enumerate(self.cp_years)}
        given: dict[int, str | Decimal | None] = {
            year: (text if text.strip() else None)
            for year, text in typed.items()
            if text.strip() or (record is not None and year in record.cp_by_year)
        }
        vote_date, vote_amount = self.text("vote_date"), self.text("ap_votes")
        draft = PpiLineDraft(
            project_id=self.choice("project"),
            note=self.text("note"),
            new_votes=[ApVoteDraft(vote_date, vote_amount)] if (vote_date or vote_amount) else [],
            cp_by_year=given,
        )
        return lambda session: save_ppi_line(session, draft)


def _next_morning() -> dt.datetime:
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    return dt.datetime.combine(tomorrow, dt.time(9, 30))


# --- contacts ------------------------------------------------------------------------------------


class ContactEditor(FormDialog):
    """One contact of a commune: its mayor, a deputy, the DGS, the DSI, a referent."""

    kind = "contact"
    table = "contacts"
    model = models.Contact

    def __init__(
        self,
        runner: StoreRunner,
        notifier: ChangeNotifier,
        commune_id: uuid.UUID,
        record: ContactRecord | None = None,
        role: ContactRole = ContactRole.REFERENT,
        parent: QWidget | None = None,
    ) -> None:
        title = _("New contact") if record is None else _("Edit the contact")
        super().__init__(runner, notifier, title, parent)
        self.record = record
        self.commune_id = commune_id
        self.set_record_id(record.id if record else None)
        self.add_field("full_name", _("Full name"), _line(record.full_name if record else ""))
        self.add_field("role", _("Role"), enum_combo(ContactRole, record.role if record else role))
        self.add_field(
            "title",
            _("Title"),
            _line(record.title if record else "", _("e.g. Director general of services")),
        )
        self.add_field("email", _("E-mail"), _line(record.email if record else ""))
        self.add_field("phone", _("Phone"), _line(record.phone if record else ""))
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
        notifier: ChangeNotifier,
        commune: CommuneRecord,
        read_only_reason: str = "",
        undo_stack: QUndoStack | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner, self.notifier, self.commune = runner, notifier, commune
        self.read_only_reason, self.undo_stack = read_only_reason, undo_stack
        self.contacts: list[ContactRecord] = []
        self.editor: ContactEditor | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(_("Contacts of {commune}").format(commune=commune.name))
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
        notifier.changed.connect(self._changed)
        self.load()

    def _changed(self, kind: str) -> None:
        if kind in ("contact", "all"):
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
        editor = ContactEditor(
            self.runner, self.notifier, self.commune.id, record, role=role, parent=self
        )
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
            lambda _result: self.notifier.notify("contact"),
            lambda error: show_error(self, error),
        )
