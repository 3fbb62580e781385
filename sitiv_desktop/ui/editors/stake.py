"""The editor of a mandate stake: what a commune wants done during the mandate."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QSpinBox, QWidget
from sqlalchemy.orm import Session

from sitiv_desktop.domain.enums import Priority
from sitiv_desktop.domain.kinds import RecordKind
from sitiv_desktop.domain.records import CommuneRecord, StakeRecord
from sitiv_desktop.i18n import _
from sitiv_desktop.services.stakes import StakeDraft, save_stake
from sitiv_desktop.store import models
from sitiv_desktop.ui.editors.fields import enum_combo, line_field
from sitiv_desktop.ui.editors.form import FormDialog
from sitiv_desktop.ui.tasks import StoreRunner


class StakeEditor(FormDialog):
    """A mandate stake: axis → line → action, its priority, the projects that answer it."""

    kind = RecordKind.STAKE
    table = "mandate_stakes"
    model = models.MandateStake

    def __init__(
        self,
        runner: StoreRunner,
        communes: Sequence[CommuneRecord],
        record: StakeRecord | None = None,
        commune_id: uuid.UUID | None = None,
        projects: Sequence[tuple[str, uuid.UUID]] = (),
        parent: QWidget | None = None,
    ) -> None:
        title = _("New mandate stake") if record is None else _("Edit the mandate stake")
        super().__init__(runner, title, parent)
        self.start_with_commune(record, communes, commune_id)
        self.add_field("axis", _("Axis"), line_field(record.axis if record else ""))
        self.add_field("line", _("Line"), line_field(record.line if record else ""))
        self.add_field("action", _("Action"), line_field(record.action if record else ""))
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
