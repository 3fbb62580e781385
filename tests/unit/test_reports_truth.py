"""What a stranger found untrue in the packs built from the demonstration, read back from the PDF:
« en cours » meaning two statuses, a project imported today missing from « Ce qui a changé », an
abandoned project still « à programmer », and a merged commune still holding meetings."""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from sitiv_desktop.domain.enums import MeetingKind, ProjectStatus
from sitiv_desktop.domain.transfers import ImportKind
from sitiv_desktop.i18n import de_commune, format_money, of_commune, set_language
from sitiv_desktop.reports.document import BuildOptions
from sitiv_desktop.reports.packs import build_pack
from sitiv_desktop.services.briefings import gather_pack
from sitiv_desktop.services.columns import ppi_list
from sitiv_desktop.services.demo import generate_demo
from sitiv_desktop.services.imports import import_file
from sitiv_desktop.services.ppi import list_ppi_lines
from sitiv_desktop.services.projects import ProjectFilter, list_projects
from sitiv_desktop.store import models
from sitiv_desktop.store.database import Database
from tests.unit.reports_data import flat

TODAY = dt.date(2026, 12, 1)
CHANGES = "3. Ce qui a changé depuis la dernière rencontre"


def demo_copy(folder: Path) -> Database:
    from sitiv_desktop.context import open_context

    context = open_context(folder / "data")
    with context.database.session() as session:
        generate_demo(session, seed=1, today=TODAY)
    return context.database


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Database:
    return demo_copy(tmp_path_factory.mktemp("truth"))


def venissieux(database: Database) -> uuid.UUID:
    with database.read_session() as session:
        return session.scalars(
            select(models.Commune.id).where(models.Commune.name == "Vénissieux")
        ).one()


def next_mayor_meeting(database: Database, commune_id: uuid.UUID) -> str:
    with database.read_session() as session:
        found = session.scalars(
            select(models.Meeting.id)
            .join(models.MeetingCommune)
            .where(
                models.MeetingCommune.commune_id == commune_id,
                models.Meeting.kind == MeetingKind.MAYOR_MEETING.value,
                models.Meeting.starts_at >= dt.datetime.combine(TODAY, dt.time()),
            )
            .order_by(models.Meeting.starts_at)
        ).first()
    assert found is not None
    return str(found)


def pack_text(database: Database, meeting: str) -> str:
    with database.read_session() as session:
        data = gather_pack(session, "meeting", meeting, today=TODAY)
    stream = io.BytesIO()
    build_pack(data, stream, BuildOptions())
    pages = PdfReader(stream).pages
    return flat(" ".join(page.extract_text() or "" for page in pages)).replace("\u00a0", " ")


def section(text: str, heading: str, following: str) -> str:
    """The section's body: of the heading's occurrences (the contents, running heads), the
    one the longest text follows before the next section's heading."""
    bodies = [
        text[found.start() : text.find(following, found.start())]
        for found in re.finditer(re.escape(heading), text)
    ]
    return max(bodies, key=len)


def test_en_cours_counts_the_projects_in_progress_as_the_lists_do(demo: Database) -> None:
    commune = venissieux(demo)
    with demo.read_session() as session:
        projects = list_projects(session, ProjectFilter(commune_id=commune))
    statuses = [p.status for p in projects]
    # The demo gives Vénissieux projects under study: they must not be counted « en cours ».
    assert ProjectStatus.STUDY in statuses
    text = pack_text(demo, next_mayor_meeting(demo, commune))
    found = re.search(r"(\d+) projets, dont (\d+) en cours", text)
    assert found is not None
    assert int(found.group(1)) == len(projects)
    assert int(found.group(2)) == statuses.count(ProjectStatus.IN_PROGRESS)


def test_a_project_imported_today_on_this_laptop_is_among_the_changes(tmp_path: Path) -> None:
    database = demo_copy(tmp_path)
    sheet = tmp_path / "projets.csv"
    sheet.write_text(
        "Code;Titre;Domaine;Statut;Maître d’ouvrage\n"
        "VEN-2027-01;Wifi public dans les parcs;Réseau;Idée;Vénissieux\n",
        encoding="utf-8",
    )
    import_file(database, ImportKind.PROJECTS, sheet)
    text = pack_text(database, next_mayor_meeting(database, venissieux(database)))
    changes = section(text, CHANGES, "4. Projets")
    assert "VEN-2027-01 — Wifi public dans les parcs" in changes
    assert "Nouveau projet" in changes
    assert "ce poste, pas encore synchronisé" in changes


