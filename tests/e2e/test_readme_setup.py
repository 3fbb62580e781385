"""The README's « Setting it up for a syndicate » runs as written: on PostgreSQL with an owner
that is not a superuser, the member communes from the CSV, five users with different and
overlapping grants, the administrator's spreadsheet loaded from a laptop, and each user's laptop
holding exactly what that user may see."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from sitiv_desktop.sync.service.admin import service_role_name
from tests.sync_harness import free_port

REPOSITORY = Path(__file__).resolve().parents[2]


def block(marker: str) -> str:
    readme = (REPOSITORY / "README.md").read_text("utf-8")
    found = re.search(rf"<!-- {marker} -->\n```\n(.*?)```", readme, re.S)
    assert found, marker
    return found.group(1)


@pytest.fixture
def owner_database(postgres_server: str) -> Iterator[str]:
    suffix = uuid.uuid4().hex[:8]
    owner, password, name = f"sitiv_{suffix}", secrets.token_hex(8), f"sitiv_{suffix}"
    superuser = create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with superuser.connect() as connection:
        connection.execute(text(f"CREATE ROLE {owner} LOGIN CREATEROLE PASSWORD '{password}'"))
        connection.execute(text(f"CREATE DATABASE {name} OWNER {owner}"))
    base = make_url(postgres_server)
    yield base.set(
        drivername="postgresql", username=owner, password=password, database=name
    ).render_as_string(False)
    with superuser.connect() as connection:
        connection.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
            {"n": name},
        )
        connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
    superuser.dispose()


def bash(script: str, folder: Path, **env: str) -> subprocess.CompletedProcess[str]:
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], cwd=folder, capture_output=True, text=True,
        env={**os.environ, "PATH": path, **env}, timeout=600, check=False,
    )  # fmt: skip


def projects_sheet(folder: Path) -> None:
    """The administrator's spreadsheet: a commune's project and a syndicate project shared by
    two communes."""
    header = (
        "Code;Titre;Domaine;Statut;Maître d’ouvrage;Communes participantes (part);Début;Fin;"
        "Avancement (%);Partenaires;Description"
    )
    rows = [
        "VEN-2026-01;Fibre des écoles;Réseau;En cours;Vénissieux;;01/02/2026;30/06/2027;20;;",
        "SIT-2026-01;Portail citoyen commun;Portail citoyen;Étude;Le syndicat;"
        '"Givors (60 %); Corbas (40 %)";01/03/2026;31/12/2027;5;;',
        "STC-2026-01;Téléphonie des mairies annexes;Téléphonie;Idée;Saint-Chamond;;;;0;;",
    ]
    (folder / "projets.csv").write_text("\n".join([header, *rows]) + "\n", "utf-8-sig")


def test_the_readme_sets_up_a_syndicate(owner_database: str, tmp_path: Path) -> None:
    shutil.copy(REPOSITORY / "tests" / "data" / "communes.csv", tmp_path / "communes.csv")
    service_password = secrets.token_hex(8)
    env = {"DATABASE": owner_database, "SITIV_SERVICE_PASSWORD": service_password,
           "SITIV_PASSWORD": "premier-mot-de-passe"}  # fmt: skip
    server = bash(block("setup-server"), tmp_path, **env)
    assert server.returncode == 0, server.stderr
    assert "mdupont\u00a0: Givors (élu), Vénissieux (chargé de liaison)" in server.stdout
    port = free_port()
    service_database = (
        make_url(owner_database)
        .set(username=service_role_name(owner_database), password=service_password)
        .render_as_string(False)
    )
    command = block("setup-service").replace("127.0.0.1:8765", f"127.0.0.1:{port}")
    service = subprocess.Popen(
        ["bash", "-c", command], cwd=tmp_path,
        env={**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
             "SERVICE_DATABASE": service_database},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    address = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(300):
            try:
                if httpx.get(f"{address}/v1/info", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        laptops = {}
        for user in ("admin", "mdupont", "jmartin", "lbernard", "cpetit"):
            folder = tmp_path / user
            folder.mkdir()
            if user == "admin":
                projects_sheet(folder)
            done = bash(block("setup-laptop"), folder, **env, SERVICE=address,
                        SITIV_USER=user, SITIV_DATA_DIR=str(folder / "data"))  # fmt: skip
            assert done.returncode == 0, f"{user}: {done.stderr}"
            laptops[user] = folder / "data"
        for user in ("mdupont", "jmartin", "lbernard", "cpetit"):
            done = bash("sitiv-desktop sync", tmp_path, **env, SITIV_DATA_DIR=str(laptops[user]))
            assert done.returncode == 0, done.stderr

        def listed(user: str, kind: str, key: str) -> list[str]:
            done = bash(f"sitiv-desktop list {kind} --json", tmp_path, **env,
                        SITIV_DATA_DIR=str(laptops[user]))  # fmt: skip
            return sorted(item[key] for item in json.loads(done.stdout))

        assert len(listed("admin", "communes", "name")) == 8
        assert listed("mdupont", "communes", "name") == ["Givors", "Vénissieux"]
        assert listed("mdupont", "projects", "code") == ["SIT-2026-01", "VEN-2026-01"]
        assert listed("jmartin", "communes", "name") == ["Corbas", "Givors"]
        assert listed("jmartin", "projects", "code") == ["SIT-2026-01"]
        assert listed("lbernard", "communes", "name") == ["Vaulx-en-Velin", "Vénissieux"]
        assert listed("lbernard", "projects", "code") == ["VEN-2026-01"]
        assert listed("cpetit", "projects", "code") == ["STC-2026-01"]
    finally:
        os.killpg(service.pid, 15)
        service.wait(20)
        assert service.stderr is not None
        service.stderr.close()


def test_the_readme_says_how_long_a_password_is() -> None:
    from sitiv_desktop.sync.service.admin import MIN_PASSWORD_LENGTH

    readme = (REPOSITORY / "README.md").read_text("utf-8")
    section = readme[readme.index("### Setting it up for a syndicate") :]
    chosen = section[: section.index("<!-- setup-server -->")]
    assert f"`SITIV_PASSWORD` each user's first password, of at least {MIN_PASSWORD_LENGTH}" in (
        " ".join(chosen.split())
    )


def test_the_server_block_stops_at_its_first_failure(tmp_path: Path) -> None:
    """Run as a shell user runs a script (plain ``bash``, no options): a password too short
    stops the block at the first user, in one line, instead of twenty errors."""
    shutil.copy(REPOSITORY / "tests" / "data" / "communes.csv", tmp_path / "communes.csv")
    script = tmp_path / "setup-server.sh"
    script.write_text(block("setup-server"), "utf-8")
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    done = subprocess.run(
        ["bash", str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PATH": path, "SITIV_PASSWORD": "firstpw",
             "DATABASE": f"sqlite:///{tmp_path / 'partagee.sqlite3'}"},
        check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    errors = done.stderr.strip().splitlines()
    assert len(errors) == 1, done.stderr
    assert "au moins 8 caractères" in errors[0]
    assert "8 communes ajoutées" in done.stdout.replace("\u00a0", " ")
