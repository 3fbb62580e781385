"""The French catalogue is complete: every message of the code has a translation, none fuzzy."""

from __future__ import annotations

import gettext
import io
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import sitiv_desktop
from sitiv_desktop import i18n

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


def test_no_translation_is_left_over() -> None:
    """An entry the code no longer says (« add --replace … ») is removed with the string."""
    said = {text for _filename, text in code_messages()}
    left_over = sorted(
        singular
        for message in french_catalogue()
        if message.id
        for singular in [message.id[0] if isinstance(message.id, tuple) else message.id]
        if singular not in said
    )
    assert not left_over, "no longer in the code:\n" + "\n".join(left_over)


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


def test_the_catalogue_is_compiled_once_per_po_and_read_back_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(i18n.CACHE_DIR_VARIABLE, str(tmp_path))
    compiled = i18n.compiled_catalogue("fr")
    cached = list(tmp_path.glob("sitiv_desktop-fr-*.mo"))
    assert [path.read_bytes() for path in cached] == [compiled]
    # Read back as it is written: every translation of the .po, through gettext alone.
    translations = gettext.GNUTranslations(io.BytesIO(cached[0].read_bytes()))
    catalogue = french_catalogue()
    for message in catalogue:
        if message.id and isinstance(message.id, str) and message.string:
            assert translations.gettext(message.id) == message.string
    # A second start reads the cache: nothing is compiled.
    calls: list[str] = []
    monkeypatch.setattr(i18n, "compile_catalogue", lambda text, lang: calls.append(lang) or b"")
    assert i18n.compiled_catalogue("fr") == compiled
    assert calls == []


def test_an_edited_catalogue_is_compiled_again_and_the_old_one_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(i18n.CACHE_DIR_VARIABLE, str(tmp_path))
    stale = tmp_path / "sitiv_desktop-fr-0123456789abcdef0123456789abcdef.mo"
    stale.write_bytes(b"a catalogue of an older .po")
    compiled = i18n.compiled_catalogue("fr")
    assert not stale.exists()
    assert compiled.startswith(b"\xde\x12\x04\x95")  # a GNU .mo file
    assert len(list(tmp_path.glob("*.mo"))) == 1


def test_without_a_writable_cache_the_catalogue_is_compiled_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", "utf-8")
    monkeypatch.setenv(i18n.CACHE_DIR_VARIABLE, str(blocked / "catalogues"))
    translations = gettext.GNUTranslations(io.BytesIO(i18n.compiled_catalogue("fr")))
    assert translations.gettext("Communes") == "Communes"
    assert translations.gettext("Cancel") == "Annuler"
