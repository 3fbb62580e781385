"""Every service against hand-made data whose answer is known."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from sitiv_desktop.domain.enums import (
    CommitmentStatus,
    MeetingKind,
    OutcomeKind,
    ProjectStatus,
)
from sitiv_desktop.errors import NotFound, UserError
from sitiv_desktop.services.commitments import (
    CommitmentDraft,
    CommitmentFilter,
    CommitmentState,
    commitments_by_state,
    count_commitments,
    list_commitments,
    save_commitment,
)
from sitiv_desktop.services.communes import (
    commune_overview,
    find_commune,
    late_commitment_counts,
    list_communes,
)
from sitiv_desktop.services.exchanges import exchange_timeline
from sitiv_desktop.services.meetings import (
    AgendaItemDraft,
    MeetingDraft,
    carry_over_unhandled,
    get_meeting,
    list_meetings,
    record_outcome,
    reorder_agenda,
    save_agenda_item,
    save_meeting,
)
from sitiv_desktop.services.ppi import list_ppi_lines, ppi_table
from sitiv_desktop.services.projects import (
    ProjectDraft,
    ProjectFilter,
    count_projects,
    get_project,
    list_projects,
    save_project,
)
from sitiv_desktop.services.stakes import StakeDraft, save_stake
from sitiv_desktop.store import models
from sitiv_desktop.store.database import Database
from tests import builders

TODAY = dt.date(2020, 6, 15)


@pytest.fixture
def world(database: Database) -> dict[str, object]:
    """Two communes, a shared project, commitments in each state, meetings and exchanges."""
    with database.session() as s:
        ven = builders.commune(s, "Vénissieux", "69259", 67129)
        giv = builders.commune(s, "Givors", "69091", 20121)
        corbas = builders.commune(s, "Corbas", "69273", 11108)
        fibre = builders.project(s, "VEN-01", "Fibre des écoles", ven, "in_progress", progress=40)
        portal = builders.project(s, "VEN-02", "Portail citoyen", ven, "delivered", progress=100)
        shared = builders.project(
            s, "SYN-01", "Messagerie mutualisée", None, "study", shares={ven.id: 60, giv.id: 30}
        )
        builders.project(s, "GIV-01", "SIG de Givors", giv, "idea")
        builders.ppi_line(
            s,
            fibre,
            [(dt.date(2016, 1, 10), 100_000_00), (dt.date(2017, 3, 1), 120_000_00)],
            {2016: 40_000_00, 2017: 80_000_00},
        )
        builders.ppi_line(s, shared, [(dt.date(2016, 2, 1), 50_000_00)], {2016: 10_000_00})
        builders.ppi_line(s, portal, [], {2018: 5_000_00})
        builders.commitment(
            s, ven, "Câbler le groupe scolaire", dt.date(2020, 1, 1), dt.date(2020, 5, 1)
        )
        builders.commitment(s, ven, "Ouvrir le portail", dt.date(2020, 1, 1), dt.date(2020, 7, 1))
        builders.commitment(s, ven, "Étude SIG", dt.date(2020, 1, 1), dt.date(2021, 1, 1))
        builders.commitment(
            s, ven, "Wifi en mairie", dt.date(2019, 1, 1), dt.date(2019, 6, 1), status="kept"
        )
        builders.commitment(
            s, giv, "Renouveler les postes", dt.date(2020, 1, 1), dt.date(2020, 2, 1)
        )
        past = builders.meeting(
            s, "Rencontre de janvier", dt.datetime(2020, 1, 20, 14), [ven], status="held"
        )
        builders.meeting(s, "Rencontre de juillet", dt.datetime(2020, 7, 2, 10), [ven])
        builders.meeting(s, "Rencontre de septembre", dt.datetime(2020, 9, 2, 10), [ven])
        builders.meeting(
            s,
            "Comité technique",
            dt.datetime(2020, 6, 20, 9),
            [ven, giv],
            kind="technical_committee",
        )
        for day in range(1, 8):
            builders.exchange(s, ven, f"Appel {day}", dt.date(2020, 6, day), "échéance rappelée")
        builders.exchange(s, giv, "Courrier du maire", dt.date(2020, 6, 3))
        return {"ven": ven, "giv": giv, "corbas": corbas, "fibre": fibre, "past": past}


def test_communes_are_listed_in_french_alphabetical_order(
    database: Database, world: dict[str, object]
) -> None:
    with database.read_session() as s:
        assert [c.name for c in list_communes(s)] == ["Corbas", "Givors", "Vénissieux"]


@pytest.mark.parametrize("typed", ["venissieux", "VÉNISSIEUX", "Venissieux ", "69259"])
def test_a_commune_is_found_by_name_in_any_case_or_accents_or_by_insee_code(
    database: Database, world: dict[str, object], typed: str
) -> None:
    with database.read_session() as s:
        assert find_commune(s, typed).insee_code == "69259"


def test_an_unknown_commune_is_a_clear_error(database: Database, world: dict[str, object]) -> None:
    with pytest.raises(NotFound) as raised, database.read_session() as s:
        find_commune(s, "Lyon")
    assert "« Lyon »" in raised.value.message.replace("\u00a0", " ")


def test_the_overview_of_a_commune(database: Database, world: dict[str, object]) -> None:
    ven = world["ven"]
    with database.read_session() as s:
        overview = commune_overview(s, ven.id, TODAY)  # type: ignore[attr-defined]
    assert overview.projects_by_status[ProjectStatus.IN_PROGRESS] == 1
    assert overview.projects_by_status[ProjectStatus.DELIVERED] == 1
    # The syndicate's shared project counts for each participating commune.
    assert overview.projects_by_status[ProjectStatus.STUDY] == 1
    assert [c.title for c in overview.late_commitments] == ["Câbler le groupe scolaire"]
    assert [c.title for c in overview.due_soon_commitments] == ["Ouvrir le portail"]
    assert overview.open_commitments == 3
    assert overview.next_meeting is not None
    assert overview.next_meeting.title == "Comité technique"
    assert [e.subject for e in overview.last_exchanges] == [f"Appel {d}" for d in range(7, 2, -1)]


def test_late_commitment_badges(database: Database, world: dict[str, object]) -> None:
    with database.read_session() as s:
        counts = late_commitment_counts(s, TODAY)
    assert counts == {world["ven"].id: 1, world["giv"].id: 1}  # type: ignore[attr-defined]


def test_the_portfolio_filters_by_commune_status_and_text(
    database: Database, world: dict[str, object]
) -> None:
    ven, giv = world["ven"], world["giv"]
    with database.read_session() as s:
        assert [p.code for p in list_projects(s, ProjectFilter(commune_id=giv.id))] == [
            "GIV-01",
            "SYN-01",
        ]  # type: ignore[attr-defined]
        assert count_projects(s, ProjectFilter(commune_id=ven.id)) == 3  # type: ignore[attr-defined]
        delivered = list_projects(s, ProjectFilter(statuses=(ProjectStatus.DELIVERED,)))
        assert [p.code for p in delivered] == ["VEN-02"]
        assert [p.code for p in list_projects(s, ProjectFilter(text="fibre"))] == ["VEN-01"]
        page = list_projects(s, offset=1, limit=2)
        assert [p.code for p in page] == ["SYN-01", "VEN-01"]


def test_a_project_shows_its_ap_in_force_and_the_syndicate_as_owner(
    database: Database, world: dict[str, object]
) -> None:
    with database.read_session() as s:
        projects = {p.code: p for p in list_projects(s)}
        fibre = get_project(s, world["fibre"].id)  # type: ignore[attr-defined]
    assert fibre.budget == Decimal("120000.00")  # the revised AP, not the first vote
    assert projects["VEN-02"].budget is None  # a PPI line with no AP voted yet
    assert projects["SYN-01"].owner_name == "Le syndicat"
    assert [
        (p.commune_name, p.cost_share) for p in get_project_shares(database, projects["SYN-01"].id)
    ] == [
        ("Givors", 30),
        ("Vénissieux", 60),
    ]


def get_project_shares(database: Database, project_id: object) -> tuple[object, ...]:
    with database.read_session() as s:
        return get_project(s, project_id).participations  # type: ignore[arg-type]


def test_commitments_by_state(database: Database, world: dict[str, object]) -> None:
    with database.read_session() as s:
        grouped = commitments_by_state(s, world["ven"].id, TODAY)  # type: ignore[attr-defined]
        assert count_commitments(s, CommitmentFilter(statuses=(CommitmentStatus.OPEN,))) == 4
    assert [c.title for c in grouped[CommitmentState.LATE]] == ["Câbler le groupe scolaire"]
    assert [c.title for c in grouped[CommitmentState.DUE_SOON]] == ["Ouvrir le portail"]
    assert [c.title for c in grouped[CommitmentState.OPEN]] == ["Étude SIG"]
    assert [c.title for c in grouped[CommitmentState.KEPT]] == ["Wifi en mairie"]


def test_keeping_a_commitment_records_when(database: Database, world: dict[str, object]) -> None:
    with database.read_session() as s:
        late = list_commitments(s, CommitmentFilter(commune_id=world["ven"].id))[0]  # type: ignore[attr-defined]
    draft = CommitmentDraft(
        id=late.id,
        commune_id=late.commune_id,
        title=late.title,
        made_on=late.made_on,
        due_date=late.due_date,
        status="Tenu",
    )
    with database.session() as s:
        kept = save_commitment(s, draft, today=TODAY)
    assert kept.status is CommitmentStatus.KEPT
    assert kept.closed_on == TODAY


def test_the_agenda_builder(database: Database, world: dict[str, object]) -> None:
    past = world["past"]
    with database.session() as s:
        first = save_agenda_item(
            s,
            past.id,
            AgendaItemDraft("Point sur la fibre", "DSI", 30, project_id=world["fibre"].id),
        )  # type: ignore[attr-defined]
        second = save_agenda_item(s, past.id, AgendaItemDraft("Questions diverses", "Maire", 70))  # type: ignore[attr-defined]
        third = save_agenda_item(s, past.id, AgendaItemDraft("Budget", "DGS", 15))  # type: ignore[attr-defined]
        reorder_agenda(s, past.id, [third.id, first.id, second.id])  # type: ignore[attr-defined]
    with database.read_session() as s:
        meeting = get_meeting(s, past.id)  # type: ignore[attr-defined]
    assert [item.title for item in meeting.agenda] == [
        "Budget",
        "Point sur la fibre",
        "Questions diverses",
    ]
    assert meeting.agenda[1].linked_label == "VEN-01 — Fibre des écoles"
    assert meeting.agenda_minutes == 115
    assert meeting.overruns  # 115 minutes of agenda for a 90-minute meeting
    with pytest.raises(UserError), database.session() as s:
        reorder_agenda(s, past.id, [first.id])  # type: ignore[attr-defined]


def test_a_decision_creates_a_commitment_in_one_step_and_the_rest_is_carried_over(
    database: Database, world: dict[str, object]
) -> None:
    past, ven = world["past"], world["ven"]
    with database.session() as s:
        decided = save_agenda_item(
            s, past.id, AgendaItemDraft("Wifi des écoles", duration_minutes=20)
        )  # type: ignore[attr-defined]
        save_agenda_item(s, past.id, AgendaItemDraft("Téléphonie", duration_minutes=20))  # type: ignore[attr-defined]
        draft = CommitmentDraft(
            commune_id=ven.id,
            title="Équiper 3 écoles en wifi",
            made_on=dt.date(2020, 1, 20),
            due_date="30/09/2020",
        )  # type: ignore[attr-defined]
        item = record_outcome(s, decided.id, OutcomeKind.COMMITMENT, "Accord du maire", draft)
    assert item.commitment_id is not None
    with database.read_session() as s:
        made = list_commitments(s, CommitmentFilter(meeting_id=past.id))  # type: ignore[attr-defined]
    assert [c.title for c in made] == ["Équiper 3 écoles en wifi"]
    with database.session() as s:
        target = carry_over_unhandled(s, past.id)  # type: ignore[attr-defined]
        again = carry_over_unhandled(s, past.id)  # type: ignore[attr-defined]
    assert target.title == "Rencontre de juillet"
    assert [i.title for i in target.agenda] == ["Téléphonie"]
    assert len(again.agenda) == 1  # carrying twice copies nothing twice


def test_meetings_of_a_commune_latest_first(database: Database, world: dict[str, object]) -> None:
    with database.read_session() as s:
        meetings = list_meetings(s, world["giv"].id)  # type: ignore[attr-defined]
        kinds = list_meetings(s, kind=MeetingKind.MAYOR_MEETING)
    assert [m.title for m in meetings] == ["Comité technique"]
    assert meetings[0].commune_names == ("Givors", "Vénissieux")
    assert [m.title for m in kinds] == [
        "Rencontre de septembre",
        "Rencontre de juillet",
        "Rencontre de janvier",
    ]


def test_the_exchange_timeline(database: Database, world: dict[str, object]) -> None:
    with database.read_session() as s:
        timeline = exchange_timeline(s, world["ven"].id, since=dt.date(2020, 6, 5))  # type: ignore[attr-defined]
        everyone = exchange_timeline(s)
    assert [e.subject for e in timeline] == ["Appel 7", "Appel 6", "Appel 5"]
    assert len(everyone) == 8


def test_the_ppi_table_splits_lines_by_cost_share(
    database: Database, world: dict[str, object]
) -> None:
    with database.read_session() as s:
        table = ppi_table(s)
        ven_only = ppi_table(s, world["ven"].id)  # type: ignore[attr-defined]
        lines = list_ppi_lines(s, world["giv"].id)  # type: ignore[attr-defined]
    rows = {row.commune_name: row for row in table.rows}
    assert table.years == (2016, 2017, 2018)
    # Vénissieux: the fibre (all of 120 000 € AP) and 60 % of the shared 50 000 €.
    assert rows["Vénissieux"].ap == Decimal("150000.00")
    assert rows["Vénissieux"].cp_by_year == {
        2016: Decimal("46000.00"),
        2017: Decimal("80000.00"),
        2018: Decimal("5000.00"),
    }
    assert rows["Givors"].ap == Decimal("15000.00")
    # What no participation covers of a syndicate project stays with the syndicate.
    assert rows["Le syndicat"].ap == Decimal("5000.00")
    assert table.total_ap() == Decimal("170000.00")
    assert table.total_cp(2016) == Decimal("50000.00")
    assert [row.commune_name for row in ven_only.rows] == ["Vénissieux"]
    assert [line.project_code for line in lines] == ["SYN-01"]
    assert lines[0].ap_history == ((dt.date(2016, 2, 1), Decimal("50000.00")),)


def test_saving_a_project_with_participations(database: Database, world: dict[str, object]) -> None:
    ven, giv = world["ven"], world["giv"]
    draft = ProjectDraft(
        code="SYN-02",
        title="Téléphonie IP",
        domain="Téléphonie",
        status="Étude",
        start_date="01/09/2020",
        end_date="30/06/2021",
        participations={ven.id: 50, giv.id: 50},  # type: ignore[attr-defined]
    )
    with database.session() as s:
        saved = save_project(s, draft)
    assert saved.start_date == dt.date(2020, 9, 1)
    assert sorted(p.commune_name for p in saved.participations) == ["Givors", "Vénissieux"]
    draft.id, draft.participations = saved.id, {ven.id: 100}  # type: ignore[attr-defined]
    with database.session() as s:
        saved = save_project(s, draft)
    assert [p.commune_name for p in saved.participations] == ["Vénissieux"]


def test_counts_without_a_filter_count_every_row(
    database: Database, world: dict[str, object]
) -> None:
    from sitiv_desktop.services.exchanges import count_exchanges
    from sitiv_desktop.services.meetings import count_meetings

    with database.read_session() as s:
        assert count_projects(s) == 4
        assert count_commitments(s) == 5
        assert count_exchanges(s) == 8
        assert count_meetings(s) == 4


def test_relinking_keeps_the_rows_of_the_links_that_stay(
    database: Database, world: dict[str, object]
) -> None:
    """A meeting given one more commune, a stake one project fewer: the links that stay keep
    their rows (the sync sends only the link added or removed)."""
    ven, giv, corbas = (world[name] for name in ("ven", "giv", "corbas"))
    assert isinstance(ven, models.Commune) and isinstance(giv, models.Commune)
    assert isinstance(corbas, models.Commune)
    with database.session() as s:
        committee = s.scalars(
            select(models.Meeting).where(models.Meeting.title == "Comité technique")
        ).one()
        before = {link.commune_id: link.id for link in committee.communes}
        draft = MeetingDraft(
            kind=MeetingKind.TECHNICAL_COMMITTEE,
            title=committee.title,
            starts_at=committee.starts_at,
            duration_minutes=committee.duration_minutes,
            commune_ids=(corbas.id, giv.id, ven.id),
            id=committee.id,
        )
        saved = save_meeting(s, draft)
        after = {link.commune_id: link.id for link in committee.communes}
    assert set(before) == {ven.id, giv.id}
    assert set(saved.commune_ids) == {ven.id, giv.id, corbas.id}
    assert {key: after[key] for key in before} == before

    def answers(s: Session, stake_id: uuid.UUID) -> dict[uuid.UUID, uuid.UUID]:
        s.expire_all()
        return {a.project_id: a.id for a in s.get_one(models.MandateStake, stake_id).answers}

    with database.session() as s:
        projects = list(s.scalars(select(models.Project.id).order_by(models.Project.code)))
        stake = save_stake(
            s, StakeDraft(ven.id, "Écoles", "Équiper", "Câbler", project_ids=projects[:3])
        )
        first = answers(s, stake.id)
        again = StakeDraft(
            ven.id, "Écoles", "Équiper", "Câbler", project_ids=projects[1:3], id=stake.id
        )
        save_stake(s, again)
        second = answers(s, stake.id)
    assert set(first) == set(projects[:3])
    assert second == {key: first[key] for key in projects[1:3]}
