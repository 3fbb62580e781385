"""Meetings and their agendas: mayor meetings, collective meetings, technical meetings."""

from __future__ import annotations

import datetime as dt
import uuid

from sitiv_desktop.domain.enums import (
    MeetingKind,
    MeetingStatus,
    OutcomeKind,
    ProjectStatus,
)
from sitiv_desktop.i18n import de_commune
from sitiv_desktop.services.demo.agendas import Calendar, Item
from sitiv_desktop.services.demo.commitments import make_commitment
from sitiv_desktop.services.demo.maker import (
    DrawnCommitment,
    DrawnCommune,
    DrawnProject,
    Maker,
    Staff,
    french_date,
    projects_of,
    weekday,
)
from sitiv_desktop.services.demo.vocabulary import (
    COLLECTIVE_AGENDAS,
    MEETING_NAMES,
)

# (kind, days from today, duration in minutes, hour, minute, place); one calendar per copy.
COLLECTIVE_MEETINGS: tuple[tuple[MeetingKind, tuple[int, ...], int, int, int, str], ...] = (
    (
        MeetingKind.SYNDICATE_COMMITTEE,
        (-250, -160, -75, 40),
        120,
        18,
        30,
        "Siège du syndicat, salle du comité",
    ),
    (MeetingKind.BUREAU, (-190, -100, -30, 18), 90, 17, 0, "Siège du syndicat, salle du bureau"),
    (
        MeetingKind.STEERING_COMMITTEE,
        (-140, -50, 35),
        120,
        9,
        30,
        "Siège du syndicat, salle du comité",
    ),
    (
        MeetingKind.TECHNICAL_COMMITTEE,
        (-120, -45, 12),
        120,
        14,
        0,
        "Siège du syndicat, salle technique",
    ),
)
MAYOR_MEETING_DAYS = (-200, -70)
TECHNICAL_MEETING_DAYS = (-60, -25, -8, 6)
INFO, DECIDE = OutcomeKind.INFORMATION, OutcomeKind.DECISION


def make_meetings(
    maker: Maker,
    communes: list[DrawnCommune],
    projects: list[DrawnProject],
    commitments: dict[uuid.UUID, list[DrawnCommitment]],
    staff: Staff,
) -> None:
    calendar = Calendar(maker, staff)
    today = maker.today
    vows_year = today.year - (0 if today >= dt.date(today.year, 1, 25) else 1)
    vows_days = [
        weekday(dt.date(year, 1, maker.rng.randint(12, 22))) for year in (vows_year, vows_year + 1)
    ]
    # In the weeks before each vœux, the president meets the mayors: all but one of them.
    missed = [maker.rng.choice(communes) for _day in vows_days]
    for commune in communes:
        met = _mayor_meeting_days(
            maker, [day for day, skip in zip(vows_days, missed, strict=True) if skip != commune]
        )
        _mayor_meetings(calendar, commune, projects_of(commune, projects), commitments, met)
    for kind, days, duration, hour, minute, place in COLLECTIVE_MEETINGS:
        for offset in days:
            day = weekday(maker.days_from_today(offset + maker.rng.randint(-6, 6)))
            at = dt.datetime.combine(day, dt.time(hour, minute))
            title = f"{MEETING_NAMES[kind]} du {french_date(day)}"
            _collective_meeting(calendar, kind, title, at, duration, place, communes, projects)
    # The PPI seminar is held in early December, the New Year address in mid-January.
    seminar_year = today.year - (0 if today >= dt.date(today.year, 12, 12) else 1)
    for year in (seminar_year, seminar_year + 1):
        at = dt.datetime.combine(weekday(dt.date(year, 12, maker.rng.randint(3, 10))), NINE)
        title = f"Séminaire PPI {year + 1}"
        _collective_meeting(
            calendar, MeetingKind.PPI_SEMINAR, title, at, 420, HEADQUARTERS, communes, projects
        )
    for day in vows_days:
        at = dt.datetime.combine(day, EVENING)
        title = f"{MEETING_NAMES[MeetingKind.NEW_YEAR]} {day.year}"
        _collective_meeting(
            calendar,
            MeetingKind.NEW_YEAR,
            title,
            at,
            90,
            HEADQUARTERS,
            communes,
            projects,
            _speech_notes(day.year),
        )
    # A technical meeting prepares the acceptance of work under way.
    running = [p for p in projects if p.status is ProjectStatus.IN_PROGRESS] or projects
    for offset in TECHNICAL_MEETING_DAYS:
        _technical_meeting(calendar, maker.rng.choice(running), offset)


