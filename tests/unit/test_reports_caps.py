"""Packs stay briefings at any size: each list is capped, says how many entries it leaves
out, and the figures still count everything.

The data here is hand-made and larger than each cap, with the entries that must be shown
(on the agenda, the most overdue, the largest credits…) known in advance.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from sitiv_desktop.i18n import format_money
from sitiv_desktop.reports.document import BuildOptions
from sitiv_desktop.reports.meeting_pack import write_meeting_pack
from sitiv_desktop.reports.voeux_pack import write_voeux_pack
from sitiv_desktop.services.briefings import (
    CHANGES_SHOWN,
    COMMUNE_PAGE_SHOWN,
    DELIVERED_SHOWN,
    DUE_SOON_SHOWN,
    KEPT_SHOWN,
    LATE_SHOWN,
    NEXT_PPI_LINES_SHOWN,
    PPI_LINES_SHOWN,
    PROJECTS_SHOWN,
    STAKES_SHOWN,
    meeting_pack_data,
    voeux_pack_data,
)
from sitiv_desktop.services.ppi import ppi_table
from sitiv_desktop.store import models
from tests import builders
from tests.unit.reports_data import flat, page_texts

MEETING_DAY = dt.datetime(2015, 6, 15, 10, 0)
LAST_MEETING_DAY = dt.date(2015, 3, 1)
EXTRA = 3


def _meeting_text(session: Session, meeting_id: uuid.UUID) -> str:
    data = meeting_pack_data(session, meeting_id)
    stream = io.BytesIO()
    write_meeting_pack(data, stream, BuildOptions())
    # The pages after the cover and the contents.
    return flat(" ".join(page_texts(stream.getvalue())[2:]))


def _between(text: str, start: str, end: str) -> str:
    """The part of a pack's text from one section's heading to the next one's (a page's
    header, which names its sections, comes after the page's text)."""
    begin = text.index(start)
    return text[begin : text.index(end, begin)]


def _commune_with_meetings(session: Session) -> tuple[models.Commune, models.Meeting]:
    commune = builders.commune(session, "Corbas", "69273", population=11_093)
    builders.meeting(
        session,
        "Rencontre de mars",
        dt.datetime.combine(LAST_MEETING_DAY, dt.time(9)),
        [commune],
        status="held",
    )
    meeting = builders.meeting(session, "Rencontre de juin", MEETING_DAY, [commune])
    return commune, meeting


def _project(
    session: Session,
    commune: models.Commune,
    code: str,
    status: str,
    ap_cents: int = 0,
    end_date: dt.date | None = None,
) -> models.Project:
    project = builders.project(session, code, f"Projet {code}", commune, status=status)
    project.end_date = end_date
    if ap_cents:
        builders.ppi_line(session, project, [(dt.date(2014, 1, 10), ap_cents)], {})
    return project


def test_projects_most_relevant_first_and_the_rest_counted(session: Session) -> None:
    commune, meeting = _commune_with_meetings(session)
    # More projects under way than the cap: the largest by AP are shown first.
    for number in range(PROJECTS_SHOWN + EXTRA):
        _project(session, commune, f"COR-EC-{number:02d}", "in_progress", (number + 1) * 100_000)
    on_agenda = _project(session, commune, "COR-IDEE", "idea")
    meeting.agenda_items.append(
        models.AgendaItem(
            position=0,
            title="L’idée du moment",
            presenter="",
            duration_minutes=20,
            project_id=on_agenda.id,
            outcome="none",
            outcome_text="",
        )
    )
    _project(session, commune, "COR-NEUF", "delivered", end_date=dt.date(2015, 5, 2))
    for number in range(4):
        _project(session, commune, f"COR-OLD-{number}", "delivered", end_date=dt.date(2013, 1, 1))
    session.flush()
    total = PROJECTS_SHOWN + EXTRA + 1 + 1 + 4
    hidden = total - PROJECTS_SHOWN

    text = _meeting_text(session, meeting.id)
    projects = _between(text, "4. Projets", "5. Engagements")

    # On the agenda, delivered since the last meeting, then the largest under way.
    for code in ("COR-IDEE", "COR-NEUF", f"COR-EC-{PROJECTS_SHOWN + EXTRA - 1:02d}"):
        assert code in projects
    assert "COR-OLD-0" not in projects
    assert "COR-EC-00" not in projects  # the smallest under way falls beyond the cap
    assert (
        f"{hidden} autres projets ne sont pas détaillés ; la liste complète est dans "
        "l’application." in projects
    )
    assert f"Les {PROJECTS_SHOWN} projets qui comptent le plus pour cette rencontre" in projects
    # The key figures count every project.
    assert f"{total} projets, dont {PROJECTS_SHOWN + EXTRA} en cours" in text


