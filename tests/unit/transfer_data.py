"""A small hand-made local copy for the spreadsheet, calendar and backup tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session

from sitiv_desktop.context import Context, open_context
from sitiv_desktop.store import models
from tests import builders


def add_communes(session: Session) -> tuple[models.Commune, models.Commune]:
    venissieux = builders.commune(session, "Vénissieux", "69259", 67_129)
    givors = builders.commune(session, "Givors", "69091", 20_121)
    return venissieux, givors


def fill(session: Session) -> None:
    """Two communes, three projects, commitments, a PPI, exchanges and meetings with agendas."""
    venissieux, givors = add_communes(session)
    fibre = builders.project(
        session,
        "VEN-2015-01",
        "Fibre des écoles",
        venissieux,
        description="Raccorder les 23 écoles; en deux tranches",
        shares={venissieux.id: 70, givors.id: 30},
        progress=40,
    )
    fibre.start_date, fibre.end_date = dt.date(2015, 1, 20), dt.date(2017, 6, 30)
    fibre.partners = "Orange, Métropole de Lyon"
    portal = builders.project(
        session, "SIT-2016-02", "Portail citoyen commun", None, status="study"
    )
    portal.domain = "citizen_portal"
    builders.project(session, "GIV-2016-03", "Téléphonie IP", givors, status="idea")

    kept = builders.commitment(
        session,
        venissieux,
        "Câbler le groupe scolaire Parilly",
        dt.date(2015, 2, 3),
        dt.date(2015, 9, 1),
        status="kept",
        description="Promis au maire",
    )
    kept.closed_on, kept.project_id = dt.date(2015, 8, 28), fibre.id
    kept.promised_by, kept.responsible = "Le président", "Le DSI"
    builders.commitment(
        session, givors, "Étudier la téléphonie", dt.date(2016, 3, 4), None, status="open"
    )

    builders.ppi_line(
        session,
        fibre,
        [(dt.date(2014, 12, 15), 120_000_000), (dt.date(2015, 12, 14), 134_567_889)],
        {2015: 40_000_000, 2016: 60_000_050, 2017: 34_567_839},
    )
    builders.ppi_line(session, portal, [], {})

    builders.exchange(
        session, venissieux, "Échéance du marché", dt.date(2016, 3, 4), "Appel du DGS"
    )
    builders.exchange(session, givors, "Devis téléphonie", dt.date(2016, 4, 1))

    mayor = builders.meeting(
        session,
        "Rencontre avec le maire de Vénissieux",
        dt.datetime(2015, 1, 20, 14, 30),
        [venissieux],
    )
    mayor.participants = "M. le Maire, le DGS"
    for position, (title, presenter, minutes) in enumerate(
        [("Point sur la fibre des écoles", "Le DSI", 30), ("Portail citoyen", "", 20)]
    ):
        mayor.agenda_items.append(
            models.AgendaItem(
                position=position,
                title=title,
                presenter=presenter,
                duration_minutes=minutes,
                outcome="none",
                outcome_text="",
            )
        )
    builders.meeting(
        session,
        "Comité syndical",
        dt.datetime(2015, 7, 2, 9, 0),
        [venissieux, givors],
        kind="syndicate_committee",
        status="cancelled",
    )
    session.flush()


def filled_context(folder: Path) -> Context:
    opened = open_context(folder)
    with opened.database.session() as session:
        fill(session)
    return opened


def empty_copy(folder: Path) -> Context:
    """A fresh local copy knowing only the communes (imports never create communes)."""
    opened = open_context(folder)
    with opened.database.session() as session:
        add_communes(session)
    return opened
