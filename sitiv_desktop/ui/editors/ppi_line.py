"""The editor of a PPI line: a project's programme authorisation and its payment credits."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import QLabel, QTableWidget, QWidget
from sqlalchemy.orm import Session

from sitiv_desktop.domain.kinds import RecordKind
from sitiv_desktop.domain.records import PpiLineRecord
from sitiv_desktop.i18n import _, format_amount, format_money
from sitiv_desktop.services.budgets import ApVoteDraft, PpiLineDraft, save_ppi_line
from sitiv_desktop.services.ppi import left_to_program
from sitiv_desktop.store import models
from sitiv_desktop.ui.editors.fields import (
    DateField,
    cell_text,
    choice_combo,
    date_text,
    line_field,
    long_text_field,
    set_cell,
    table_widget,
)
from sitiv_desktop.ui.editors.form import FormDialog
from sitiv_desktop.ui.tasks import StoreRunner


class PpiLineEditor(FormDialog):
    """A PPI line: its project, the AP votes (history kept), the CP per year, what is left."""

    kind = RecordKind.PPI_LINE
    table = "ppi_lines"
    model = models.PpiLine

    def __init__(
        self,
        runner: StoreRunner,
        record: PpiLineRecord | None = None,
        projects: Sequence[tuple[str, uuid.UUID]] = (),
        parent: QWidget | None = None,
    ) -> None:
        title = _("New PPI line") if record is None else _("Edit the PPI line")
        super().__init__(runner, title, parent)
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
        self.add_field("ap_votes", _("Amount voted"), line_field("", "1 234 567,89"))
        first = dt.date.today().year
        years = sorted(set(record.cp_by_year if record else ()) | {first, first + 1, first + 2})
        self.cp_years = years
        credits = table_widget([_("Year"), _("CP (€)")], len(years))
        for row, year in enumerate(years):
            set_cell(credits, row, 0, str(year), editable=False)
            amount = record.cp_by_year.get(year) if record else None
            set_cell(credits, row, 1, format_amount(amount) if amount is not None else "")
        self.add_field("cp", _("CP per year"), credits)
        remaining = (
            left_to_program(
                record.ap, sum(record.cp_by_year.values(), Decimal(0)), record.project_status
            )
            if record is not None
            else None
        )
        left = QLabel(
            _("Left to plan: {amount}").format(amount=format_money(remaining))
            if remaining is not None
            else _("Left to plan: no AP voted yet.")
        )
        left.setObjectName("strong")
        self.form.addRow("", left)
        self.add_field("note", _("Note"), long_text_field(record.note if record else "", 50))

    def work(self) -> Callable[[Session], Any]:
        credits = self.fields["cp"]
        assert isinstance(credits, QTableWidget)
        record = self.record
        typed = {year: cell_text(credits, row, 1) for row, year in enumerate(self.cp_years)}
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
