"""The agenda of any meeting, on one page."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from sitiv_desktop.errors import UserError
from sitiv_desktop.reports.agenda import write_agenda
from sitiv_desktop.reports.document import BuildOptions
from sitiv_desktop.reports.files import pack_file_name
from sitiv_desktop.services.briefings import (
    agenda_pack_data,
    gather_pack,
    meeting_pack_data,
    voeux_pack_data,
)
from sitiv_desktop.store.database import Database
from tests.unit.reports_data import PackIds, flat, make_pack_data, page_texts


@pytest.fixture
def ids(database: Database) -> PackIds:
    with database.session() as session:
        return make_pack_data(session)


def build(database: Database, meeting_id: object) -> list[str]:
    with database.read_session() as session:
        data = agenda_pack_data(session, meeting_id)  # type: ignore[arg-type]
    stream = io.BytesIO()
    write_agenda(data, stream, BuildOptions())
    return [flat(page) for page in page_texts(stream.getvalue())]


def test_the_agenda_lists_each_item_with_its_time(database: Database, ids: PackIds) -> None:
    pages = build(database, ids.meeting)
    assert len(pages) == 1
    text = pages[0]
    assert "Ordre du jour" in text and "Rencontre avec Mme la maire" in text
    assert "20 janvier 2015 à 14 h 30" in text
    assert "Hôtel de ville de Vénissieux" in text
    assert "1 14 h 30 Point d’étape sur la fibre des écoles" in text
    assert "2 15 h SIG intercommunal : participation de la commune" in text
    assert "3 15 h 45 Questions diverses" in text
    assert "Total : 1 h 45 pour une réunion de 1 h 30." in text
    assert "L’ordre du jour dépasse la durée de la réunion de 15 min." in text
    assert "page 1 sur 1" in text


def test_an_empty_agenda_says_so(database: Database, ids: PackIds) -> None:
    text = build(database, ids.empty_meeting)[0]
    assert "Aucun point n’est encore inscrit à l’ordre du jour de cette réunion." in text
    assert "Corbas, Givors, Vénissieux" in text


def test_a_meeting_named_by_a_wrong_identifier_is_refused(database: Database) -> None:
    with database.read_session() as session, pytest.raises(UserError, match="identifiant"):
        gather_pack(session, "agenda", "not-an-id")


def test_pack_files_are_named_for_people_and_kept_when_built_again(
    database: Database, ids: PackIds, tmp_path: Path
) -> None:
    with database.read_session() as session:
        meeting = meeting_pack_data(session, ids.meeting)
        agenda = agenda_pack_data(session, ids.meeting)
        voeux = voeux_pack_data(session, 2014)
    now = dt.datetime(2026, 12, 1, 10, 58)
    first = pack_file_name(meeting, tmp_path, now)
    assert first.name == "Dossier – Rencontre Vénissieux – 20 janvier 2015.pdf"
    assert pack_file_name(voeux, tmp_path, now).name == "Dossier – Vœux 2015.pdf"
    assert pack_file_name(agenda, tmp_path, now).name == (
        "Ordre du jour – Rencontre avec le maire Vénissieux – 20 janvier 2015.pdf"
    )
    first.write_bytes(b"%PDF")
    again = pack_file_name(meeting, tmp_path, now)
    assert again.name == (
        "Dossier – Rencontre Vénissieux – 20 janvier 2015 "
        "(version du 1er décembre 2026 à 10 h 58).pdf"
    )


def test_the_agenda_says_who_sends_it(database: Database, ids: PackIds) -> None:
    text = " ".join(build(database, ids.meeting))
    assert text.startswith("SITIV — Syndicat intercommunal")
