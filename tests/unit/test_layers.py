"""The layers of docs/ARCHITECTURE.md hold: Qt only in ``ui``, imports one way, no circle.

The import graph is read from the source with ``ast`` (every import, at the top of a module or
inside a function, except those under ``if TYPE_CHECKING:``), so a circle hidden behind a
deferred import is still a circle. The exceptions below are today's; each says why it is there,
and the test fails when one is no longer needed, so that the list only shrinks.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import sitiv_desktop

PACKAGE = Path(sitiv_desktop.__file__).parent
QT_PACKAGES = ("PySide6", "shiboken6", "PyQt5", "PyQt6", "qtpy")

# Each layer may import only itself and the layers listed for it.
ALLOWED = {
    "domain": {"domain"},
    "store": {"store", "domain"},
    "services": {"services", "store", "domain"},
    "sync": {"sync", "services", "store", "domain"},
    "reports": {"reports", "services", "domain"},
    "ui": {"ui", "sync", "reports", "services", "domain"},
    # The command line is an edge like the window; it opens the window (test below) and
    # reaches the store only where CLI_STORE_EXCEPTIONS says.
    "cli": {"cli", "sync", "reports", "services", "domain"},
}
# The two edges, which nothing else imports.
EDGES = {"ui", "cli"}
BASE_MODULES = {
    "errors", "i18n", "paths", "settings", "credentials", "context", "progress", "__init__",
}  # fmt: skip

# Circles of imports that exist today, with the reason; none may be added.
KNOWN_CYCLES: dict[frozenset[str], str] = {}

# ``ui`` modules that import ``store`` for more than types, and why. A ``ui`` module that needs
# a store type for its annotations imports it under ``if TYPE_CHECKING:`` (ui/tasks.py does for
# ``Database``), which this test allows.
UI_STORE_EXCEPTIONS: dict[str, str] = {
    "sitiv_desktop.ui.undo": (
        "undoing a delete snapshots the rows through the ORM registry (models.Base) and its "
        "foreign keys; the snapshot belongs in a service"
    ),
    **{
        f"sitiv_desktop.ui.editors.{kind}": (
            "each editor names its model class (models.Project, …) for the undo command that "
            "restores the record; a RecordKind could name it instead"
        )
        for kind in (
            "commitment",
            "contacts",
            "exchange",
            "meeting",
            "ppi_line",
            "project",
            "stake",
        )
    },
    "sitiv_desktop.ui.record_actions": ("the delete command is given the model class of each kind"),
    "sitiv_desktop.ui.tools": (
        "a search hit on an agenda item reads its meeting with session.get(models.AgendaItem, …)"
    ),
    "sitiv_desktop.ui.app": (
        "the first start counts the communes with its own query instead of a service's"
    ),
}


# ``cli`` modules that import ``store``, and why.
CLI_STORE_EXCEPTIONS: dict[str, str] = {
    "sitiv_desktop.cli.entry": (
        "the one place that turns any failure into a message asks store.database.store_failure "
        "whether an unexpected error is the database's (locked, damaged, disk full)"
    ),
}


@dataclass(frozen=True)
class Imported:
    source: str
    target: str
    line: int
    deferred: bool  # inside a function: runs when called, not when the module loads
    typing_only: bool  # under ``if TYPE_CHECKING:``


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_modules(root: Path) -> dict[str, Path]:
    return {
        module_name(root, path): path
        for path in sorted(root.rglob("*.py"))
        if "migrations" not in path.relative_to(root).parts
    }


def _statements(tree: ast.AST) -> list[tuple[ast.Import | ast.ImportFrom, bool, bool]]:
    found: list[tuple[ast.Import | ast.ImportFrom, bool, bool]] = []

    def visit(node: ast.AST, deferred: bool, typing_only: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                found.append((child, deferred, typing_only))
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                visit(child, True, typing_only)
            elif isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for statement in child.body:
                    visit(ast.Module(body=[statement], type_ignores=[]), deferred, True)
                for statement in child.orelse:
                    visit(ast.Module(body=[statement], type_ignores=[]), deferred, typing_only)
            else:
                visit(child, deferred, typing_only)

    visit(tree, False, False)
    return found


def import_graph(root: Path) -> list[Imported]:
    """Every import of one package's modules by another of its modules, resolved to the module."""
    modules = package_modules(root)
    edges = []
    for source, path in modules.items():
        is_package = path.name == "__init__.py"
        package = source if is_package else source.rpartition(".")[0]
        for node, deferred, typing_only in _statements(ast.parse(path.read_text("utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                # ``from package import module`` imports the module; a name, the package.
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                    for alias in node.names
                ]
            for target in targets:
                while target not in modules and "." in target:
                    target = target.rpartition(".")[0]
                if target in modules and target != source:
                    edges.append(Imported(source, target, node.lineno, deferred, typing_only))
    return edges


def import_cycles(edges: list[Imported]) -> list[frozenset[str]]:
    """The strongly connected groups of two modules or more (Tarjan), type-only imports aside."""
    graph: dict[str, set[str]] = {}
    for edge in edges:
        if not edge.typing_only:
            graph.setdefault(edge.source, set()).add(edge.target)
            graph.setdefault(edge.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[frozenset[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                connect(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                cycles.append(frozenset(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return cycles


def layer_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


@pytest.fixture(scope="module")
def edges() -> list[Imported]:
    return import_graph(PACKAGE)


def modules_outside_ui() -> list[str]:
    names = [name for name in package_modules(PACKAGE) if layer_of(name) != "ui"]
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


def test_no_module_outside_ui_names_qt_even_inside_a_function() -> None:
    wrong = []
    for name, path in package_modules(PACKAGE).items():
        if layer_of(name) == "ui":
            continue
        for node, _deferred, _typing in _statements(ast.parse(path.read_text("utf-8"))):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
            )
            if any(n.split(".")[0] in QT_PACKAGES for n in names):
                wrong.append(f"{name}:{node.lineno}")
    assert not wrong, "Qt imported outside ui: " + ", ".join(wrong)


def test_imports_go_one_way(edges: list[Imported]) -> None:
    wrong = []
    for edge in edges:
        layer = layer_of(edge.source)
        allowed = ALLOWED.get(layer)
        if allowed is None:
            continue
        target = layer_of(edge.target)
        if layer in EDGES and target == "store":
            continue  # test_an_edge_reaches_the_store_only_where_listed
        if layer == "cli" and target == "ui":
            continue  # test_only_the_command_line_opens_the_window_and_only_when_asked
        if target not in allowed | BASE_MODULES:
            wrong.append(f"{edge.source}:{edge.line} imports {edge.target}")
    assert not wrong, "\n".join(wrong)


def test_only_the_command_line_opens_the_window_and_only_when_asked(
    edges: list[Imported],
) -> None:
    """``sitiv-desktop window`` imports the window inside its command; no other part outside ui."""
    wrong = [
        f"{edge.source}:{edge.line}"
        for edge in edges
        if layer_of(edge.target) == "ui"
        and layer_of(edge.source) != "ui"
        and not (edge.source == "sitiv_desktop.cli.commands" and edge.deferred)
    ]
    assert not wrong, "imports ui: " + ", ".join(wrong)


def test_nothing_but_the_entry_script_imports_the_command_line(edges: list[Imported]) -> None:
    wrong = [
        f"{edge.source}:{edge.line}"
        for edge in edges
        if layer_of(edge.target) == "cli"
        and layer_of(edge.source) != "cli"
        and edge.source != "sitiv_desktop.__main__"
    ]
    assert not wrong, "imports cli: " + ", ".join(wrong)


def test_the_base_modules_stand_beside_every_layer(edges: list[Imported]) -> None:
    """errors, i18n, paths, settings, credentials and progress import only one another; the
    context, which opens the data folder, the settings and the local copy together, sits above
    the store and the services and below the edges and the sync."""
    wrong = []
    for edge in edges:
        source, target = layer_of(edge.source), layer_of(edge.target)
        if source in BASE_MODULES - {"context"} and target not in BASE_MODULES - {"context"}:
            wrong.append(f"{edge.source}:{edge.line} imports {edge.target}")
        if source == "context" and target not in BASE_MODULES | {"store", "services", "domain"}:
            wrong.append(f"{edge.source}:{edge.line} imports {edge.target}")
        if target == "context" and source not in {"context", "sync", "ui", "cli"}:
            wrong.append(f"{edge.source}:{edge.line} imports {edge.target}")
    assert not wrong, "\n".join(wrong)


# What the sync service shares with the laptop side: the messages and the rows as JSON.
SHARED_WITH_THE_SERVICE = {"sitiv_desktop.sync.protocol", "sitiv_desktop.sync.rows"}


def test_the_laptop_and_the_service_share_only_the_protocol(edges: list[Imported]) -> None:
    def in_service(module: str) -> bool:
        return module.startswith("sitiv_desktop.sync.service")

    wrong = []
    for edge in edges:
        if layer_of(edge.source) != "sync" or layer_of(edge.target) != "sync":
            continue
        if (
            in_service(edge.source)
            and not in_service(edge.target)
            and edge.target not in SHARED_WITH_THE_SERVICE
        ):
            wrong.append(f"{edge.source}:{edge.line} imports {edge.target}")
        if not in_service(edge.source) and in_service(edge.target):
            wrong.append(f"{edge.source}:{edge.line} imports {edge.target}")
    assert not wrong, "\n".join(wrong)


def test_no_import_circle(edges: list[Imported]) -> None:
    found = import_cycles(edges)
    new = [sorted(cycle) for cycle in found if cycle not in KNOWN_CYCLES]
    assert not new, f"import circles: {new}"
    gone = [sorted(cycle) for cycle in KNOWN_CYCLES if cycle not in found]
    assert not gone, f"no longer circles, remove them from KNOWN_CYCLES: {gone}"


@pytest.mark.parametrize(
    ("edge", "exceptions"), [("ui", UI_STORE_EXCEPTIONS), ("cli", CLI_STORE_EXCEPTIONS)]
)
def test_an_edge_reaches_the_store_only_where_listed(
    edges: list[Imported], edge: str, exceptions: dict[str, str]
) -> None:
    reaching = {
        imported.source
        for imported in edges
        if layer_of(imported.source) == edge and layer_of(imported.target) == "store"
        if not imported.typing_only
    }
    unlisted = sorted(reaching - set(exceptions))
    assert not unlisted, f"{edge} imports store (go through a service): {unlisted}"
    gone = sorted(set(exceptions) - reaching)
    assert not gone, f"no longer import store, remove them from the exceptions: {gone}"


def test_the_graph_sees_a_circle_behind_a_deferred_import(tmp_path: Path) -> None:
    root = tmp_path / "toy"
    (root / "sub").mkdir(parents=True)
    (root / "__init__.py").write_text("", "utf-8")
    (root / "sub" / "__init__.py").write_text("", "utf-8")
    (root / "a.py").write_text("from toy.sub import b\n", "utf-8")
    (root / "sub" / "b.py").write_text("def f():\n    from .. import c\n", "utf-8")
    (root / "c.py").write_text("import toy.a\n", "utf-8")
    (root / "d.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from toy import a\n"
        "import toy.c\n",
        "utf-8",
    )
    edges = import_graph(root)
    assert import_cycles(edges) == [frozenset({"toy.a", "toy.sub.b", "toy.c"})]
    deferred = [e for e in edges if e.source == "toy.sub.b"]
    assert deferred == [Imported("toy.sub.b", "toy.c", 2, True, False)]
    assert [e.typing_only for e in edges if e.source == "toy.d"] == [True, False]
