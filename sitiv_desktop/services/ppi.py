"""The PPI (multi-year investment plan): its lines, and the commune × year table of AP and CP.

A line's amounts are split between communes by their cost share in the project; what no
participation covers is borne by the owner commune, or by the syndicate for its own projects.

« Reste à programmer » is computed here, once (``left_to_program``, and the same rule summed by
the database in ``share_left_to_program``): the list, the spreadsheet, the editor's figure and the
packs all read it.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session, selectinload

from sitiv_desktop.domain.enums import ProjectStatus
from sitiv_desktop.domain.records import PpiLineRecord, PpiRow, PpiTable
from sitiv_desktop.i18n import _
from sitiv_desktop.services.conversions import from_cents_or_none, syndicate_name
from sitiv_desktop.services.projects import commune_project_filter, latest_vote_first
from sitiv_desktop.store import models

CENT = Decimal("0.01")
# The statuses of a project that leave nothing to program: an abandoned project's AP voted and
# its CP stay on its line as history, but no credit is to be planned any more.
NOTHING_LEFT_TO_PROGRAM = (ProjectStatus.ABANDONED,)


def left_to_program(
    ap: Decimal | None, cp_total: Decimal, status: ProjectStatus | None
) -> Decimal | None:
    """« Reste à programmer » of a line: the AP in force less the CP spread over the years,
    negative when the CP exceed it; zero for an abandoned project (nothing is to be programmed
    any more, whatever was voted); None while no AP has been voted."""
    if status in NOTHING_LEFT_TO_PROGRAM:
        return Decimal(0)
    if ap is None:
        return None
    return ap - cp_total


def nothing_left_note(status: ProjectStatus | None) -> str:
    """Why « reste à programmer » is nil whatever the AP, for the line of an abandoned project
    (shown beside the amount); empty for any other line."""
    if status in NOTHING_LEFT_TO_PROGRAM:
        return _("Abandoned project: nothing is left to program.")
    return ""


def _line_record(line: models.PpiLine) -> PpiLineRecord:
    history = tuple(
        (revision.voted_on, from_cents_or_none(revision.amount_cents) or Decimal(0))
        for revision in sorted(line.revisions, key=lambda r: (r.voted_on, r.id))
    )
    project = line.project
    return PpiLineRecord(
        id=line.id,
        project_id=project.id,
        project_code=project.code,
        project_title=project.title,
        owner_name=project.owner.name if project.owner is not None else syndicate_name(),
        ap=history[-1][1] if history else None,
        ap_history=history,
        cp_by_year={
            credit.year: from_cents_or_none(credit.amount_cents) or Decimal(0)
            for credit in line.payment_credits
        },
        note=line.note,
        project_status=ProjectStatus(project.status),
    )


def _lines(
    session: Session,
    commune_id: uuid.UUID | None,
    line_ids: Collection[uuid.UUID] | None = None,
) -> list[models.PpiLine]:
    statement = (
        select(models.PpiLine)
        .join(models.Project)
        .options(
            selectinload(models.PpiLine.revisions),
            selectinload(models.PpiLine.payment_credits),
            selectinload(models.PpiLine.project).selectinload(models.Project.owner),
            selectinload(models.PpiLine.project)
            .selectinload(models.Project.participations)
            .selectinload(models.Participation.commune),
        )
        .order_by(models.Project.code)
    )
    if commune_id is not None:
        statement = statement.where(commune_project_filter(commune_id))
    if line_ids is not None:
        statement = statement.where(models.PpiLine.id.in_(list(line_ids)))
    return list(session.scalars(statement))


def list_ppi_lines(
    session: Session,
    commune_id: uuid.UUID | None = None,
    line_ids: Collection[uuid.UUID] | None = None,
) -> list[PpiLineRecord]:
    """The PPI lines of the projects a commune owns or takes part in (all lines without one),
    by project code; only the lines of ``line_ids`` when it is given."""
    return [_line_record(line) for line in _lines(session, commune_id, line_ids)]


def _line_filter(commune_id: uuid.UUID | None) -> Select[uuid.UUID]:
    """The ids of the PPI lines of a commune's projects (of every project without one)."""
    statement = select(models.PpiLine.id).join(
        models.Project, models.PpiLine.project_id == models.Project.id
    )
    if commune_id is not None:
        statement = statement.where(commune_project_filter(commune_id))
    return statement


def _ap_in_force(session: Session, commune_id: uuid.UUID | None) -> dict[uuid.UUID, Decimal]:
    """Per PPI line, the amount of its latest AP vote (ties broken by the later record)."""
    ranked = (
        select(
            models.ApRevision.line_id,
            models.ApRevision.amount_cents,
            latest_vote_first(),
        )
        .where(models.ApRevision.line_id.in_(_line_filter(commune_id)))
        .subquery()
    )
    rows = session.execute(
        select(ranked.c.line_id, ranked.c.amount_cents).where(ranked.c.rank == 1)
    )
    return {line_id: from_cents_or_none(cents) or Decimal(0) for line_id, cents in rows}


