"""Mandate stakes: what each commune's mandate plan asks of digital services."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from sitiv_desktop.domain.enums import Priority
from sitiv_desktop.domain.records import StakeRecord
from sitiv_desktop.errors import NotFound, UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.services.conversions import stake_record
from sitiv_desktop.services.links import set_links
from sitiv_desktop.services.validation import check_percent, parse_choice, require_text
from sitiv_desktop.store import models


def list_stakes(session: Session, commune_id: uuid.UUID | None = None) -> list[StakeRecord]:
    """Stakes in the order the mandate plan reads: axis, line, action."""
    statement = (
        select(models.MandateStake)
        .options(
            selectinload(models.MandateStake.answers).selectinload(models.StakeProject.project),
            selectinload(models.MandateStake.commune),
        )
        .order_by(models.MandateStake.axis, models.MandateStake.line, models.MandateStake.action)
    )
    if commune_id is not None:
        statement = statement.where(models.MandateStake.commune_id == commune_id)
    return [stake_record(row) for row in session.scalars(statement)]


def get_stake(session: Session, stake_id: uuid.UUID) -> StakeRecord:
    row = session.get(models.MandateStake, stake_id)
    if row is None:
        raise NotFound(_("No mandate stake has this identifier."))
    return stake_record(row)


@dataclass
class StakeDraft:
    """What a person typed in the stake form: axis → line → action, priority, the answers."""

    commune_id: uuid.UUID | None
    axis: str
    line: str
    action: str
    priority: str | Priority = Priority.MEDIUM
    progress: int = 0
    project_ids: Sequence[uuid.UUID] = field(default_factory=tuple)
    id: uuid.UUID | None = None


def save_stake(session: Session, draft: StakeDraft) -> StakeRecord:
    """Create or update a mandate stake and the projects that answer it."""
    if draft.commune_id is None or session.get(models.Commune, draft.commune_id) is None:
        raise UserError(_("Commune: choose the commune whose mandate plan this is."), "commune")
    axis = require_text(draft.axis, "axis", _("Axis"))
    line = require_text(draft.line, "line", _("Line"))
    action = require_text(draft.action, "action", _("Action"))
    priority = parse_choice(draft.priority, Priority, "priority", _("Priority"))
    progress = check_percent(draft.progress, "progress", _("Progress"))
    wanted = list(dict.fromkeys(draft.project_ids))
    known = set(session.scalars(select(models.Project.id).where(models.Project.id.in_(wanted))))
    if len(known) != len(wanted):
        raise UserError(_("Projects: one of the projects chosen no longer exists."), "projects")
    row = models.MandateStake() if draft.id is None else session.get(models.MandateStake, draft.id)
    if row is None:
        raise NotFound(_("No mandate stake has this identifier."))
    row.commune_id, row.axis, row.line, row.action = draft.commune_id, axis, line, action
    row.priority, row.progress = priority.value, progress
    set_links(
        row.answers,
        wanted,
        lambda answer: answer.project_id,
        lambda project_id: models.StakeProject(project_id=project_id),
    )
    session.add(row)
    session.flush()
    session.expire(row)
    return get_stake(session, row.id)


def delete_stake(session: Session, stake_id: uuid.UUID) -> None:
    row = session.get(models.MandateStake, stake_id)
    if row is None:
        raise NotFound(_("No mandate stake has this identifier."))
    session.delete(row)
