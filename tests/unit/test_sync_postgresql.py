"""What PostgreSQL itself guarantees behind the service: members have no login at all; the
service's role owns nothing and row-level security filters it by the user it serves; functions
have pinned search paths; change numbers follow commit order when writers race; and a
non-superuser owner sets it all up."""

from __future__ import annotations

import datetime as dt
import secrets
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from sitiv_desktop.store import models
from sitiv_desktop.sync.protocol import Change, Op
from sitiv_desktop.sync.service import admin, merge
from sitiv_desktop.sync.service.accounts import rights_of
from sitiv_desktop.sync.service.backend import Backend
from sitiv_desktop.sync.service.tables import USERS
from sitiv_desktop.sync.transport import ServiceClient
from tests.sync_harness import Syndicate


@pytest.fixture
def syndicate(postgres_url: str, tmp_path: Path) -> Iterator[Syndicate]:
    made = Syndicate(postgres_url, tmp_path)
    yield made
    made.close()


def connect_as(url: str, user: str, password: str) -> psycopg.Connection:
    parsed = make_url(url)
    return psycopg.connect(
        host=parsed.host, port=parsed.port, dbname=parsed.database, user=user,
        password=password, autocommit=True, connect_timeout=5,
    )  # fmt: skip


def test_a_member_has_no_login_on_the_database(syndicate: Syndicate) -> None:
    alice = syndicate.laptop("alice", {"Vénissieux": "elu"})
    with pytest.raises(psycopg.OperationalError):
        connect_as(syndicate.owner_url, alice.user, alice.password).close()


def test_the_service_role_sees_only_the_user_it_serves(syndicate: Syndicate) -> None:
    corbas = syndicate.laptop("corbas", {"Corbas": "liaison"})
    parsed = make_url(syndicate.url)
    assert parsed.username is not None and parsed.password is not None
    with connect_as(syndicate.url, parsed.username, parsed.password) as connection:
        flags = connection.execute(
            "SELECT rolsuper, rolbypassrls, rolcreaterole FROM pg_roles"
            " WHERE rolname = current_user"
        ).fetchone()
        owned = connection.execute(
            "SELECT count(*) FROM pg_tables WHERE tableowner = current_user"
        ).fetchone()
        nobody = connection.execute("SELECT count(*) FROM commitments").fetchone()
        connection.execute("SELECT set_config('sitiv.user', %s, false)", (corbas.user,))
        titles = [r[0] for r in connection.execute("SELECT title FROM commitments")]
        names = sorted(r[0] for r in connection.execute("SELECT name FROM communes"))
        changed = connection.execute(
            "UPDATE commitments SET title = 'x' WHERE title LIKE '%Givors'"
        )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute("CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1'")
    assert flags == (False, False, False) and owned == (0,)
    assert nobody == (0,)  # a query that forgot to name its user reads nothing
    assert titles == ["Promesse à Corbas"] and names == ["Corbas"]
    assert changed.rowcount == 0


def test_every_function_has_a_pinned_search_path(syndicate: Syndicate) -> None:
    with syndicate.owner.read_session() as session:
        unpinned = session.execute(
            text(
                "SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace"
                " AND NOT coalesce(proconfig::text LIKE '%search_path%', false)"
            )
        ).all()
        callable_by_all = session.execute(
            text(
                "SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace"
                " AND has_function_privilege('public', oid, 'EXECUTE')"
            )
        ).all()
    assert unpinned == [] and callable_by_all == []


def test_policies_compute_the_visible_set_once_per_query(syndicate: Syndicate) -> None:
    parsed = make_url(syndicate.url)
    assert parsed.username is not None and parsed.password is not None
    with connect_as(syndicate.url, parsed.username, parsed.password) as connection:
        connection.execute("SELECT set_config('sitiv.user', 'admin', false)")
        plan = "\n".join(row[0] for row in connection.execute("EXPLAIN SELECT * FROM milestones"))
    assert "hashed SubPlan" in plan or "Hash" in plan, plan