def _payer_percents(commune_id: uuid.UUID | None) -> Any:
    """Per PPI line, each payer's percent of its project's cost, as rows (line, payer,
    percent): its participations, and what they leave uncovered borne by the owner commune (None
    for the syndicate's own projects). Only the commune's own rows when one is given."""
    part = models.Participation
    lines = select(models.PpiLine.id.label("line_id"), models.PpiLine.project_id).join(
        models.Project, models.PpiLine.project_id == models.Project.id
    )
    if commune_id is not None:
        lines = lines.where(commune_project_filter(commune_id))
    chosen = lines.subquery()
    shared = select(
        chosen.c.line_id, part.commune_id.label("payer"), part.cost_share.label("percent")
    ).join(part, part.project_id == chosen.c.project_id)
    covered_by = select(part.project_id, func.sum(part.cost_share).label("total"))
    if commune_id is not None:
        covered_by = covered_by.where(part.project_id.in_(select(chosen.c.project_id)))
    covered = covered_by.group_by(part.project_id).subquery()
    left_over = 100 - func.coalesce(covered.c.total, 0)
    owned = (
        select(
            chosen.c.line_id,
            models.Project.owner_commune_id.label("payer"),
            left_over.label("percent"),
        )
        .join(models.Project, models.Project.id == chosen.c.project_id)
        .outerjoin(covered, covered.c.project_id == chosen.c.project_id)
        .where(left_over > 0)
    )
    if commune_id is not None:
        shared = shared.where(part.commune_id == commune_id)
        owned = owned.where(models.Project.owner_commune_id == commune_id)
    return shared.union_all(owned).subquery()


def _in_force_votes(commune_id: uuid.UUID | None) -> Any:
    """Per PPI line (a commune's, or all), the amount of its latest AP vote, as a subquery."""
    revision = models.ApRevision
    votes = select(
        revision.line_id,
        revision.amount_cents,
        latest_vote_first(),
    )
    if commune_id is not None:
        votes = votes.where(revision.line_id.in_(_line_filter(commune_id)))
    ranked = votes.subquery()
    return select(ranked.c.line_id, ranked.c.amount_cents).where(ranked.c.rank == 1).subquery()


def ppi_table(
    session: Session,
    commune_id: uuid.UUID | None = None,
    years: tuple[int, ...] | None = None,
) -> PpiTable:
    """AP and CP per commune and year; limited to one commune's share when one is given.

    Summed by the database, never read line by line: at the scale of a large syndicate the
    table covers thousands of lines. Each line's AP in force and credits are split between
    its payers by percent, in whole cents times percent, so the sums are exact before they are
    rounded to the cent.
    """
    names: dict[uuid.UUID | None, str] = {
        commune_id: name
        for commune_id, name in session.execute(select(models.Commune.id, models.Commune.name))
    }
    payers = _payer_percents(commune_id)
    in_force = _in_force_votes(commune_id)
    ap_rows = session.execute(
        select(
            payers.c.payer,
            func.sum(func.coalesce(in_force.c.amount_cents, 0) * payers.c.percent),
        )
        .outerjoin(in_force, in_force.c.line_id == payers.c.line_id)
        .group_by(payers.c.payer)
    )
    ap = {payer: _cents_percent(total) for payer, total in ap_rows}
    credit = models.PaymentCredit
    credits = (
        select(
            payers.c.payer,
            credit.year,
            func.sum(func.coalesce(credit.amount_cents, 0) * payers.c.percent),
        )
        .join(credit, credit.line_id == payers.c.line_id)
        .group_by(payers.c.payer, credit.year)
    )
    if years is not None:
        credits = credits.where(credit.year.in_(years))
    cp: dict[uuid.UUID | None, dict[int, Decimal]] = defaultdict(dict)
    for payer, year, total in session.execute(credits):
        cp[payer][year] = _cents_percent(total)
    seen_years = {year for by_year in cp.values() for year in by_year}
    shown_years = years if years is not None else tuple(sorted(seen_years))
    rows = [
        PpiRow(
            commune_id=payer,
            commune_name=names.get(payer, "") if payer is not None else syndicate_name(),
            ap=ap.get(payer, Decimal(0)).quantize(CENT),
            cp_by_year={
                year: cp[payer].get(year, Decimal(0)).quantize(CENT) for year in shown_years
            },
        )
        for payer in set(ap) | set(cp)
    ]
    rows.sort(key=lambda row: (row.commune_id is None, row.commune_name))
    return PpiTable(years=shown_years, rows=tuple(rows))


def _cents_percent(total: int | None) -> Decimal:
    """Whole cents times percent, in euros, exactly."""
    return Decimal(total or 0) / 10_000


