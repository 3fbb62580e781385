"""Editors for projects, commitments, exchanges, meetings, mandate stakes, PPI lines and the
contacts of a commune: one module per kind of record, on the shared form (``form``) and fields
(``fields``).
"""

from sitiv_desktop.ui.editors.commitment import CommitmentEditor
from sitiv_desktop.ui.editors.contacts import ContactEditor, ContactsDialog
from sitiv_desktop.ui.editors.exchange import ExchangeEditor
from sitiv_desktop.ui.editors.fields import (
    DATE_HINT,
    ERROR_STYLE,
    DateField,
    choice_combo,
    commune_combo,
    date_text,
    enum_combo,
    select_data,
)
from sitiv_desktop.ui.editors.form import FormDialog
from sitiv_desktop.ui.editors.meeting import MeetingEditor
from sitiv_desktop.ui.editors.ppi_line import PpiLineEditor
from sitiv_desktop.ui.editors.project import ProjectEditor
from sitiv_desktop.ui.editors.stake import StakeEditor

__all__ = [
    "DATE_HINT",
    "ERROR_STYLE",
    "CommitmentEditor",
    "ContactEditor",
    "ContactsDialog",
    "DateField",
    "ExchangeEditor",
    "FormDialog",
    "MeetingEditor",
    "PpiLineEditor",
    "ProjectEditor",
    "StakeEditor",
    "choice_combo",
    "commune_combo",
    "date_text",
    "enum_combo",
    "select_data",
]
