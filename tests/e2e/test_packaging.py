"""The installable application: built with ``packaging/build.sh``, then run as a user would.

The build takes about half a minute to a minute and a half, so it runs with the rest of the suite;
``-m "not packaging"`` leaves it out. It needs the ``packaging`` extra (PyInstaller) and Linux.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

import sitiv_desktop

pytestmark = [
    pytest.mark.packaging,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="builds the Linux package"),
    pytest.mark.skipif(
        importlib.util.find_spec("PyInstaller") is None,
        reason="PyInstaller is not installed: pip install -e '.[packaging]'",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
APP_ID = sitiv_desktop.APP_ID
VERSION = sitiv_desktop.__version__
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


@dataclass(frozen=True)
class Build:
    app: Path
    archive: Path
    seconds: float

    @property
    def executable(self) -> Path:
        return self.app / "sitiv-desktop"

    @property
    def internal(self) -> Path:
        return self.app / "_internal"


def folder_size(folder: Path) -> int:
    """Bytes of the folder's files; its symbolic links to libraries are not counted twice."""
    return sum(
        path.lstat().st_size
        for path in folder.rglob("*")
        if path.is_file() and not path.is_symlink()
    )


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    place = tmp_path_factory.mktemp("packaging")
    environment = {
        **os.environ,
        "PYTHON": sys.executable,
        "SITIV_DIST_DIR": str(place / "dist"),
        "SITIV_BUILD_DIR": str(place / "build"),
    }
    started = time.monotonic()
    result = subprocess.run(
        [str(ROOT / "packaging" / "build.sh")],
        capture_output=True,
        text=True,
        env=environment,
        timeout=900,
        check=False,
    )
    seconds = time.monotonic() - started
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    app = place / "dist" / "sitiv-desktop"
    built = Build(
        app=app,
        archive=place / "dist" / f"sitiv-desktop-{VERSION}-linux-{os.uname().machine}.tar.gz",
        seconds=seconds,
    )
    print(f"\nbuilt in {seconds:.0f} s, {folder_size(app) / 1e6:.0f} MB")
    return built


def run(
    executable: Path, *arguments: str, data_dir: Path | None = None
) -> subprocess.CompletedProcess[str]:
    prefix: Sequence[str] = ("--data-dir", str(data_dir)) if data_dir else ()
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SITIV_DATA_DIR": ""}
    environment.pop("PYTHONPATH", None)
    return subprocess.run(
        [str(executable), *prefix, *arguments],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
        check=False,
    )


