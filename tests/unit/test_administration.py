"""Running the syndicate: communes edited, ended, merged and given their mayor from the command
line; the same through the service's /v1/admin routes, refused to whoever is not an
administrator; every change reaching the laptops through the change log."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from sitiv_desktop.cli import main
from sitiv_desktop.errors import UserError
from sitiv_desktop.sync.service import admin
from sitiv_desktop.sync.transport import ServiceClient, SessionEnded
from tests.sync_harness import Syndicate

COMMUNES = (("Vénissieux", "69259"), ("Givors", "69091"), ("Pierre-Bénite", "69152"))


@pytest.fixture(params=["sqlite", "postgresql"])
def syndicate(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Syndicate]:
    if request.param == "sqlite":
        url = f"sqlite+pysqlite:///{tmp_path / 'partagee.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_url")
    made = Syndicate(url, tmp_path, communes=COMMUNES)
    yield made
    made.close()


def plain(said: str) -> str:
    """French typography's no-break spaces as plain spaces, to compare with typed text."""
    return said.replace("\u00a0", " ").replace("\u202f", " ")


def server(syndicate: Syndicate, *arguments: str) -> int:
    return main(["server", *arguments, "--database", syndicate.owner_url])


def commune_named(rows: dict[str, dict[str, object]], name: str) -> dict[str, object]:
    (found,) = [row for row in rows.values() if row["name"] == name]
    return found


def test_a_merger_renames_in_place_and_everything_carries_over(
    syndicate: Syndicate, capsys: pytest.CaptureFixture[str]
) -> None:
    laptop = syndicate.laptop("alice", {"Pierre-Bénite": "liaison"})
    laptop.sync()
    before = commune_named(laptop.rows("communes"), "Pierre-Bénite")
    commitments = {key for key, row in laptop.rows("commitments").items()}
    assert commitments

    code = server(
        syndicate,
        "merge-communes",
        "Pierre-Bénite",
        "--into",
        "Oullins-Pierre-Bénite",
        "--insee",
        "69149",
        "--on",
        "01/01/2024",
        "--population",
        "37000",
    )

    assert code == 0
    said = plain(capsys.readouterr().out)
    assert "Pierre-Bénite est désormais Oullins-Pierre-Bénite (INSEE 69149)" in said
    laptop.sync()
    after = commune_named(laptop.rows("communes"), "Oullins-Pierre-Bénite")
    assert after["id"] == before["id"]
    assert (after["insee_code"], after["population"]) == ("69149", 37000)
    assert "Pierre-Bénite (INSEE 69152)" in str(after["note"])
    assert "1er janvier 2024" in str(after["note"])
    assert {key for key in laptop.rows("commitments")} == commitments
    # The old name and code stay in the history, with the administration as author.
    with laptop.database.read_session() as session:
        from sitiv_desktop.services.history import record_history

        history = record_history(session, "communes", uuid.UUID(str(before["id"])))
    assert any("Pierre-Bénite" in str(entry) and "69152" in str(entry) for entry in history)


def test_membership_ends_and_the_commune_stays(
    syndicate: Syndicate, capsys: pytest.CaptureFixture[str]
) -> None:
    laptop = syndicate.laptop("bruno", {"Givors": "elu"})
    laptop.sync()
    assert server(syndicate, "end-membership", "69091", "--on", "31/12/2025") == 0
    assert "Givors n’est plus membre" in plain(capsys.readouterr().out)
    laptop.sync()
    givors = commune_named(laptop.rows("communes"), "Givors")
    assert givors["left_on"] == "2025-12-31"
    assert laptop.rows("commitments")  # its history stays


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (("edit-commune", "Lyon", "--population", "3"), "Aucune commune ne s’appelle « Lyon »."),
        (("edit-commune", "Givors", "--insee", "69259"), "Vénissieux a déjà le code 69259"),
        (("edit-commune", "Givors", "--population", "-3"), "--population : donnez un nombre"),
        (("end-membership", "Givors", "--on", "hier"), "« hier » n’est pas une date"),
        (("set-mayor", "Givors", "  "), "donnez les prénom et nom du maire"),
        (("grant", "personne", "--commune", "Givors", "--role", "elu"), "« personne »"),
    ],
)
def test_administration_errors_are_one_french_sentence(
    syndicate: Syndicate,
    capsys: pytest.CaptureFixture[str],
    arguments: tuple[str, ...],
    said: str,
) -> None:
    assert server(syndicate, *arguments) == 2
    error = plain(capsys.readouterr().err.strip())
    assert said in error
    assert len(error.splitlines()) == 1 and error.startswith("Erreur :")


