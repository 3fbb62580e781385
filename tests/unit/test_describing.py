"""Conflicts and refused changes in words: titles, French labels, formatted values, French reasons,
and a refusal retried through the outbox; against a real service on a shared SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from sitiv_desktop.store import models
from sitiv_desktop.sync.conflicts import retry_refused
from sitiv_desktop.sync.describing import Describer, describe_issues, explain_reason
from sitiv_desktop.sync.service.admin import grant
from tests.sync_harness import Syndicate


@pytest.fixture
def syndicate(tmp_path: Path) -> Iterator[Syndicate]:
    made = Syndicate(f"sqlite+pysqlite:///{tmp_path / 'partagee.sqlite3'}", tmp_path)
    yield made
    made.close()


def test_a_refusal_names_the_record_and_its_fields_and_says_why_in_french(
    syndicate: Syndicate,
) -> None:
    reader = syndicate.laptop("elu", {"Vénissieux": "elu"})
    reader.sync()
    with reader.database.session() as session:
        project = session.scalars(select(models.Project)).one()
        project.title, project.progress = "Titre interdit", 45
    assert reader.sync().refused == 1

    with reader.database.read_session() as session:
        (refused,) = describe_issues(session).refused
    # The record is named by its title in the copy (it went back to the shared version).
    assert refused.heading == "Projet « Fibre de Vénissieux »"
    assert refused.operation == "modification"
    assert refused.fields == (("Avancement", "45\u00a0%"), ("Titre", "Titre interdit"))
    assert refused.reason == "pas le droit de modifier cette commune"


def test_a_retried_refusal_goes_back_to_the_outbox_and_is_sent_again(
    syndicate: Syndicate,
) -> None:
    reader = syndicate.laptop("elu", {"Vénissieux": "elu"})
    reader.sync()
    with reader.database.session() as session:
        session.scalars(select(models.Project)).one().title = "Fibre retentée"
    reader.sync()
    (refused,) = reader.refused()
    assert reader.outbox() == 0

    grant(syndicate.owner_url, reader.user, "Vénissieux", "liaison")
    with reader.database.session() as session:
        retry_refused(session, refused.id[:8])
    assert reader.refused() == []
    assert reader.outbox() == 1
    assert reader.project("P-69259")["title"] == "Fibre retentée"

    summary = reader.sync()
    assert (summary.sent, summary.refused) == (1, 0)
    assert syndicate.project_row("P-69259")["title"] == "Fibre retentée"


def test_a_conflict_shows_both_versions_as_text(syndicate: Syndicate) -> None:
    alice = syndicate.laptop("alice", {"Vénissieux": "liaison"})
    bob = syndicate.laptop("bob", {"Vénissieux": "liaison"})
    alice.sync()
    bob.sync()
    import datetime as dt

    with bob.database.session() as session:
        session.scalars(select(models.Project)).one().end_date = dt.date(2027, 6, 30)
    bob.sync()
    with alice.database.session() as session:
        session.scalars(select(models.Project)).one().end_date = dt.date(2027, 3, 1)
    assert alice.sync().conflicts == 1

    with alice.database.read_session() as session:
        (conflict,) = describe_issues(session).conflicts
    assert conflict.heading == "Projet « Fibre de Vénissieux »"
    assert [(f.label, f.mine, f.theirs) for f in conflict.fields] == [
        ("Fin", "01/03/2027", "30/06/2027")
    ]
    assert conflict.description == "Modifié ici et sur la base partagée\u00a0: Fin."
    assert conflict.editable


def test_values_are_formatted_and_links_named_by_their_title(syndicate: Syndicate) -> None:
    alice = syndicate.laptop("alice", {"Vénissieux": "liaison"})
    alice.sync()
    with alice.database.read_session() as session:
        project = session.scalars(select(models.Project)).one()
        words = Describer(session)
        assert words.value("commitments", "project_id", project.id.hex) == "Fibre de Vénissieux"
        assert words.value("commitments", "project_id", "0" * 32) == "(absent de votre copie)"
        assert words.value("ap_revisions", "amount_cents", 123456) == "1\u202f234,56\u00a0€"
        assert words.value("projects", "status", "study") == "Étude"
        assert words.value("commitments", "due_date", None) == "—"
        assert words.value("meetings", "starts_at", "2026-02-03T14:30:00") == "03/02/2026 14:30"


@pytest.mark.parametrize(
    ("reason", "french"),
    [
        ("no right to change this commune", "pas le droit de modifier cette commune"),
        (
            "The database refused this change: (psycopg.errors.CheckViolation) new row for "
            'relation "projects" violates check constraint "ck_projects_progress_percent"',
            "Avancement\u00a0: un pourcentage est compris entre 0 et 100.",
        ),
        (
            'new row violates row-level security policy for table "projects"',
            "Vous ne pouvez pas modifier cet enregistrement sur la base partagée.",
        ),
        (
            "unknown fields: colour, title",
            "La base partagée ne connaît pas ces champs\u00a0: colour, Titre.",
        ),
        ("E42", "La base partagée a refusé cette modification."),
    ],
)
def test_a_reason_is_always_french(reason: str, french: str) -> None:
    assert explain_reason(reason) == french


def test_the_command_line_lines_lead_with_the_identifier(syndicate: Syndicate) -> None:
    from sitiv_desktop.sync.describing import issues_lines

    reader = syndicate.laptop("elu", {"Vénissieux": "elu"})
    reader.sync()
    with reader.database.read_session() as session:
        assert issues_lines(describe_issues(session)) == ["Aucun conflit."]
    with reader.database.session() as session:
        session.scalars(select(models.Project)).one().title = "Titre interdit"
    reader.sync()
    (refused,) = reader.refused()
    with reader.database.read_session() as session:
        lines = issues_lines(describe_issues(session))
    assert lines == [
        f"{refused.id[:8]}  Refusé\u00a0: Projet « Fibre de Vénissieux » (modification)"
        " — pas le droit de modifier cette commune",
        "    Titre\u00a0: Titre interdit",
    ]
