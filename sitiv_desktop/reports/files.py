"""Writing a pack to a file: all or nothing, so a failed or cancelled build leaves no half PDF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from sitiv_desktop.domain.briefings import AgendaPackData, MeetingPackData, VoeuxPackData
from sitiv_desktop.i18n import _
from sitiv_desktop.reports.styles import pack_date, pack_time
from sitiv_desktop.services.files import write_atomically


def save_pdf(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Call ``write`` on a temporary file beside ``path``, then put it in place (its folder
    must exist; failures are said as every file the application writes)."""
    write_atomically(path, write, temporary_prefix=".pack-")


def pack_file_name(
    data: MeetingPackData | VoeuxPackData | AgendaPackData, folder: Path, now: dt.datetime
) -> Path:
    """« Dossier – Rencontre Vénissieux – 11 janvier 2027.pdf », « Dossier – Vœux 2027.pdf »,
    « Ordre du jour – Comité syndical – 5 février 2027.pdf »: named for the people who read it.

    A pack regenerated keeps the earlier one: the new file adds the moment it was built
    (« … (version du 1er décembre 2026 à 10 h 58).pdf »).
    """
    if isinstance(data, MeetingPackData):
        name = _("Pack – Meeting {commune} – {date}").format(
            commune=data.commune.name, date=pack_date(data.meeting.starts_at.date())
        )
    elif isinstance(data, VoeuxPackData):
        name = _("Pack – New Year address {year}").format(year=data.next_year)
    else:
        meeting = data.meeting
        about = meeting.kind.label
        if len(meeting.commune_names) == 1:
            about = f"{about} {meeting.commune_names[0]}"
        name = _("Agenda – {about} – {date}").format(
            about=about, date=pack_date(meeting.starts_at.date())
        )
    path = folder / f"{_safe(name)}.pdf"
    if not path.exists():
        return path
    version = _("version of {date} at {time}").format(
        date=pack_date(now.date()), time=pack_time(now)
    )
    dated = folder / f"{_safe(name)} ({_safe(version)}).pdf"
    counter = 2
    while dated.exists():
        dated = folder / f"{_safe(name)} ({_safe(version)}, {counter}).pdf"
        counter += 1
    return dated


def _safe(name: str) -> str:
    """No character a file system refuses, and plain spaces."""
    plain = name.replace("\u00a0", " ").replace("\u202f", " ")
    return "".join("-" if ch in '/\\:*?"<>|' else ch for ch in plain).strip(" .")