NINE, EVENING = dt.time(9, 0), dt.time(18, 30)
HEADQUARTERS = "Siège du syndicat, grande salle"


# French municipal elections come every six years, in March (2020, 2026, 2032…).
ELECTION_YEAR = 2026


def _speech_notes(year: int) -> str:
    """The president's notes for the vœux of ``year``: words, not figures (the pack gives them)."""
    since_election = (year - ELECTION_YEAR) % 6
    mandate = {
        1: "- Premiers vœux du mandat : souhaiter la bienvenue aux équipes municipales élues en "
        f"mars {year - 1}.",
        0: f"- Derniers vœux du mandat avant les élections de mars {year} : remercier les élus "
        "qui ne se représentent pas.",
    }.get(since_election, "- Rappeler le cap du plan de mandat et ce qui reste à faire.")
    return (
        "Ouvrir par un mot pour les agents du syndicat et des communes, qui ont tenu les "
        "services numériques toute l’année.\n"
        "- Saluer les secrétaires de mairie, premiers relais des usagers auprès du syndicat.\n"
        f"{mandate}\n"
        "- Conclure sur la mutualisation : faire ensemble ce qu’aucune commune ne ferait seule."
    )


def _personal_points(commune: DrawnCommune) -> str:
    """The president's own points for a mayor meeting to come."""
    town_hall = f"l’hôtel de ville {de_commune(commune.name)}"
    return (
        f"- Remercier {commune.mayor} de son accueil à {town_hall}.\n"
        "- Redire que le syndicat prévient la commune avant qu’une échéance ne glisse.\n"
        "- Proposer la visite d’un chantier en cours avec les élus de la commune."
    )


def _mayor_meeting_days(maker: Maker, vows_days: list[dt.date]) -> list[dt.date]:
    """A spring and an autumn meeting, one in the weeks before each vœux, and one to come."""
    days = {
        weekday(maker.days_from_today(offset + maker.rng.randint(-8, 8)))
        for offset in MAYOR_MEETING_DAYS
    }
    for vows in vows_days:
        room = (vows - maker.today).days - 3 if vows > maker.today else 60
        if room >= 7:
            days.add(weekday(vows - dt.timedelta(days=maker.rng.randint(7, min(42, room)))))
    if max(days) <= maker.today:
        days.add(weekday(maker.days_from_today(maker.rng.randint(20, 45))))
    return sorted(days)


def _mayor_meetings(
    calendar: Calendar,
    commune: DrawnCommune,
    mine: list[DrawnProject],
    commitments: dict[uuid.UUID, list[DrawnCommitment]],
    days: list[dt.date],
) -> None:
    """The meetings with the mayor: those held give rise to commitments."""
    maker, staff = calendar.maker, calendar.staff
    mayor = f"{commune.mayor} (maire)"
    for day in days:
        meeting_id, status = calendar.meeting(
            MeetingKind.MAYOR_MEETING,
            f"Rencontre avec le maire {de_commune(commune.name)} — {french_date(day)}",
            dt.datetime.combine(day, dt.time(maker.rng.choice((9, 10, 14, 16)), 0)),
            90,
            f"Hôtel de ville {de_commune(commune.name)}, bureau du maire",
            [commune],
            f"{mayor}, {commune.general_director} (DGS), {staff.titled['president']}, "
            f"{staff.titled['dgs']}",
            _personal_points(commune) if day >= maker.today else "",
        )
        # A follow-up is for a commitment still open on the meeting's day, a point d'étape for a
        # project in progress. Two commitments may read alike: an agenda follows up each
        # wording once.
        still_open = [c for c in commitments[commune.id] if c.open_on(day)]
        followed = list({c.title: c for c in still_open}.values())
        running = [p for p in mine if p.status is ProjectStatus.IN_PROGRESS]
        items = [
            Item("Actualités de la commune", mayor, 10),
            *(
                Item(
                    f"Point d’étape : {p.title}",
                    staff.by_role("liaison", maker.rng),
                    15,
                    project_id=p.id,
                )
                for p in maker.rng.sample(running, min(2, len(running)))
            ),
            *(
                Item(f"Suivi d’engagement : {c.title}", staff.titled["dgs"], 10, commitment=c)
                for c in maker.rng.sample(followed, min(2, len(followed)))
            ),
            Item("Enjeux du plan de mandat et numérique", mayor, 15),
        ]
        if status is MeetingStatus.HELD:
            # What the mayor asks for becomes a commitment, made at this meeting.
            for project in maker.rng.sample(mine, maker.rng.randint(1, min(2, len(mine)))):
                due = day + dt.timedelta(days=maker.rng.randint(30, 240))
                made = make_commitment(maker, commune, project, staff, day, due, meeting_id)
                commitments[commune.id].append(made)
                items.append(
                    Item(
                        f"Demande de la commune : {project.subject.the}",
                        mayor,
                        10,
                        OutcomeKind.COMMITMENT,
                        project.id,
                        made,
                    )
                )
        calendar.agenda(f"mayor-{commune.id}", meeting_id, status, items)


