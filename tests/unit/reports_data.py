"""Hand-made data for the briefing packs, whose every figure is known in advance.

Vénissieux is the commune of the meeting; Corbas shares one project with it; Givors shares
nothing with it, so nothing of Givors may appear in Vénissieux's pack.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from sitiv_desktop.store import models
from tests import builders

MEETING_DAY = dt.datetime(2015, 1, 20, 14, 30)
LONG_TITLE = (
    "Raccorder le groupe scolaire Louis-Pergaud au réseau très haut débit avant la rentrée, "
    "en coordination avec la Métropole et les services techniques de la ville, sans couper "
    "l’accès des classes pendant les travaux"
)
TRICKY_SUMMARY = "Le DGS demande <b>pas du gras</b> & « plus de débit » à l’œil nu… – vite — merci"


@dataclass(frozen=True)
class PackIds:
    venissieux: uuid.UUID
    givors: uuid.UUID
    corbas: uuid.UUID
    meeting: uuid.UUID
    previous: uuid.UUID
    givors_meeting: uuid.UUID
    empty_meeting: uuid.UUID


def _kept(row: models.Commitment, closed_on: dt.date, responsible: str = "") -> None:
    row.status = "kept"
    row.closed_on = closed_on
    row.responsible = responsible


def make_pack_data(session: Session) -> PackIds:
    ven = builders.commune(session, "Vénissieux", "69259", population=65_405)
    ven.mayor, ven.departement, ven.joined_on = "Michèle Picard", "Rhône", dt.date(1972, 3, 1)
    giv = builders.commune(session, "Givors", "69091", population=19_553)
    giv.mayor = "Mohamed Boudjellaba"
    cor = builders.commune(session, "Corbas", "69273", population=11_093)
    session.add_all(
        [
            models.Contact(
                commune_id=ven.id,
                full_name="Michèle Picard",
                role="mayor",
                email="maire@ville-venissieux.fr",
                phone="04 72 21 44 44",
            ),
            models.Contact(
                commune_id=ven.id,
                full_name="Jean Dupont-Œuvray",
                role="general_director",
                email="dgs@ville-venissieux.fr",
                phone="",
            ),
            models.Contact(
                commune_id=giv.id, full_name="Contact de Givors", role="mayor", email="", phone=""
            ),
        ]
    )

    fibre = builders.project(
        session,
        "VEN-FIBRE",
        "Fibre optique des écoles « Jean-Jaurès » & gymnases",
        ven,
        progress=45,
    )
    fibre.milestones.append(
        models.Milestone(
            title="Étude de faisabilité rendue",
            due_date=dt.date(2014, 12, 15),
            done_on=dt.date(2014, 12, 20),
        )
    )
    portail = builders.project(
        session,
        "VEN-PORTAIL",
        "Portail citoyen de Vénissieux",
        ven,
        status="delivered",
        progress=100,
    )
    portail.end_date = dt.date(2015, 1, 10)
    wifi = builders.project(
        session, "VEN-WIFI", "Wi-Fi des médiathèques", ven, status="delivered", progress=100
    )
    wifi.end_date = dt.date(2014, 9, 30)
    sig = builders.project(
        session,
        "SYN-SIG",
        "SIG intercommunal",
        None,
        status="study",
        shares={ven.id: 30, cor.id: 20},
        progress=10,
    )
    tel = builders.project(session, "GIV-TEL", "Téléphonie IP de Givors", giv, progress=60)
    ent = builders.project(
        session,
        "GIV-ENT",
        "Espace numérique de travail de Givors",
        giv,
        status="delivered",
        progress=100,
    )
    ent.end_date = dt.date(2014, 6, 30)

    builders.ppi_line(
        session,
        fibre,
        [(dt.date(2014, 3, 1), 100_000_000), (dt.date(2015, 1, 5), 123_456_789)],
        {2014: 20_000_000, 2015: 53_456_789, 2016: 50_000_000},
    )
    builders.ppi_line(
        session, sig, [(dt.date(2014, 6, 1), 50_000_000)], {2015: 10_000_000, 2016: 40_000_000}
    )
    builders.ppi_line(session, wifi, [(dt.date(2013, 6, 1), 8_000_000)], {2014: 8_000_000})
    builders.ppi_line(
        session, tel, [(dt.date(2014, 2, 1), 30_000_000)], {2014: 22_000_000, 2015: 8_000_000}
    )

    previous = builders.meeting(
        session, "Rencontre d’automne", dt.datetime(2014, 11, 15, 10, 0), [ven], status="held"
    )
    meeting = builders.meeting(session, "Rencontre avec Mme la maire", MEETING_DAY, [ven])
    meeting.place = "Hôtel de ville de Vénissieux"
    meeting.participants = "Michèle Picard, maire ; Jean Dupont-Œuvray, DGS ; le président du SITIV"
    for position, (title, minutes, project) in enumerate(
        [
            ("Point d’étape sur la fibre des écoles", 30, fibre),
            ("SIG intercommunal : participation de la commune", 45, sig),
            ("Questions diverses", 30, None),
        ]
    ):
        meeting.agenda_items.append(
            models.AgendaItem(
                position=position,
                title=title,
                presenter="Le président",
                duration_minutes=minutes,
                project_id=project.id if project else None,
                outcome="none",
                outcome_text="",
            )
        )
    givors_meeting = builders.meeting(
        session, "Rencontre avec le maire de Givors", dt.datetime(2015, 1, 22, 9, 0), [giv]
    )
    empty_meeting = builders.meeting(
        session,
        "Comité technique de janvier",
        dt.datetime(2015, 1, 27, 9, 0),
        [ven, giv, cor],
        kind="technical_committee",
    )

    late = builders.commitment(session, ven, LONG_TITLE, dt.date(2014, 6, 1), dt.date(2014, 12, 15))
    late.responsible = "Direction technique du SITIV"
    late.project_id = fibre.id
    builders.commitment(
        session,
        ven,
        "Livrer la maquette du portail des écoles",
        dt.date(2014, 11, 15),
        dt.date(2015, 2, 20),
        description="Maquette cliquable, présentée en bureau",
    )
    builders.commitment(
        session, ven, "Ouvrir un guichet numérique", dt.date(2014, 11, 15), dt.date(2015, 12, 1)
    )
    _kept(
        builders.commitment(
            session, ven, "Former les agents d’accueil", dt.date(2014, 9, 1), dt.date(2014, 12, 31)
        ),
        dt.date(2014, 12, 1),
        "Service formation",
    )
    _kept(
        builders.commitment(session, ven, "Remplacer les copieurs", dt.date(2014, 1, 10), None),
        dt.date(2014, 6, 1),
    )
    builders.commitment(
        session, giv, "Engagement réservé à Givors", dt.date(2014, 5, 1), dt.date(2014, 10, 1)
    )
    _kept(
        builders.commitment(session, giv, "Audit de sécurité de Givors", dt.date(2014, 1, 5), None),
        dt.date(2014, 3, 10),
    )

    builders.exchange(
        session, ven, "Appel du DGS au sujet du débit", dt.date(2015, 1, 5), TRICKY_SUMMARY
    )
    builders.exchange(session, ven, "Courriel sur la maquette du portail", dt.date(2014, 12, 10))
    builders.exchange(session, ven, "Échange de l’été", dt.date(2014, 7, 2))
    builders.exchange(session, giv, "Échange Givors confidentiel", dt.date(2015, 1, 6))

    stake = models.MandateStake(
        commune_id=ven.id,
        axis="Ville numérique",
        line="Écoles connectées",
        action="Équiper 100 % des classes d’ici 2016",
        priority="high",
        progress=40,
    )
    stake.answers.append(models.StakeProject(project_id=fibre.id))
    session.add_all(
        [
            stake,
            models.MandateStake(
                commune_id=ven.id,
                axis="Ville ouverte",
                line="Transparence",
                action="Ouvrir les données publiques",
                priority="high",
                progress=0,
            ),
            models.MandateStake(
                commune_id=giv.id,
                axis="Axe de Givors",
                line="Ligne de Givors",
                action="Action réservée à Givors",
                priority="high",
                progress=0,
            ),
        ]
    )
    session.flush()
    return PackIds(
        venissieux=ven.id,
        givors=giv.id,
        corbas=cor.id,
        meeting=meeting.id,
        previous=previous.id,
        givors_meeting=givors_meeting.id,
        empty_meeting=empty_meeting.id,
    )


def page_texts(pdf: bytes) -> list[str]:
    """The text of each page, as a reader would copy it."""
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return [page.extract_text() or "" for page in reader.pages]


def flat(text: str) -> str:
    """Text with every run of spaces (no-break ones too) and line breaks made one space."""
    return " ".join(text.split())


def layout_pages(pdf: bytes) -> list[str]:
    """Each page as ``pdftotext -layout`` sets it out: lines as they are printed."""
    import shutil
    import subprocess

    import pytest

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    result = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode("utf-8").split("\f")
