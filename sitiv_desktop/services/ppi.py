"""The PPI (multi-year investment plan): its lines, and the commune × year table of AP and CP.

A line's amounts are split between communes by their cost share in the project; what no
participation covers is borne by the owner commune, or by the syndicate for its own projects.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import select
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


def _lines(session: Session, commune_id: uuid.UUID | None) -> list[models.PpiLine]:
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
    return list(session.scalars(statement))


def list_ppi_lines(session: Session, commune_id: uuid.UUID | None = None) -> list[PpiLineRecord]:
    """The PPI lines of the projects a commune owns or takes part in (all lines without one)."""
    return [_line_record(line) for line in _lines(session, commune_id)]


def _shares(project: models.Project) -> dict[uuid.UUID | None, Decimal]:
    """Each payer's fraction of the project's cost; None stands for the syndicate."""
    shares: dict[uuid.UUID | None, Decimal] = {}
    for participation in project.participations:
        shares[participation.commune_id] = Decimal(participation.cost_share) / 100
    remainder = Decimal(1) - sum(shares.values(), Decimal(0))
    if remainder > 0:
        payer = project.owner_commune_id
        shares[payer] = shares.get(payer, Decimal(0)) + remainder
    return shares


def ppi_table(
    session: Session,
    commune_id: uuid.UUID | None = None,
    years: tuple[int, ...] | None = None,
) -> PpiTable:
    """AP and CP per commune and year; limited to one commune's share when one is given."""
    names = {c.id: c.name for c in session.scalars(select(models.Commune))}
    ap: dict[uuid.UUID | None, Decimal] = defaultdict(Decimal)
    cp: dict[uuid.UUID | None, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    seen_years: set[int] = set()
    for line in _lines(session, commune_id):
        record = _line_record(line)
        for payer, share in _shares(line.project).items():
            if commune_id is not None and payer != commune_id:
                continue
            ap[payer] += (record.ap or Decimal(0)) * share
            for year, amount in record.cp_by_year.items():
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