def test_commitments_are_capped_and_their_counts_are_whole(session: Session) -> None:
    commune, meeting = _commune_with_meetings(session)
    made = dt.date(2014, 1, 1)
    for number in range(LATE_SHOWN + EXTRA):
        due = dt.date(2014, 2, 1) + dt.timedelta(days=number)
        builders.commitment(session, commune, f"Retard {number:03d}", made, due)
    for number in range(DUE_SOON_SHOWN + EXTRA):
        due = MEETING_DAY.date() + dt.timedelta(days=1 + number % 50)
        builders.commitment(session, commune, f"Bientôt {number:03d}", made, due)
    for number in range(KEPT_SHOWN + EXTRA):
        kept = builders.commitment(session, commune, f"Tenu {number:03d}", made, None)
        kept.status = "kept"
        kept.closed_on = LAST_MEETING_DAY + dt.timedelta(days=1 + number)
    session.flush()

    text = _meeting_text(session, meeting.id)
    figures = _between(text, "2. La commune en bref", "3. Ce qui a changé")
    text = _between(text, "5. Engagements", "6. Échanges récents")

    # The most overdue are shown, the least overdue are left to the application.
    assert "Retard 000" in text and f"Retard {LATE_SHOWN + EXTRA - 1:03d}" not in text
    assert (
        f"{EXTRA} autres engagements en retard, moins anciens, ne sont pas détaillés ; "
        "la liste complète est dans l’application." in text
    )
    assert f"{EXTRA} autres engagements à échéance plus lointaine ne sont pas détaillés" in text
    # Kept since the last meeting: the latest first.
    assert f"Tenu {KEPT_SHOWN + EXTRA - 1:03d}" in text and "Tenu 000" not in text
    assert f"{EXTRA} autres engagements tenus plus tôt ne sont pas détaillés" in text
    assert f"{LATE_SHOWN + EXTRA} engagements en retard" in figures
    open_count = LATE_SHOWN + DUE_SOON_SHOWN + 2 * EXTRA
    assert f"{open_count} engagements ouverts" in figures


def test_changes_stakes_and_ppi_lines_are_capped(session: Session) -> None:
    commune, meeting = _commune_with_meetings(session)
    for number in range(CHANGES_SHOWN + EXTRA):
        made = LAST_MEETING_DAY + dt.timedelta(days=1 + number)
        builders.commitment(session, commune, f"Promesse {number:03d}", made, None)
    for number in range(STAKES_SHOWN + EXTRA):
        session.add(
            models.MandateStake(
                commune_id=commune.id,
                axis="Ville numérique",
                line="Ligne",
                action=f"Action {number:03d}",
                priority="low" if number else "high",
                progress=number,
            )
        )
    year = MEETING_DAY.year
    total_ap = 0
    for number in range(PPI_LINES_SHOWN + EXTRA):
        project = builders.project(session, f"COR-PPI-{number:02d}", "Ligne", commune)
        # The first lines' credits ended long ago; the others have credits this year.
        credits = {2010: 1_000_00} if number < EXTRA else {year: (number + 1) * 10_000_00}
        ap = (number + 1) * 100_000_00
        total_ap += ap
        builders.ppi_line(session, project, [(dt.date(2010, 1, 5), ap)], credits)
    session.flush()

    text = _meeting_text(session, meeting.id)

    # The latest changes are listed; the earliest ones are counted.
    assert f"Promesse {CHANGES_SHOWN + EXTRA - 1:03d}" in text and "Promesse 000" not in text
    assert f"{EXTRA} changements plus anciens ne sont pas détaillés" in text
    # The sentence above the table counts them all, the earliest ones too.
    assert f"{CHANGES_SHOWN + EXTRA} engagements pris." in text
    # The high-priority stake first; the most advanced low ones fall beyond the cap.
    assert "Action 000" in text and f"Action {STAKES_SHOWN + EXTRA - 1:03d}" not in text
    assert f"{EXTRA} autres enjeux ne sont pas détaillés" in text
    # PPI: the lines with credits this year are shown, the share row counts every line.
    ppi = _between(text, "8. Lignes du PPI", "9. Points à aborder")
    assert "COR-PPI-00" not in ppi and f"COR-PPI-{PPI_LINES_SHOWN + EXTRA - 1:02d}" in ppi
    assert f"{EXTRA} autres lignes du PPI ne sont pas détaillées" in ppi
    assert flat(f"Part de Corbas {format_money(Decimal(total_ap) / 100)}") in ppi


