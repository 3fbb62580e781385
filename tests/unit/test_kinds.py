"""Each kind of record is spelled once: its code, its table and the word users see."""

from __future__ import annotations

from sitiv_desktop.domain.kinds import RecordKind, kind_label
from sitiv_desktop.i18n import set_language
from sitiv_desktop.store import models
from sitiv_desktop.store.indexes import SEARCH_KINDS, SEARCHED
from sitiv_desktop.sync.conflicts import ConflictRecord


def test_every_kind_names_a_table_of_the_store() -> None:
    tables = set(models.Base.metadata.tables)
    assert {kind.table for kind in RecordKind} <= tables
    assert len({kind.table for kind in RecordKind}) == len(RecordKind)


def test_a_kind_is_found_by_its_code_and_by_its_table() -> None:
    assert RecordKind.of("stake") is RecordKind.STAKE
    assert RecordKind.of_table("mandate_stakes") is RecordKind.STAKE
    assert RecordKind.of_table("meeting_communes") is None
    assert RecordKind.of("projects") is None
    # A kind is its code wherever a string is expected: stored, compared, formatted.
    assert RecordKind.PROJECT == "project" and f"{RecordKind.PROJECT}" == "project"


def test_a_kind_is_called_in_french_by_default() -> None:
    set_language("fr")
    assert RecordKind.PROJECT.label == "Projet"
    assert kind_label("agenda_item") == "Point de l’ordre du jour"
    assert kind_label("ppi_line") == "Ligne du PPI"
    assert kind_label("unheard_of") == "unheard_of"
    set_language("en")
    try:
        assert RecordKind.STAKE.label == "Mandate stake"
    finally:
        set_language("fr")


def test_a_conflict_names_its_record_by_the_kind_of_its_table() -> None:
    import datetime as dt

    from sitiv_desktop.sync.local import ConflictKind

    def conflict(table: str) -> ConflictRecord:
        return ConflictRecord(
            "c", table, "0" * 32, ConflictKind.FIELD, {}, {}, dt.datetime(2026, 1, 1)
        )

    set_language("fr")
    assert conflict("mandate_stakes").record_label == "Enjeu du plan de mandat"
    assert conflict("ppi_lines").record_label == "Ligne du PPI"
    assert conflict("meeting_communes").record_label == "meeting_communes"


def test_the_search_index_covers_the_kinds_it_numbers() -> None:
    assert list(SEARCHED) == list(SEARCH_KINDS)
    assert all(table == kind.table for kind, (table, _t, _b) in SEARCHED.items())
