"""Editors for projects, commitments, exchanges and meetings.

Each form builds the service's draft from what was typed and saves it on the store runner. A
``UserError`` naming a field puts its French message under that field and leaves every field as
the user typed it; the form closes only once the record is saved.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any

from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from sitiv_desktop.domain.enums import (
    CommitmentStatus,
    ExchangeChannel,
    ExchangeDirection,
    MeetingKind,
    MeetingStatus,
    ProjectDomain,
    ProjectStatus,
)
from sitiv_desktop.domain.records import (
    CommitmentRecord,
    CommuneRecord,
    ExchangeRecord,
    MeetingRecord,
    ProjectRecord,
)
from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.services.commitments import CommitmentDraft, save_commitment
from sitiv_desktop.services.exchanges import ExchangeDraft, record_exchange
from sitiv_desktop.services.meetings import MeetingDraft, save_meeting
from sitiv_desktop.services.projects import ProjectDraft, save_project
from sitiv_desktop.ui.errors import show_error
from sitiv_desktop.ui.tasks import ChangeNotifier, StoreRunner

DATE_HINT = "20/01/2015"
ERROR_STYLE = "color: #b3261e;"


def date_text(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value is not None else ""


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
    """A form whose fields each have a place for their error message, just below them."""

    kind = ""

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
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(18, 18, 18, 12)
        outer.setSpacing(10)
        self.general_error = self._error_label()
        outer.addWidget(self.general_error)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.form.setVerticalSpacing(6)
        outer.addLayout(self.form)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}

    @staticmethod
    def _error_label() -> QLabel:
        label = QLabel()
        label.setStyleSheet(ERROR_STYLE)
        label.setWordWrap(True)
        label.hide()
        return label

    def add_field(self, name: str, label: str, widget: QWidget) -> QWidget:
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
        self.form.addRow(caption, holder)
        self.fields[name] = widget
        self.errors[name] = error
        return widget

    def text(self, name: str) -> str:
        widget = self.fields[name]
        if isinstance(widget, QLineEdit):
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
            widget.setFocus()

    def save(self) -> None:
        self.clear_errors()
        try:
            work = self.work()
        except UserError as error:
            self.show_user_error(error)
            return
        self.buttons.setEnabled(False)
        self.runner.write(work, self._saved, self._failed)

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


def _line(value: str = "", placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(value)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    return edit


def _long_text(value: str = "") -> QPlainTextEdit:
    edit = QPlainTextEdit(value)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(80)
    return edit


class CommitmentEditor(FormDialog):
    kind = "commitment"

    def __init__(
        self,
        runner: StoreRunner,
        notifier: ChangeNotifier,
        communes: Sequence[CommuneRecord],
        record: CommitmentRecord | None = None,
        commune_id: uuid.UUID | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = _("New commitment") if record is None else _("Edit the commitment")
        super().__init__(runner, notifier, title, parent)
        self.record = record
        self.add_field(
            "commune",
            _("Commune"),
            commune_combo(communes, record.commune_id if record else commune_id),
        )
        self.add_field("title", _("Commitment"), _line(record.title if record else ""))
        made_on = record.made_on if record else dt.date.today()
        self.add_field("made_on", _("Made on"), _line(date_text(made_on), DATE_HINT))
        self.add_field(
            "due_date",
            _("Due date"),
            _line(date_text(record.due_date if record else None), DATE_HINT),
        )
        self.add_field(
            "status",
            _("Status"),
            enum_combo(CommitmentStatus, record.status if record else CommitmentStatus.OPEN),
        )
        self.add_field("promised_by", _("Promised by"), _line(record.promised_by if record else ""))
        self.add_field("responsible", _("Responsible"), _line(record.responsible if record else ""))
        self.add_field(
            "description", _("Description"), _long_text(record.description if record else "")
        )

    def work(self) -> Callable[[Session], Any]:
        record = self.record
        draft = CommitmentDraft(
            commune_id=self.choice("commune"),
            title=self.text("title"),
            made_on=self.text("made_on"),
            due_date=self.text("due_date"),
            status=self.choice("status"),
            description=self.text("description"),
            promised_by=self.text("promised_by"),
            responsible=self.text("responsible"),
            meeting_id=record.meeting_id if record else None,
            project_id=record.project_id if record else None,
            id=record.id if record else None,
        )
        return lambda session: save_commitment(session, draft)


class ExchangeEditor(FormDialog):
    kind = "exchange"

    def __init__(
        self,
        runner: StoreRunner,
        notifier: ChangeNotifier,
        communes: Sequence[CommuneRecord],
        record: ExchangeRecord | None = None,
        commune_id: uuid.UUID | None = None,
        author: str = "",
        parent: QWidget | None = None,
    ) -> None:
        title = _("Note an exchange") if record is None else _("Edit the exchange")
        super().__init__(runner, notifier, title, parent)
        self.record = record
        self.add_field(
            "commune",
            _("Commune"),
            commune_combo(communes, record.commune_id if record else commune_id),
        )
        occurred = record.occurred_on if record else dt.date.today()
        self.add_field("occurred_on", _("Date"), _line(date_text(occurred), DATE_HINT))
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
            project_id=record.project_id if record else None,
            commitment_id=record.commitment_id if record else None,
            id=record.id if record else None,
        )
        return lambda session: record_exchange(session, draft)


class ProjectEditor(FormDialog):
    kind = "project"

    def __init__(
        self,
        runner: StoreRunner,
        notifier: ChangeNotifier,
        communes: Sequence[CommuneRecord],
        record: ProjectRecord | None = None,
        commune_id: uuid.UUID | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = _("New project") if record is None else _("Edit the project")
        super().__init__(runner, notifier, title, parent)
        self.record = record
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
        self.add_field(
            "owner", _("Owner"), commune_combo(communes, owner, none_label=_("The syndicate"))
        )
        if record is not None and record.owner_commune_id is None:
            owner_combo = self.fields["owner"]
            assert isinstance(owner_combo, QComboBox)
            owner_combo.setCurrentIndex(0)
        self.add_field(
            "start_date",
            _("Start"),
            _line(date_text(record.start_date if record else None), DATE_HINT),
        )
        self.add_field(
            "end_date", _("End"), _line(date_text(record.end_date if record else None), DATE_HINT)
        )
        progress = QSpinBox()
        progress.setRange(0, 100)
        progress.setSuffix(" %")
        progress.setValue(record.progress if record else 0)
        self.add_field("progress", _("Progress"), progress)
        self.add_field("partners", _("Partners"), _line(record.partners if record else ""))
        self.add_field(
            "description", _("Description"), _long_text(record.description if record else "")
        )

    def work(self) -> Callable[[Session], Any]:
        record = self.record
        progress = self.fields["progress"]
        assert isinstance(progress, QSpinBox)
        draft = ProjectDraft(
            code=self.text("code"),
            title=self.text("title"),
            domain=self.choice("domain"),
            status=self.choice("status"),
            description=self.text("description"),
            owner_commune_id=self.choice("owner"),
            partners=self.text("partners"),
            start_date=self.text("start_date"),
            end_date=self.text("end_date"),
            progress=progress.value(),
            id=record.id if record else None,
        )
        return lambda session: save_project(session, draft)


class MeetingEditor(FormDialog):
    kind = "meeting"

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
            "participants", _("Participants"), _long_text(record.participants if record else "")
        )

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
            minutes=record.minutes if record else "",
            commune_ids=tuple(chosen),
            id=record.id if record else None,
        )
        return lambda session: save_meeting(session, draft)


def _next_morning() -> dt.datetime:
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    return dt.datetime.combine(tomorrow, dt.time(9, 30))
