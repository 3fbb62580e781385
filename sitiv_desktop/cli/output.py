"""What the command line prints and asks: JSON, tables, the progress bar, passwords, errors."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import logging
import os
import sys
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, TextIO

from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import N_, _

log = logging.getLogger("sitiv_desktop.cli")


def to_json(value: Any) -> Any:
    """Domain records as plain JSON: ids, dates and amounts as strings, enums as codes."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(to_json(key)): to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, uuid.UUID | dt.date | dt.datetime | Decimal):
        return str(value) if not isinstance(value, dt.date) else value.isoformat()
    return value


def print_json(value: Any, stream: TextIO | None = None) -> None:
    json.dump(to_json(value), stream or sys.stdout, ensure_ascii=False, indent=2)
    (stream or sys.stdout).write("\n")


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    print(line.rstrip())
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


class ProgressBar:
    """A progress(fraction, text) callback that draws on stderr when it is a terminal."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()

    def __call__(self, fraction: float, text: str = "") -> None:
        if not self.enabled:
            return
        filled = int(max(0.0, min(1.0, fraction)) * 30)
        bar = "█" * filled + "·" * (30 - filled)
        self.stream.write(f"\r{bar} {int(fraction * 100):3d} % {text[:40]:<40}")
        if fraction >= 1:
            self.stream.write("\n")
        self.stream.flush()


def confirm(question: str) -> bool:
    """Ask a yes/no question on the terminal; without a terminal the answer is no."""
    if not sys.stdin.isatty():
        return False
    answer = input(question).strip().casefold()
    return answer in ("o", "oui", "y", "yes")


def ask_password(user: str, twice: bool = False) -> str:
    """The password from SITIV_PASSWORD, else asked on the terminal (never echoed)."""
    import getpass

    from sitiv_desktop.credentials import PASSWORD_VARIABLE

    given = os.environ.get(PASSWORD_VARIABLE)
    if given:
        return given
    if not sys.stdin.isatty():
        raise UserError(_("Password: set SITIV_PASSWORD or run this command in a terminal."))
    password = getpass.getpass(_("Password for {user}: ").format(user=user))
    if twice and getpass.getpass(_("Again: ")) != password:
        raise UserError(_("Password: the two entries differ."), "password")
    return password


# Fields of the core's errors that the command line sets with an option of the same meaning.
OPTIONS_OF_FIELDS = {
    "replace": "--replace",
    "keep": "--keep",
    "scale": "--scale",
    "skip_bad_rows": "--skip-bad-rows",
    "year": "--year",
}
# Fields whose right value another command gives.
HINTS_OF_FIELDS = {"meeting": N_("« list meetings --json » gives the meetings' identifiers")}


def fail(
    error: BaseException,
    code: int,
    debug: bool,
    bug: bool = False,
    cause: BaseException | None = None,
) -> int:
    """Say a failure in one French line on stderr and give its exit code."""
    # The details (which may hold SQL or what the user typed) go to the log, not the message.
    # With --debug, the console shows this log record and its traceback.
    log.info("failed with exit code %d", code, exc_info=cause or error)
    if bug:
        message = _("Unexpected error ({kind}).").format(kind=type(error).__name__)
    else:
        message = str(error)
        message = _phrased_for_the_command_line(message, getattr(error, "field", None) or "")
    print(_("Error: {message}").format(message=message), file=sys.stderr)
    if bug and not debug:
        print(_("Run again with --debug to see the details."), file=sys.stderr)
    return code


def _phrased_for_the_command_line(message: str, field: str) -> str:
    """The core names the field; on the command line, that field is an option, or another
    command gives its values."""
    sentence = message.removesuffix(".")
    end = "." if sentence != message else ""
    if field in OPTIONS_OF_FIELDS:
        return f"{sentence} ({OPTIONS_OF_FIELDS[field]}){end}"
    if field in HINTS_OF_FIELDS:
        hint = _(HINTS_OF_FIELDS[field])
        return _("{sentence}; {hint}").format(sentence=sentence, hint=hint) + end
    return message
