"""The agenda builder of a meeting: add items, drag them into order, link them to a project or a
commitment, see the total time against the meeting's length, record outcomes, carry over.

Kept whole: the agenda's model and its pane edit the same rows, drag and drop included.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from sitiv_desktop.domain.enums import OutcomeKind
from sitiv_desktop.domain.kinds import RecordKind
from sitiv_desktop.domain.records import AgendaItemRecord, MeetingRecord
from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import _, format_datetime
from sitiv_desktop.services.commitments import (
    OPEN_STATUSES,
    CommitmentDraft,
    CommitmentFilter,
    list_commitments,
)
from sitiv_desktop.services.meetings import (
    AgendaItemDraft,
    can_record_outcomes,
    carry_over_unhandled,
    get_meeting,
    record_outcome,
    remove_agenda_item,
    reorder_agenda,
    save_agenda_item,
)
from sitiv_desktop.services.projects import ProjectFilter, list_projects
from sitiv_desktop.ui.editors import DateField, FormDialog, enum_combo, select_data
from sitiv_desktop.ui.errors import show_error
from sitiv_desktop.ui.models import AGENDA_COLUMNS, RecordTableModel
from sitiv_desktop.ui.tasks import StoreRunner, emit

ROWS_MIME = "application/x-sitiv-agenda-rows"
LINK_CHOICES = 200
AnyIndex = QModelIndex | QPersistentModelIndex


class AgendaModel(RecordTableModel):
    """The items of one agenda, in order; dragging rows emits the new order."""

    reordered = Signal(list)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(AGENDA_COLUMNS, parent)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsDropEnabled
        if not index.isValid():
            return base
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsDragEnabled
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [ROWS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({index.row() for index in indexes if index.isValid()})
        data = QMimeData()
        data.setData(ROWS_MIME, QByteArray(",".join(map(str, rows)).encode()))
        return data

    def dropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: AnyIndex,
    ) -> bool:
        if action != Qt.DropAction.MoveAction or not data.hasFormat(ROWS_MIME):
            return False
        payload = bytes(data.data(ROWS_MIME).data()).decode()
        moved = [int(text) for text in payload.split(",") if text]
        if not moved:
            return False
        target = row if row >= 0 else (parent.row() if parent.isValid() else len(self.records))
        self.move_rows(moved, target)
        # The move is done here; answering False keeps the view from removing the source rows.
        return False

    def move_rows(self, rows: Sequence[int], target: int) -> None:
        """Put ``rows`` before the row ``target`` (or at the end), then tell the new order."""
        picked = [self.records[row] for row in rows]
        kept = [record for index, record in enumerate(self.records) if index not in set(rows)]
        insert_at = target - sum(1 for row in rows if row < target)
        order = kept[:insert_at] + picked + kept[insert_at:]
        if [r.id for r in order] == [r.id for r in self.records]:
            return
        self.set_records(order)
        emit(self.reordered, [record.id for record in order])


class AgendaItemEditor(FormDialog):
    """An agenda item: title, presenter, duration, and the project or commitment it is about."""

    kind = RecordKind.AGENDA_ITEM

    def __init__(
        self,
        runner: StoreRunner,
        meeting: MeetingRecord,
        links: list[tuple[str, uuid.UUID | None, uuid.UUID | None]],
        record: AgendaItemRecord | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = _("New agenda item") if record is None else _("Edit the agenda item")
        super().__init__(runner, title, parent)
        self.meeting, self.record = meeting, record
        self.add_field("title", _("Item"), QLineEdit(record.title if record else ""))
        self.add_field("presenter", _("Presenter"), QLineEdit(record.presenter if record else ""))
        duration = QSpinBox()
        duration.setRange(0, 600)
        duration.setSingleStep(5)
        duration.setSuffix(_(" min"))
        duration.setValue(record.duration_minutes if record else 15)
        self.add_field("duration_minutes", _("Duration"), duration)
        link = QComboBox()
        link.addItem(_("Nothing"), (None, None))
        for label, project_id, commitment_id in links:
            link.addItem(label, (project_id, commitment_id))
        if record is not None:
            wanted = (record.project_id, record.commitment_id)
            select_data(link, wanted)
        self.add_field("link", _("Linked to"), link)

    def work(self) -> Callable[[Session], Any]:
        duration = self.fields["duration_minutes"]
        assert isinstance(duration, QSpinBox)
        project_id, commitment_id = self.choice("link")
        draft = AgendaItemDraft(
            title=self.text("title"),
            presenter=self.text("presenter"),
            duration_minutes=duration.value(),
            project_id=project_id,
            commitment_id=commitment_id,
            id=self.record.id if self.record else None,
        )
        meeting_id = self.meeting.id
        return lambda session: save_agenda_item(session, meeting_id, draft)


class OutcomeEditor(FormDialog):
    """What came of an item: information, decision, or a new commitment made in the same step."""

    kind = RecordKind.AGENDA_ITEM

    def __init__(
        self,
        runner: StoreRunner,
        meeting: MeetingRecord,
        item: AgendaItemRecord,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(runner, _("Record the outcome"), parent)
        self.meeting, self.item = meeting, item
        outcome = enum_combo(OutcomeKind, item.outcome)
        self.add_field("outcome", _("Outcome"), outcome)
        self.add_field("text", _("Text"), QLineEdit(item.outcome_text))
        commune = QComboBox()
        for commune_id, name in zip(meeting.commune_ids, meeting.commune_names, strict=True):
            commune.addItem(name, commune_id)
        self.add_field("commune", _("Commune"), commune)
        self.add_field("commitment_title", _("Commitment"), QLineEdit(item.title))
        self.add_field("due_date", _("Due date"), DateField(None))
        self.add_field("responsible", _("Responsible"), QLineEdit(item.presenter))
        outcome.currentIndexChanged.connect(self._show_commitment_fields)
        self._show_commitment_fields()

    def _show_commitment_fields(self) -> None:
        wanted = OutcomeKind(self.choice("outcome")) is OutcomeKind.COMMITMENT
        for name in ("commune", "commitment_title", "due_date", "responsible"):
            self.fields[name].setEnabled(wanted)

    def work(self) -> Callable[[Session], Any]:
        # Qt hands a StrEnum member back as its plain string.
        outcome = OutcomeKind(self.choice("outcome"))
        text = self.text("text")
        draft = None
        if outcome is OutcomeKind.COMMITMENT:
            draft = CommitmentDraft(
                commune_id=self.choice("commune"),
                title=self.text("commitment_title"),
                made_on=self.meeting.starts_at.date(),
                due_date=self.text("due_date"),
                responsible=self.text("responsible"),
            )
        item_id = self.item.id
        return lambda session: record_outcome(session, item_id, outcome, text, draft)


class AgendaPanel(QWidget):
    """The meeting chosen in the list, with its agenda to build."""

    pack_requested = Signal(object)

    def __init__(self, runner: StoreRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.meeting: MeetingRecord | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 0, 0)
        self.column = layout
        self.heading = QLabel(_("Choose a meeting to build its agenda."))
        self.heading.setObjectName("panelTitle")
        self.heading.setWordWrap(True)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setObjectName("muted")
        layout.addWidget(self.heading)
        layout.addWidget(self.details)
        self.model = AgendaModel(self)
        self.model.reordered.connect(self._save_order)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName(_("Agenda"))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.view.setDragEnabled(True)
        self.view.setAcceptDrops(True)
        self.view.setDropIndicatorShown(True)
        self.view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.view.verticalHeader().setVisible(False)
        # One line per item: a text too long is cut with « … » and read whole in its tooltip.
        self.view.setWordWrap(False)
        self.view.verticalHeader().setDefaultSectionSize(28)
        header = self.view.horizontalHeader()
        header.setTextElideMode(Qt.TextElideMode.ElideRight)
        # The item's wording takes what the speaker, the link and the short columns leave.
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for short in (2, 4):
            header.setSectionResizeMode(short, QHeaderView.ResizeMode.ResizeToContents)
        for named in (1, 3):
            header.resizeSection(named, 120)
        self.model.modelReset.connect(self.fit_columns)
        self.view.installEventFilter(self)
        self.view.doubleClicked.connect(lambda _index: self.edit_item())
        layout.addWidget(self.view, 1)
        self.total = QLabel()
        self.total.setAccessibleName(_("Total duration of the agenda"))
        layout.addWidget(self.total)
        # Two rows, so that the pane stays narrow enough for a 1366-pixel screen.
        buttons = QHBoxLayout()
        self.add_button = self._button(_("Add an item"), self.add_item, buttons)
        self.remove_button = self._button(_("Remove"), self.remove_item, buttons)
        self.carry_button = self._button(_("Carry over"), self.carry_over, buttons)
        self.carry_button.setToolTip(
            _("Copy the items not dealt with to the next meeting of the same kind")
        )
        buttons.addStretch(1)
        layout.addLayout(buttons)
        second = QHBoxLayout()
        self.outcome_button = self._button(_("Record the outcome…"), self.record_outcome, second)
        second.addStretch(1)
        self.pack_button = self._button(
            _("Prepare the pack"), lambda: emit(self.pack_requested, self.meeting), second
        )
        layout.addLayout(second)
        self._set_enabled(False)

    def set_beside_list(self, beside: bool) -> None:
        """Margins for a pane beside the meetings list, or under it (as wide as the list)."""
        self.column.setContentsMargins(*((12, 8, 0, 0) if beside else (12, 4, 12, 8)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view and event.type() == QEvent.Type.Resize:
            self.fit_columns()
        return super().eventFilter(watched, event)

    def fit_columns(self) -> None:
        """The speaker and the link as wide as they read, up to a share of the table each, so
        that the item's wording keeps at least a third of it."""
        room = self.view.viewport().width() or self.view.width()
        header = self.view.horizontalHeader()
        short = sum(header.sectionSize(section) for section in (2, 4))
        share = max(120, (room - short) // 3)
        for section in (1, 3):
            wanted = max(self.view.sizeHintForColumn(section), header.sectionSizeHint(section))
            header.resizeSection(section, max(90, min(wanted, share)))

    def _button(self, text: str, slot: Callable[[], None], row: QHBoxLayout) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(text)
        button.clicked.connect(slot)
        row.addWidget(button)
        return button

    def _set_enabled(self, enabled: bool) -> None:
        for button in (
            self.add_button,
            self.remove_button,
            self.outcome_button,
            self.carry_button,
            self.pack_button,
        ):
            button.setEnabled(enabled)

    def show_meeting(self, meeting_id: uuid.UUID | None) -> None:
        if meeting_id is None:
            self.meeting = None
            self.model.set_records([])
            self.heading.setText(_("Choose a meeting to build its agenda."))
            self.details.clear()
            self.total.clear()
            self._set_enabled(False)
            return
        self.runner.read(lambda session: get_meeting(session, meeting_id), self._fill)

    def reload(self) -> None:
        if self.meeting is not None:
            self.show_meeting(self.meeting.id)

    def _fill(self, meeting: MeetingRecord) -> None:
        self.meeting = meeting
        self.heading.setText(meeting.title)
        parts = [meeting.kind.label, format_datetime(meeting.starts_at)]
        if meeting.place:
            parts.append(meeting.place)
        if meeting.commune_names:
            parts.append(", ".join(meeting.commune_names))
        self.details.setText(" · ".join(parts))
        self.model.set_records(meeting.agenda)
        self._set_enabled(True)
        held = can_record_outcomes(meeting)
        self.outcome_button.setEnabled(held)
        self.outcome_button.setToolTip(
            ""
            if held
            else _("The meeting has not been held yet: record what came of it afterwards.")
        )
        self._show_total(meeting)

    def _show_total(self, meeting: MeetingRecord) -> None:
        text = _("Total: {total} min for a meeting of {length} min").format(
            total=meeting.agenda_minutes, length=meeting.duration_minutes
        )
        if meeting.overruns:
            over = meeting.agenda_minutes - meeting.duration_minutes
            text += " — " + _("overrun of {minutes} min").format(minutes=over)
            self.total.setStyleSheet("color: #b3261e; font-weight: 600;")
        else:
            self.total.setStyleSheet("")
        self.total.setText(text)

    def selected_item(self) -> AgendaItemRecord | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        record: AgendaItemRecord = self.model.record_at(rows[0].row())
        return record

    def _save_order(self, item_ids: list[uuid.UUID]) -> None:
        meeting = self.meeting
        if meeting is None:
            return
        meeting_id = meeting.id
        self.runner.write(
            lambda session: reorder_agenda(session, meeting_id, item_ids),
            lambda _result: None,
            self._failed,
        )

    def _failed(self, error: BaseException) -> None:
        show_error(self, error)
        self.reload()

    def _links(
        self, then: Callable[[list[tuple[str, uuid.UUID | None, uuid.UUID | None]]], None]
    ) -> None:
        meeting = self.meeting
        assert meeting is not None
        commune_id = meeting.commune_ids[0] if meeting.commune_ids else None

        def work(session: Session) -> list[tuple[str, uuid.UUID | None, uuid.UUID | None]]:
            projects = list_projects(session, ProjectFilter(commune_id=commune_id), 0, LINK_CHOICES)
            commitments = list_commitments(
                session,
                CommitmentFilter(
                    commune_id=commune_id,
                    statuses=tuple(_open_statuses()),
                ),
                0,
                LINK_CHOICES,
            )
            links: list[tuple[str, uuid.UUID | None, uuid.UUID | None]] = [
                (_("Project: {code} — {title}").format(code=p.code, title=p.title), p.id, None)
                for p in projects
            ]
            links += [
                (_("Commitment: {title}").format(title=c.title), None, c.id) for c in commitments
            ]
            return links

        self.runner.read(work, then)

    def add_item(self) -> None:
        meeting = self.meeting
        if meeting is None:
            return

        def open_editor(links: list[tuple[str, uuid.UUID | None, uuid.UUID | None]]) -> None:
            editor = AgendaItemEditor(self.runner, meeting, links, parent=self)
            editor.open()
            editor.finished.connect(lambda _code: self.reload())

        self._links(open_editor)

    def edit_item(self) -> None:
        meeting, item = self.meeting, self.selected_item()
        if meeting is None or item is None:
            return

        def open_editor(links: list[tuple[str, uuid.UUID | None, uuid.UUID | None]]) -> None:
            editor = AgendaItemEditor(self.runner, meeting, links, record=item, parent=self)
            editor.open()

        self._links(open_editor)

    def remove_item(self) -> None:
        item = self.selected_item()
        if item is None:
            return
        item_id = item.id
        self.runner.write(
            lambda session: remove_agenda_item(session, item_id),
            lambda _result: None,
            self._failed,
        )

    def record_outcome(self) -> None:
        meeting, item = self.meeting, self.selected_item()
        if meeting is None or item is None or not can_record_outcomes(meeting):
            return
        OutcomeEditor(self.runner, meeting, item, parent=self).open()

    def carry_over(self) -> None:
        meeting = self.meeting
        if meeting is None:
            return
        meeting_id = meeting.id

        def done(target: MeetingRecord) -> None:
            self.details.setText(
                _("Items not dealt with were carried to « {title} » ({date}).").format(
                    title=target.title, date=format_datetime(target.starts_at)
                )
            )

        def failed(error: BaseException) -> None:
            if isinstance(error, UserError):
                self.details.setText(error.message)
            else:
                show_error(self, error)

        self.runner.write(lambda session: carry_over_unhandled(session, meeting_id), done, failed)


def _open_statuses() -> list[Any]:
    from sitiv_desktop.domain.enums import CommitmentStatus

    return [CommitmentStatus(value) for value in OPEN_STATUSES]
