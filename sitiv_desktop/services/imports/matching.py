"""Matching a file's rows to what the local copy holds, by keys that do not depend on its
identifiers: communes by name or INSEE code, projects by code, commitments by commune, day and
wording.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.services.columns import (
    Column,
)
from sitiv_desktop.services.text import fold
from sitiv_desktop.store import models


class Communes:
    """Communes found by name (any case or accents) or INSEE code, read once."""

    def __init__(self, session: Session) -> None:
        self.by_key: dict[str, uuid.UUID] = {}
        self.names: dict[uuid.UUID, str] = {}
        for commune_id, name, insee in session.execute(
            select(models.Commune.id, models.Commune.name, models.Commune.insee_code)
        ):
            self.names[commune_id] = name
            self.by_key.setdefault(fold(name), commune_id)
            self.by_key.setdefault(insee, commune_id)

    def find(self, text: str, column: Column) -> uuid.UUID:
        found = self.by_key.get(fold(text))
        if found is None:
            raise UserError(
                _("{field}: {message}").format(
                    field=column.label,
                    message=_(
                        "No commune is called « {name} »; give its name or its INSEE code."
                    ).format(name=text[:60]),
                ),
                column.header,
            )
        return found


def project_ids_by_code(session: Session) -> dict[str, uuid.UUID]:
    rows = session.execute(select(models.Project.code, models.Project.id))
    return {code: project_id for code, project_id in rows}


def commitment_key(commune_id: uuid.UUID, made_on: dt.date, title: str) -> tuple[str, str, str]:
    """The stable key of a commitment across files and laptops (see the module's docstring)."""
    return (str(commune_id), made_on.isoformat(), " ".join(fold(title).split()))
