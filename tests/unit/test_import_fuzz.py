"""Hundreds of broken spreadsheets and CSV files, generated from real exports, through
``import --dry-run`` and ``import``: never exit code 1, never a traceback, memory bounded, and a
refused file changes nothing."""

from __future__ import annotations

import io
import random
import resource
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from sitiv_desktop import cli
from sitiv_desktop.context import Context
from tests.unit.test_bad_files import dump

KINDS = ("projects", "commitments", "ppi")
FILES = 240
NASTY = [
    "=1+1",
    "1,234.56",
    "12,000",
    "1e30",
    "NaN",
    "-0",
    "\x00",
    "\x1b[31m",
    "'",
    '"',
    ";;;",
    "9" * 40,
    "31/02/2015",
    "Vénissieux (120 %)",
    "x" * 40_000,
    "\r",
    "\ufeff",
    "Givors; Lyon",
]


def _rezip(content: bytes, change: Callable[[str, bytes], bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, change(item.filename, source.read(item)))
    return out.getvalue()


def _mutate_xml(rng: random.Random, name: str, data: bytes) -> bytes:
    if not name.endswith(("sheet1.xml", "sharedStrings.xml", "styles.xml", "workbook.xml")):
        return data
    choice = rng.randrange(6)
    if choice == 0:
        return data[: rng.randrange(len(data) + 1)]
    if choice == 1:
        return data.replace(b'r="B2"', b'r="XFD1048576"', 1).replace(b'r="2"', b'r="1048576"', 1)
    if choice == 2:
        return data.replace(b"<v>", b"<v>1e308", 1)
    if choice == 3:
        return data.replace(b"</row>", b'<c r="ZZ9"><f>A1*2</f></c></row>', 1)
    if choice == 4:
        return data.replace(
            b"<sheetData>", b'<mergeCells><mergeCell ref="A1:C9"/></mergeCells><sheetData>', 1
        )
    position = rng.randrange(len(data) + 1)
    return data[:position] + bytes(rng.randrange(256) for _ in range(8)) + data[position:]


def _mutate_bytes(rng: random.Random, content: bytes) -> bytes:
    data = bytearray(content)
    for _ in range(rng.randint(1, 6)):
        action = rng.randrange(4)
        if action == 0 and data:
            data[rng.randrange(len(data))] = rng.randrange(256)
        elif action == 1:
            del data[rng.randrange(len(data) + 1) :]
        elif action == 2:
            position = rng.randrange(len(data) + 1)
            data[position:position] = rng.choice(NASTY).encode("utf-8", "surrogatepass")
        else:
            data[rng.randrange(len(data) + 1) :] = b"\n" + rng.choice(NASTY).encode() * 3
    return bytes(data)


def _mutate_csv(rng: random.Random, content: bytes) -> bytes:
    text = content.decode("utf-8-sig")
    lines = text.split("\r\n")
    for _ in range(rng.randint(1, 4)):
        index = rng.randrange(len(lines))
        cells = lines[index].split(";")
        cells[rng.randrange(len(cells))] = rng.choice(NASTY)
        if rng.random() < 0.3:
            cells.append(rng.choice(NASTY))
        lines[index] = ";".join(cells)
    ending = rng.choice(["\r\n", "\n", "\r"])
    encoding = rng.choice(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"])
    return ending.join(lines).encode(encoding, errors="replace")


def test_broken_files_never_crash_the_import(
    filled: Context, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = filled.paths.data_dir
    exports: dict[tuple[str, str], bytes] = {}
    for kind in KINDS:
        for suffix in ("xlsx", "csv"):
            path = tmp_path / f"{kind}.{suffix}"
            assert cli.main(["--data-dir", str(data), "export", kind, "-o", str(path)]) == 0
            exports[kind, suffix] = path.read_bytes()
    capsys.readouterr()
    rng = random.Random(15)
    start_memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    codes: dict[int, int] = {}
    for number in range(FILES):
        kind = rng.choice(KINDS)
        suffix = rng.choice(("xlsx", "csv"))
        original = exports[kind, suffix]
        if suffix == "xlsx":
            if rng.random() < 0.6:
                content = _rezip(original, lambda name, part: _mutate_xml(rng, name, part))
            else:
                content = _mutate_bytes(rng, original)
        else:
            content = (
                _mutate_csv(rng, original) if rng.random() < 0.7 else _mutate_bytes(rng, original)
            )
        path = tmp_path / f"broken-{number}.{suffix}"
        path.write_bytes(content)
        before = dump(filled.paths.database) if number % 4 == 0 else None
        for options in (("--dry-run",), ()) if number % 2 == 0 else (("--dry-run",),):
            code = cli.main(["--data-dir", str(data), "import", kind, str(path), *options])
            captured = capsys.readouterr()
            assert code in (0, 2, 3), (number, captured.err)
            assert "Traceback" not in captured.err and "Erreur inattendue" not in captured.err
            codes[code] = codes.get(code, 0) + 1
            if code != 0 and before is not None:
                assert dump(filled.paths.database) == before
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - start_memory
    assert grown_kib < 400 * 1024
    # The generator does make broken files: most are refused.
    assert codes.get(2, 0) > FILES // 3