def test_the_new_year_pack_keeps_each_commune_to_one_page(session: Session) -> None:
    year = 2014
    first = builders.commune(session, "Givors", "69091")
    second = builders.commune(session, "Vénissieux", "69259")
    for commune in (first, second):
        for number in range(COMMUNE_PAGE_SHOWN + EXTRA):
            kept = builders.commitment(
                session, commune, f"{commune.name} tenu {number}", dt.date(year, 1, 2), None
            )
            kept.status = "kept"
            kept.closed_on = dt.date(year, 3, 1) + dt.timedelta(days=number)
            builders.commitment(
                session,
                commune,
                f"{commune.name} retard {number}",
                dt.date(year, 1, 2),
                dt.date(year, 2, 1) + dt.timedelta(days=number),
            )
    for number in range(DELIVERED_SHOWN + EXTRA):
        owner = first if number % 2 else second
        project = _project(
            session, owner, f"LIV-{number:02d}", "delivered", end_date=dt.date(year, 6, 1)
        )
        builders.ppi_line(
            session,
            project,
            [(dt.date(year, 1, 10), (number + 1) * 100_000)],
            {year + 1: (number + 1) * 1_000_00},
        )
    session.flush()
    data = voeux_pack_data(session, year)
    stream = io.BytesIO()
    write_voeux_pack(data, stream, BuildOptions())
    pages = [flat(page) for page in page_texts(stream.getvalue())]
    text = " ".join(pages)

    commune_pages = [p for p in pages if "Section : 4. Les communes" in p]
    assert len(commune_pages) == 2
    for page in commune_pages:
        assert f"{COMMUNE_PAGE_SHOWN + EXTRA} engagements tenus" in page
        assert page.count("autres ne sont pas détaillés ; la liste complète est dans") == 3
    # The syndicate-wide lists: the largest first, and how many more.
    assert f"LIV-{DELIVERED_SHOWN + EXTRA - 1:02d}" in text and "LIV-00 " not in text
    assert f"{EXTRA} autres projets livrés en {year} ne sont pas détaillés" in text
    assert f"{NEXT_PPI_LINES_SHOWN} lignes aux crédits de paiement les plus élevés" in text
    assert f"{EXTRA} autres lignes aux crédits de paiement {year + 1} moindres" in text
    # The counts are whole: figures, commitments by commune, the PPI total.
    kept_total = 2 * (COMMUNE_PAGE_SHOWN + EXTRA)
    assert f"{DELIVERED_SHOWN + EXTRA} projets livrés" in text
    assert f"{kept_total} engagements tenus" in text
    assert f"{DELIVERED_SHOWN + EXTRA} lignes du PPI {year + 1}" in text
    total_cp = ppi_table(session, years=(year + 1,)).total_cp(year + 1)
    assert flat(format_money(total_cp)) in text


@pytest.mark.parametrize("count", [PROJECTS_SHOWN, PROJECTS_SHOWN - 1])
def test_a_list_within_its_cap_is_whole_and_says_nothing_more(session: Session, count: int) -> None:
    commune, meeting = _commune_with_meetings(session)
    for number in range(count):
        _project(session, commune, f"COR-{number:02d}", "delivered", end_date=dt.date(2012, 1, 1))
    session.flush()
    text = _meeting_text(session, meeting.id)
    assert all(f"COR-{number:02d}" in text for number in range(count))
    assert "ne sont pas détaillés" not in text and "n’est pas détaillé" not in text
