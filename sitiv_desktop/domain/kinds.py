"""The kinds of record: one name each, with the table that holds them and the word users see.

``RecordKind`` is the one spelling of a kind. Search results, change history, conflicts and
the window's notifications name a kind by its value (``"project"``), never by its table
(``"projects"``); ``RecordKind.of_table`` goes from the table back to the kind.
"""

from __future__ import annotations

from enum import StrEnum

from sitiv_desktop.i18n import N_, _


class RecordKind(StrEnum):
    """A kind of record; its value is the code stored in search results and notifications."""

    table: str
    _label: str

    def __new__(cls, value: str, table: str, label: str) -> RecordKind:
        member = str.__new__(cls, value)
        member._value_ = value
        member.table = table
        member._label = label
        return member

    # The order is the order of search results.
    COMMUNE = "commune", "communes", N_("Commune")
    CONTACT = "contact", "contacts", N_("Contact")
    PROJECT = "project", "projects", N_("Project")
    COMMITMENT = "commitment", "commitments", N_("Commitment")
    MEETING = "meeting", "meetings", N_("Meeting")
    AGENDA_ITEM = "agenda_item", "agenda_items", N_("Agenda item")
    EXCHANGE = "exchange", "exchanges", N_("Exchange")
    STAKE = "stake", "mandate_stakes", N_("Mandate stake")
    PPI_LINE = "ppi_line", "ppi_lines", N_("PPI line")

    @property
    def label(self) -> str:
        """The word users see, in the current language (« Projet »)."""
        return _(self._label)

    @classmethod
    def of(cls, code: str) -> RecordKind | None:
        """The kind of a stored code (``"project"``); ``None`` for a code no kind has."""
        return _BY_CODE.get(code)

    @classmethod
    def of_table(cls, table: str) -> RecordKind | None:
        """The kind a table holds; ``None`` for the tables that hold links, not records."""
        return _BY_TABLE.get(table)


_BY_CODE = {kind.value: kind for kind in RecordKind}
_BY_TABLE = {kind.table: kind for kind in RecordKind}


def kind_label(kind: str) -> str:
    """The word users see for a kind's code; an unknown code is shown as it is."""
    known = RecordKind.of(kind)
    return known.label if known is not None else kind