def test_a_late_commit_with_an_earlier_start_is_never_skipped(syndicate: Syndicate) -> None:
    """Writer A starts first and commits last; a reader syncing in between still receives A's
    change later, because numbers are drawn at commit, under the service's own row lock."""
    reader = syndicate.laptop("reader", {"Vénissieux": "elu", "Givors": "elu"})
    reader.sync()
    backend = Backend(syndicate.url)
    communes = {r["name"]: r["id"] for r in syndicate.rows("communes").values()}
    with backend.transaction(None, all_rows=True) as connection:
        user_id = connection.scalar(select(USERS.c.id).where(USERS.c.name == "admin"))
        rights = rights_of(connection, user_id, "admin")

    def creation(title: str, commune: str) -> Change:
        row_id = uuid.uuid4().hex
        return Change(uuid.uuid4().hex, "exchanges", row_id, Op.UPSERT, {
            "id": row_id, "commune_id": communes[commune], "occurred_on": "2026-03-01",
            "channel": "phone", "direction": "incoming", "subject": title, "summary": "",
            "follow_up": "", "author": "", "project_id": None, "commitment_id": None,
        })  # fmt: skip

    a_holds, release_a = threading.Event(), threading.Event()

    def hold(step: str) -> None:
        if step == "before-commit":
            a_holds.set()
            assert release_a.wait(30)

    thread_a = threading.Thread(
        target=lambda: merge.push(backend, rights, [creation("A", "Vénissieux")], hold)
    )
    thread_a.start()
    assert a_holds.wait(30)
    thread_b = threading.Thread(
        target=lambda: merge.push(backend, rights, [creation("B", "Givors")])
    )
    thread_b.start()
    thread_b.join(timeout=1.0)
    assert thread_b.is_alive()  # B waits at the counter: it cannot commit a number before A
    assert reader.sync().received == 0
    release_a.set()
    thread_a.join(30), thread_b.join(30)
    after = reader.sync()
    backend.dispose()
    subjects = sorted(r["subject"] for r in reader.rows("exchanges").values())
    assert after.received == 2 and subjects == ["A", "B"]


def test_history_is_stamped_by_the_service(syndicate: Syndicate) -> None:
    alice = syndicate.laptop("alice", {"Vénissieux": "liaison"})
    alice.sync()
    with alice.database.session() as session:
        session.scalars(
            select(models.Project).where(models.Project.code == "P-69259")
        ).one().progress = 10
    alice.sync(), alice.sync()
    with syndicate.owner.read_session() as session:
        server_now = session.execute(text("SELECT now() AT TIME ZONE 'UTC'")).scalar_one()
    with alice.database.read_session() as session:
        (stamp, author) = session.execute(
            text("SELECT committed_at, author FROM history WHERE author = :a"), {"a": alice.user}
        ).one()
    assert author == alice.user
    assert abs((server_now - dt.datetime.fromisoformat(str(stamp))).total_seconds()) < 60


def test_a_non_superuser_owner_sets_it_up_and_databases_keep_their_own_users(
    postgres_server: str, tmp_path: Path
) -> None:
    suffix = uuid.uuid4().hex[:8]
    owner, password = f"proprietaire_{suffix}", secrets.token_hex(8)
    superuser = create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    base = make_url(postgres_server)
    urls = []
    with superuser.connect() as connection:
        connection.execute(text(f"CREATE ROLE {owner} LOGIN CREATEROLE PASSWORD '{password}'"))
        for index in range(2):
            name = f"sitiv_{suffix}_{index}"
            connection.execute(text(f"CREATE DATABASE {name} OWNER {owner}"))
            urls.append(
                base.set(username=owner, password=password, database=name).render_as_string(False)
            )
    try:
        for index, url in enumerate(urls):
            admin.init_server(url, f"service-{index}-{password}")
            admin.add_user(url, "mdupont", f"mot-de-passe-{index}")
        # Users are the service's, not the cluster's: the second did not touch the first.
        for index, url in enumerate(urls):
            service_url = make_url(url).set(
                username=admin.service_role_name(url), password=f"service-{index}-{password}"
            )
            from tests.sync_harness import RunningService

            running = RunningService(service_url.render_as_string(False))
            try:
                with ServiceClient(running.address) as client:
                    assert client.log_in("mdupont", f"mot-de-passe-{index}")
            finally:
                running.stop()
    finally:
        with superuser.connect() as connection:
            for url in urls:
                name = make_url(url).database
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"
                    ),
                    {"n": name},
                )
                connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        superuser.dispose()


def test_the_service_refuses_to_run_as_the_owner(syndicate: Syndicate) -> None:
    from sitiv_desktop.errors import UserError
    from sitiv_desktop.sync.service.guard import check_service_role

    with pytest.raises(UserError, match="propre rôle"):
        check_service_role(syndicate.owner_url)
    check_service_role(syndicate.url)  # the role « server init » made