def test_edit_commune_changes_only_what_is_given(
    syndicate: Syndicate, capsys: pytest.CaptureFixture[str]
) -> None:
    assert server(syndicate, "edit-commune", "Givors", "--population", "20500") == 0
    assert server(syndicate, "edit-commune", "Givors", "--population", "20500") == 0
    assert "Givors est à jour." in plain(capsys.readouterr().out)
    givors = commune_named(syndicate.rows("communes"), "Givors")
    assert givors["population"] == 20500 and givors["insee_code"] == "69091"
    with syndicate.owner.read_session() as session:
        logged = session.execute(
            text(
                "SELECT author, old, data FROM sync_changes WHERE table_name = 'communes'"
                " AND op = 'update'"
            )
        ).all()
    assert logged == [("administration", '{"population": 10000}', '{"population": 20500}')]


def test_the_new_mayor_replaces_the_old_and_reaches_laptops(
    syndicate: Syndicate, capsys: pytest.CaptureFixture[str]
) -> None:
    laptop = syndicate.laptop("carla", {"Givors": "liaison"})
    assert server(syndicate, "set-mayor", "Givors", "Mohamed Boudjellaba") == 0
    laptop.sync()
    assert server(syndicate, "set-mayor", "Givors", "Jeanne Durand", "--email", "m@givors.fr") == 0
    out = plain(capsys.readouterr().out)
    assert "Jeanne Durand est maire de Givors." in out
    assert "Mohamed Boudjellaba n’est plus inscrit comme maire." in out
    laptop.sync()
    mayors = [row for row in laptop.rows("contacts").values() if row["role"] == "mayor"]
    assert [(m["full_name"], m["email"]) for m in mayors] == [("Jeanne Durand", "m@givors.fr")]


def test_the_users_and_communes_listings_are_french_lines(
    syndicate: Syndicate, capsys: pytest.CaptureFixture[str]
) -> None:
    """French puts a no-break space before the colon: « alice : Givors (élu) »."""
    admin.add_user(syndicate.owner_url, "alice", "mot-de-passe-alice")
    admin.grant(syndicate.owner_url, "alice", "Givors", "elu")
    admin.add_user(syndicate.owner_url, "bruno", "mot-de-passe-bruno")
    assert server(syndicate, "set-mayor", "Givors", "Mohamed Boudjellaba") == 0
    capsys.readouterr()
    assert server(syndicate, "users") == 0
    users = capsys.readouterr().out.splitlines()
    assert "alice\u00a0: Givors (élu)" in users
    assert "bruno\u00a0: aucune commune" in users
    assert server(syndicate, "communes") == 0
    communes = capsys.readouterr().out.splitlines()
    assert "Givors (69091)\u00a0: Mohamed Boudjellaba" in communes
    assert "Vénissieux (69259)\u00a0: maire inconnu" in communes


# --- through the service ------------------------------------------------------------------------


def client(syndicate: Syndicate, user: str, grants: dict[str, str]) -> ServiceClient:
    return syndicate.laptop(user, grants).service


def test_an_administrator_of_every_commune_runs_the_syndicate_through_the_service(
    syndicate: Syndicate,
) -> None:
    service = syndicate.administrator.service
    communes = {c["name"]: c for c in service.admin_communes()}
    assert set(communes) == {"Vénissieux", "Givors", "Pierre-Bénite"}
    made = service.admin_add_commune(
        {"name": "Corbas", "insee_code": "69273", "population": 11108, "metropole": "lyon"}
    )
    assert made["name"] == "Corbas"
    service.admin_add_user("dora", "un-long-mot-de-passe")
    corbas = uuid.UUID(made["id"])
    assert service.admin_grant("dora", corbas, "liaison") == "Corbas"
    renamed = service.admin_edit_commune(
        uuid.UUID(communes["Givors"]["id"]), {"population": 20121, "note": "Note"}
    )
    assert renamed == "Givors"
    listed = {u["name"]: u for u in service.admin_users()}
    assert listed["dora"]["grants"] == [
        {"commune": "Corbas", "insee_code": "69273", "role": "liaison"}
    ]
    # The creator administers the new commune; the new user connects and receives it.
    assert {"commune": "Corbas", "insee_code": "69273", "role": "admin"} in listed["admin"][
        "grants"
    ]
    dora = ServiceClient(service.address)
    dora.log_in("dora", "un-long-mot-de-passe")
    assert dora.grants() == {corbas: "liaison"}
    service.admin_set_password("dora", "un-autre-mot-de-passe")
    service.admin_disable("dora")
    with pytest.raises(SessionEnded):
        dora.grants()
    dora.close()
    syndicate.administrator.sync()
    assert "Corbas" in {row["name"] for row in syndicate.administrator.rows("communes").values()}
    assert service.admin_revoke("dora", corbas) == "Corbas"