def cp_totals_by_year(session: Session, commune_id: uuid.UUID | None = None) -> dict[int, Decimal]:
    """The payment credits of each year, summed by the database: a commune's share of them, or
    what every payer (the syndicate included) bears without one. The dashboard's chart.

    A commune's share of a line is its cost share in the project, plus, when it owns the
    project, what no participation covers (as ``ppi_table`` splits it), so a commune's totals
    are those of its row of ``ppi_table``; all payers together bear each line at least whole.
    """
    part = models.Participation
    shares = select(part.project_id, func.sum(part.cost_share).label("total"))
    if commune_id is not None:
        shares = shares.add_columns(
            func.sum(case((part.commune_id == commune_id, part.cost_share), else_=0)).label("mine")
        )
    shares_by_project = shares.group_by(part.project_id).subquery()
    covered = func.coalesce(shares_by_project.c.total, 0)
    if commune_id is None:
        percent: Any = case((covered > 100, covered), else_=100)
    else:
        left_over = case((covered < 100, 100 - covered), else_=0)
        percent = func.coalesce(shares_by_project.c.mine, 0) + case(
            (models.Project.owner_commune_id == commune_id, left_over), else_=0
        )
    statement = (
        select(
            models.PaymentCredit.year,
            func.sum(models.PaymentCredit.amount_cents * percent),
        )
        .join(models.PpiLine, models.PpiLine.id == models.PaymentCredit.line_id)
        .join(models.Project, models.Project.id == models.PpiLine.project_id)
        .outerjoin(shares_by_project, shares_by_project.c.project_id == models.Project.id)
        .group_by(models.PaymentCredit.year)
        .order_by(models.PaymentCredit.year)
    )
    if commune_id is not None:
        statement = statement.where(commune_project_filter(commune_id))
    totals: dict[int, Decimal] = {}
    for year, cents_percent in session.execute(statement):
        totals[year] = (Decimal(cents_percent or 0) / 10_000).quantize(CENT)
    return totals


@dataclass(frozen=True)
class PpiBalance:
    """A PPI line's payment credits summed against its AP in force.

    ``remaining`` is what is still to be programmed (« reste à programmer »), never negative,
    and zero for an abandoned project; ``overrun`` is how much the CP exceed the AP, zero when
    they do not. A line with CP and no AP voted is all overrun.
    """

    line_id: uuid.UUID
    ap: Decimal | None
    cp_total: Decimal
    status: ProjectStatus | None = None

    @property
    def remaining(self) -> Decimal:
        left = left_to_program(self.ap, self.cp_total, self.status)
        return max(Decimal(0), left or Decimal(0))

    @property
    def overrun(self) -> Decimal:
        return max(Decimal(0), self.cp_total - (self.ap or Decimal(0)))


def balance(line: PpiLineRecord) -> PpiBalance:
    """The balance of a line already read."""
    return PpiBalance(
        line.id, line.ap, sum(line.cp_by_year.values(), Decimal(0)), line.project_status
    )


def ppi_balances(
    session: Session,
    commune_id: uuid.UUID | None = None,
    line_ids: Collection[uuid.UUID] | None = None,
) -> dict[uuid.UUID, PpiBalance]:
    """Per PPI line (a commune's, or all), its AP in force, its CP summed, what remains, what
    overruns: read as plain rows, for the window, the packs, the spreadsheet and the import."""
    wanted = _line_filter(commune_id)
    if line_ids is not None:
        wanted = wanted.where(models.PpiLine.id.in_(list(line_ids)))
    ap = _ap_in_force(session, commune_id)
    totals: dict[uuid.UUID, int] = {
        line_id: total
        for line_id, total in session.execute(
            select(models.PaymentCredit.line_id, func.sum(models.PaymentCredit.amount_cents))
            .where(models.PaymentCredit.line_id.in_(wanted))
            .group_by(models.PaymentCredit.line_id)
        )
    }
    return {
        line_id: PpiBalance(
            line_id,
            ap.get(line_id),
            from_cents_or_none(totals.get(line_id)) or Decimal(0),
            ProjectStatus(status),
        )
        for line_id, status in session.execute(wanted.add_columns(models.Project.status))
    }


def share_left_to_program(session: Session, commune_id: uuid.UUID) -> Decimal:
    """A commune's share of what is left to program, all its lines together: on each line, its
    percent of ``left_to_program`` (the AP in force, or nothing when none was voted, less the CP;
    nothing for an abandoned project), summed by the database in whole cents times percent."""
    payers = _payer_percents(commune_id)
    in_force = _in_force_votes(commune_id)
    credit = models.PaymentCredit
    cp = (
        select(credit.line_id, func.sum(credit.amount_cents).label("cents"))
        .where(credit.line_id.in_(_line_filter(commune_id)))
        .group_by(credit.line_id)
        .subquery()
    )
    left = func.coalesce(in_force.c.amount_cents, 0) - func.coalesce(cp.c.cents, 0)
    closed = [status.value for status in NOTHING_LEFT_TO_PROGRAM]
    total = session.scalar(
        select(
            func.sum(case((models.Project.status.in_(closed), 0), else_=left) * payers.c.percent)
        )
        .select_from(payers)
        .join(models.PpiLine, models.PpiLine.id == payers.c.line_id)
        .join(models.Project, models.Project.id == models.PpiLine.project_id)
        .outerjoin(in_force, in_force.c.line_id == payers.c.line_id)
        .outerjoin(cp, cp.c.line_id == payers.c.line_id)
        .where(payers.c.payer == commune_id)
    )
    return _cents_percent(total).quantize(CENT)
