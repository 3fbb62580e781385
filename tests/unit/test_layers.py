"""The layers of DESIGN.md hold: nothing outside ``ui`` loads Qt, and imports go one way."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import sitiv_desktop

PACKAGE = Path(sitiv_desktop.__file__).parent

# Each layer may import only itself and the layers listed for it.
ALLOWED = {
    "domain": {"domain"},
    "store": {"store", "domain"},
    "services": {"services", "store", "domain"},
    "sync": {"sync", "services", "store", "domain"},
    "reports": {"reports", "services", "domain"},
    "ui": {"ui", "sync", "reports", "services", "store", "domain"},
}
BASE_MODULES = {"errors", "i18n", "paths", "settings", "credentials", "context"}


def modules_outside_ui() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] in ("ui",) or "migrations" in relative.parts:
            continue
        dotted = ".".join(("sitiv_desktop", *relative.with_suffix("").parts))
        names.append(dotted.removesuffix(".__init__").removesuffix(".__main__"))
    return sorted(set(names) - {"sitiv_desktop.__main__"})


def test_no_module_outside_ui_loads_qt() -> None:
    modules = modules_outside_ui()
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken')))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"Qt loaded by a core module: {result.stdout}"


def imported_layers(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    layers = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "sitiv_desktop" and len(parts) > 1:
                layers.add(parts[1])
    return layers


def test_imports_go_one_way() -> None:
    wrong = []
    for layer, allowed in ALLOWED.items():
        for path in (PACKAGE / layer).rglob("*.py"):
            stray = imported_layers(path) - allowed - BASE_MODULES - {"__init__"}
            stray.discard("")
            if stray - {"APP_ID", "APP_NAME", "__version__"}:
                wrong.append(f"{path.relative_to(PACKAGE)} imports {sorted(stray)}")
    assert not wrong, "\n".join(wrong)
