"""The editor of an exchange: a call, a mail or a visit noted with a commune."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from sitiv_desktop.domain.enums import ExchangeChannel, ExchangeDirection
from sitiv_desktop.domain.kinds import RecordKind
from sitiv_desktop.domain.records import CommuneRecord, ExchangeRecord
from sitiv_desktop.i18n import _
from sitiv_desktop.services.exchanges import ExchangeDraft, record_exchange
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


class ExchangeEditor(FormDialog):
    kind = RecordKind.EXCHANGE
    table = "exchanges"
    model = models.Exchange

    def __init__(
        self,
        runner: StoreRunner,
        communes: Sequence[CommuneRecord],
        record: ExchangeRecord | None = None,
        commune_id: uuid.UUID | None = None,
        author: str = "",
        projects: Sequence[tuple[str, uuid.UUID]] = (),
        commitments: Sequence[tuple[str, uuid.UUID]] = (),
        parent: QWidget | None = None,
    ) -> None:
        title = _("Note an exchange") if record is None else _("Edit the exchange")
        super().__init__(runner, title, parent)
        self.start_with_commune(record, communes, commune_id)
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
        self.add_field("subject", _("Subject"), line_field(record.subject if record else ""))
        self.add_field("summary", _("Summary"), long_text_field(record.summary if record else ""))
        self.add_field(
            "follow_up", _("Follow-up"), long_text_field(record.follow_up if record else "")
        )
        self.add_field("author", _("Author"), line_field(record.author if record else author))
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
