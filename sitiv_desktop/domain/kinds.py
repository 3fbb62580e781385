"""The kinds of record, as search results and change history name them."""

from __future__ import annotations

from sitiv_desktop.i18n import N_, _

KIND_LABELS = {
    "commune": N_("Commune"),
    "contact": N_("Contact"),
    "project": N_("Project"),
    "commitment": N_("Commitment"),
    "meeting": N_("Meeting"),
    "agenda_item": N_("Agenda item"),
    "exchange": N_("Exchange"),
    "stake": N_("Mandate stake"),
}


def kind_label(kind: str) -> str:
    return _(KIND_LABELS.get(kind, kind))
