"""Each rule refuses bad data twice: in the service with a French message naming the field,
and in the database itself when a write slips past the services."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from sitiv_desktop.errors import UserError
from sitiv_desktop.services.commitments import CommitmentDraft, save_commitment
from sitiv_desktop.services.exchanges import ExchangeDraft, record_exchange
from sitiv_desktop.services.meetings import MeetingDraft, save_meeting
from sitiv_desktop.services.projects import ProjectDraft, save_project
from sitiv_desktop.services.validation import parse_amount
from sitiv_desktop.store import models
from sitiv_desktop.store.database import Database
from tests import builders


def refused_by_database(database: Database, row: object) -> UserError:
    with pytest.raises(UserError) as raised, database.session() as session:
        session.add(row)
    return raised.value


def count(database: Database, table: str) -> int:
    with database.read_session() as session:
        return int(session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


@pytest.fixture
def venissieux(database: Database) -> models.Commune:
    with database.session() as session:
        return builders.commune(session, "Vénissieux", "69259", 67129)


# --- the database itself -----------------------------------------------------------------------


def test_database_refuses_a_second_commune_with_the_same_insee_code(
    database: Database, venissieux: models.Commune
) -> None:
    twin = models.Commune(name="Autre", insee_code="69259", population=1, metropole="lyon", note="")
    error = refused_by_database(database, twin)
    assert error.message == "Code INSEE\u00a0: une autre commune l’a déjà."
    assert error.field == "insee_code"
    assert count(database, "communes") == 1


def test_database_refuses_a_negative_population(database: Database) -> None:
    row = models.Commune(name="X", insee_code="69000", population=-1, metropole="lyon", note="")
    error = refused_by_database(database, row)
    assert error.field == "population"
    assert "négative" in error.message


def test_database_refuses_an_insee_code_of_the_wrong_length(database: Database) -> None:
    row = models.Commune(name="X", insee_code="691", population=1, metropole="lyon", note="")
    assert refused_by_database(database, row).field == "insee_code"


def test_database_refuses_a_project_ending_before_it_starts(
    database: Database, venissieux: models.Commune
) -> None:
    row = models.Project(
        code="P1",
        title="Fibre",
        description="",
        domain="network",
        status="study",
        owner_commune_id=venissieux.id,
        partners="",
        start_date=dt.date(2020, 5, 1),
        end_date=dt.date(2020, 4, 1),
        progress=0,
    )
    error = refused_by_database(database, row)
    assert error.field == "end_date"
    assert "fin" in error.message


def test_database_refuses_a_negative_payment_credit(
    database: Database, venissieux: models.Commune
) -> None:
    with database.session() as session:
        project = builders.project(session, "P1", "Fibre", venissieux)
        line = builders.ppi_line(session, project, [], {})
    credit = models.PaymentCredit(line_id=line.id, year=2016, amount_cents=-100)
    error = refused_by_database(database, credit)
    assert error.field == "amount"
    assert "négatif" in error.message


def test_database_refuses_a_zero_ap(database: Database, venissieux: models.Commune) -> None:
    with database.session() as session:
        project = builders.project(session, "P1", "Fibre", venissieux)
        line = builders.ppi_line(session, project, [], {})
    vote = models.ApRevision(line_id=line.id, voted_on=dt.date(2016, 1, 1), amount_cents=0, note="")
    assert refused_by_database(database, vote).field == "amount"


def test_database_refuses_an_unknown_status(database: Database, venissieux: models.Commune) -> None:
    row = models.Commitment(
        commune_id=venissieux.id,
        title="Wifi",
        description="",
        made_on=dt.date(2020, 1, 1),
        status="maybe",
    )
    assert refused_by_database(database, row).field == "status"


def test_database_refuses_a_commitment_for_a_missing_commune(database: Database) -> None:
    import uuid

    row = models.Commitment(
        commune_id=uuid.uuid4(),
        title="Wifi",
        description="",
        made_on=dt.date(2020, 1, 1),
        status="open",
    )
    error = refused_by_database(database, row)
    assert "n’existe pas" in error.message


def test_database_refuses_a_meeting_of_no_duration(database: Database) -> None:
    row = models.Meeting(
        kind="bureau",
        title="Bureau",
        starts_at=dt.datetime(2020, 1, 1, 9),
        duration_minutes=0,
        status="planned",
        participants="",
        minutes="",
    )
    assert refused_by_database(database, row).field == "duration_minutes"


def test_database_refuses_an_empty_title(database: Database, venissieux: models.Commune) -> None:
    row = models.Exchange(
        commune_id=venissieux.id,
        occurred_on=dt.date(2020, 1, 1),
        channel="phone",
        direction="incoming",
        subject="",
        summary="",
        follow_up="",
    )
    error = refused_by_database(database, row)
    assert error.field == "subject"
    assert error.message == "Objet\u00a0: ce champ est obligatoire."


# --- the services, before writing ---------------------------------------------------------------


def test_a_malformed_due_date_is_refused_with_the_field_named(
    database: Database, venissieux: models.Commune
) -> None:
    draft = CommitmentDraft(
        commune_id=venissieux.id, title="Wifi", made_on="01/02/2020", due_date="31/02/2020"
    )
    with pytest.raises(UserError) as raised, database.session() as session:
        save_commitment(session, draft)
    assert raised.value.field == "due_date"
    assert raised.value.message == (
        "Échéance\u00a0: «\u00a031/02/2020\u00a0» n’est pas une date\u00a0; "
        "écrivez-la sous la forme 20/01/2015."
    )
    assert count(database, "commitments") == 0


def test_a_due_date_before_the_promise_is_refused(
    database: Database, venissieux: models.Commune
) -> None:
    draft = CommitmentDraft(
        commune_id=venissieux.id, title="Wifi", made_on="01/02/2020", due_date="01/01/2020"
    )
    with pytest.raises(UserError) as raised, database.session() as session:
        save_commitment(session, draft)
    assert raised.value.field == "due_date"


def test_a_negative_amount_is_refused() -> None:
    with pytest.raises(UserError) as raised:
        parse_amount("-1 200,00 €", "amount", "AP")
    assert raised.value.message == "AP\u00a0: un montant ne peut pas être négatif."


def test_a_french_amount_is_understood() -> None:
    assert str(parse_amount("1 234 567,89 €", "amount", "AP")) == "1234567.89"
    assert str(parse_amount("1\u202f234,5", "amount", "AP")) == "1234.50"


def test_a_project_without_title_is_refused(database: Database) -> None:
    with pytest.raises(UserError) as raised, database.session() as session:
        save_project(session, ProjectDraft(code="P1", title="  ", domain="network"))
    assert raised.value.field == "title"
    assert raised.value.message == "Titre\u00a0: ce champ est obligatoire."


def test_a_duplicate_project_code_is_refused_by_the_service(
    database: Database, venissieux: models.Commune
) -> None:
    with database.session() as session:
        save_project(session, ProjectDraft(code="P1", title="Fibre", domain="Réseau"))
    with pytest.raises(UserError) as raised, database.session() as session:
        save_project(session, ProjectDraft(code="P1", title="Autre", domain="network"))
    assert raised.value.field == "code"
    assert "P1" in raised.value.message


def test_a_progress_over_100_percent_is_refused(database: Database) -> None:
    with pytest.raises(UserError) as raised, database.session() as session:
        save_project(
            session, ProjectDraft(code="P1", title="Fibre", domain="network", progress=120)
        )
    assert raised.value.field == "progress"
    assert "entre 0 et 100" in raised.value.message


def test_an_unknown_domain_lists_the_choices_in_french(database: Database) -> None:
    with pytest.raises(UserError) as raised, database.session() as session:
        save_project(session, ProjectDraft(code="P1", title="Fibre", domain="cuisine"))
    assert raised.value.field == "domain"
    assert "Réseau" in raised.value.message and "SIG" in raised.value.message


def test_an_exchange_needs_a_commune(database: Database) -> None:
    with pytest.raises(UserError) as raised, database.session() as session:
        record_exchange(
            session, ExchangeDraft(commune_id=None, subject="Appel", occurred_on="01/01/2020")
        )
    assert raised.value.field == "commune"


def test_a_meeting_of_no_duration_is_refused_by_the_service(database: Database) -> None:
    draft = MeetingDraft(
        kind="bureau", title="Bureau", starts_at=dt.datetime(2020, 1, 1, 9), duration_minutes=0
    )
    with pytest.raises(UserError) as raised, database.session() as session:
        save_meeting(session, draft)
    assert raised.value.field == "duration_minutes"


def test_messages_switch_to_english(database: Database) -> None:
    from sitiv_desktop.i18n import set_language

    set_language("en")
    with pytest.raises(UserError) as raised, database.session() as session:
        save_project(session, ProjectDraft(code="P1", title="", domain="network"))
    assert raised.value.message == "Title: this field is required."
