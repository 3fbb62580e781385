"""Communes: the list, finding one by name or INSEE code, a commune at a glance, and its
contacts (mayor, deputies, DGS, DSI, referents).

The commune's mayor is its contact with the role mayor: the field ``communes.mayor`` is no longer
read, so that the mayor shown can never disagree with the list of contacts.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session, selectinload

from sitiv_desktop.domain.enums import (
    CommitmentStatus,
    ContactRole,
    MeetingStatus,
    ProjectStatus,
)
from sitiv_desktop.domain.records import CommuneOverview, CommuneRecord, ContactRecord
from sitiv_desktop.errors import NotFound, UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.services.conversions import (
    commitment_record,
    commune_record,
    contact_record,
    exchange_record,
    meeting_record,
)
from sitiv_desktop.services.ppi import cp_totals_by_year
from sitiv_desktop.services.projects import commune_project_filter
from sitiv_desktop.services.roles import granted_roles
from sitiv_desktop.services.text import fold
from sitiv_desktop.services.validation import check_text, parse_choice, require_text
from sitiv_desktop.store import models

DUE_SOON_DAYS = 60
COMMITMENTS_SHOWN = 20
OPEN_STATUSES = (CommitmentStatus.OPEN.value, CommitmentStatus.IN_PROGRESS.value)


def list_communes(session: Session) -> list[CommuneRecord]:
    """The user's communes: on a connected laptop, those granted to them (the copy also holds,
    by name only, the other communes of the projects shared with them)."""
    rows = session.scalars(select(models.Commune).order_by(models.Commune.name))
    granted = granted_communes(session)
    return sorted(
        (commune_record(row) for row in rows if not granted or row.id in granted),
        key=lambda c: fold(c.name),
    )


def granted_communes(session: Session) -> set[uuid.UUID]:
    """The communes the sync service granted this laptop's user (empty before any sync)."""
    return set(granted_roles(session))


def get_commune(session: Session, commune_id: uuid.UUID) -> CommuneRecord:
    row = session.get(models.Commune, commune_id)
    if row is None:
        raise NotFound(_("No commune has this identifier."))
    return commune_record(row)


def find_commune(session: Session, name_or_code: str) -> CommuneRecord:
    """A commune named by its name (any case, any accents) or its INSEE code."""
    wanted = fold(name_or_code)
    rows = list(session.scalars(select(models.Commune)))
    for row in rows:
        if wanted in (fold(row.name), row.insee_code):
            return commune_record(row)
    # A part of one name only (« oullins » for Oullins-Pierre-Bénite) is suggested, not taken:
    # the command may write, and the person confirms by typing the name.
    part = _loose(name_or_code)
    close = [row.name for row in rows if part and part in _loose(row.name)]
    if len(close) == 1:
        raise NotFound(
            _("No commune is called « {name} »; did you mean « {suggestion} »?").format(
                name=name_or_code, suggestion=close[0]
            )
        )
    raise NotFound(
        _("No commune is called « {name} »; give its name or its INSEE code.").format(
            name=name_or_code
        )
    )


def _loose(name: str) -> str:
    """A name folded, its hyphens and apostrophes as spaces: « saint chamond » is in
    « Saint-Chamond »."""
    return " ".join(re.sub(r"[-’']", " ", fold(name)).split())


def list_contacts(session: Session, commune_id: uuid.UUID) -> list[ContactRecord]:
    rows = session.scalars(
        select(models.Contact)
        .where(models.Contact.commune_id == commune_id)
        .order_by(models.Contact.full_name)
    )
    return [contact_record(row) for row in rows]


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class ContactDraft:
    """A contact as typed in its form."""

    commune_id: uuid.UUID | None
    full_name: str
    role: ContactRole | str
    title: str = ""
    email: str = ""
    phone: str = ""
    id: uuid.UUID | None = None


def save_contact(session: Session, draft: ContactDraft) -> ContactRecord:
    """Create or update a contact after checking it; a commune has one mayor at a time (to
    record a new mayor, change the mayor's contact)."""
    commune = session.get(models.Commune, draft.commune_id) if draft.commune_id else None
    if commune is None:
        raise UserError(_("Commune: choose the commune of this contact."), "commune")
    full_name = require_text(draft.full_name, "full_name", _("Full name"))
    role = parse_choice(draft.role, ContactRole, "role", _("Role"))
    title = check_text(draft.title, "title", _("Title"), 200)
    email = check_text(draft.email, "email", _("E-mail"), 200)
    if email and not _EMAIL.match(email):
        raise UserError(
            _("E-mail: « {value} » is not an e-mail address.").format(value=email), "email"
        )
    phone = check_text(draft.phone, "phone", _("Phone"), 200)
    if role is ContactRole.MAYOR:
        other = session.scalars(
            select(models.Contact).where(
                models.Contact.commune_id == commune.id,
                models.Contact.role == ContactRole.MAYOR.value,
                models.Contact.id != (draft.id or uuid.UUID(int=0)),
            )
        ).first()
        if other is not None:
            raise UserError(
                _(
                    "Role: {commune} already has a mayor, {name}; open that contact to record "
                    "the new mayor."
                ).format(commune=commune.name, name=other.full_name),
                "role",
            )
    row = models.Contact() if draft.id is None else session.get(models.Contact, draft.id)
    if row is None:
        raise NotFound(_("No contact has this identifier."))
    row.commune_id, row.full_name, row.role = commune.id, full_name, role.value
    row.title, row.email, row.phone = title, email, phone
    session.add(row)
    session.flush()
    session.refresh(row)
    return contact_record(row)


