"""Demonstration data: the syndicate's member communes and plausible work around them, in French.

The communes are real (names, INSEE codes, populations 2018); people, projects, commitments,
meetings and exchanges are invented. ``seed`` makes the data repeatable, ``scale`` multiplies it,
and ``today`` anchors what is late, due soon or upcoming.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.orm import Session

from sitiv_desktop.domain.enums import (
    CommitmentStatus,
    ContactRole,
    ExchangeChannel,
    ExchangeDirection,
    MeetingKind,
    MeetingStatus,
    OutcomeKind,
    Priority,
    ProjectDomain,
    ProjectStatus,
)
from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import _, format_date
from sitiv_desktop.store import models

Progress = Callable[[float, str], None]
PPI_YEARS = range(2015, 2021)


@dataclass(frozen=True)
class DemoSummary:
    """How many rows of each table the demonstration data holds."""

    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _no_progress(fraction: float, text: str) -> None:
    """Callers that show no progress pass nothing."""


# --- the vocabulary ------------------------------------------------------------------------------

FIRST_NAMES = (
    "Anne",
    "Bernard",
    "Camille",
    "Claire",
    "Daniel",
    "Élise",
    "Fabrice",
    "Françoise",
    "Gérard",
    "Hélène",
    "Isabelle",
    "Jacques",
    "Julien",
    "Karima",
    "Laurent",
    "Léa",
    "Malik",
    "Martine",
    "Nadia",
    "Nicolas",
    "Olivier",
    "Pascale",
    "Philippe",
    "Rachid",
    "Sandrine",
    "Sophie",
    "Stéphane",
    "Thierry",
    "Valérie",
    "Yasmina",
    "Zoé",
    "Noël",
    "Chloé",
    "Maëlle",
    "Jérôme",
)
LAST_NAMES = (
    "Arnaud",
    "Benali",
    "Bertrand",
    "Blanc",
    "Bonnet",
    "Chevalier",
    "Clément",
    "Da Silva",
    "Dubois",
    "Durand",
    "Faure",
    "Fontaine",
    "Garnier",
    "Girard",
    "Guérin",
    "Haddad",
    "Lambert",
    "Lefèvre",
    "Lemoine",
    "Marchand",
    "Martin",
    "Mercier",
    "Meunier",
    "Morel",
    "Nguyen",
    "Perrin",
    "Picard",
    "Roche",
    "Rousseau",
    "Roux",
    "Vidal",
    "Giraud",
    "Brun",
    "Œuvray",
)
ROLES = (
    (ContactRole.MAYOR, "maire"),
    (ContactRole.DEPUTY, "adjoint.numerique"),
    (ContactRole.GENERAL_DIRECTOR, "dgs"),
    (ContactRole.IT_DIRECTOR, "dsi"),
    (ContactRole.REFERENT, "referent.numerique"),
)
PROJECT_TITLES: dict[ProjectDomain, tuple[str, ...]] = {
    ProjectDomain.NETWORK: (
        "Fibre optique entre les bâtiments communaux",
        "Wifi public dans les équipements sportifs",
        "Renouvellement des commutateurs de la mairie",
        "Raccordement très haut débit des écoles",
    ),
    ProjectDomain.BUSINESS_APPS: (
        "Nouveau logiciel d’état civil",
        "Gestion électronique des courriers",
        "Logiciel de gestion financière et des marchés",
        "Dématérialisation des actes et du contrôle de légalité",
    ),
    ProjectDomain.CITIZEN_PORTAL: (
        "Portail citoyen et démarches en ligne",
        "Prise de rendez-vous en ligne pour les passeports",
        "Paiement en ligne de la cantine et du périscolaire",
        "Refonte du site internet de la ville",
    ),
    ProjectDomain.SCHOOLS: (
        "Tableaux numériques dans les écoles élémentaires",
        "Environnement numérique de travail des écoles",
        "Classes mobiles de tablettes",
        "Maintenance du parc informatique des écoles",
    ),
    ProjectDomain.GIS: (
        "Système d’information géographique intercommunal",
        "Numérisation du cadastre et des réseaux",
        "Plan interactif de la commune",
    ),
    ProjectDomain.TELEPHONY: (
        "Téléphonie sur IP des services municipaux",
        "Renouvellement de la flotte mobile",
        "Standard téléphonique mutualisé",
    ),
    ProjectDomain.IDENTITY_SECURITY: (
        "Annuaire unique et authentification des agents",
        "Plan de sauvegarde et de reprise d’activité",
        "Mise en conformité RGPD des traitements",
        "Vidéoprotection des bâtiments publics",
    ),
    ProjectDomain.HOSTING: (
        "Hébergement mutualisé des serveurs au datacenter du syndicat",
        "Virtualisation des postes de travail",
        "Messagerie collaborative mutualisée",
    ),
}
PARTNERS = (
    "Métropole de Lyon",
    "Saint-Étienne Métropole",
    "Région Auvergne-Rhône-Alpes",
    "Préfecture du Rhône",
    "Éducation nationale",
    "Caisse des dépôts",
    "",
    "",
)
COMMITMENT_TITLES = (
    "Remettre l’étude de faisabilité du {topic}",
    "Chiffrer le {topic} avant le prochain comité",
    "Présenter le planning du {topic} au maire",
    "Former les agents d’accueil au {topic}",
    "Rendre compte de l’avancement du {topic} au conseil municipal",
    "Organiser une démonstration du {topic}",
    "Respecter l’échéance de mise en service du {topic}",
    "Transmettre la convention de participation au {topic}",
)
TOPICS = (
    "portail citoyen",
    "raccordement des écoles",
    "logiciel d’état civil",
    "SIG",
    "wifi public",
    "standard téléphonique",
    "plan de sauvegarde",
    "parc des écoles",
    "projet de messagerie",
)
EXCHANGE_SUBJECTS = (
    ("Point sur l’échéance du {topic}", "Le DGS demande où en est le {topic} ; échéance rappelée."),
    (
        "Question du maire sur le {topic}",
        "Le maire souhaite une présentation du {topic} en bureau.",
    ),
    ("Incident sur le {topic}", "Panne signalée par les services ; intervention du syndicat."),
    ("Demande de devis pour le {topic}", "La commune demande un chiffrage détaillé du {topic}."),
    ("Compte rendu de réunion technique", "Les DSI ont validé les choix techniques du {topic}."),
    ("Invitation à l’inauguration", "La commune invite le président à l’inauguration du {topic}."),
)
AXES = (
    ("Une ville plus proche de ses habitants", ("Simplifier les démarches", "Accueillir mieux")),
    ("Réussir l’école", ("Équiper les écoles", "Former au numérique")),
    ("Une administration moderne", ("Sécuriser le système d’information", "Dématérialiser")),
    ("Une ville durable", ("Réduire l’empreinte numérique", "Mieux connaître le territoire")),
)
ACTIONS = (
    "Proposer 50 démarches en ligne d’ici la fin du mandat",
    "Équiper chaque classe d’un écran numérique",
    "Ouvrir un accueil unique avec prise de rendez-vous",
    "Garantir la reprise d’activité en moins de 48 heures",
    "Publier les données du territoire en open data",
    "Réduire la consommation électrique du parc informatique",
    "Former tous les agents aux outils collaboratifs",
)
PLACES = ("Salle du conseil", "Bureau du maire", "Siège du syndicat", "Salle des commissions")
AGENDA_TITLES = (
    "Point d’étape sur le {topic}",
    "Calendrier et budget du {topic}",
    "Décision sur le lancement du {topic}",
    "Retour d’expérience sur le {topic}",
    "Questions diverses",
    "Préparation du PPI",
)


class _Maker:
    """Draws everything from one seeded generator, so that a seed gives the same rows."""

    def __init__(self, seed: int, today: dt.date) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.rows: dict[type[models.Base], list[dict[str, Any]]] = {}

    def id(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def add(self, model: type[models.Base], **values: Any) -> uuid.UUID:
        values.setdefault("id", self.id())
        self.rows.setdefault(model, []).append(values)
        return uuid.UUID(str(values["id"]))

    def person(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def day_around(self, before: int, after: int) -> dt.date:
        return self.today + dt.timedelta(days=self.rng.randint(-before, after))


def _communes() -> list[dict[str, str]]:
    text = (resources.files("sitiv_desktop") / "resources" / "demo" / "communes.csv").read_text(
        "utf-8"
    )
    return list(csv.DictReader(io.StringIO(text)))


def generate_demo(
    session: Session,
    seed: int = 1,
    scale: int = 1,
    replace: bool = False,
    progress: Progress = _no_progress,
    today: dt.date | None = None,
) -> DemoSummary:
    """Fill the local copy with demonstration data; refuses a copy that holds data already."""
    if scale < 1:
        raise UserError(_("--scale: give a whole number of at least 1."), "scale")
    if session.scalar(select(func.count()).select_from(models.Commune)):
        if not replace:
            raise UserError(
                _("The local copy already holds data; add --replace to replace it."), "replace"
            )
        _clear(session)
    maker = _Maker(seed, today or dt.date.today())
    progress(0.0, _("Preparing the demonstration data"))
    communes = _make_communes(maker)
    projects = _make_projects(maker, communes, scale)
    commitments = _make_commitments(maker, communes, projects, scale)
    _make_meetings(maker, communes, projects, commitments, scale)
    _make_exchanges(maker, communes, projects, scale)
    _make_stakes(maker, communes, projects, scale)
    return _insert(session, maker, progress)


def _clear(session: Session) -> None:
    for table in reversed(models.Base.metadata.sorted_tables):
        session.execute(delete(table))


def _insert(session: Session, maker: _Maker, progress: Progress) -> DemoSummary:
    # Demonstration data stays on this laptop: it never enters the outbox of the sync.
    session.execute(text("UPDATE sync_state SET applying = 1 WHERE id = 1"))
    order = [m for t in models.Base.metadata.sorted_tables for m in maker.rows if m.__table__ is t]
    total = sum(len(rows) for rows in maker.rows.values())
    done = 0
    counts: dict[str, int] = {}
    for model in order:
        rows = maker.rows[model]
        for start in range(0, len(rows), 5000):
            batch = rows[start : start + 5000]
            session.execute(insert(model), batch)
            done += len(batch)
            progress(done / total, _("Writing the demonstration data"))
        counts[model.__tablename__] = len(rows)
    session.execute(text("UPDATE sync_state SET applying = 0 WHERE id = 1"))
    progress(1.0, _("Demonstration data written"))
    return DemoSummary(counts)


@dataclass(frozen=True)
class _Commune:
    id: uuid.UUID
    name: str
    code: str


def _slug(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return plain.lower().replace(" ", "-").replace("'", "")


def _make_communes(maker: _Maker) -> list[_Commune]:
    made = []
    for row in _communes():
        metropole = "lyon" if "Lyon" in row["intercommunalite"] else "saint_etienne"
        joined = dt.date(int(row["member_since"]), 1, 1) if row["member_since"] else None
        mayor = maker.person()
        commune_id = maker.add(
            models.Commune,
            name=row["name"],
            insee_code=row["insee_code"],
            population=int(row["population_2018"]),
            departement=row["departement"],
            metropole=metropole,
            mayor=mayor,
            joined_on=joined,
            note=row["note"],
        )
        domain = f"mairie-{_slug(row['name'])}.fr"
        for role, mailbox in ROLES:
            maker.add(
                models.Contact,
                commune_id=commune_id,
                full_name=mayor if role is ContactRole.MAYOR else maker.person(),
                role=role.value,
                email=f"{mailbox}@{domain}",
                phone=f"04 {maker.rng.randint(70, 79)} {maker.rng.randint(10, 99)} "
                f"{maker.rng.randint(10, 99)} {maker.rng.randint(10, 99)}",
            )
        made.append(_Commune(commune_id, row["name"], _slug(row["name"])[:3].upper()))
    return made


def _make_projects(
    maker: _Maker, communes: list[_Commune], scale: int
) -> list[tuple[uuid.UUID, list[_Commune]]]:
    made: list[tuple[uuid.UUID, list[_Commune]]] = []
    statuses = list(ProjectStatus)
    weights = (1, 2, 4, 3, 1, 1)
    number = 0
    owners: list[_Commune | None] = [c for c in communes for _ in range(5)] + [None] * 6
    for _copy in range(scale):
        for owner in owners:
            number += 1
            domain = maker.rng.choice(list(ProjectDomain))
            title = maker.rng.choice(PROJECT_TITLES[domain])
            status = maker.rng.choices(statuses, weights)[0]
            start = dt.date(maker.rng.randint(2015, 2020), maker.rng.randint(1, 12), 1)
            end = start + dt.timedelta(days=maker.rng.randint(180, 1100))
            progress = {"idea": 0, "study": 10, "delivered": 100, "abandoned": 0}.get(
                status.value, maker.rng.randint(15, 90)
            )
            code = f"{owner.code if owner else 'SYN'}-{start.year}-{number:03d}"
            concerned = [owner] if owner else maker.rng.sample(communes, maker.rng.randint(2, 5))
            project_id = maker.add(
                models.Project,
                code=code,
                title=title if owner is None else f"{title} à {owner.name}",
                description=f"{title}. Projet suivi par le syndicat pour "
                f"{', '.join(c.name for c in concerned)} ; échéance et budget revus en comité.",
                domain=domain.value,
                status=status.value,
                owner_commune_id=owner.id if owner else None,
                partners=maker.rng.choice(PARTNERS),
                start_date=start,
                end_date=end,
                progress=progress,
            )
            if owner is None:
                _participations(maker, project_id, concerned)
            _milestones(maker, project_id, start, end, progress)
            if maker.rng.random() < 0.85:
                _ppi_line(maker, project_id, start)
            made.append((project_id, concerned))
    return made


def _participations(maker: _Maker, project_id: uuid.UUID, concerned: list[_Commune]) -> None:
    shares = [maker.rng.randint(1, 10) for _ in concerned]
    percents = [share * 100 // sum(shares) for share in shares]
    percents[0] += 100 - sum(percents)
    for commune, percent in zip(concerned, percents, strict=True):
        maker.add(
            models.Participation, project_id=project_id, commune_id=commune.id, cost_share=percent
        )


def _milestones(
    maker: _Maker, project_id: uuid.UUID, start: dt.date, end: dt.date, progress: int
) -> None:
    steps = ("Étude de besoins", "Choix du prestataire", "Déploiement pilote", "Mise en service")
    span = (end - start).days
    for index, title in enumerate(steps[: maker.rng.randint(2, 4)]):
        due = start + dt.timedelta(days=span * (index + 1) // 4)
        done = due if progress >= (index + 1) * 25 else None
        maker.add(models.Milestone, project_id=project_id, title=title, due_date=due, done_on=done)


def _ppi_line(maker: _Maker, project_id: uuid.UUID, start: dt.date) -> None:
    line_id = maker.add(models.PpiLine, project_id=project_id, note="")
    amount = maker.rng.randint(20, 900) * 1_000_00
    if maker.rng.random() < 0.85:  # some lines wait for their first AP vote
        voted = dt.date(
            max(2015, start.year - 1), maker.rng.randint(1, 12), maker.rng.randint(1, 28)
        )
        maker.add(models.ApRevision, line_id=line_id, voted_on=voted, amount_cents=amount, note="")
        if maker.rng.random() < 0.3:
            revised = int(amount * maker.rng.uniform(1.05, 1.3))
            maker.add(
                models.ApRevision,
                line_id=line_id,
                voted_on=voted + dt.timedelta(days=365),
                amount_cents=revised,
                note="Révision votée en comité syndical",
            )
    years = [y for y in PPI_YEARS if y >= start.year][:4] or [2020]
    for year in years:
        maker.add(
            models.PaymentCredit,
            line_id=line_id,
            year=year,
            amount_cents=amount // len(years) + maker.rng.randint(-50, 50) * 100_00 // 10,
        )


def _make_commitments(
    maker: _Maker,
    communes: list[_Commune],
    projects: list[tuple[uuid.UUID, list[_Commune]]],
    scale: int,
) -> list[tuple[uuid.UUID, _Commune]]:
    made = []
    by_commune = {c.id: [p for p, concerned in projects if c in concerned] for c in communes}
    statuses = list(CommitmentStatus)
    for _copy in range(scale):
        for commune in communes:
            for number in range(15):
                status = maker.rng.choices(statuses, (4, 3, 4, 1))[0]
                made_on = maker.day_around(540, -10)
                due = made_on + dt.timedelta(days=maker.rng.randint(20, 300))
                if number < 2:  # every commune has something falling due in the coming weeks
                    status = CommitmentStatus.OPEN
                    made_on = maker.day_around(60, -5)
                    due = maker.today + dt.timedelta(days=maker.rng.randint(5, 55))
                topic = maker.rng.choice(TOPICS)
                closed = status in (CommitmentStatus.KEPT, CommitmentStatus.ABANDONED)
                commitment_id = maker.add(
                    models.Commitment,
                    commune_id=commune.id,
                    title=maker.rng.choice(COMMITMENT_TITLES).format(topic=topic),
                    description=f"Engagement pris auprès de {commune.name} au sujet du {topic}.",
                    promised_by=maker.rng.choice(("Le président", "Le vice-président", "Le DGS")),
                    responsible=maker.person(),
                    made_on=made_on,
                    due_date=due,
                    status=status.value,
                    closed_on=min(due, maker.today) if closed else None,
                    meeting_id=None,
                    project_id=maker.rng.choice(by_commune[commune.id])
                    if by_commune[commune.id]
                    else None,
                )
                made.append((commitment_id, commune))
    return made


def _make_meetings(
    maker: _Maker,
    communes: list[_Commune],
    projects: list[tuple[uuid.UUID, list[_Commune]]],
    commitments: list[tuple[uuid.UUID, _Commune]],
    scale: int,
) -> None:
    by_commune = {c.id: [p for p, concerned in projects if c in concerned] for c in communes}
    commitments_of = {c.id: [k for k, owner in commitments if owner == c] for c in communes}
    for copy in range(scale):
        for commune in communes:
            for offset in (-300, -180, -60, 25 + copy):
                month = format_date(maker.today + dt.timedelta(days=offset), "MMMM y")
                _meeting(
                    maker,
                    MeetingKind.MAYOR_MEETING,
                    f"Rencontre avec le maire de {commune.name} — {month}",
                    offset,
                    [commune],
                    by_commune[commune.id],
                    commitments_of[commune.id],
                )
        for kind, offsets in (
            (MeetingKind.SYNDICATE_COMMITTEE, (-200, -20, 70)),
            (MeetingKind.BUREAU, (-90, 40)),
            (MeetingKind.STEERING_COMMITTEE, (-120, 55)),
            (MeetingKind.TECHNICAL_COMMITTEE, (-45, 12)),
            (MeetingKind.PPI_SEMINAR, (-350,)),
            (MeetingKind.NEW_YEAR, (-330,)),
            (MeetingKind.TECHNICAL_MEETING, (-15, 8)),
        ):
            for offset in offsets:
                all_projects = [p for p, _c in projects]
                month = format_date(maker.today + dt.timedelta(days=offset + copy), "MMMM y")
                title = f"{kind.label} — {month}"
                _meeting(maker, kind, title, offset + copy, communes, all_projects, [])


def _meeting(
    maker: _Maker,
    kind: MeetingKind,
    title: str,
    offset_days: int,
    communes: list[_Commune],
    projects: list[uuid.UUID],
    commitments: list[uuid.UUID],
) -> None:
    day = maker.today + dt.timedelta(days=offset_days)
    starts_at = dt.datetime.combine(day, dt.time(maker.rng.choice((9, 10, 14, 16)), 0))
    held = offset_days < 0
    status = MeetingStatus.HELD if held else MeetingStatus.PLANNED
    if held and maker.rng.random() < 0.05:
        status = MeetingStatus.CANCELLED
    meeting_id = maker.add(
        models.Meeting,
        kind=kind.value,
        title=title,
        starts_at=starts_at,
        duration_minutes=maker.rng.choice((60, 90, 120)),
        place=maker.rng.choice(PLACES),
        status=status.value,
        participants=", ".join(maker.person() for _ in range(maker.rng.randint(3, 6))),
        minutes="Relevé de décisions diffusé aux participants." if held else "",
    )
    for commune in communes:
        maker.add(models.MeetingCommune, meeting_id=meeting_id, commune_id=commune.id)
    for position in range(maker.rng.randint(3, 6)):
        project = maker.rng.choice(projects) if projects and maker.rng.random() < 0.6 else None
        commitment = (
            maker.rng.choice(commitments)
            if commitments and project is None and maker.rng.random() < 0.5
            else None
        )
        outcome = maker.rng.choice(list(OutcomeKind)[:3]) if held else OutcomeKind.NONE
        maker.add(
            models.AgendaItem,
            meeting_id=meeting_id,
            position=position,
            title=maker.rng.choice(AGENDA_TITLES).format(topic=maker.rng.choice(TOPICS)),
            presenter=maker.rng.choice(
                ("Le président", "Le DGS du syndicat", "Le DSI", "Le maire")
            ),
            duration_minutes=maker.rng.choice((10, 15, 20, 30)),
            project_id=project,
            commitment_id=commitment,
            outcome=outcome.value,
            outcome_text={
                "information": "Information donnée.",
                "decision": "Accord de principe.",
            }.get(outcome.value, ""),
            carried_from_id=None,
        )


def _make_exchanges(
    maker: _Maker,
    communes: list[_Commune],
    projects: list[tuple[uuid.UUID, list[_Commune]]],
    scale: int,
) -> None:
    by_commune = {c.id: [p for p, concerned in projects if c in concerned] for c in communes}
    for _copy in range(scale):
        for commune in communes:
            for _number in range(40):
                topic = maker.rng.choice(TOPICS)
                subject, summary = maker.rng.choice(EXCHANGE_SUBJECTS)
                maker.add(
                    models.Exchange,
                    commune_id=commune.id,
                    occurred_on=maker.day_around(700, -1),
                    channel=maker.rng.choice(list(ExchangeChannel)).value,
                    direction=maker.rng.choice(list(ExchangeDirection)).value,
                    subject=subject.format(topic=topic),
                    summary=summary.format(topic=topic) + f" ({commune.name})",
                    follow_up=maker.rng.choice(
                        ("", "Relancer dans quinze jours.", "Réponse écrite à faire.")
                    ),
                    author=maker.person(),
                    project_id=maker.rng.choice(by_commune[commune.id])
                    if by_commune[commune.id]
                    else None,
                    commitment_id=None,
                )


def _make_stakes(
    maker: _Maker,
    communes: list[_Commune],
    projects: list[tuple[uuid.UUID, list[_Commune]]],
    scale: int,
) -> None:
    by_commune = {c.id: [p for p, concerned in projects if c in concerned] for c in communes}
    for _copy in range(scale):
        for commune in communes:
            for _number in range(5):
                axis, lines = maker.rng.choice(AXES)
                stake_id = maker.add(
                    models.MandateStake,
                    commune_id=commune.id,
                    axis=axis,
                    line=maker.rng.choice(lines),
                    action=maker.rng.choice(ACTIONS),
                    priority=maker.rng.choice(list(Priority)).value,
                    progress=maker.rng.choice((0, 10, 25, 50, 75, 100)),
                )
                answering = maker.rng.sample(
                    by_commune[commune.id], min(2, len(by_commune[commune.id]))
                )
                for project_id in answering[: maker.rng.randint(0, 2)]:
                    maker.add(models.StakeProject, stake_id=stake_id, project_id=project_id)