def test_an_abandoned_project_has_nothing_left_to_program(demo: Database) -> None:
    commune = venissieux(demo)
    with demo.read_session() as session:
        lines = list_ppi_lines(session, commune)
        projects = {
            row.id: row
            for row in session.scalars(
                select(models.Project).where(models.Project.id.in_([x.project_id for x in lines]))
            )
        }
        percents: dict[uuid.UUID, int] = {}
        status: dict[uuid.UUID, ProjectStatus] = {}
        for line in lines:
            project = projects[line.project_id]
            shares = {part.commune_id: part.cost_share for part in project.participations}
            own = 100 - sum(shares.values()) if project.owner_commune_id == commune else 0
            percents[line.id] = shares.get(commune, 0) + own
            status[line.id] = ProjectStatus(project.status)
    (abandoned,) = [line for line in lines if line.project_code == "SIT-2024-01"]
    assert status[abandoned.id] is ProjectStatus.ABANDONED
    assert abandoned.ap and abandoned.ap > sum(abandoned.cp_by_year.values(), Decimal(0))
    # The PPI list (window and spreadsheet) shows nothing left to program on it.
    columns = ppi_list(sorted(abandoned.cp_by_year))
    assert columns[-1].display(abandoned) == format_money(Decimal(0))  # not 105 120,00 €
    # The pack's share row counts nothing for it: the commune's part of each live line's AP
    # less its CP.
    expected = sum(
        ((line.ap or Decimal(0)) - sum(line.cp_by_year.values(), Decimal(0)))
        * percents[line.id]
        / 100
        for line in lines
        if status[line.id] is not ProjectStatus.ABANDONED
    )
    text = pack_text(demo, next_mayor_meeting(demo, commune))
    share = re.search(r"Part de Vénissieux ((?:[\d ]+,\d\d €\s*)+)", text)
    assert share is not None
    amounts = re.findall(r"[\d ]+,\d\d €", share.group(1))
    wanted = format_money(Decimal(expected).quantize(Decimal("0.01")))
    assert amounts[-1].strip() == " ".join(
        wanted.replace("\u00a0", " ").replace("\u202f", " ").split()
    )
    assert "105 120,00 €" not in text
    # Nil, but not silently: the cell is marked and the note under the table says why.
    assert columns[-1].note is not None
    assert columns[-1].note(abandoned) == "Projet abandonné\u00a0: rien n’est plus à programmer."
    ppi = section(text, "8. Lignes du PPI", "9. Points à aborder")
    assert "SIT-2024-01" in ppi
    assert "0,00 € * projet abandonné" in ppi
    assert "* Projet abandonné : rien n’est plus à programmer." in ppi


def test_a_commune_name_after_de_is_elided_or_contracted(demo: Database) -> None:
    with demo.read_session() as session:
        oullins = session.scalars(
            select(models.Commune.id).where(models.Commune.name == "Oullins-Pierre-Bénite")
        ).one()
    text = pack_text(demo, next_mayor_meeting(demo, oullins))
    for elided in (
        "Rencontre avec le maire d’Oullins-Pierre-Bénite",  # the demo's titles
        "Hôtel de ville d’Oullins-Pierre-Bénite",
        "Part d’Oullins-Pierre-Bénite",  # the PPI table's share row
        "Crédits de paiement à la charge d’Oullins-Pierre-Bénite, par année",  # the chart
    ):
        assert elided in text, elided
    assert "de Oullins" not in text
    # Talking points do not set a quoted title after « de ».
    assert "de « " not in section(text, "9. Points à aborder", "page ")
    assert [de_commune(name) for name in ("Givors", "Écully", "Hérouville", "Houilles")] == [
        "de Givors",
        "d’Écully",
        "d’Hérouville",
        "de Houilles",
    ]
    assert de_commune("Le Bois-d’Oingt") == "du Bois-d’Oingt"
    assert de_commune("Les Haies") == "des Haies"
    assert de_commune("La Mulatière") == "de La Mulatière"
    assert of_commune("Oullins-Pierre-Bénite") == "d’Oullins-Pierre-Bénite"
    set_language("en")
    try:
        assert of_commune("Oullins-Pierre-Bénite") == "of Oullins-Pierre-Bénite"
    finally:
        set_language("fr")


def test_the_demo_holds_the_commune_merged_in_2024_not_the_former_one(demo: Database) -> None:
    with demo.read_session() as session:
        communes = {row.insee_code: row for row in session.scalars(select(models.Commune))}
        assert "69152" not in communes
        assert all(row.name != "Pierre-Bénite" for row in communes.values())
        merged = communes["69149"]
        assert merged.name == "Oullins-Pierre-Bénite"
        assert "Pierre-Bénite (INSEE 69152) a fusionné dans Oullins-Pierre-Bénite" in merged.note
        # It takes part in the syndicate's life of today, as the president's rhythm has it.
        mayor_meetings = session.scalars(
            select(models.Meeting.starts_at)
            .join(models.MeetingCommune)
            .where(
                models.MeetingCommune.commune_id == merged.id,
                models.Meeting.kind == MeetingKind.MAYOR_MEETING.value,
            )
        ).all()
        assert any(day.date() > dt.date(2024, 1, 1) for day in mayor_meetings)


def voeux_text(database: Database, year: int) -> str:
    with database.read_session() as session:
        data = gather_pack(session, "voeux", year=year, today=TODAY)
    stream = io.BytesIO()
    build_pack(data, stream, BuildOptions(invariant=True))
    return flat(" ".join(page.extract_text() for page in PdfReader(stream).pages))


def test_a_past_year_counts_its_projects_in_progress_today_and_says_so(demo: Database) -> None:
    with demo.read_session() as session:
        running = len(list_projects(session, ProjectFilter(statuses=(ProjectStatus.IN_PROGRESS,))))
    past, current = voeux_text(demo, 2025), voeux_text(demo, 2026)
    assert f"{running} projets en cours aujourd’hui" in past
    assert "Les projets en cours sont comptés à ce jour" in past
    assert f"{running} projets en cours " in current
    assert "aujourd’hui" not in current and "comptés à ce jour" not in current


def test_the_speakers_notes_thank_the_communes_once(demo: Database) -> None:
    text = voeux_text(demo, 2025)
    assert len(re.findall(r"Remercier les \d+ communes membres de leur confiance", text)) == 1
    assert "Remercier les maires" not in text
