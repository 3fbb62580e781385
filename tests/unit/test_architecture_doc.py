"""docs/ARCHITECTURE.md names real code: every function, class and file it cites exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import sitiv_desktop

PACKAGE = Path(sitiv_desktop.__file__).parent
DOCUMENT = PACKAGE.parent / "docs" / "ARCHITECTURE.md"


def defined_names() -> set[str]:
    """Functions, classes and methods of the package, with its modules' and packages' names."""
    names: set[str] = {path.stem for path in PACKAGE.rglob("*.py")}
    names |= {path.name for path in PACKAGE.rglob("*") if path.is_dir()}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
    return names


def cited() -> list[str]:
    return re.findall(r"`([^`\s]+)`", DOCUMENT.read_text("utf-8"))


def test_every_function_cited_is_defined() -> None:
    names = defined_names()
    calls = [c for c in cited() if c.endswith(")") and "(" in c]
    assert len(calls) >= 30  # the walk-through names the functions on the way
    missing = [
        call for call in calls if call.split("(")[0].replace("/", ".").split(".")[-1] not in names
    ]
    assert not missing, f"not in the code: {missing}"


def test_every_file_cited_exists() -> None:
    files = [c for c in cited() if c.endswith((".py", "/")) and not set("…<") & set(c)]
    assert files
    # A path from the repository or the package, or a name found under the package or tests/.
    missing = [
        name
        for name in files
        if not (PACKAGE.parent / name).exists()
        and not (PACKAGE / name).exists()
        and not any(
            any(root.rglob(name.rstrip("/"))) for root in (PACKAGE, PACKAGE.parent / "tests")
        )
    ]
    assert not missing, f"no such file: {missing}"
