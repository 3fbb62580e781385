"""Aide: the keyboard shortcuts, a short guide, and « À propos » with the licence."""

from __future__ import annotations

from html import escape
from pathlib import Path

from sitiv_desktop import APP_NAME, __version__
from sitiv_desktop.i18n import N_, _

LICENCE = "EUPL-1.2"

SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("Ctrl+F", N_("Search everything")),
    ("Ctrl+E", N_("Note an exchange")),
    ("Ctrl+Maj+P", N_("New project")),
    ("Ctrl+Maj+E", N_("New commitment")),
    ("Ctrl+Maj+M", N_("New meeting")),
    ("Entrée", N_("Open the selected record")),
    ("Ctrl+H", N_("History of the selected record")),
    ("Suppr", N_("Delete the selected record")),
    ("Ctrl+Z", N_("Undo")),
    ("Ctrl+Maj+Z", N_("Redo")),
    ("Ctrl+1 … Ctrl+7", N_("Go to a tab")),
    ("Ctrl+R", N_("Refresh")),
    ("Ctrl+Maj+X", N_("Export the list shown to a spreadsheet")),
    ("Ctrl+Fin", N_("Go to the last row of a list")),
    ("F1", N_("Keyboard shortcuts")),
    ("Ctrl+Q", N_("Quit")),
)


def shortcuts_text() -> str:
    rows = "".join(
        f"<tr><td><b>{escape(keys)}</b></td><td>{escape(_(what))}</td></tr>"
        for keys, what in SHORTCUTS
    )
    return f"<h3>{escape(_('Keyboard shortcuts'))}</h3><table cellpadding='4'>{rows}</table>"


def guide_text() -> str:
    parts = [
        (
            N_("Choose a commune"),
            N_(
                "The list on the left shows the communes; the red figure counts its late "
                "commitments. « All communes » shows everything."
            ),
        ),
        (
            N_("Edit a record"),
            N_(
                "Double-click a row, or press Enter. Every field says what is wrong just below "
                "it; nothing is saved until the form is right. Ctrl+Z undoes a save."
            ),
        ),
        (
            N_("Prepare a meeting"),
            N_(
                "In Meetings, choose a meeting: build its agenda on the right, drag items to "
                "reorder them, then « Prepare the pack ». Once the meeting is held, record what "
                "came of each item."
            ),
        ),
        (
            N_("See who changed what"),
            N_(
                "« History » (Ctrl+H, or the button of every form) lists each change: who, "
                "when, which field, from what to what. Changes not synced yet are in italics."
            ),
        ),
        (
            N_("Work offline"),
            N_(
                "Everything is kept on this computer. Syncing sends your changes and brings "
                "those of others; a backup of the local copy is made at each start and quit."
            ),
        ),
        (
            N_("Import and export"),
            N_(
                "File › Import reads a spreadsheet, shows what it would change and every bad "
                "row, and writes nothing until you confirm."
            ),
        ),
    ]
    body = "".join(f"<h4>{escape(_(title))}</h4><p>{escape(_(text))}</p>" for title, text in parts)
    return f"<h3>{escape(_('Guide'))}</h3>{body}"


def about_text(data_dir: Path) -> str:
    return _(
        "<h3>{name} {version}</h3><p>The communes' projects, commitments and meetings, "
        "offline, with briefing packs.</p><p>Licence: {licence} (European Union Public "
        "Licence). Fonts: DejaVu (free licence).</p><p>Data folder: {folder}</p>"
    ).format(
        name=escape(APP_NAME),
        version=escape(__version__),
        licence=LICENCE,
        folder=escape(str(data_dir)),
    )
