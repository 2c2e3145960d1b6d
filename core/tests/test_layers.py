"""The layers of the project (docs/architecture.md, "Layers"), read from the source with ast:
`core` is a leaf that imports no other app of the project, and no module of the project
imports itself back through others (no import cycle).

Imports inside functions count as edges too: a function-local import only hides a cycle
from Python's loader, not from a reader. Tests and migrations are left out (tests may
import anything; migrations are frozen history)."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)

# Import cycles in code owned by other branches of issue 12, to be emptied when they merge.
# Each entry: the modules of one cycle, sorted, and who breaks it.
KNOWN_CYCLES: dict[tuple[str, ...], str] = {}


def _project_packages() -> set[str]:
    """The project's top-level packages: its Django apps and config."""
    return {path.parent.name for path in ROOT.glob("*/apps.py")} | {"config"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _project_modules() -> dict[str, Path]:
    modules = {}
    for package in _project_packages():
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).parts
            if "tests" not in parts and "migrations" not in parts:
                modules[_module_name(path)] = path
    return modules


def _imported_names(tree: ast.AST, package: str) -> set[str]:
    """Every dotted name an import statement of the module may refer to, anywhere in it
    (inside functions too), except under `if TYPE_CHECKING:`: an annotation-only import
    runs never and makes no dependency (core's user annotations name the user model that
    settings.AUTH_USER_MODEL points to, as its foreign keys do)."""
    names: set[str] = set()
    type_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If)
        and isinstance(node.test, ast.Name)
        and node.test.id == "TYPE_CHECKING"
        for statement in node.body
        for inner in ast.walk(statement)
    }
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def import_graph() -> dict[str, set[str]]:
    """Module → the project modules it imports (`from a import b` counts as importing the
    module a.b when it exists, else the module a)."""
    modules = _project_modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges = set()
        for imported in _imported_names(ast.parse(path.read_text()), package):
            while imported and imported not in modules:
                imported = imported.rpartition(".")[0]
            if imported and imported != name:
                edges.add(imported)
        graph[name] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[tuple[str, ...]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[tuple[str, ...]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(tuple(sorted(component)))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_it_finds_a_cycle_and_an_edge_inside_a_function():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [("a", "b", "c")]
    tree = ast.parse("def f():\n    from .services import x\n")
    assert "clients.services" in _imported_names(tree, "clients")


def test_core_imports_no_other_app():
    graph = import_graph()
    other_apps = _project_packages() - {"core"}
    reached = {
        (module, target)
        for module, targets in graph.items()
        if module.split(".")[0] == "core"
        for target in targets
        if target.split(".")[0] in other_apps
    }
    assert reached == set()


def test_no_app_imports_the_portal():
    graph = import_graph()
    reached = {
        (module, target)
        for module, targets in graph.items()
        if module.split(".")[0] not in {"portal", "config"}
        for target in targets
        if target.split(".")[0] == "portal"
    }
    assert reached == set()


def test_there_is_no_import_cycle_between_modules():
    found = cycles(import_graph())
    assert [c for c in found if c not in KNOWN_CYCLES] == []
    # A cycle broken on its branch must leave the list, so that the list only shrinks.
    assert [c for c in KNOWN_CYCLES if c not in found] == []
