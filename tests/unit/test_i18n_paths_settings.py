"""French formatting, where files live, and preferences that survive a damaged file."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from sitiv_desktop.i18n import (
    clock_time,
    format_date,
    format_datetime,
    format_money,
    format_percent,
    format_time,
    format_whole_money,
    set_language,
)
from sitiv_desktop.paths import resolve_paths
from sitiv_desktop.settings import Settings


def test_dates_read_as_the_users_write_them() -> None:
    assert format_date(dt.date(2015, 1, 20)) == "mardi 20 janvier 2015"
    assert format_date(dt.date(2015, 1, 20), "short") == "20/01/2015"
    # The time of prose as the packs write it: « 14 h 30 », « 9 h », spaces that never break.
    assert (
        format_datetime(dt.datetime(2015, 1, 20, 14, 30))
        == "mardi 20 janvier 2015 à 14\u00a0h\u00a030"
    )
    assert format_datetime(dt.datetime(2026, 12, 7, 9, 0), "short") == "07/12/2026 à 9\u00a0h"
    assert clock_time(dt.time(9, 5)) == "9\u00a0h\u00a005"
    # Tables keep the short clock.
    assert format_time(dt.time(9, 5)) == "09:05"


def test_money_and_percentages_in_french() -> None:
    # Babel separates thousands with narrow no-break spaces and puts a no-break space before €.
    assert format_money(Decimal("1234567.89")) == "1\u202f234\u202f567,89\u00a0€"
    assert format_percent(45) == "45\u00a0%"
    # Whole euros for a chart, as the money of the packs less its cents.
    assert format_whole_money(Decimal("639845.6")) == "639\u202f846\u00a0€"
    assert format_whole_money(50_500.0) == "50\u202f500\u00a0€"


def test_english_is_the_second_language() -> None:
    set_language("en")
    assert format_date(dt.date(2015, 1, 20)) == "Tuesday, 20 January 2015"
    assert format_money(Decimal("1234.5")) == "€1,234.50"
    assert format_whole_money(Decimal("1000")) == "€1,000"
    assert clock_time(dt.time(9, 0)) == "09:00"


def test_an_unknown_language_falls_back_to_french() -> None:
    set_language("de")
    assert format_date(dt.date(2015, 1, 20)) == "mardi 20 janvier 2015"


def test_the_data_folder_comes_from_the_option_then_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SITIV_DATA_DIR", str(tmp_path / "from-variable"))
    assert resolve_paths(tmp_path / "from-option").data_dir == tmp_path / "from-option"
    assert resolve_paths().data_dir == tmp_path / "from-variable"
    monkeypatch.delenv("SITIV_DATA_DIR")
    assert resolve_paths().data_dir.name == "fr.sitiv.Desktop"


def test_settings_are_kept_and_typed(tmp_path: Path) -> None:
    settings = Settings(tmp_path / "settings.json")
    assert settings.language == "fr"
    settings.language = "en"
    settings.first_start_done = True
    again = Settings(tmp_path / "settings.json")
    assert again.language == "en"
    assert again.first_start_done is True
    with pytest.raises(TypeError):
        settings.backups_kept = "five"


def test_a_damaged_settings_file_gives_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{ not json", "utf-8")
    assert Settings(path).backups_kept == 5