def _collective_meeting(
    calendar: Calendar,
    kind: MeetingKind,
    title: str,
    at: dt.datetime,
    duration: int,
    place: str,
    communes: list[DrawnCommune],
    projects: list[DrawnProject],
    speaker_notes: str = "",
) -> None:
    maker, staff = calendar.maker, calendar.staff
    participants = {
        MeetingKind.STEERING_COMMITTEE: "Les directeurs généraux des services des communes "
        f"membres ; {staff.titled['dgs']}",
        MeetingKind.TECHNICAL_COMMITTEE: "Les directeurs des systèmes d’information des "
        f"communes membres ; {staff.titled['technical']}",
    }.get(
        kind,
        f"Les délégués des communes membres ; {staff.titled['president']}, "
        f"{staff.titled['vice_president']}, {staff.titled['dgs']}",
    )
    meeting_id, status = calendar.meeting(
        kind, title, at, duration, place, communes, participants, speaker_notes
    )
    # The New Year address shows what was delivered; the PPI seminar, what waits for a vote;
    # the committees follow the work under way (its progress, its calendar, its acceptance).
    wanted = {
        MeetingKind.NEW_YEAR: (ProjectStatus.DELIVERED,),
        MeetingKind.PPI_SEMINAR: (ProjectStatus.IDEA, ProjectStatus.STUDY),
    }.get(kind, (ProjectStatus.IN_PROGRESS,))
    fitting = [p for p in projects if p.status in wanted] or projects
    items = []
    for template, role, minutes, about_project, outcome in COLLECTIVE_AGENDAS[kind]:
        project = maker.rng.choice(fitting) if about_project else None
        items.append(
            Item(
                template.format(title=project.title if project else ""),
                staff.by_role(role, maker.rng),
                minutes,
                outcome,
                project.id if project else None,
            )
        )
    ceremony = kind in (MeetingKind.NEW_YEAR, MeetingKind.PPI_SEMINAR)
    calendar.agenda(kind.value, meeting_id, status, items, may_slip=not ceremony)


def _technical_meeting(calendar: Calendar, project: DrawnProject, offset: int) -> None:
    """A working meeting on one project, with the communes it concerns and no other."""
    maker, staff = calendar.maker, calendar.staff
    day = weekday(maker.days_from_today(offset + maker.rng.randint(-3, 3)))
    meeting_id, status = calendar.meeting(
        MeetingKind.TECHNICAL_MEETING,
        f"Réunion technique : {project.subject.the}",
        dt.datetime.combine(day, dt.time(maker.rng.choice((9, 14)), 30)),
        60,
        "Visioconférence" if maker.rng.random() < 0.4 else "Siège du syndicat, salle technique",
        project.communes,
        f"{staff.titled['technical']}, les référents numériques de "
        + ", ".join(c.name for c in project.communes),
    )
    presenter = staff.titled["technical"]
    items = [
        Item(f"Recette : {project.title}", presenter, 25, DECIDE, project.id),
        Item("Planning d’intervention sur site", presenter, 20, DECIDE, project.id),
        Item("Points bloquants et risques", presenter, 15, INFO, project.id),
    ]
    calendar.agenda(f"technical-{project.id}", meeting_id, status, items)
