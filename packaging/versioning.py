"""Fills the packaging templates with the package's version: ``sitiv_desktop`` is the one place
that holds the application id and the version, and every versioned file is made from it here.

    python packaging/versioning.py version
    python packaging/versioning.py render TEMPLATE OUTPUT

Placeholders: ``@APP_ID@``, ``@APP_NAME@``, ``@VERSION@``, ``@DATE@`` (the release date:
``SOURCE_DATE_EPOCH`` when set, for reproducible builds, else today).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sitiv_desktop  # noqa: E402  (after the path is set, so a plain checkout works)


def release_date() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date().isoformat()
    return dt.date.today().isoformat()


def substitutions() -> dict[str, str]:
    return {
        "@APP_ID@": sitiv_desktop.APP_ID,
        "@APP_NAME@": sitiv_desktop.APP_NAME,
        "@VERSION@": sitiv_desktop.__version__,
        "@DATE@": release_date(),
    }


def render_text(text: str) -> str:
    for placeholder, value in substitutions().items():
        text = text.replace(placeholder, value)
    return text


def render(template: Path, output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render_text(template.read_text(encoding="utf-8")), encoding="utf-8")


def main(arguments: list[str]) -> int:
    if arguments == ["version"]:
        print(sitiv_desktop.__version__)
        return 0
    if len(arguments) == 3 and arguments[0] == "render":
        render(Path(arguments[1]), Path(arguments[2]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
