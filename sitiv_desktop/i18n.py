"""One gettext catalogue for the window, the command line and the PDFs; French by default.

Message ids are English; ``locale/fr/LC_MESSAGES/sitiv_desktop.po`` holds the French. The
``.po`` is the only catalogue kept in the sources: there is no build step to forget and no binary
file for parallel branches to conflict on. It is compiled by Babel the first time a given ``.po``
is seen and the compiled ``.mo`` is kept in the user's cache folder under the ``.po``'s hash, so
later starts read it with ``gettext`` alone (parsing the ``.po`` costs a tenth of a second at
start-up). An edited ``.po`` has another hash, hence is compiled again: the cache is never stale.
Where the cache cannot be written, the catalogue is compiled in memory as before. Dates, numbers
and money are formatted by Babel in the current language.
"""

from __future__ import annotations

import datetime as dt
import gettext
import hashlib
import io
import logging
import os
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs
from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.dates import format_time as babel_format_time
from babel.numbers import format_currency, format_decimal

from sitiv_desktop import APP_ID

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

log = logging.getLogger(__name__)

DOMAIN = "sitiv_desktop"
CACHE_DIR_VARIABLE = "SITIV_CACHE_DIR"
LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
_BABEL_LOCALES = {"fr": "fr_FR", "en": "en_GB"}

_current_language = DEFAULT_LANGUAGE


def catalogue_cache_dir() -> Path:
    """Where compiled catalogues are kept: ``SITIV_CACHE_DIR``, else the user's cache folder."""
    configured = os.environ.get(CACHE_DIR_VARIABLE)
    if configured:
        return Path(configured).expanduser()
    return Path(platformdirs.user_cache_dir(APP_ID, appauthor=False)) / "catalogues"


def compile_catalogue(po_text: bytes, language: str) -> bytes:
    """The ``.mo`` of a ``.po``, compiled by Babel (imported here: only a new ``.po`` needs it)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalogue = read_po(io.BytesIO(po_text), locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    return compiled.getvalue()


def compiled_catalogue(language: str) -> bytes:
    """The compiled catalogue of ``language``, from the cache when this ``.po`` was seen before."""
    po_file = (
        resources.files("sitiv_desktop") / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    )
    po_text = po_file.read_bytes()
    digest = hashlib.sha256(po_text).hexdigest()[:32]
    cached = catalogue_cache_dir() / f"{DOMAIN}-{language}-{digest}.mo"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    compiled = compile_catalogue(po_text, language)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        for older in cached.parent.glob(f"{DOMAIN}-{language}-*.mo"):
            older.unlink(missing_ok=True)
        partial = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
        partial.write_bytes(compiled)
        os.replace(partial, cached)  # whole or absent, even with two processes starting
    except OSError as error:
        log.info("compiled catalogue not cached in %s: %s", cached.parent, error)
    return compiled


@cache
def _catalogue(language: str) -> Catalog:
    """The catalogue as Babel reads it (only for ``translated``, which is rare: the start-up reads
    the compiled one)."""
    from babel.messages.pofile import read_po

    po_file = (
        resources.files("sitiv_desktop") / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    )
    with po_file.open("rb") as stream:
        return read_po(stream, locale=language)


@cache
def _translations(language: str) -> gettext.NullTranslations:
    if language == "en":
        return gettext.NullTranslations()
    return gettext.GNUTranslations(io.BytesIO(compiled_catalogue(language)))


@cache
def _known_messages(language: str) -> dict[str, str]:
    """Every message of the catalogue, by its English id and by its translation."""
    known: dict[str, str] = {}
    for message in _catalogue("fr"):
        if not isinstance(message.id, str) or not message.id or not isinstance(message.string, str):
            continue
        shown = message.id if language == "en" or not message.string else message.string
        known[message.id] = shown
        if message.string:
            known[message.string] = shown
    return known


def translated(text: str) -> str | None:
    """A text received from elsewhere (the sync service) in the current language, if the catalogue
    knows it, in English or already translated; ``None`` for a text it does not know."""
    return _known_messages(_current_language).get(text.strip())


def set_language(language: str) -> None:
    """Switch the language of every later message; unknown languages fall back to French."""
    global _current_language
    _current_language = language if language in LANGUAGES else DEFAULT_LANGUAGE


def current_language() -> str:
    return _current_language


def babel_locale() -> Locale:
    return _parsed_locale(_BABEL_LOCALES[_current_language])


@cache
def _parsed_locale(code: str) -> Locale:
    # Parsed once: every number and date the window paints asks for it.
    return Locale.parse(code)


def _(message: str) -> str:
    """Translate a message into the current language."""
    return _translations(_current_language).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return _translations(_current_language).ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated later, where it is shown."""
    return message


