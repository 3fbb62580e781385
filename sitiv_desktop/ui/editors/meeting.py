"""The editor of a meeting: when, where, which communes, who attends."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QWidget,
)
from sqlalchemy.orm import Session

from sitiv_desktop.domain.enums import MeetingKind, MeetingStatus
from sitiv_desktop.domain.kinds import RecordKind
from sitiv_desktop.domain.records import CommuneRecord, MeetingRecord
from sitiv_desktop.i18n import _
from sitiv_desktop.services.meetings import MeetingDraft, save_meeting
from sitiv_desktop.store import models
from sitiv_desktop.ui.editors.fields import enum_combo, line_field, long_text_field
from sitiv_desktop.ui.editors.form import FormDialog
from sitiv_desktop.ui.tasks import StoreRunner


def _next_morning() -> dt.datetime:
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    return dt.datetime.combine(tomorrow, dt.time(9, 30))


VISIBLE_COMMUNES = 8


class MeetingEditor(FormDialog):
    kind = RecordKind.MEETING
    table = "meetings"
    model = models.Meeting

    def __init__(
        self,
        runner: StoreRunner,
        communes: Sequence[CommuneRecord],
        record: MeetingRecord | None = None,
        commune_id: uuid.UUID | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = _("New meeting") if record is None else _("Edit the meeting")
        super().__init__(runner, title, parent)
        self.record = record
        self.set_record_id(record.id if record else None)
        self.add_field(
            "kind",
            _("Kind"),
            enum_combo(MeetingKind, record.kind if record else MeetingKind.MAYOR_MEETING),
        )
        self.add_field("title", _("Title"), line_field(record.title if record else ""))
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
        self.add_field("place", _("Place"), line_field(record.place if record else ""))
        self.add_field(
            "status",
            _("Status"),
            enum_combo(MeetingStatus, record.status if record else MeetingStatus.PLANNED),
        )
        chosen = set(record.commune_ids) if record else {commune_id}
        commune_list = QListWidget()
        for commune in communes:
            item = QListWidgetItem(commune.name)
            item.setData(Qt.ItemDataRole.UserRole, commune.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = commune.id in chosen
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            commune_list.addItem(item)
        # Every commune in sight, up to eight rows (a syndicate's usual size); more scroll.
        rows = max(1, min(commune_list.count(), VISIBLE_COMMUNES))
        frame = 2 * commune_list.frameWidth()
        commune_list.setFixedHeight(commune_list.sizeHintForRow(0) * rows + frame)
        self.add_field("communes", _("Communes"), commune_list)
        self.add_field(
            "participants",
            _("Participants"),
            long_text_field(record.participants if record else "", height=60),
        )
        self.add_field(
            "minutes", _("Minutes"), long_text_field(record.minutes if record else "", height=90)
        )
        self.add_field(
            "speaker_notes",
            _("Personal points"),
            long_text_field(record.speaker_notes if record else "", height=80),
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
