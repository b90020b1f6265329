"""The package's import graph has no circles: a module never needs, directly or through others, a
module that needs it. Imports inside functions count (they only hide a circle); imports under
``TYPE_CHECKING`` do not (they never run)."""

from __future__ import annotations

import ast
from pathlib import Path

from barometer.data import paths


def module_name(path: Path) -> str:
    parts = list(path.relative_to(paths.PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(source: str, name: str, is_package: bool, modules: set[str]) -> set[str]:
    """The package's modules that ``source`` (module ``name``) imports, wherever it imports them."""
    package = name.split(".") if is_package else name.split(".")[:-1]
    found: set[str] = set()

    class Imports(ast.NodeVisitor):
        def visit_If(self, node: ast.If) -> None:
            if "TYPE_CHECKING" in ast.unparse(node.test):
                for stmt in node.orelse:
                    self.visit(stmt)
                return
            self.generic_visit(node)

        def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            named = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in modules]
            found.update(t for t in named or [target] if t in modules and t != name)

        def visit_Import(self, node: ast.Import) -> None:
            found.update(a.name for a in node.names if a.name in modules and a.name != name)

    Imports().visit(ast.parse(source))
    return found


def import_graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in paths.package_files()}
    return {name: imports_of(path.read_text(encoding="utf-8"), name, path.name == "__init__.py", set(modules))
            for name, path in modules.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_package_imports_in_one_direction():
    graph = import_graph()
    assert len(graph) > 30 and graph["barometer.book.chapter"]  # (the graph was read)
    assert circles(graph) == []


#: The subpackages from the bottom up: each imports only from those below it (and the package's
#: ``__init__``, which holds the version). Synthesis sits above analysis because fitting and
#: judging the stand-in uses the report's recomputation; the book (the chapter toolkit) uses all
#: of them; each chapter's plumbing (chapters) uses the book; the build runs the book.
LAYERS = ("data", "intake", "disclosure", "analysis", "synthesis", "book", "chapters", "build")


def layer_of(module: str) -> int:
    parts = module.split(".")
    return -1 if len(parts) == 1 else LAYERS.index(parts[1])


def upward_imports(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    return sorted((a, b) for a, targets in graph.items() for b in targets
                  if layer_of(b) > layer_of(a))


def test_every_module_lives_in_a_layer_and_imports_only_downward():
    graph = import_graph()
    homeless = [m for m in graph if m != "barometer" and m.split(".")[1] not in LAYERS]
    assert homeless == []
    assert upward_imports(graph) == []
    # the check sees an upward import (the gate's report reading a book constant would be one)
    faked = {**graph, "barometer.disclosure.report": graph["barometer.disclosure.report"] | {"barometer.book.gate.outputs"}}
    assert upward_imports(faked) == [("barometer.disclosure.report", "barometer.book.gate.outputs")]


def test_the_check_finds_a_circle_hidden_in_a_function_and_ignores_type_checking():
    modules = {"barometer.a", "barometer.b", "barometer.c", "barometer.d"}
    source = (
        "from typing import TYPE_CHECKING\n"
        "from . import b\n"
        "if TYPE_CHECKING:\n    from .d import Thing\n"
        "def later():\n    from .c import helper\n    return helper\n"
    )
    assert imports_of(source, "barometer.a", False, modules) == {"barometer.b", "barometer.c"}
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(graph) == [["a", "b", "c"]]
    real = import_graph()
    assert "barometer.build.pages" not in real["barometer.build.scorecard"]  # both use barometer.build.markdown
    assert "barometer.intake.validation" in real["barometer.intake.reading"] and "barometer.intake.reading" not in real["barometer.intake.validation"]


def test_no_module_shadows_the_standard_library():
    import sys

    names = {module_name(p).rsplit(".", 1)[-1] for p in paths.package_files()} - {"barometer"}
    assert sorted(names & set(sys.stdlib_module_names)) == []


def test_architecture_md_names_every_module():
    text = (paths.ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    names = sorted({module_name(p).rsplit(".", 1)[-1] for p in paths.package_files()} - {"barometer", "gate"})
    missing = [name for name in names if f"`{name}`" not in text and f"`{name}/`" not in text]
    assert missing == [], f"ARCHITECTURE.md does not name: {missing}"
    assert "`gate/`" in text
    assert [layer for layer in LAYERS if f"`{layer}/`" not in text] == []