def delete_contact(session: Session, contact_id: uuid.UUID) -> None:
    row = session.get(models.Contact, contact_id)
    if row is None:
        raise NotFound(_("No contact has this identifier."))
    session.delete(row)


def late_commitment_counts(session: Session, today: dt.date) -> dict[uuid.UUID, int]:
    """How many open commitments are past due, per commune: the badges of the side list."""
    statement = (
        select(models.Commitment.commune_id, func.count())
        .where(models.Commitment.status.in_(OPEN_STATUSES), models.Commitment.due_date < today)
        .group_by(models.Commitment.commune_id)
    )
    return {commune_id: count for commune_id, count in session.execute(statement)}


def commune_overview(
    session: Session,
    commune_id: uuid.UUID,
    today: dt.date,
    exchanges_shown: int = 5,
    commitments_shown: int = COMMITMENTS_SHOWN,
) -> CommuneOverview:
    """A commune at a glance, read by indexed queries whatever the size of the copy: counts
    by the database, and only the first ``commitments_shown`` late and due-soon commitments
    (the earliest due first); ``late_count`` and ``due_soon_count`` say how many there are."""
    commune = session.get(models.Commune, commune_id)
    if commune is None:
        raise NotFound(_("No commune has this identifier."))
    status_counts = session.execute(
        select(models.Project.status, func.count())
        .where(commune_project_filter(commune_id))
        .group_by(models.Project.status)
    )
    projects_by_status = {status: 0 for status in ProjectStatus}
    for status, count in status_counts:
        projects_by_status[ProjectStatus(status)] = count

    open_here = (
        models.Commitment.commune_id == commune_id,
        models.Commitment.status.in_(OPEN_STATUSES),
    )
    horizon = today + dt.timedelta(days=DUE_SOON_DAYS)
    is_late = models.Commitment.due_date < today
    is_soon = models.Commitment.due_date.between(today, horizon)
    open_count, late_count, soon_count = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((is_late, 1), else_=0)), 0),
            func.coalesce(func.sum(case((is_soon, 1), else_=0)), 0),
        ).where(*open_here)
    ).one()

    def first_due(*condition: ColumnElement[bool]) -> list[models.Commitment]:
        return list(
            session.scalars(
                select(models.Commitment)
                .where(*open_here, *condition)
                .options(
                    selectinload(models.Commitment.commune),
                    selectinload(models.Commitment.project),
                )
                .order_by(models.Commitment.due_date, models.Commitment.id)
                .limit(commitments_shown)
            )
        )

    late = first_due(is_late)
    soon = first_due(is_soon)

    next_meeting = _next_meeting(session, commune_id, today)
    exchanges = session.scalars(
        select(models.Exchange)
        .where(models.Exchange.commune_id == commune_id)
        .order_by(models.Exchange.occurred_on.desc(), models.Exchange.id.desc())
        .limit(exchanges_shown)
    )
    return CommuneOverview(
        commune=commune_record(commune),
        contacts=tuple(contact_record(c) for c in commune.contacts),
        projects_by_status=projects_by_status,
        late_commitments=tuple(commitment_record(c) for c in late),
        due_soon_commitments=tuple(commitment_record(c) for c in soon),
        next_meeting=meeting_record(next_meeting, with_agenda=True) if next_meeting else None,
        last_exchanges=tuple(exchange_record(e) for e in exchanges),
        open_commitments=int(open_count),
        late_count=int(late_count),
        due_soon_count=int(soon_count),
    )


def _next_meeting(session: Session, commune_id: uuid.UUID, today: dt.date) -> models.Meeting | None:
    """The commune's next planned or running meeting from ``today`` on.

    Read status by status: the index on (status, start) then gives the meetings in order of
    their start and the first one of the commune ends the search, where one query over both
    statuses would gather and sort every coming meeting of the syndicate.
    """
    concerns_commune = (
        select(models.MeetingCommune.id)
        .where(
            models.MeetingCommune.meeting_id == models.Meeting.id,
            models.MeetingCommune.commune_id == commune_id,
        )
        .exists()
    )
    found = [
        meeting
        for status in (MeetingStatus.PLANNED.value, MeetingStatus.IN_PROGRESS.value)
        for meeting in session.scalars(
            select(models.Meeting)
            .where(
                models.Meeting.status == status,
                models.Meeting.starts_at >= dt.datetime.combine(today, dt.time()),
                concerns_commune,
            )
            .order_by(models.Meeting.starts_at)
            .limit(1)
        )
    ]
    return min(found, key=lambda meeting: meeting.starts_at, default=None)


@dataclass(frozen=True)
class AllCommunesOverview:
    """What the dashboard shows when no single commune is chosen."""

    projects_by_status: dict[ProjectStatus, int]
    late_total: int
    communes_with_late: int


# The chart's bars: each year's payment credits (a commune's share, or everyone's).
CpTotals = list[tuple[int, Decimal]]


def load_overview(
    session: Session, commune_id: uuid.UUID | None, today: dt.date
) -> tuple[CommuneOverview | AllCommunesOverview, CpTotals]:
    """The dashboard's data, counted and summed by the database: nothing read whole."""
    totals = sorted(cp_totals_by_year(session, commune_id).items())
    if commune_id is None:
        by_status = {status: 0 for status in ProjectStatus}
        for status, count in session.execute(
            select(models.Project.status, func.count()).group_by(models.Project.status)
        ):
            by_status[ProjectStatus(status)] = count
        late = late_commitment_counts(session, today)
        return AllCommunesOverview(by_status, sum(late.values()), len(late)), totals
    return commune_overview(session, commune_id, today), totals