def test_the_built_program_says_its_version(build: Build) -> None:
    result = run(build.executable, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"SITIV Desktop {VERSION}"


def test_the_built_program_makes_demo_data_and_speaks_french(build: Build, tmp_path: Path) -> None:
    data = tmp_path / "data"
    demo = run(build.executable, "demo", "--seed", "1", data_dir=data)
    assert demo.returncode == 0, demo.stderr
    assert "Données de démonstration créées" in demo.stdout
    assert (data / "sitiv.sqlite3").is_file()

    communes = run(build.executable, "list", "communes", data_dir=data)
    assert communes.returncode == 0, communes.stderr
    assert "Vénissieux" in communes.stdout
    # A French population, « 65 405 », needs Babel's fr_FR data inside the bundle.
    assert re.search(r"\d\u202f\d{3}\b", communes.stdout), communes.stdout

    check = run(build.executable, "check", data_dir=data)
    assert check.returncode == 0, check.stderr
    assert check.stdout.strip() == "La copie locale est saine."


def test_the_built_program_writes_a_pdf_a_spreadsheet_and_a_calendar(
    build: Build, tmp_path: Path
) -> None:
    """Fonts, reportlab, openpyxl and the time zones are all read from inside the bundle."""
    data = tmp_path / "data"
    assert run(build.executable, "demo", "--seed", "1", data_dir=data).returncode == 0
    listing = run(build.executable, "list", "meetings", "--json", data_dir=data)
    assert listing.returncode == 0, listing.stderr
    meeting_id = json.loads(listing.stdout)[0]["id"]

    outputs = {
        "agenda.pdf": ("brief", "agenda", meeting_id, "-o"),
        "projets.xlsx": ("export", "projects", "-o"),
        "reunions.ics": ("export", "meetings", "-o"),
    }
    for name, arguments in outputs.items():
        result = run(build.executable, *arguments, str(tmp_path / name), data_dir=data)
        assert result.returncode == 0, f"{name}: {result.stderr}"
    metadata = PdfReader(tmp_path / "agenda.pdf").metadata
    assert metadata is not None
    assert metadata.creator == f"SITIV Desktop {VERSION}"
    assert (tmp_path / "projets.xlsx").read_bytes().startswith(b"PK")
    assert (tmp_path / "reunions.ics").read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")


@pytest.mark.skipif(
    not (ROOT / "sitiv_desktop" / "ui" / "app.py").is_file(), reason="the window is not written"
)
def test_the_built_program_opens_its_window(build: Build, tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run(build.executable, "demo", "--seed", "1", data_dir=data).returncode == 0
    started = time.monotonic()
    window = run(build.executable, "window", "--quit-after", "3000", data_dir=data)
    assert window.returncode == 0, window.stderr
    assert time.monotonic() - started >= 3
    assert "Traceback" not in window.stderr
    assert "Could not load the Qt platform plugin" not in window.stderr


@pytest.mark.skipif(
    not (ROOT / "sitiv_desktop" / "ui" / "app.py").is_file(), reason="the window is not written"
)
@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="xvfb-run is not installed")
def test_the_built_program_opens_its_window_on_an_x_server(build: Build, tmp_path: Path) -> None:
    """Offscreen skips the X11 plugin and the libraries it loads; a real X server does not."""
    environment = {**os.environ, "QT_QPA_PLATFORM": "xcb", "SITIV_DATA_DIR": ""}
    command = [str(build.executable), "--data-dir", str(tmp_path / "data")]
    window = subprocess.run(
        ["xvfb-run", "--auto-servernum", *command, "window", "--quit-after", "1000"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
        check=False,
    )
    assert window.returncode == 0, window.stderr
    assert "Could not load the Qt platform plugin" not in window.stderr


def test_the_bundle_holds_what_the_app_reads_from_files(build: Build) -> None:
    package = build.internal / "sitiv_desktop"
    migrations = package / "store" / "migrations"
    assert (migrations / "env.py").is_file()
    assert (migrations / "script.py.mako").is_file()
    shipped_versions = {path.name for path in (migrations / "versions").glob("0*.py")}
    source_versions = {
        path.name
        for path in (ROOT / "sitiv_desktop" / "store" / "migrations" / "versions").glob("0*.py")
    }
    assert shipped_versions == source_versions
    assert (package / "locale" / "fr" / "LC_MESSAGES" / "sitiv_desktop.po").is_file()
    assert (package / "resources" / "icons" / f"{APP_ID}.svg").is_file()
    assert (build.internal / "babel" / "locale-data" / "fr_FR.dat").is_file()
    qt = build.internal / "PySide6" / "Qt"
    assert (qt / "translations" / "qtbase_fr.qm").is_file()
    assert (qt / "plugins" / "platforms" / "libqxcb.so").is_file()
    assert (qt / "plugins" / "platforms" / "libqoffscreen.so").is_file()
    assert (qt / "plugins" / "imageformats" / "libqsvg.so").is_file()
    assert (qt / "lib" / "libQt6PdfWidgets.so.6").is_file()
    assert any((build.internal / "reportlab" / "fonts").glob("*.afm"))


def test_the_bundle_leaves_out_what_the_app_does_not_use(build: Build) -> None:
    qt = build.internal / "PySide6" / "Qt"
    libraries = {path.name for path in (qt / "lib").iterdir()}
    assert not {name for name in libraries if re.match(r"libQt6(Quick|Qml|Designer|Sql)", name)}
    languages = {path.stem.split("_", 1)[1] for path in (qt / "translations").glob("*.qm")}
    assert languages == {"fr", "en"}
    babel_locales = {path.stem for path in (build.internal / "babel" / "locale-data").glob("*.dat")}
    assert babel_locales <= {"root", "fr", "fr_FR", "en", "en_001", "en_GB"}
    plugin_folders = {path.name for path in (qt / "plugins").iterdir()}
    assert not plugin_folders & {"qmltooling", "sqldrivers", "designer", "tls", "generic"}
    assert not list(build.internal.rglob("*avif*"))


def test_the_desktop_entry_and_metainfo_are_valid(build: Build) -> None:
    share = build.app / "share"
    desktop_file = share / "applications" / f"{APP_ID}.desktop"
    metainfo = share / "metainfo" / f"{APP_ID}.metainfo.xml"
    assert f'<release version="{VERSION}"' in metainfo.read_text(encoding="utf-8")
    validators = {
        "desktop-file-validate": [str(desktop_file)],
        "appstreamcli": ["validate", "--no-net", str(metainfo)],
    }
    missing = [name for name in validators if shutil.which(name) is None]
    for name, arguments in validators.items():
        if name in missing:
            continue
        result = subprocess.run(
            [name, *arguments], capture_output=True, text=True, timeout=120, check=False
        )
        assert result.returncode == 0, result.stdout + result.stderr
    if missing:
        pytest.skip(f"not installed, so not run: {', '.join(missing)}")


def test_the_archive_unpacks_installs_and_uninstalls(build: Build, tmp_path: Path) -> None:
    with tarfile.open(build.archive) as archive:
        archive.extractall(tmp_path / "unpacked", filter="tar")
    unpacked = tmp_path / "unpacked" / f"sitiv-desktop-{VERSION}"
    prefix = tmp_path / "prefix"
    installed = subprocess.run(
        [str(unpacked / "install.sh"), "--prefix", str(prefix)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr

    command = prefix / "bin" / "sitiv-desktop"
    assert run(command, "--version").stdout.strip() == f"SITIV Desktop {VERSION}"
    entry = (prefix / "share" / "applications" / f"{APP_ID}.desktop").read_text(encoding="utf-8")
    assert f'Exec="{prefix}/lib/sitiv-desktop/sitiv-desktop"' in entry.splitlines()
    icons = prefix / "share" / "icons" / "hicolor"
    assert (icons / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    for size in ICON_SIZES:
        assert (icons / f"{size}x{size}" / "apps" / f"{APP_ID}.png").is_file()

    removed = subprocess.run(
        [str(unpacked / "install.sh"), "--prefix", str(prefix), "--uninstall"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert removed.returncode == 0, removed.stderr
    assert not command.exists()
    assert not (prefix / "lib" / "sitiv-desktop").exists()
    assert not list(prefix.rglob(f"{APP_ID}*"))
