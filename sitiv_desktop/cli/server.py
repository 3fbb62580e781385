"""The ``server …`` commands: the sync service's database, its users and member communes.

They run without a local copy: each names the service's database with ``--database``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sitiv_desktop.cli.output import ask_password, print_json
from sitiv_desktop.cli.parser import Command, whole_number, year
from sitiv_desktop.errors import ExternalError, UserError, os_reason
from sitiv_desktop.i18n import N_, _, ngettext, of_commune
from sitiv_desktop.paths import Paths

ROLE_CHOICES = ("elu", "liaison", "secretariat", "admin")
# A commune's population, as --population reads it (Lyon has about 520 000 inhabitants).
POPULATION = whole_number(0, 10_000_000, 12_000)


def server_arguments(server: argparse.ArgumentParser) -> None:
    actions = server.add_subparsers(dest="server_action", metavar=_("ACTION"), required=True)
    init = actions.add_parser("init", help=_("create or upgrade the service's database"))
    run = actions.add_parser("run", help=_("start the sync service"))
    run.add_argument(
        "--listen", default="127.0.0.1:8765", metavar=_("ADDRESS:PORT"), help=_("where to listen")
    )
    run.add_argument(
        "--workers",
        type=whole_number(1, 64, 2),
        default=1,
        metavar="N",
        help=_("service processes (default 1)"),
    )
    adding = actions.add_parser("add-user", help=_("let a person sync, or set their password"))
    adding.add_argument("name", metavar=_("NAME"), help=_("user name"))
    granting = actions.add_parser("grant", help=_("give a user a commune, with a role"))
    granting.add_argument("name", metavar=_("NAME"), help=_("user name"))
    granting.add_argument(
        "--commune", metavar=_("COMMUNE"), required=True, help=_("commune (name or INSEE code)")
    )
    granting.add_argument(
        "--role",
        required=True,
        choices=ROLE_CHOICES,
        help=_("the role the user has in that commune"),
    )
    revoking = actions.add_parser("revoke", help=_("take a commune back from a user"))
    revoking.add_argument("name", metavar=_("NAME"), help=_("user name"))
    revoking.add_argument(
        "--commune", metavar=_("COMMUNE"), required=True, help=_("commune (name or INSEE code)")
    )
    disabling = actions.add_parser("disable", help=_("stop a person who leaves from syncing"))
    disabling.add_argument("name", metavar=_("NAME"), help=_("user name"))
    listing = actions.add_parser("users", help=_("list the users and their grants"))
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    commune = actions.add_parser("add-commune", help=_("add a member commune"))
    commune.add_argument("name", metavar=_("NAME"), help=_("the commune's name"))
    commune.add_argument("--insee", metavar="INSEE", required=True, help=_("its INSEE code"))
    commune.add_argument(
        "--population", metavar="N", type=POPULATION, default=0, help=_("its population")
    )
    commune.add_argument(
        "--intercommunalite",
        metavar=_("INTERCOMMUNALITY"),
        default="",
        help=_("Métropole de Lyon or Saint-Étienne Métropole"),
    )
    commune.add_argument(
        "--member-since", metavar=_("YEAR"), type=year, help=_("year it joined the syndicate")
    )
    communes = actions.add_parser(
        "import-communes", help=_("add the communes of a CSV or xlsx file")
    )
    communes.add_argument(
        "file", metavar=_("FILE"), help=_("the file, with the columns of the syndicate's list")
    )
    editing = actions.add_parser("edit-commune", help=_("change a member commune's details"))
    editing.add_argument("commune", metavar=_("COMMUNE"), help=_("commune (name or INSEE code)"))
    editing.add_argument("--name", metavar=_("NAME"), help=_("its new name"))
    editing.add_argument("--insee", metavar="INSEE", help=_("its INSEE code"))
    editing.add_argument("--population", metavar="N", type=POPULATION, help=_("its population"))
    editing.add_argument("--note", metavar=_("TEXT"), help=_("a note about it"))
    editing.add_argument(
        "--intercommunalite",
        metavar=_("INTERCOMMUNALITY"),
        help=_("Métropole de Lyon or Saint-Étienne Métropole"),
    )
    editing.add_argument(
        "--member-since", metavar=_("YEAR"), type=year, help=_("year it joined the syndicate")
    )
    ending = actions.add_parser(
        "end-membership", help=_("a commune leaves the syndicate (its history stays)")
    )
    ending.add_argument("commune", metavar=_("COMMUNE"), help=_("commune (name or INSEE code)"))
    ending.add_argument(
        "--on", required=True, metavar=_("DATE"), help=_("the last day, 31/12/2025")
    )
    merging = actions.add_parser(
        "merge-communes", help=_("record that a member commune merged into a new commune")
    )
    merging.add_argument("commune", metavar=_("COMMUNE"), help=_("commune (name or INSEE code)"))
    merging.add_argument(
        "--into", metavar=_("NAME"), required=True, help=_("the new commune's name")
    )
    merging.add_argument(
        "--insee", metavar="INSEE", required=True, help=_("the new commune's INSEE code")
    )
    merging.add_argument("--on", required=True, metavar=_("DATE"), help=_("the day of the merger"))
    merging.add_argument(
        "--population", metavar="N", type=POPULATION, help=_("the new commune's population")
    )
    mayor = actions.add_parser("set-mayor", help=_("record a commune's new mayor"))
    mayor.add_argument("commune", metavar=_("COMMUNE"), help=_("commune (name or INSEE code)"))
    mayor.add_argument("mayor", metavar=_("NAME"), help=_("the mayor's full name"))
    mayor.add_argument("--email", metavar=_("E-MAIL"), default="", help=_("the mayor's e-mail"))
    mayor.add_argument("--phone", metavar=_("PHONE"), default="", help=_("the mayor's phone"))
    listing_communes = actions.add_parser("communes", help=_("list the member communes"))
    listing_communes.add_argument("--json", action="store_true", help=_("print JSON"))
    for action in (
        init,
        run,
        adding,
        granting,
        revoking,
        disabling,
        listing,
        commune,
        communes,
        editing,
        ending,
        merging,
        mayor,
        listing_communes,
    ):
        action.add_argument(
            "--database",
            required=True,
            metavar="URL",
            help=_("the service's database: a PostgreSQL URL, or sqlite:///file"),
        )


def run_server(paths: Paths, arguments: argparse.Namespace) -> int:
    from sitiv_desktop.services.roles import Role, role_label
    from sitiv_desktop.sync.service import admin

    action = arguments.server_action
    url = _database_url(arguments.database, must_exist=action != "init")
    if action == "init":
        role = admin.init_server(url, os.environ.get("SITIV_SERVICE_PASSWORD"))
        print(_("The sync service's database is ready."))
        if role:
            print(_("The service connects as the PostgreSQL role {role}.").format(role=role))
    elif action == "run":
        return _run_service(url, arguments.listen, arguments.workers)
    elif action == "add-user":
        created = admin.add_user(url, arguments.name, ask_password(arguments.name, twice=True))
        message = _("User {name} can now connect.") if created else _("{name}'s password is set.")
        print(message.format(name=arguments.name))
    elif action == "grant":
        commune = admin.grant(url, arguments.name, arguments.commune, arguments.role)
        print(
            _("{name} now has {commune} ({role}).").format(
                name=arguments.name, commune=commune, role=role_label(Role(arguments.role))
            )
        )
    elif action == "revoke":
        commune = admin.revoke(url, arguments.name, arguments.commune)
        print(_("{name} no longer has {commune}.").format(name=arguments.name, commune=commune))
    elif action == "disable":
        admin.set_disabled(url, arguments.name)
        print(_("{name} can no longer connect.").format(name=arguments.name))
    elif action == "add-commune":
        since = arguments.member_since
        name = admin.add_commune(
            url,
            arguments.name,
            arguments.insee,
            arguments.population,
            admin.metropole_code(arguments.intercommunalite),
            dt.date(since, 1, 1) if since else None,
        )
        print(_("{commune} is a member commune.").format(commune=name))
    elif action == "import-communes":
        added, known = admin.import_communes(url, arguments.file)
        print(
            ngettext("{count} commune added", "{count} communes added", added).format(count=added)
            + ", "
            + ngettext("{count} already known.", "{count} already known.", known).format(
                count=known
            )
        )
    elif action in ("edit-commune", "end-membership", "merge-communes", "set-mayor", "communes"):
        return _run_commune_action(url, arguments)
    else:
        _print_accounts(admin.accounts(url), arguments.json)
    return 0


def _run_commune_action(url: str, arguments: argparse.Namespace) -> int:
    from sitiv_desktop.services.validation import require_date
    from sitiv_desktop.sync.service import admin

    action = arguments.server_action
    if action == "edit-commune":
        changes: dict[str, Any] = {
            "name": arguments.name,
            "insee_code": arguments.insee,
            "population": arguments.population,
            "note": arguments.note,
        }
        if arguments.intercommunalite is not None:
            changes["metropole"] = admin.metropole_code(arguments.intercommunalite)
        if arguments.member_since is not None:
            changes["joined_on"] = dt.date(arguments.member_since, 1, 1)
        name = admin.edit_commune(url, arguments.commune, **changes)
        print(_("{commune} is up to date.").format(commune=name))
    elif action == "end-membership":
        day = require_date(arguments.on, "on", "--on")
        name = admin.end_membership(url, arguments.commune, day)
        print(
            _("{commune} is no longer a member after {date}; its history stays.").format(
                commune=name, date=admin.format_day(day)
            )
        )
    elif action == "merge-communes":
        day = require_date(arguments.on, "on", "--on")
        old, new = admin.merge_communes(
            url, arguments.commune, arguments.into, arguments.insee, day, arguments.population
        )
        print(
            _(
                "{old} is now {new} (INSEE {code}) since {date}: its projects, commitments, "
                "exchanges and history carry over."
            ).format(old=old, new=new, code=arguments.insee.strip(), date=admin.format_day(day))
        )
    elif action == "set-mayor":
        name, former = admin.set_mayor(
            url, arguments.commune, arguments.mayor, arguments.email, arguments.phone
        )
        print(
            _("{mayor} is the mayor {of_commune}.").format(
                mayor=arguments.mayor.strip(), of_commune=of_commune(name)
            )
        )
        if former and former != arguments.mayor.strip():
            print(_("{former} is no longer listed as mayor.").format(former=former))
    else:
        found = admin.communes(url)
        if arguments.json:
            print_json(found)
        for commune in [] if arguments.json else found:
            left = (
                _(" (member until {date})").format(date=admin.format_day(commune.left_on))
                if commune.left_on
                else ""
            )
            mayor = commune.mayor or _("mayor not known")
            print(
                _("{commune} ({insee}){left}: {mayor}").format(
                    commune=commune.name, insee=commune.insee_code, left=left, mayor=mayor
                )
            )
    return 0


def _print_accounts(accounts: Sequence[Any], as_json: bool) -> None:
    from sitiv_desktop.services.roles import Role, role_label

    if as_json:
        print_json(accounts)
        return
    if not accounts:
        print(_("No user yet."))
    for account in accounts:
        state = _(" (disabled)") if account.disabled else ""
        grants = ", ".join(
            f"{grant.commune} ({role_label(Role(grant.role))})" for grant in account.grants
        )
        nothing = _("no commune")
        print(
            _("{name}{state}: {grants}").format(
                name=account.name, state=state, grants=grants or nothing
            )
        )


def _database_url(given: str, must_exist: bool = True) -> str:
    """``sqlite:///file`` as SQLAlchemy spells it for this project; PostgreSQL with psycopg 3.
    Only ``server init`` may name a SQLite file that does not exist yet."""
    if given.startswith("postgres://"):
        given = "postgresql://" + given.removeprefix("postgres://")
    if (
        given.startswith("sqlite:///")
        and must_exist
        and not Path(given.removeprefix("sqlite:///")).is_file()
    ):
        raise UserError(
            _("No service database at {path}: create it with « server init ».").format(
                path=given.removeprefix("sqlite:///")
            ),
            "database",
        )
    if given.startswith("postgresql://"):
        return "postgresql+psycopg://" + given.removeprefix("postgresql://")
    if given.startswith("sqlite:///"):
        return "sqlite+pysqlite:///" + given.removeprefix("sqlite:///")
    if given.startswith(("postgresql+psycopg://", "sqlite+pysqlite:///")):
        return given
    raise UserError(
        _("--database: give a PostgreSQL URL (postgresql://…) or sqlite:///file."), "database"
    )


def _run_service(url: str, listen: str, workers: int = 1) -> int:
    import uvicorn

    from sitiv_desktop.sync.service.app import DATABASE_VARIABLE, create_app
    from sitiv_desktop.sync.service.guard import check_service_role

    host, _colon, port = listen.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise UserError(_("--listen: give ADDRESS:PORT, such as 127.0.0.1:8765."), "listen")
    _check_free(host, int(port))
    check_service_role(url)
    print(_("The sync service listens on http://{listen}.").format(listen=listen), flush=True)
    options: dict[str, Any] = {"host": host, "port": int(port), "log_level": "warning"}
    if workers > 1:
        os.environ[DATABASE_VARIABLE] = url
        uvicorn.run(
            "sitiv_desktop.sync.service.app:app_from_environment",
            factory=True, workers=workers, proxy_headers=True, **options,
        )  # fmt: skip
        return 0
    uvicorn.run(create_app(url, fault=_service_fault), proxy_headers=True, **options)
    return 0


def _check_free(host: str, port: int) -> None:
    import socket

    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise ExternalError(
                _(
                    "Cannot listen on {host}:{port} ({reason}): choose another with --listen."
                ).format(host=host, port=port, reason=os_reason(error))
            ) from error


def _service_fault(step: str) -> None:
    # Lets the test suite kill the service at one step of a push, as a crash would.
    if os.environ.get("SITIV_TEST_KILL_SERVICE_AT") == step:
        os._exit(9)


SERVER = Command(
    "server",
    N_("the sync service and its database (administrators)"),
    server_arguments,
    run_without_store=run_server,
)
