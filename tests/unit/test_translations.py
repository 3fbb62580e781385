"""The French catalogue is complete: every message of the code has a translation, none fuzzy."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import sitiv_desktop

PACKAGE = Path(sitiv_desktop.__file__).parent
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def code_messages() -> Iterator[tuple[str, str]]:
    for filename, _line, message, _comments, _context in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        # A plural message is one catalogue entry, found by its singular.
        text = message[0] if isinstance(message, tuple) else message
        if text:
            yield filename, text


def french_catalogue() -> Catalog:
    po_file = (
        resources.files("sitiv_desktop") / "locale" / "fr" / "LC_MESSAGES" / "sitiv_desktop.po"
    )
    with po_file.open("rb") as stream:
        return read_po(stream, locale="fr")


def test_every_message_has_a_french_translation() -> None:
    catalogue = french_catalogue()
    missing = sorted(
        {
            f"{filename}: {text!r}"
            for filename, text in code_messages()
            if catalogue.get(text) is None or not catalogue.get(text).string
        }
    )
    assert not missing, "untranslated:\n" + "\n".join(missing)


def test_no_translation_is_fuzzy() -> None:
    fuzzy = [message.id for message in french_catalogue() if message.id and message.fuzzy]
    assert not fuzzy


def test_no_message_is_defined_twice() -> None:
    po_file = PACKAGE / "locale" / "fr" / "LC_MESSAGES" / "sitiv_desktop.po"
    ids = [line for line in po_file.read_text("utf-8").splitlines() if line.startswith("msgid ")]
    duplicates = {line for line in ids if ids.count(line) > 1 and line != 'msgid ""'}
    assert not duplicates


def test_placeholders_are_kept_in_translation() -> None:
    import re

    placeholder = re.compile(r"\{\w*\}")
    catalogue = french_catalogue()
    wrong = [
        message.id
        for message in catalogue
        if isinstance(message.id, str)
        and message.id
        and isinstance(message.string, str)
        and sorted(placeholder.findall(message.id)) != sorted(placeholder.findall(message.string))
    ]
    assert not wrong
