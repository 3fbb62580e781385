"""The records of one kind as the command line lists them: records for JSON, rows for a table."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from sitiv_desktop.i18n import _, format_date, format_money, format_number, format_percent
from sitiv_desktop.services.commitments import CommitmentFilter, list_commitments
from sitiv_desktop.services.communes import list_communes
from sitiv_desktop.services.exchanges import exchange_timeline
from sitiv_desktop.services.meetings import list_meetings
from sitiv_desktop.services.projects import ProjectFilter, list_projects

Listing = tuple[Sequence[Any], list[str], Sequence[Sequence[str]]]


def listing(session: Session, kind: str, commune_id: uuid.UUID | None) -> Listing:
    builders = {
        "communes": _communes,
        "projects": _projects,
        "commitments": _commitments,
        "meetings": _meetings,
        "exchanges": _exchanges,
    }
    return builders[kind](session, commune_id)


def _communes(session: Session, commune_id: uuid.UUID | None) -> Listing:
    records = [c for c in list_communes(session) if commune_id in (None, c.id)]
    headers = [_("Commune"), _("INSEE code"), _("Population"), _("Intercommunality")]
    rows = [(c.name, c.insee_code, format_number(c.population), c.metropole.label) for c in records]
    return records, headers, rows


def _projects(session: Session, commune_id: uuid.UUID | None) -> Listing:
    records = list_projects(session, ProjectFilter(commune_id=commune_id))
    headers = [_("Code"), _("Title"), _("Status"), _("Progress"), _("Owner"), _("AP")]
    rows = [
        (
            p.code,
            p.title,
            p.status.label,
            format_percent(p.progress),
            p.owner_name,
            format_money(p.budget) if p.budget is not None else "—",
        )
        for p in records
    ]
    return records, headers, rows


def _commitments(session: Session, commune_id: uuid.UUID | None) -> Listing:
    records = list_commitments(session, CommitmentFilter(commune_id=commune_id))
    headers = [_("Commune"), _("Commitment"), _("Due date"), _("Status")]
    rows = [
        (
            c.commune_name,
            c.title,
            format_date(c.due_date, "short") if c.due_date else "—",
            c.status.label,
        )
        for c in records
    ]
    return records, headers, rows


def _meetings(session: Session, commune_id: uuid.UUID | None) -> Listing:
    records = list_meetings(session, commune_id)
    headers = [_("Date"), _("Kind"), _("Title"), _("Communes"), _("Status"), _("Identifier")]
    rows = [
        (
            format_date(m.starts_at.date(), "short"),
            m.kind.label,
            m.title,
            ", ".join(m.commune_names),
            m.status.label,
            str(m.id),
        )
        for m in records
    ]
    return records, headers, rows


def _exchanges(session: Session, commune_id: uuid.UUID | None) -> Listing:
    records = exchange_timeline(session, commune_id)
    headers = [_("Date"), _("Commune"), _("Channel"), _("Subject")]
    rows = [
        (format_date(e.occurred_on, "short"), e.commune_name, e.channel.label, e.subject)
        for e in records
    ]
    return records, headers, rows
