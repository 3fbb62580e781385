"""The project portfolio: filtered lists, one project in full, and saving a project."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Label, Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from sitiv_desktop.domain.enums import ProjectDomain, ProjectStatus
from sitiv_desktop.domain.records import ProjectRecord
from sitiv_desktop.errors import NotFound, UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.services.conversions import from_cents_or_none, project_record
from sitiv_desktop.services.validation import (
    check_order,
    check_percent,
    parse_choice,
    parse_date,
    require_date,
    require_text,
)
from sitiv_desktop.store import models


def commune_project_filter(commune_id: uuid.UUID) -> ColumnElement[bool]:
    """Projects a commune owns or takes part in."""
    participating = select(models.Participation.project_id).where(
        models.Participation.commune_id == commune_id
    )
    return or_(models.Project.owner_commune_id == commune_id, models.Project.id.in_(participating))


def latest_vote_first() -> Label[int]:
    """Each AP vote's rank within its PPI line, 1 for the one in force: the latest vote, ties
    broken by the later record. Keep the rows of rank 1."""
    return (
        func.row_number()
        .over(
            partition_by=models.ApRevision.line_id,
            order_by=(models.ApRevision.voted_on.desc(), models.ApRevision.id.desc()),
        )
        .label("rank")
    )


def ap_in_force_cents(
    project_ids: list[uuid.UUID] | Select[Any] | None = None,
) -> Select[tuple[uuid.UUID, int]]:
    """Per project, the amount of its latest AP vote (ties broken by the later record).

    With ``project_ids`` (a list, or a query of project ids), only those projects' votes are
    ranked (a page of a list, a commune's projects), not every vote of the PPI.
    """
    ranked = select(
        models.PpiLine.project_id,
        models.ApRevision.amount_cents,
        latest_vote_first(),
    ).join(models.ApRevision, models.ApRevision.line_id == models.PpiLine.id)
    if project_ids is not None:
        ranked = ranked.where(models.PpiLine.project_id.in_(project_ids))
    latest = ranked.subquery()
    return select(latest.c.project_id, latest.c.amount_cents).where(latest.c.rank == 1)


@dataclass(frozen=True)
class ProjectFilter:
    commune_id: uuid.UUID | None = None
    statuses: tuple[ProjectStatus, ...] = ()
    domains: tuple[ProjectDomain, ...] = ()
    text: str = ""


def _filtered(statement: Select[models.Project], wanted: ProjectFilter) -> Select[models.Project]:
    if wanted.commune_id is not None:
        statement = statement.where(commune_project_filter(wanted.commune_id))
    if wanted.statuses:
        statement = statement.where(models.Project.status.in_([s.value for s in wanted.statuses]))
    if wanted.domains:
        statement = statement.where(models.Project.domain.in_([d.value for d in wanted.domains]))
    if wanted.text.strip():
        pattern = f"%{wanted.text.strip()}%"
        statement = statement.where(
            or_(models.Project.title.ilike(pattern), models.Project.code.ilike(pattern))
        )
    return statement


def count_projects(session: Session, wanted: ProjectFilter = ProjectFilter()) -> int:
    statement = _filtered(select(models.Project), wanted).with_only_columns(
        func.count(), maintain_column_froms=True
    )
    return session.scalar(statement) or 0


def list_projects(
    session: Session,
    wanted: ProjectFilter = ProjectFilter(),
    offset: int = 0,
    limit: int | None = None,
) -> list[ProjectRecord]:
    statement = (
        _filtered(select(models.Project), wanted)
        .options(selectinload(models.Project.owner))
        .order_by(models.Project.code)
        .offset(offset)
        .limit(limit)
    )
    rows = list(session.scalars(statement))
    budgets = budgets_in_force(session, [row.id for row in rows])
    return [project_record(row, budgets.get(row.id)) for row in rows]


def projects_by_id(session: Session, project_ids: Collection[uuid.UUID]) -> list[ProjectRecord]:
    """The projects of ``project_ids``, by code, with their AP in force."""
    if not project_ids:
        return []
    statement = (
        select(models.Project)
        .where(models.Project.id.in_(list(project_ids)))
        .options(selectinload(models.Project.owner))
        .order_by(models.Project.code)
    )
    rows = list(session.scalars(statement))
    budgets = budgets_in_force(session, [row.id for row in rows])
    return [project_record(row, budgets.get(row.id)) for row in rows]


def budgets_in_force(session: Session, project_ids: list[uuid.UUID]) -> dict[uuid.UUID, Decimal]:
    if not project_ids:
        return {}
    rows: list[Any] = list(session.execute(ap_in_force_cents(project_ids)))
    return {row[0]: from_cents_or_none(row[1]) or Decimal(0) for row in rows}


def get_project(session: Session, project_id: uuid.UUID) -> ProjectRecord:
    row = session.get(
        models.Project,
        project_id,
        options=[
            selectinload(models.Project.participations).selectinload(models.Participation.commune),
            selectinload(models.Project.milestones),
        ],
    )
    if row is None:
        raise NotFound(_("No project has this identifier."))
    return project_record(row, budgets_in_force(session, [row.id]).get(row.id), detailed=True)


@dataclass
class ProjectDraft:
    """What a person typed in the project form, before it is checked."""

    code: str
    title: str
    domain: str | ProjectDomain
    status: str | ProjectStatus = ProjectStatus.IDEA
    description: str = ""
    owner_commune_id: uuid.UUID | None = None
    partners: str = ""
    start_date: str | dt.date | None = None
    end_date: str | dt.date | None = None
    progress: int = 0
    id: uuid.UUID | None = None
    participations: dict[uuid.UUID, int] = field(default_factory=dict)
    # The window sends the whole list (even empty); other callers leave both as they are.
    replace_participations: bool = False
    milestones: list[MilestoneDraft] | None = None


@dataclass
class MilestoneDraft:
    title: str
    due_date: str | dt.date | None
    done_on: str | dt.date | None = None
    id: uuid.UUID | None = None


def owner_share(participations: dict[uuid.UUID, int], owner_id: uuid.UUID | None) -> int:
    """What the owner bears: its own share plus whatever the other communes leave."""
    others = sum(share for commune_id, share in participations.items() if commune_id != owner_id)
    return max(0, 100 - others)


def save_project(session: Session, draft: ProjectDraft) -> ProjectRecord:
    """Create or update a project after checking every field."""
    code = require_text(draft.code, "code", _("Code"), max_length=30)
    title = require_text(draft.title, "title", _("Title"))
    domain = parse_choice(draft.domain, ProjectDomain, "domain", _("Domain"))
    status = parse_choice(draft.status, ProjectStatus, "status", _("Status"))
    start = parse_date(draft.start_date, "start_date", _("Start"))
    end = parse_date(draft.end_date, "end_date", _("End"))
    check_order(start, end, "end_date", _("End"))
    progress = check_percent(draft.progress, "progress", _("Progress"))
    total_share = sum(draft.participations.values())
    for share in draft.participations.values():
        check_percent(share, "participations", _("Cost share"))
    if total_share > 100:
        raise UserError(_("Cost share: the shares add up to more than 100 %."), "participations")
    known = set(
        session.scalars(
            select(models.Commune.id).where(models.Commune.id.in_(list(draft.participations)))
        )
    )
    if len(known) != len(draft.participations):
        raise UserError(
            _("Cost share: one of the communes chosen no longer exists."), "participations"
        )
    milestones = []
    for number, milestone in enumerate(draft.milestones or (), start=1):
        label = _("Milestone {number}").format(number=number)
        name = require_text(milestone.title, "milestones", label)
        due = require_date(milestone.due_date, "milestones", label)
        done = parse_date(milestone.done_on, "milestones", label)
        milestones.append((milestone.id, name, due, done))
    duplicate = session.scalar(
        select(models.Project.id).where(models.Project.code == code, models.Project.id != draft.id)
    )
    if duplicate is not None:
        raise UserError(
            _("Code: another project already has the code {code}.").format(code=code), "code"
        )

    row = models.Project() if draft.id is None else session.get(models.Project, draft.id)
    if row is None:
        raise NotFound(_("No project has this identifier."))
    row.code, row.title, row.description = code, title, draft.description.strip()
    row.domain, row.status = domain.value, status.value
    row.owner_commune_id, row.partners = draft.owner_commune_id, draft.partners.strip()
    row.start_date, row.end_date, row.progress = start, end, progress
    session.add(row)
    if draft.id is None or draft.participations or draft.replace_participations:
        _replace_participations(session, row, draft.participations)
    if draft.milestones is not None:
        _replace_milestones(row, milestones)
    session.flush()
    session.expire(row)
    return get_project(session, row.id)


def _replace_participations(
    session: Session, project: models.Project, shares: dict[uuid.UUID, int]
) -> None:
    existing = {p.commune_id: p for p in project.participations}
    for commune_id, participation in existing.items():
        if commune_id not in shares:
            project.participations.remove(participation)
    for commune_id, share in shares.items():
        if commune_id in existing:
            existing[commune_id].cost_share = share
        else:
            project.participations.append(
                models.Participation(commune_id=commune_id, cost_share=share)
            )


def _replace_milestones(
    project: models.Project,
    wanted: list[tuple[uuid.UUID | None, str, dt.date, dt.date | None]],
) -> None:
    existing = {milestone.id: milestone for milestone in project.milestones}
    kept = {milestone_id for milestone_id, *_rest in wanted if milestone_id is not None}
    for old_id, milestone in existing.items():
        if old_id not in kept:
            project.milestones.remove(milestone)
    for wanted_id, title, due, done in wanted:
        if wanted_id is not None and wanted_id in existing:
            found = existing[wanted_id]
            found.title, found.due_date, found.done_on = title, due, done
        else:
            project.milestones.append(models.Milestone(title=title, due_date=due, done_on=done))


def delete_project(session: Session, project_id: uuid.UUID) -> None:
    row = session.get(models.Project, project_id)
    if row is None:
        raise NotFound(_("No project has this identifier."))
    session.delete(row)
