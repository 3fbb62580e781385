"""The server's commands as an administrator types them: a commune named without its accents or
in capitals, the commune file's every column kept, dates written as French writes them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from sitiv_desktop.cli import main

COMMUNES_FILE = Path(__file__).resolve().parents[1] / "data" / "communes.csv"


def plain(said: str) -> str:
    return said.replace("\u00a0", " ").replace("\u202f", " ")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def shared(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Iterator[str]:
    """The service's database, set up and filled from the syndicate's commune file through the
    command line."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'partagee.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_url")
    monkeypatch.setenv("SITIV_SERVICE_PASSWORD", "service-mot-de-passe")
    monkeypatch.setenv("SITIV_PASSWORD", "premier-mot-de-passe")
    assert main(["server", "init", "--database", url]) == 0
    assert main(["server", "import-communes", str(COMMUNES_FILE), "--database", url]) == 0
    capsys.readouterr()
    yield url
    if request.param == "postgresql":
        engine = create_engine(url)
        with engine.begin() as connection:
            role = connection.scalar(text("SELECT current_database()")) + "_sync"
            connection.execute(text(f'DROP OWNED BY "{role}"'))
        engine.dispose()


def server(url: str, capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str]:
    code = main(["server", *arguments, "--database", url])
    captured = capsys.readouterr()
    return code, plain(captured.out + captured.err)


def communes(url: str, capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, object]]:
    code, said = server(url, capsys, "communes", "--json")
    assert code == 0, said
    return {str(row["insee_code"]): row for row in json.loads(said)}


@pytest.mark.parametrize("given", ["venissieux", "VENISSIEUX", "Vénissieux", "vénissieux", "69259"])
def test_a_commune_is_found_whatever_its_case_and_accents(
    shared: str, capsys: pytest.CaptureFixture[str], given: str
) -> None:
    code, said = server(shared, capsys, "set-mayor", given, "Michèle Picard")
    assert code == 0, said
    assert "Michèle Picard est maire de Vénissieux." in said
    assert communes(shared, capsys)["69259"]["mayor"] == "Michèle Picard"


def test_grant_and_merge_name_communes_without_accents(
    shared: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert server(shared, capsys, "add-user", "cpetit")[0] == 0
    code, said = server(
        shared, capsys, "grant", "cpetit", "--commune", "venissieux", "--role", "elu"
    )
    assert code == 0, said
    assert "cpetit a maintenant Vénissieux" in said
    code, said = server(
        shared, capsys, "merge-communes", "pierre-benite", "--into", "Oullins-Pierre-Bénite",
        "--insee", "69149", "--on", "01/01/2024",
    )  # fmt: skip
    assert code == 0, said
    assert "Pierre-Bénite est désormais Oullins-Pierre-Bénite (INSEE 69149)" in said


def test_a_name_two_communes_share_once_folded_is_refused_naming_both(
    shared: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # A second « Saint-Chamond » written without its accent can only come from data made
    # before the names were compared folded: the commands themselves refuse to make one.
    code, said = server(shared, capsys, "add-commune", "SAINT-CHAMOND", "--insee", "42999")
    assert code == 2
    assert "une commune s’appelle déjà « Saint-Chamond »" in said
    code, said = server(shared, capsys, "edit-commune", "Corbas", "--name", "saint chamond")
    assert code == 0, said  # spaces are not dashes: another name
    engine = create_engine(shared)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE communes SET name = 'Saint-Chàmond' WHERE insee_code = '69273'")
        )
    engine.dispose()
    code, said = server(shared, capsys, "set-mayor", "saint-chamond", "Hervé Reynaud")
    assert code == 2
    assert "Saint-Chamond (42207)" in said and "Saint-Chàmond (69273)" in said
    assert len(said.strip().splitlines()) == 1
    assert server(shared, capsys, "set-mayor", "42207", "Hervé Reynaud")[0] == 0


def test_the_commune_file_keeps_its_departement_and_note(
    shared: str, capsys: pytest.CaptureFixture[str]
) -> None:
    found = communes(shared, capsys)
    assert found["69259"]["departement"] == "Rhône"
    assert found["69259"]["note"] == "commune fondatrice"
    assert found["42186"]["departement"] == "Loire"
    assert found["69273"]["note"] == ""


def test_a_merger_on_the_first_of_a_month_is_dated_1er(
    shared: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, said = server(
        shared, capsys, "merge-communes", "69152", "--into", "Oullins-Pierre-Bénite",
        "--insee", "69149", "--on", "01/01/2024",
    )  # fmt: skip
    assert code == 0, said
    assert "depuis le 1er janvier 2024" in said
    note = str(communes(shared, capsys)["69149"]["note"])
    assert note.startswith("membre historique")
    assert "a fusionné dans Oullins-Pierre-Bénite le 1er janvier 2024." in plain(note)
    code, said = server(shared, capsys, "end-membership", "69149", "--on", "15/03/2030")
    assert code == 0 and "après le 15 mars 2030" in said
