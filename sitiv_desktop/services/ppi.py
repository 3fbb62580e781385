"""The PPI (multi-year investment plan): its lines, and the commune × year table of AP and CP.

A line's amounts are split between communes by their cost share in the project; what no
participation covers is borne by the owner commune, or by the syndicate for its own projects.
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

from sitiv_desktop.domain.records import PpiLineRecord, PpiRow, PpiTable
from sitiv_desktop.services.conversions import from_cents_or_none, syndicate_name
from sitiv_desktop.services.projects import commune_project_filter
from sitiv_desktop.store import models

CENT = Decimal("0.01")


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


def _payer_shares(
    session: Session, commune_id: uuid.UUID | None
) -> dict[uuid.UUID, dict[uuid.UUID | None, Decimal]]:
    """Per PPI line, each payer's fraction of its project's cost; None is the syndicate."""
    lines = session.execute(
        select(models.PpiLine.id, models.PpiLine.project_id, models.Project.owner_commune_id)
        .join(models.Project, models.PpiLine.project_id == models.Project.id)
        .where(models.PpiLine.id.in_(_line_filter(commune_id)))
    ).all()
    participations = session.execute(
        select(
            models.Participation.project_id,
            models.Participation.commune_id,
            models.Participation.cost_share,
        )
        .where(
            models.Participation.project_id.in_(
                select(models.PpiLine.project_id).where(
                    models.PpiLine.id.in_(_line_filter(commune_id))
                )
            )
        )
        .order_by(models.Participation.id)
    ).all()
    by_project: dict[uuid.UUID, list[tuple[uuid.UUID, int]]] = defaultdict(list)
    for project_id, payer, cost_share in participations:
        by_project[project_id].append((payer, cost_share))
    return {
        line_id: _shares(by_project.get(project_id, []), owner_id)
        for line_id, project_id, owner_id in lines
    }


def _shares(
    participations: list[tuple[uuid.UUID, int]], owner_id: uuid.UUID | None
) -> dict[uuid.UUID | None, Decimal]:
    """Each payer's fraction of a project's cost; what no participation covers is the owner's."""
    shares: dict[uuid.UUID | None, Decimal] = {}
    for payer, cost_share in participations:
        shares[payer] = Decimal(cost_share) / 100
    remainder = Decimal(1) - sum(shares.values(), Decimal(0))
    if remainder > 0:
        shares[owner_id] = shares.get(owner_id, Decimal(0)) + remainder
    return shares


def _ap_in_force(session: Session, commune_id: uuid.UUID | None) -> dict[uuid.UUID, Decimal]:
    """Per PPI line, the amount of its latest AP vote (ties broken by the later record)."""
    ranked = (
        select(
            models.ApRevision.line_id,
            models.ApRevision.amount_cents,
            func.row_number()
            .over(
                partition_by=models.ApRevision.line_id,
                order_by=(models.ApRevision.voted_on.desc(), models.ApRevision.id.desc()),
            )
            .label("rank"),
        )
        .where(models.ApRevision.line_id.in_(_line_filter(commune_id)))
        .subquery()
    )
    rows = session.execute(
        select(ranked.c.line_id, ranked.c.amount_cents).where(ranked.c.rank == 1)
    )
    return {line_id: from_cents_or_none(cents) or Decimal(0) for line_id, cents in rows}


def ppi_table(
    session: Session,
    commune_id: uuid.UUID | None = None,
    years: tuple[int, ...] | None = None,
) -> PpiTable:
    """AP and CP per commune and year; limited to one commune's share when one is given.

    Read as plain rows, not as mapped objects: at the scale of a large syndicate the table
    covers thousands of lines, and it is summed, never shown line by line.
    """
    names: dict[uuid.UUID | None, str] = {
        commune_id: name
        for commune_id, name in session.execute(select(models.Commune.id, models.Commune.name))
    }
    shares = _payer_shares(session, commune_id)
    ap_by_line = _ap_in_force(session, commune_id)
    credits = select(
        models.PaymentCredit.line_id, models.PaymentCredit.year, models.PaymentCredit.amount_cents
    ).where(models.PaymentCredit.line_id.in_(_line_filter(commune_id)))
    if years is not None:
        credits = credits.where(models.PaymentCredit.year.in_(years))
    cp_by_line: dict[uuid.UUID, dict[int, Decimal]] = defaultdict(dict)
    for line_id, year, cents in session.execute(credits):
        cp_by_line[line_id][year] = from_cents_or_none(cents) or Decimal(0)
    ap: dict[uuid.UUID | None, Decimal] = defaultdict(Decimal)
    cp: dict[uuid.UUID | None, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    seen_years: set[int] = set()
    for line_id, line_shares in shares.items():
        for payer, share in line_shares.items():
            if commune_id is not None and payer != commune_id:
                continue
            ap[payer] += ap_by_line.get(line_id, Decimal(0)) * share
            for year, amount in cp_by_line.get(line_id, {}).items():
                cp[payer][year] += amount * share
                seen_years.add(year)
    shown_years = years if years is not None else tuple(sorted(seen_years))
    rows = [
        PpiRow(
            commune_id=payer,
            commune_name=names.get(payer, "") if payer is not None else syndicate_name(),
            ap=ap[payer].quantize(CENT),
            cp_by_year={
                year: cp[payer].get(year, Decimal(0)).quantize(CENT) for year in shown_years
            },
        )
        for payer in set(ap) | set(cp)
    ]
    rows.sort(key=lambda row: (row.commune_id is None, row.commune_name))
    return PpiTable(years=shown_years, rows=tuple(rows))


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

    ``remaining`` is what is still to be programmed (« reste à programmer »), never negative;
    ``overrun`` is how much the CP exceed the AP, zero when they do not. A line with CP and no
    AP voted is all overrun.
    """

    line_id: uuid.UUID
    ap: Decimal | None
    cp_total: Decimal

    @property
    def remaining(self) -> Decimal:
        return max(Decimal(0), (self.ap or Decimal(0)) - self.cp_total)

    @property
    def overrun(self) -> Decimal:
        return max(Decimal(0), self.cp_total - (self.ap or Decimal(0)))


def balance(line: PpiLineRecord) -> PpiBalance:
    """The balance of a line already read."""
    return PpiBalance(line.id, line.ap, sum(line.cp_by_year.values(), Decimal(0)))


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
            line_id, ap.get(line_id), from_cents_or_none(totals.get(line_id)) or Decimal(0)
        )
        for line_id in session.scalars(wanted)
    }
