"""The editor of a project: what it is, who pays, its milestones, its AP and CP."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from sitiv_desktop.domain.enums import ProjectDomain, ProjectStatus
from sitiv_desktop.domain.kinds import RecordKind
from sitiv_desktop.domain.records import CommuneRecord, PpiLineRecord, ProjectRecord
from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import _, format_amount, format_money
from sitiv_desktop.services.budgets import ApVoteDraft, PpiLineDraft, save_ppi_line
from sitiv_desktop.services.projects import MilestoneDraft, ProjectDraft, owner_share, save_project
from sitiv_desktop.store import models
from sitiv_desktop.ui.editors.fields import (
    ERROR_STYLE,
    DateField,
    cell_text,
    commune_combo,
    date_text,
    enum_combo,
    form_layout,
    line_field,
    long_text_field,
    set_cell,
    table_widget,
)
from sitiv_desktop.ui.editors.form import FormDialog
from sitiv_desktop.ui.tasks import StoreRunner


class ProjectEditor(FormDialog):
    """A project in four tabs: what it is, who pays (shares), its milestones, its AP and CP."""

    kind = RecordKind.PROJECT
    table = "projects"
    model = models.Project

    def __init__(
        self,
        runner: StoreRunner,
        communes: Sequence[CommuneRecord],
        record: ProjectRecord | None = None,
        commune_id: uuid.UUID | None = None,
        budget: PpiLineRecord | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = _("New project") if record is None else _("Edit the project")
        super().__init__(runner, title, parent)
        self.record, self.budget, self.communes = record, budget, list(communes)
        self.set_record_id(record.id if record else None)
        self.tabs = QTabWidget()
        self.body.removeItem(self.form)
        general = QWidget()
        general.setLayout(self.form)
        self.tabs.addTab(general, _("General"))
        self.body.addWidget(self.tabs, 1)
        self.add_field("code", _("Code"), line_field(record.code if record else ""))
        self.add_field("title", _("Title"), line_field(record.title if record else ""))
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
        self.add_field("partners", _("Partners"), line_field(record.partners if record else ""))
        self.add_field(
            "description", _("Description"), long_text_field(record.description if record else "")
        )
        self._build_shares(record)
        self._build_milestones(record)
        self._build_budget(budget)
        owner_combo.currentIndexChanged.connect(self._update_rest)
        self._update_rest()

    # Participations ----------------------------------------------------------------------

    def _build_shares(self, record: ProjectRecord | None) -> None:
        page = QWidget()
        form = form_layout()
        page.setLayout(form)
        shares = table_widget([_("Commune"), _("Cost share (%)")], len(self.communes))
        current = {p.commune_id: p.cost_share for p in (record.participations if record else ())}
        for row, commune in enumerate(self.communes):
            set_cell(shares, row, 0, commune.name, editable=False)
            share = current.get(commune.id)
            set_cell(shares, row, 1, str(share) if share is not None else "")
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
            typed = cell_text(table, row, 1).replace("%", "").strip()
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
        form = form_layout()
        milestones = record.milestones if record else ()
        table = table_widget([_("Milestone"), _("Due date"), _("Done on")], len(milestones))
        self.milestone_ids: list[uuid.UUID | None] = []
        for row, milestone in enumerate(milestones):
            set_cell(table, row, 0, milestone.title)
            set_cell(table, row, 1, date_text(milestone.due_date))
            set_cell(table, row, 2, date_text(milestone.done_on))
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
            set_cell(table, row, column, text)
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
            title, due, done = (cell_text(table, row, column) for column in range(3))
            if not (title or due or done):
                continue
            drafts.append(MilestoneDraft(title, due, done, self.milestone_ids[row]))
        return drafts

    # Budget ------------------------------------------------------------------------------

    def _build_budget(self, budget: PpiLineRecord | None) -> None:
        page = QWidget()
        form = form_layout()
        page.setLayout(form)
        history = budget.ap_history if budget else ()
        votes = table_widget([_("Voted on"), _("AP amount")], len(history))
        for row, (voted_on, amount) in enumerate(history):
            set_cell(votes, row, 0, date_text(voted_on), editable=False)
            set_cell(votes, row, 1, format_money(amount), editable=False)
        votes.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        votes.setMinimumHeight(100)
        self.add_field("ap_history", _("AP votes"), votes, form)
        self.add_field("vote_date", _("New AP vote on"), DateField(None), form)
        self.add_field("ap_votes", _("Amount voted"), line_field("", "1 234 567,89"), form)
        years = sorted(budget.cp_by_year) if budget else []
        first = dt.date.today().year
        shown = sorted(set(years) | {first, first + 1, first + 2})
        credits = table_widget([_("Year"), _("CP (€)")], len(shown))
        for row, year in enumerate(shown):
            set_cell(credits, row, 0, str(year), editable=False)
            credit = budget.cp_by_year.get(year) if budget else None
            set_cell(credits, row, 1, format_amount(credit) if credit is not None else "")
        self.add_field("cp", _("CP per year"), credits, form)
        self.cp_years = shown
        self.add_field(
            "ppi_note", _("PPI note"), long_text_field(budget.note if budget else "", 50), form
        )
        self.tabs.addTab(page, _("Budget (AP, CP)"))

    def budget_draft(self, project_id: uuid.UUID | None) -> PpiLineDraft | None:
        credits = self.fields["cp"]
        assert isinstance(credits, QTableWidget)
        typed_cp = {year: cell_text(credits, row, 1) for row, year in enumerate(self.cp_years)}
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
