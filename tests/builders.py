"""Hand-made data whose answers are known, written straight through the models."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy.orm import Session

from sitiv_desktop.store import models


def commune(
    session: Session, name: str, insee: str, population: int = 10_000, metropole: str = "lyon"
) -> models.Commune:
    row = models.Commune(
        name=name, insee_code=insee, population=population, metropole=metropole, note=""
    )
    session.add(row)
    session.flush()
    return row


def project(
    session: Session,
    code: str,
    title: str,
    owner: models.Commune | None,
    status: str = "in_progress",
    description: str = "",
    shares: dict[uuid.UUID, int] | None = None,
    progress: int = 0,
) -> models.Project:
    row = models.Project(
        code=code,
        title=title,
        description=description,
        domain="network",
        status=status,
        owner_commune_id=owner.id if owner else None,
        partners="",
        progress=progress,
    )
    for commune_id, share in (shares or {}).items():
        row.participations.append(models.Participation(commune_id=commune_id, cost_share=share))
    session.add(row)
    session.flush()
    return row


def commitment(
    session: Session,
    owner: models.Commune,
    title: str,
    made_on: dt.date,
    due_date: dt.date | None,
    status: str = "open",
    description: str = "",
) -> models.Commitment:
    row = models.Commitment(
        commune_id=owner.id,
        title=title,
        description=description,
        made_on=made_on,
        due_date=due_date,
        status=status,
    )
    session.add(row)
    session.flush()
    return row


def meeting(
    session: Session,
    title: str,
    starts_at: dt.datetime,
    communes: list[models.Commune],
    kind: str = "mayor_meeting",
    status: str = "planned",
    duration: int = 90,
) -> models.Meeting:
    row = models.Meeting(
        kind=kind,
        title=title,
        starts_at=starts_at,
        duration_minutes=duration,
        place="Mairie",
        status=status,
        participants="",
        minutes="",
    )
    for c in communes:
        row.communes.append(models.MeetingCommune(commune_id=c.id))
    session.add(row)
    session.flush()
    return row


def exchange(
    session: Session, owner: models.Commune, subject: str, occurred_on: dt.date, summary: str = ""
) -> models.Exchange:
    row = models.Exchange(
        commune_id=owner.id,
        occurred_on=occurred_on,
        channel="phone",
        direction="incoming",
        subject=subject,
        summary=summary,
        follow_up="",
    )
    session.add(row)
    session.flush()
    return row


def ppi_line(
    session: Session,
    of_project: models.Project,
    ap_votes: list[tuple[dt.date, int]],
    cp_cents: dict[int, int],
) -> models.PpiLine:
    line = models.PpiLine(project_id=of_project.id, note="")
    for voted_on, cents in ap_votes:
        line.revisions.append(models.ApRevision(voted_on=voted_on, amount_cents=cents, note=""))
    for year, cents in cp_cents.items():
        line.payment_credits.append(models.PaymentCredit(year=year, amount_cents=cents))
    session.add(line)
    session.flush()
    return line