def test_errors_through_the_service_are_french_sentences(syndicate: Syndicate) -> None:
    service = syndicate.administrator.service
    with pytest.raises(UserError, match="Aucun utilisateur ne s’appelle «\u00a0fantome\u00a0»"):
        service.admin_grant("fantome", uuid.uuid4(), "elu")
    with pytest.raises(UserError, match="Vénissieux a déjà le code 69259"):
        service.admin_add_commune({"name": "Double", "insee_code": "69259"})
    service.admin_add_user("emma", "un-long-mot-de-passe")
    with pytest.raises(UserError, match="déjà pris"):
        service.admin_add_user("emma", "un-long-mot-de-passe")
    with pytest.raises(UserError, match="Aucune commune"):
        service.admin_grant("emma", uuid.uuid4(), "elu")


def test_a_non_administrator_is_refused_everything(syndicate: Syndicate) -> None:
    liaison = client(syndicate, "felix", {"Givors": "liaison"})
    givors = next(iter(liaison.grants()))
    headers = {"Authorization": f"Bearer {liaison.token}"}
    base = liaison.address + "/v1/admin"
    crafted = [
        ("GET", "/users", None),
        ("POST", "/users", {"name": "intrus", "password": "un-long-mot-de-passe"}),
        ("PUT", "/users/felix/password", {"password": "un-long-mot-de-passe"}),
        ("POST", "/users/admin/disable", None),
        ("PUT", f"/users/felix/grants/{givors.hex}", {"role": "admin"}),
        ("DELETE", f"/users/admin/grants/{givors.hex}", None),
        ("GET", "/communes", None),
        ("POST", "/communes", {"name": "Intruse", "insee_code": "69999"}),
        ("PATCH", f"/communes/{givors.hex}", {"name": "Piratée"}),
    ]
    for method, path, body in crafted:
        answer = httpx.request(method, base + path, headers=headers, json=body)
        assert answer.status_code == 403, (method, path)
        assert answer.json()["detail"] == "Seul un administrateur peut faire cela."
    assert httpx.get(base + "/users").status_code == 401
    assert commune_named(syndicate.rows("communes"), "Givors")["name"] == "Givors"
    with pytest.raises(UserError, match="Seul un administrateur"):
        liaison.admin_users()


def test_an_administrator_of_one_commune_acts_only_there(syndicate: Syndicate) -> None:
    local = client(syndicate, "gina", {"Givors": "admin", "Vénissieux": "liaison"})
    ids = {c["name"]: uuid.UUID(c["id"]) for c in local.admin_communes()}
    assert local.admin_edit_commune(ids["Givors"], {"population": 20200}) == "Givors"
    with pytest.raises(UserError, match="pas administrateur de Vénissieux"):
        local.admin_edit_commune(ids["Vénissieux"], {"name": "Piratée"})
    with pytest.raises(UserError, match="pas administrateur de Vénissieux"):
        local.admin_grant("gina", ids["Vénissieux"], "admin")
    with pytest.raises(UserError, match="toutes les communes"):
        local.admin_add_user("intrus", "un-long-mot-de-passe")
    with pytest.raises(UserError, match="toutes les communes"):
        local.admin_add_commune({"name": "Intruse", "insee_code": "69999"})
    with pytest.raises(UserError, match="toutes les communes"):
        local.admin_set_password("admin", "un-long-mot-de-passe")
    assert commune_named(syndicate.rows("communes"), "Vénissieux")["name"] == "Vénissieux"


# --- the mayors of 2026 in the next mayor meeting pack -------------------------------------------


def pack_text(database: object, meeting_id: uuid.UUID) -> str:
    import io

    from sitiv_desktop.reports.document import BuildOptions
    from sitiv_desktop.reports.meeting_pack import write_meeting_pack
    from sitiv_desktop.services.briefings import meeting_pack_data
    from tests.unit.reports_data import flat, page_texts

    with database.read_session() as session:  # type: ignore[attr-defined]
        data = meeting_pack_data(session, meeting_id)
    stream = io.BytesIO()
    write_meeting_pack(data, stream, BuildOptions())
    return flat(" ".join(page_texts(stream.getvalue())))


def test_a_mayor_set_from_the_command_line_is_in_the_next_pack(syndicate: Syndicate) -> None:
    import datetime as dt

    from sqlalchemy import select

    from sitiv_desktop.store import models
    from tests import builders

    laptop = syndicate.laptop("hugo", {"Givors": "liaison"})
    assert server(syndicate, "set-mayor", "Givors", "Mohamed Boudjellaba") == 0
    laptop.sync()
    with laptop.database.session() as session:
        givors = session.scalars(select(models.Commune).where(models.Commune.name == "Givors"))
        meeting = builders.meeting(
            session, "Rencontre avec le maire", dt.datetime(2026, 4, 20, 10), [givors.one()]
        ).id
    assert "Mohamed Boudjellaba" in pack_text(laptop.database, meeting)
    # March 2026: the new mayor replaces the former, who is no longer in the pack.
    assert server(syndicate, "set-mayor", "Givors", "Jeanne Durand") == 0
    laptop.sync()
    text = pack_text(laptop.database, meeting)
    assert "Maire Jeanne Durand" in text
    assert "Boudjellaba" not in text
