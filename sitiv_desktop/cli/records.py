"""Commands on the records of the local copy: ``list``, ``search`` and ``demo``."""

from __future__ import annotations

import argparse

from sitiv_desktop.cli.files import backup_before
from sitiv_desktop.cli.output import ProgressBar, print_json, print_table
from sitiv_desktop.cli.parser import Command, whole_number
from sitiv_desktop.context import Context
from sitiv_desktop.i18n import N_, _, format_number
from sitiv_desktop.services.demo.generate import MAX_SCALE

LIST_KINDS = ("communes", "projects", "commitments", "meetings", "exchanges")
# The most results ``search --limit`` prints.
MAX_RESULTS = 1000


def demo_arguments(demo: argparse.ArgumentParser) -> None:
    demo.add_argument(
        "--seed",
        type=whole_number(0, 999_999_999, 1),
        default=1,
        metavar=_("SEED"),
        help=_("seed, for repeatable data"),
    )
    demo.add_argument(
        "--scale",
        type=whole_number(1, MAX_SCALE, 2),
        default=1,
        metavar=_("SCALE"),
        help=_("multiply the amount of data (at most {maximum})").format(
            maximum=format_number(MAX_SCALE)
        ),
    )
    demo.add_argument(
        "--replace", action="store_true", help=_("replace the data the local copy already holds")
    )


def run_demo(context: Context, arguments: argparse.Namespace) -> int:
    from sitiv_desktop.services.demo import generate_demo

    if arguments.replace:
        backup_before(context, _("replacing the data"))
    with context.database.session() as session:
        summary = generate_demo(
            session,
            seed=arguments.seed,
            scale=arguments.scale,
            replace=arguments.replace,
            progress=ProgressBar(),
        )
    print(_("Demonstration data created: {count} records.").format(count=summary.total))
    return 0


def list_arguments(listing: argparse.ArgumentParser) -> None:
    listing.add_argument(
        "kind", choices=LIST_KINDS, metavar=_("KIND"), help=_("what to list: %(choices)s")
    )
    listing.add_argument(
        "--commune", metavar=_("NAME"), help=_("only this commune (name or INSEE code)")
    )
    listing.add_argument("--json", action="store_true", help=_("print JSON"))


def run_list(context: Context, arguments: argparse.Namespace) -> int:
    from sitiv_desktop.services import listings

    with context.database.read_session() as session:
        commune_id = None
        if arguments.commune:
            from sitiv_desktop.services.communes import find_commune

            commune_id = find_commune(session, arguments.commune).id
        records, headers, rows = listings.listing(session, arguments.kind, commune_id)
    if arguments.json:
        print_json(records)
    else:
        print_table(headers, rows)
    return 0


def search_arguments(search: argparse.ArgumentParser) -> None:
    search.add_argument("text", metavar=_("TEXT"), help=_("words to find"))
    search.add_argument(
        "--limit",
        type=whole_number(1, MAX_RESULTS, 50),
        default=50,
        metavar="N",
        help=_("at most this many results (default 50, at most {maximum})").format(
            maximum=format_number(MAX_RESULTS)
        ),
    )
    search.add_argument("--json", action="store_true", help=_("print JSON"))


def run_search(context: Context, arguments: argparse.Namespace) -> int:
    from sitiv_desktop.services.search import search

    with context.database.read_session() as session:
        hits = search(session, arguments.text, limit=arguments.limit)
    if arguments.json:
        print_json(hits)
        return 0
    if not hits:
        print(_("Nothing found."))
        return 0
    print_table(
        [_("Kind"), _("Title"), _("Communes")],
        [(hit.kind_label, hit.title, ", ".join(hit.commune_names)) for hit in hits],
    )
    return 0


DEMO = Command(
    "demo",
    N_("fill the local copy with demonstration data"),
    demo_arguments,
    run=run_demo,
    fills_a_new_copy=True,
)
LIST = Command("list", N_("list records of one kind"), list_arguments, run=run_list)
SEARCH = Command(
    "search",
    N_("search every record, ignoring case and accents"),
    search_arguments,
    run=run_search,
)