def format_date(value: dt.date, style: str = "full") -> str:
    """« mardi 20 janvier 2015 » in French (style ``full``), « 20/01/2015 » for ``short``."""
    return babel_format_date(value, format=style, locale=babel_locale())


def format_long_date(value: dt.date) -> str:
    """« 1er janvier 2024 », « 5 février 2027 »: French writes the first of a month as an
    ordinal; other languages as Babel's long date."""
    text = format_date(value, "long")
    if _current_language == "fr" and value.day == 1 and text.startswith("1 "):
        text = "1er" + text[1:]
    return text


def format_time(value: dt.datetime | dt.time) -> str:
    """« 14:30 »: the locale's short time, for tables and columns."""
    return babel_format_time(value, format="short", locale=babel_locale())


def clock_time(moment: dt.datetime | dt.time) -> str:
    """« 9 h 30 », « 14 h » in French (its spaces never break a line); the locale's short time
    otherwise. The time of prose: the packs, the dashboard, a meeting's details."""
    if _current_language != "fr":
        return format_time(moment)
    if moment.minute:
        return f"{moment.hour}\u00a0h\u00a0{moment.minute:02d}"
    return f"{moment.hour}\u00a0h"


def format_datetime(value: dt.datetime, style: str = "full") -> str:
    """The date as ``format_date`` gives it, then the time as ``clock_time`` writes it:
    « mardi 20 janvier 2015 à 14 h 30 »."""
    return _("{date} at {time}").format(
        date=format_date(value.date(), style), time=clock_time(value)
    )


def format_timestamp(value: dt.datetime) -> str:
    return babel_format_datetime(value, format="short", locale=babel_locale())


def format_money(amount: Decimal | int | float) -> str:
    """« 1 234 567,89 € » in French."""
    return format_currency(amount, "EUR", locale=babel_locale())


def format_whole_money(amount: Decimal | int | float) -> str:
    """« 1 234 568 € »: rounded to the euro, with the no-break space of ``format_money`` (a
    chart's axis and bars)."""
    pattern = babel_locale().currency_formats["standard"].pattern.replace(".00", "")
    whole = Decimal(str(amount)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return format_currency(
        whole, "EUR", format=pattern, currency_digits=False, locale=babel_locale()
    )


def format_number(value: Decimal | int | float) -> str:
    return format_decimal(value, locale=babel_locale())


def format_amount(value: Decimal | int | float) -> str:
    """« 38 000,50 »: an amount in euros where it is typed again (a table cell, a field), with
    its cents and without the sign that the column's heading carries."""
    return format_decimal(value, format="#,##0.00", locale=babel_locale())


def format_percent(value: Decimal | int | float) -> str:
    """A percentage given as 0–100: « 45 % »."""
    return _("{value} %").format(value=format_decimal(value, locale=babel_locale()))


# French elides « de » before a vowel and before most h (« d’Oullins », « d’Hérouville »); the
# h of « Ha », « Ho », « Hu » is mostly aspirated in commune names (« de Haguenau », « de
# Houilles », « de Huningue »), and « y » before a vowel is a consonant (« de Yainville »).
_ELIDING = frozenset("aeiouy")
_MUTE_H_BEFORE = frozenset("eiy")
_CONTRACTED = (("Le ", "du "), ("Les ", "des "))


def de_commune(name: str) -> str:
    """« de Givors », « d’Oullins-Pierre-Bénite », « du Bois-d’Oingt » (Le Bois-d’Oingt), « des
    Haies » (Les Haies), « de La Mulatière »: French, whatever the current language (the demo's
    texts are French)."""
    for article, contracted in _CONTRACTED:
        if name.startswith(article):
            return contracted + name[len(article) :]
    letters = [c for c in unicodedata.normalize("NFD", name[:3].casefold()) if c.isalpha()]
    first, second = [*letters, "", ""][:2]
    if first in ("œ", "æ") or (first in _ELIDING and not (first == "y" and second in _ELIDING)):
        return f"d’{name}"
    if first == "h" and second in _MUTE_H_BEFORE:
        return f"d’{name}"
    return f"de {name}"


def of_commune(name: str) -> str:
    """A commune's name after « of »: « d’Oullins-Pierre-Bénite », « du Bois-d’Oingt » in French
    (``de_commune``), « of Givors » in English. Messages take it as ``{of_commune}``."""
    if _current_language == "fr":
        return de_commune(name)
    return f"of {name}"
