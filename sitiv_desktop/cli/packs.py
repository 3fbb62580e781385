"""The ``brief`` command: a briefing pack as PDF (meeting, New Year address, agenda)."""

from __future__ import annotations

import argparse

from sitiv_desktop.cli.files import file_to_write, force_argument
from sitiv_desktop.cli.output import ProgressBar
from sitiv_desktop.cli.parser import Command, year
from sitiv_desktop.context import Context
from sitiv_desktop.i18n import N_, _


def brief_arguments(brief: argparse.ArgumentParser) -> None:
    packs = brief.add_subparsers(dest="pack", metavar=_("PACK"), required=True)
    meeting = packs.add_parser("meeting", help=_("the pack of a meeting with one commune"))
    meeting.add_argument("meeting", metavar=_("MEETING"), help=_("the meeting's identifier"))
    voeux = packs.add_parser("voeux", help=_("the New Year address pack"))
    voeux.add_argument(
        "--year",
        type=year,
        required=True,
        metavar=_("YEAR"),
        help=_("the year under review (its PPI is the next)"),
    )
    agenda = packs.add_parser("agenda", help=_("the agenda of any meeting"))
    agenda.add_argument("meeting", metavar=_("MEETING"), help=_("the meeting's identifier"))
    for parser in (meeting, voeux, agenda):
        parser.add_argument(
            "-o", "--output", required=True, metavar=_("FILE.pdf"), help=_("the PDF to write")
        )
        parser.add_argument(
            "--draft", action="store_true", help=_("mark every page as a draft (« PROJET »)")
        )
        force_argument(parser)


def run_brief(context: Context, arguments: argparse.Namespace) -> int:
    from sitiv_desktop.reports.document import BuildOptions
    from sitiv_desktop.reports.files import save_pdf
    from sitiv_desktop.reports.packs import build_pack
    from sitiv_desktop.services.briefings import gather_pack

    output = file_to_write(arguments.output, arguments.force)
    with context.database.read_session() as session:
        data = gather_pack(
            session,
            arguments.pack,
            getattr(arguments, "meeting", None),
            getattr(arguments, "year", None),
        )
    options = BuildOptions(draft=arguments.draft, progress=ProgressBar())
    save_pdf(output, lambda stream: build_pack(data, stream, options))
    print(_("Pack written to {path}.").format(path=output))
    return 0


BRIEF = Command("brief", N_("print a briefing pack as PDF"), brief_arguments, run=run_brief)
