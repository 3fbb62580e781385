"""The editor of a commitment: what the syndicate promised a commune, by when."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from sitiv_desktop.domain.enums import CommitmentStatus
from sitiv_desktop.domain.kinds import RecordKind
from sitiv_desktop.domain.records import CommitmentRecord, CommuneRecord
from sitiv_desktop.i18n import _
from sitiv_desktop.services.commitments import (
    CommitmentDraft,
    save_commitment,
    split_legacy_evidence,
)
from sitiv_desktop.store import models
from sitiv_desktop.ui.editors.fields import (
    DateField,
    choice_combo,
    enum_combo,
    line_field,
    long_text_field,
)
from sitiv_desktop.ui.editors.form import FormDialog
from sitiv_desktop.ui.tasks import StoreRunner


class CommitmentEditor(FormDialog):
    kind = RecordKind.COMMITMENT
    table = "commitments"
    model = models.Commitment

    def __init__(
        self,
        runner: StoreRunner,
        communes: Sequence[CommuneRecord],
        record: CommitmentRecord | None = None,
        commune_id: uuid.UUID | None = None,
        projects: Sequence[tuple[str, uuid.UUID]] = (),
        meetings: Sequence[tuple[str, uuid.UUID]] = (),
        parent: QWidget | None = None,
    ) -> None:
        title = _("New commitment") if record is None else _("Edit the commitment")
        super().__init__(runner, title, parent)
        self.start_with_commune(record, communes, commune_id)
        self.add_field("title", _("Commitment"), line_field(record.title if record else ""))
        made_on = record.made_on if record else dt.date.today()
        self.add_field("made_on", _("Made on"), DateField(made_on))
        self.add_field("due_date", _("Due date"), DateField(record.due_date if record else None))
        status = enum_combo(CommitmentStatus, record.status if record else CommitmentStatus.OPEN)
        self.add_field("status", _("Status"), status)
        self.add_field(
            "promised_by", _("Promised by"), line_field(record.promised_by if record else "")
        )
        self.add_field(
            "responsible", _("Responsible"), line_field(record.responsible if record else "")
        )
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
        self.add_field("description", _("Description"), long_text_field(text))
        self.add_field(
            "evidence",
            _("Evidence it was kept"),
            long_text_field(evidence, 50),
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
