"""Demonstration data: the real member communes, every kind of record, repeatable by seed."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from sitiv_desktop.domain.enums import ContactRole, ExchangeChannel, MeetingKind, OutcomeKind
from sitiv_desktop.errors import UserError
from sitiv_desktop.services.communes import commune_overview, find_commune, list_communes
from sitiv_desktop.services.demo import generate_demo
from sitiv_desktop.services.search import search
from sitiv_desktop.store import models
from sitiv_desktop.store.database import Database

TODAY = dt.date(2026, 11, 28)


def snapshot(database: Database) -> dict[str, list[tuple[object, ...]]]:
    with database.read_session() as session:
        return {
            table.name: [
                tuple(row) for row in session.execute(select(table).order_by(*table.primary_key))
            ]
            for table in models.Base.metadata.sorted_tables
        }


def test_the_member_communes_with_their_insee_codes(database: Database) -> None:
    with database.session() as session:
        generate_demo(session, seed=1, today=TODAY)
    with database.read_session() as session:
        communes = {c.name: c.insee_code for c in list_communes(session)}
        assert find_commune(session, "saint-chamond").population == 34979
    assert communes == {
        "Corbas": "69273",
        "Givors": "69091",
        "Grigny": "69096",
        "Oullins-Pierre-Bénite": "69149",
        "Rive-de-Gier": "42186",
        "Saint-Chamond": "42207",
        "Vaulx-en-Velin": "69256",
        "Vénissieux": "69259",
    }


def test_every_member_commune_has_a_membership_date_since_it_existed(database: Database) -> None:
    """« Membre depuis » for every commune: none before the syndicate was founded (1972), the
    eight communes the syndicate had in 2015 all members by then, and a commune born of a merger
    a member since the member it continues joined, as ``server merge-communes`` keeps it."""
    with database.session() as session:
        generate_demo(session, seed=1, today=TODAY)
    with database.read_session() as session:
        joined = {c.insee_code: c.joined_on for c in list_communes(session)}
        merged = find_commune(session, "Oullins-Pierre-Bénite")
    assert None not in joined.values(), joined
    founded = dt.date(1972, 1, 1)
    for code, day in joined.items():
        assert day is not None and founded <= day <= dt.date(2015, 12, 31), code
    assert joined["69259"] == founded  # Vénissieux, the founding commune
    # Pierre-Bénite's membership, carried over when it merged into Oullins-Pierre-Bénite.
    assert merged.joined_on == dt.date(1983, 1, 1)
    assert "a fusionné dans Oullins-Pierre-Bénite le 1er janvier 2024" in merged.note
    assert ".." not in merged.note


def test_every_kind_of_record_is_there_and_sound(database: Database) -> None:
    with database.session() as session:
        summary = generate_demo(session, seed=1, today=TODAY)
    assert all(summary.counts[table.name] > 0 for table in models.Base.metadata.sorted_tables)
    with database.read_session() as session:
        assert session.execute(text("PRAGMA foreign_key_check")).all() == []
        # A PPI line may wait for its first AP vote: the demo shows one.
        without_ap = session.scalar(
            select(func.count()).select_from(models.PpiLine).where(~models.PpiLine.revisions.any())
        )
        assert without_ap and without_ap > 0


def test_the_demo_looks_alive_on_the_day_it_is_made(database: Database) -> None:
    with database.session() as session:
        generate_demo(session, seed=1, today=TODAY)
    with database.read_session() as session:
        overview = commune_overview(session, find_commune(session, "Vénissieux").id, TODAY)
    assert overview.next_meeting is not None and overview.next_meeting.starts_at.date() > TODAY
    assert overview.late_commitments and overview.last_exchanges and overview.contacts


def test_search_finds_venissieux_after_the_demo(database: Database) -> None:
    with database.session() as session:
        generate_demo(session, seed=1, today=TODAY)
    with database.read_session() as session:
        hits = search(session, "venissieux")
        echeance = search(session, "echeance")
    assert hits[0].title == "Vénissieux"
    assert all("Vénissieux" in hit.commune_names for hit in hits)
    assert echeance


def test_the_same_seed_gives_the_same_data(database: Database, tmp_path: object) -> None:
    from sitiv_desktop.context import open_context

    with database.session() as session:
        generate_demo(session, seed=7, today=TODAY)
    twin = open_context(tmp_path / "twin")  # type: ignore[operator]
    other = open_context(tmp_path / "other")  # type: ignore[operator]
    try:
        with twin.database.session() as session:
            generate_demo(session, seed=7, today=TODAY)
        with other.database.session() as session:
            generate_demo(session, seed=8, today=TODAY)
        assert snapshot(twin.database) == snapshot(database)
        assert snapshot(other.database)["projects"] != snapshot(database)["projects"]
    finally:
        twin.close()
        other.close()


def test_a_copy_holding_data_is_refused_unless_replaced(database: Database) -> None:
    with database.session() as session:
        generate_demo(session, seed=1, today=TODAY)
    with pytest.raises(UserError) as refused, database.session() as session:
        generate_demo(session, seed=2, today=TODAY)
    # The core names the field; the command line adds its option (tested below).
    assert refused.value.field == "replace" and "--" not in refused.value.message
    first = snapshot(database)
    with database.session() as session:
        generate_demo(session, seed=2, replace=True, today=TODAY)
    assert snapshot(database)["projects"] != first["projects"]
    assert len(snapshot(database)["communes"]) == 8


def test_scale_multiplies_the_data(database: Database, tmp_path: object) -> None:
    from sitiv_desktop.context import open_context

    with database.session() as session:
        single = generate_demo(session, seed=1, today=TODAY)
    doubled_copy = open_context(tmp_path / "double")  # type: ignore[operator]
    try:
        with doubled_copy.database.session() as session:
            double = generate_demo(session, seed=1, scale=2, today=TODAY)
    finally:
        doubled_copy.close()
    assert double.counts["communes"] == 8
    assert 1.9 < double.total / single.total < 2.1


def test_progress_is_reported(database: Database) -> None:
    seen: list[float] = []
    with database.session() as session:
        generate_demo(session, seed=1, today=TODAY, progress=lambda f, _t: seen.append(f))
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)


def test_every_commune_has_commitments_falling_due_soon(database: Database) -> None:
    with database.session() as session:
        generate_demo(session, seed=1, today=TODAY)
    with database.read_session() as session:
        for commune in list_communes(session):
            assert commune_overview(session, commune.id, TODAY).due_soon_commitments


def test_the_data_is_french_whatever_the_interface_speaks(
    database: Database, tmp_path: object
) -> None:
    from sitiv_desktop.context import open_context
    from sitiv_desktop.i18n import set_language

    with database.session() as session:
        generate_demo(session, seed=3, today=TODAY)
    english = open_context(tmp_path / "english")  # type: ignore[operator]
    try:
        set_language("en")
        with english.database.session() as session:
            generate_demo(session, seed=3, today=TODAY)
        assert snapshot(english.database) == snapshot(database)
    finally:
        english.close()
    titles = snapshot(database)["meetings"]
    assert any("Comité syndical du" in str(row) for row in titles)


def test_every_kind_of_meeting_status_and_outcome_is_shown(database: Database) -> None:
    with database.session() as session:
        generate_demo(session, seed=1, today=TODAY)
    with database.read_session() as session:
        kinds = set(session.scalars(select(models.Meeting.kind)))
        statuses = set(session.scalars(select(models.Meeting.status)))
        outcomes = set(session.scalars(select(models.AgendaItem.outcome)))
        carried = session.scalar(
            select(func.count()).where(models.AgendaItem.carried_from_id.is_not(None))
        )
        made_in_meetings = session.scalars(
            select(models.Commitment).where(models.Commitment.meeting_id.is_not(None))
        ).all()
        channels = set(session.scalars(select(models.Exchange.channel)))
        # A commitment made in a meeting is made on the meeting's day, for its commune.
        assert made_in_meetings
        for commitment in made_in_meetings:
            assert commitment.meeting is not None
            assert commitment.made_on == commitment.meeting.starts_at.date()
            assert commitment.commune_id in {c.commune_id for c in commitment.meeting.communes}
    assert kinds == set(MeetingKind.codes())
    assert {"held", "planned"} <= statuses
    assert outcomes == set(OutcomeKind.codes())
    assert carried
    assert channels == set(ExchangeChannel.codes())


def test_each_commune_has_late_and_due_soon_commitments_and_its_contacts(
    database: Database,
) -> None:
    with database.session() as session:
        generate_demo(session, seed=5, today=TODAY)
    with database.read_session() as session:
        for commune in session.scalars(select(models.Commune)):
            still_open: list[tuple[dt.date, str]] = [
                (c.due_date, c.status)
                for c in session.scalars(
                    select(models.Commitment).where(models.Commitment.commune_id == commune.id)
                )
                if c.status in ("open", "in_progress") and c.due_date is not None
            ]
            assert any(due < TODAY for due, _s in still_open), commune.name
            assert any(TODAY <= due <= TODAY + dt.timedelta(60) for due, _s in still_open)
            assert {c.role for c in commune.contacts} == set(ContactRole.codes())
            assert all(c.email.endswith(".fr") and "@mairie-" in c.email for c in commune.contacts)
            assert commune.mayor in {c.full_name for c in commune.contacts}


def test_a_mayor_meeting_speaks_only_of_its_commune(database: Database) -> None:
    with database.session() as session:
        generate_demo(session, seed=2, today=TODAY)
    with database.read_session() as session:
        meetings = session.scalars(
            select(models.Meeting).where(models.Meeting.kind == MeetingKind.MAYOR_MEETING.value)
        ).all()
        # A spring and an autumn meeting, one before each vœux for 7 mayors of 8, one to come.
        assert 8 * 3 <= len(meetings) <= 8 * 5
        for meeting in meetings:
            [guest] = [c.commune for c in meeting.communes]
            assert guest.name in meeting.title
            for item in meeting.agenda_items:
                if item.project is not None:
                    concerned = {p.commune_id for p in item.project.participations}
                    assert item.project.owner_commune_id == guest.id or guest.id in concerned
                if item.commitment is not None:
                    assert item.commitment.commune_id == guest.id


def test_the_ppi_spans_the_mandate_with_shares_that_add_up(database: Database) -> None:
    with database.session() as session:
        generate_demo(session, seed=4, today=TODAY)
    with database.read_session() as session:
        years = set(session.scalars(select(models.PaymentCredit.year)))
        revised = session.scalar(
            select(func.count()).select_from(
                select(models.ApRevision.line_id)
                .group_by(models.ApRevision.line_id)
                .having(func.count() > 1)
                .subquery()
            )
        )
        shares = session.execute(
            select(
                models.Participation.project_id, func.sum(models.Participation.cost_share)
            ).group_by(models.Participation.project_id)
        ).all()
        syndicate_projects = session.scalar(
            select(func.count()).where(models.Project.owner_commune_id.is_(None))
        )
        codes = list(session.scalars(select(models.Project.code)))
    assert years <= set(range(TODAY.year - 6, TODAY.year + 4)) and len(years) >= 6
    assert {2026, 2027, 2028} <= years
    assert revised
    assert len(shares) == syndicate_projects and all(total == 100 for _p, total in shares)
    assert all(re.fullmatch(r"[A-Z]{3}-20\d\d-\d\d", code) for code in codes)


def test_the_demo_stays_out_of_the_outbox_and_replace_forgets_the_sync(
    database: Database,
) -> None:
    with database.session() as session:
        generate_demo(session, seed=1, today=TODAY)
    with database.session() as session:
        assert session.scalar(text("SELECT count(*) FROM sync_outbox")) == 0
        # An edit of the user, and a copy that has been synchronised once.
        commune = find_commune(session, "Givors")
        session.get_one(models.Commune, commune.id).mayor = "Autre maire"
        session.execute(
            text("UPDATE sync_state SET cursor = 42, last_sync_at = '2026-11-01 10:00:00'")
        )
    with database.session() as session:
        assert session.scalar(text("SELECT count(*) FROM sync_outbox")) == 1
        generate_demo(session, seed=1, replace=True, today=TODAY)
    with database.read_session() as session:
        assert session.scalar(text("SELECT count(*) FROM sync_outbox")) == 0
        state = session.execute(text("SELECT cursor, applying, last_sync_at FROM sync_state")).one()
    assert tuple(state) == (0, 0, None)


def test_any_record_makes_the_copy_hold_data(database: Database) -> None:
    with database.session() as session:
        session.add(
            models.Meeting(
                kind="bureau",
                title="Bureau",
                starts_at=dt.datetime(2026, 1, 5, 17),
                duration_minutes=60,
                status="planned",
            )
        )
    with (
        pytest.raises(UserError, match="contient déjà des données"),
        database.session() as session,
    ):
        generate_demo(session, seed=1, today=TODAY)


def test_payment_credits_never_exceed_the_ap_in_force(database: Database) -> None:
    from sitiv_desktop.services.ppi import ppi_balances

    with database.session() as session:
        generate_demo(session, seed=5, today=TODAY)
    with database.read_session() as session:
        balances = ppi_balances(session)
    assert balances
    assert all(b.overrun == 0 for b in balances.values())
    assert all(b.ap is not None for b in balances.values() if b.cp_total > 0)


def test_meetings_fall_on_working_days_and_the_president_meets_7_mayors_of_8_before_the_voeux(
    database: Database,
) -> None:
    with database.session() as session:
        generate_demo(session, seed=6, today=TODAY)
    with database.read_session() as session:
        meetings = session.scalars(select(models.Meeting)).all()
        assert all(m.starts_at.weekday() < 5 for m in meetings)
        (vows,) = [
            m
            for m in meetings
            if m.kind == MeetingKind.NEW_YEAR.value and m.starts_at.year == TODAY.year
        ]
        before = {
            c.commune_id
            for m in meetings
            if m.kind == MeetingKind.MAYOR_MEETING.value
            and dt.timedelta(days=0) < vows.starts_at - m.starts_at <= dt.timedelta(days=45)
            for c in m.communes
        }
        assert len(before) == 7


def test_one_person_one_role(database: Database) -> None:
    with database.session() as session:
        generate_demo(session, seed=7, today=TODAY)
    with database.read_session() as session:
        names = list(session.scalars(select(models.Contact.full_name)))
    assert len(names) == len(set(names))


def test_contacts_are_addressed_by_a_title_that_agrees_with_them(database: Database) -> None:
    from sitiv_desktop.services.demo import CONTACT_TITLES, FEMALE_NAMES, MALE_NAMES

    with database.session() as session:
        generate_demo(session, seed=7, today=TODAY)
    with database.read_session() as session:
        contacts = session.execute(
            select(models.Contact.full_name, models.Contact.role, models.Contact.title)
        ).all()
    seen = set()
    for name, role, title in contacts:
        first = name.split(" ")[0]
        feminine = first in FEMALE_NAMES
        assert feminine or first in MALE_NAMES
        assert title == CONTACT_TITLES[ContactRole(role)][feminine], name
        seen.add((role, feminine))
    # Women and men in every role but the mayor's, whose title is the same for both.
    assert ("general_director", True) in seen and ("general_director", False) in seen
    assert "Directrice générale des services" in {title for _n, _r, title in contacts}


def test_the_president_has_words_for_the_vows_and_the_mayor_meetings_to_come(
    database: Database,
) -> None:
    with database.session() as session:
        generate_demo(session, seed=7, today=TODAY)
    with database.read_session() as session:
        meetings = session.execute(
            select(models.Meeting.kind, models.Meeting.starts_at, models.Meeting.speaker_notes)
        ).all()
    vows = [m for m in meetings if m.kind == MeetingKind.NEW_YEAR.value]
    assert len(vows) == 2 and all(m.speaker_notes for m in vows)
    assert any("élues en mars 2026" in m.speaker_notes for m in vows)
    mayor = [m for m in meetings if m.kind == MeetingKind.MAYOR_MEETING.value]
    coming = [m for m in mayor if m.starts_at.date() >= TODAY]
    assert coming and all(m.speaker_notes for m in coming)
    assert all(not m.speaker_notes for m in mayor if m.starts_at.date() < TODAY)


def test_the_command_line_names_its_option_where_the_core_names_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The core's message says what to do in words the window can show too; the command line
    adds the option that does it."""
    from sitiv_desktop import cli

    folder = str(tmp_path / "data")
    assert cli.main(["--data-dir", folder, "demo", "--seed", "1"]) == 0
    capsys.readouterr()
    assert cli.main(["--data-dir", folder, "demo", "--seed", "1"]) == 2
    said = capsys.readouterr().err
    assert "leur remplacement doit être demandé (--replace)" in said


def test_an_agenda_follows_up_what_is_still_open_on_its_day(database: Database) -> None:
    """A point d'étape, a progress report or an acceptance is about a project in progress; a
    follow-up about a commitment neither kept nor abandoned by the meeting's day."""
    with database.session() as session:
        generate_demo(session, seed=3, today=TODAY)
    with database.read_session() as session:
        items = session.scalars(select(models.AgendaItem)).all()
        on_projects = [
            i
            for i in items
            if i.title.startswith(("Point d’étape", "Point d’avancement", "Recette"))
        ]
        follow_ups = [i for i in items if i.title.startswith("Suivi d’engagement")]
        assert on_projects and follow_ups
        assert all(i.project is not None for i in on_projects)
        assert {i.project.status for i in on_projects if i.project} == {"in_progress"}
        for item in follow_ups:
            commitment, day = item.commitment, item.meeting.starts_at.date()
            assert commitment is not None and commitment.made_on < day, item.title
            assert commitment.closed_on is None or commitment.closed_on > day, item.title
