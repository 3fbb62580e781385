"""``list commitments`` marks the late ones, as the window and the packs do: a column of the
table and a boolean of the JSON."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from sitiv_desktop.domain.enums import CommitmentStatus
from sitiv_desktop.services.commitments import CommitmentDraft, save_commitment
from sitiv_desktop.services.communes import find_commune
from sitiv_desktop.store.database import Database
from tests.e2e.conftest import Runner

# Titles no demonstration commitment has, with whether each is late whatever the day.
MADE = {
    "Câbler l’école Anatole-France": (CommitmentStatus.OPEN, "10/01/2020", True),
    "Remplacer le standard de la mairie": (CommitmentStatus.IN_PROGRESS, "15/06/2021", True),
    "Ouvrir le portail famille": (CommitmentStatus.KEPT, "01/02/2020", False),
    "Numériser l’état civil": (CommitmentStatus.ABANDONED, "01/03/2020", False),
    "Renouveler les postes des écoles": (CommitmentStatus.OPEN, "31/12/2099", False),
    "Étudier un SIG partagé": (CommitmentStatus.OPEN, None, False),
}


def _add_commitments(folder: Path) -> None:
    """Commitments typed as the window's form would save them, in the laptop's own file."""
    database = Database.open(f"sqlite+pysqlite:///{folder / 'sitiv.sqlite3'}")
    with database.session() as session:
        commune = find_commune(session, "Givors")
        for title, (status, due, _late) in MADE.items():
            draft = CommitmentDraft(commune.id, title, "02/01/2019", due, status)
            save_commitment(session, draft, today=dt.date(2022, 5, 4))
    database.dispose()


def test_list_commitments_marks_the_late_ones(sitiv: Runner, tmp_path: Path) -> None:
    assert sitiv("demo", "--seed", "1").returncode == 0
    _add_commitments(tmp_path / "data")

    table = sitiv("list", "commitments", "--commune", "Givors")
    assert table.returncode == 0, table.stderr
    header, *lines = table.stdout.splitlines()
    assert re.split(r"  +", header) == ["Commune", "Engagement", "Échéance", "Statut", "En retard"]
    late_at = header.index("En retard")
    for title, (_status, _due, late) in MADE.items():
        [line] = [line for line in lines if f"  {title}  " in line]
        assert line[late_at:].strip() == ("Oui" if late else ""), line
    assert "  10/01/2020  Ouvert" in next(line for line in lines if "Anatole-France" in line)

    listed = json.loads(sitiv("list", "commitments", "--commune", "Givors", "--json").stdout)
    made = {c["title"]: c for c in listed if c["title"] in MADE}
    assert {title: c["late"] for title, c in made.items()} == {
        title: late for title, (_status, _due, late) in MADE.items()
    }
    assert made["Ouvrir le portail famille"]["status"] == "kept"
    # The demonstration's own commitments: the table's mark and the JSON's boolean agree row for
    # row (both are listed in the same order), and the demonstration has late ones to show.
    marked = [line[late_at:].strip() == "Oui" for line in lines]
    assert marked == [c["late"] for c in listed]
    assert sum(marked) > sum(late for _s, _d, late in MADE.values())
