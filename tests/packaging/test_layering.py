"""docs/design.md's dependency direction and the layout: datasets <- generators, datasets <- validators, benchmark
uses all, the command line (vdosbench/cli/) sits on top and nothing below imports it; no import circles between
modules, nor between the subpackages of generators/ and validators/."""

from __future__ import annotations

import ast
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: Source folder -> package (pyproject.toml ``[tool.setuptools.package-dir]``).
FOLDERS = {
    "vdosbench": "vdosbench",
    "datasets": "vdosbench.datasets",
    "generators": "vdosbench.generators",
    "validators": "vdosbench.validators",
    "benchmark": "vdosbench.benchmark",
}
#: The command-line package (``vdosbench/cli/``): the top floor, imported by no module below it.
CLI = "vdosbench.cli"
FORBIDDEN = {
    "datasets": ("vdosbench.generators", "vdosbench.validators", "vdosbench.benchmark", CLI),
    "generators": ("vdosbench.validators", "vdosbench.benchmark", CLI),
    "validators": ("vdosbench.generators", "vdosbench.benchmark", CLI),
    "benchmark": (CLI,),
}
#: Packages whose subpackages must not import each other in a circle (their own modules are ignored).
LAYERED = ("vdosbench.generators", "vdosbench.validators")


def module_files(root: Path, folders: Mapping[str, str] = FOLDERS) -> dict[str, Path]:
    """Every module of the source tree under ``root``, by dotted name (a package by its ``__init__.py``)."""
    modules: dict[str, Path] = {}
    for folder, package in folders.items():
        for path in sorted((root / folder).rglob("*.py")):
            parts = path.relative_to(root / folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join((package, *parts))] = path
    return modules


def imported_modules(name: str, path: Path, modules: Mapping[str, Path]) -> set[str]:
    """The modules of ``modules`` that ``name`` imports anywhere in its file.

    Function-level and ``TYPE_CHECKING`` imports count too: a circle through
    them is still a circle of the design.  Relative imports are resolved
    against the module's package; ``from package import submodule`` counts
    as an import of the submodule, any other name as one of the package.
    """
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                if sub in modules:
                    found.add(sub)
                elif target in modules:
                    found.add(target)
    found.discard(name)
    return found


def import_graph(root: Path, folders: Mapping[str, str] = FOLDERS) -> dict[str, set[str]]:
    """Module -> the modules it imports, over the source tree under ``root``."""
    modules = module_files(root, folders)
    return {name: imported_modules(name, path, modules) for name, path in modules.items()}


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The import circles of ``graph``: each strongly connected component of more than one node (Tarjan),
    as a sorted list of its nodes."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def subpackage_graph(graph: Mapping[str, set[str]], package: str) -> dict[str, set[str]]:
    """The import graph between the direct subpackages of ``package`` (modules at its top level left out)."""

    def group(module: str) -> str | None:
        rest = module.removeprefix(package + ".")
        if rest == module or "." not in rest and f"{package}.{rest}" not in subpackages:
            return None
        return f"{package}.{rest.split('.')[0]}"

    subpackages = {
        m
        for m in graph
        if m.startswith(package + ".")
        and m.count(".") == package.count(".") + 1
        and any(n.startswith(m + ".") for n in graph)
    }
    out: dict[str, set[str]] = {s: set() for s in subpackages}
    for module, imports in graph.items():
        g = group(module)
        if g is None:
            continue
        out[g].update(h for h in map(group, imports) if h is not None and h != g)
    return out


def test_the_cycle_finder_finds_a_circle_built_to_fail(tmp_path: Path) -> None:
    # a -> b -> c -> a (c's import inside a function, b's under TYPE_CHECKING), d -> a outside the circle,
    # and e's "from . import a" is an import of the submodule a
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from .sub.b import x\n")
    (pkg / "sub" / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..c import y\nx = 1\n"
    )
    (pkg / "c.py").write_text("def f():\n    from pkg import a\ny = 2\n")
    (pkg / "d.py").write_text("from . import a\n")
    graph = import_graph(tmp_path, {"pkg": "pkg"})
    assert graph["pkg.d"] == {"pkg.a"}
    assert cycles(graph) == [["pkg.a", "pkg.c", "pkg.sub.b"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle_between_modules() -> None:
    found = cycles(import_graph(ROOT))
    assert not found, "import circles (move what both sides need into a module both import): " + "; ".join(
        " <-> ".join(c) for c in found
    )


@pytest.mark.parametrize("package", LAYERED, ids=LAYERED)
def test_no_import_circle_between_subpackages(package: str) -> None:
    graph = subpackage_graph(import_graph(ROOT), package)
    assert len(graph) >= 4, f"expected the subpackages of {package}, found {sorted(graph)}"
    found = cycles(graph)
    assert not found, f"subpackages of {package} import each other in a circle: {found}"


def offenders(graph: Mapping[str, set[str]], package: str, forbidden: tuple[str, ...]) -> list[str]:
    """``"module imports target"`` for each module of ``package`` that imports a module under ``forbidden``."""
    return [
        f"{name} imports {target}"
        for name, imports in sorted(graph.items())
        if name == package or name.startswith(package + ".")
        for target in sorted(imports)
        if any(target == f or target.startswith(f + ".") for f in forbidden)
    ]


@pytest.mark.parametrize("package", sorted(FORBIDDEN), ids=sorted(FORBIDDEN))
def test_no_import_against_the_dependency_direction(package: str) -> None:
    found = offenders(import_graph(ROOT), FOLDERS[package], FORBIDDEN[package])
    assert not found, found


def test_an_import_of_the_cli_from_below_is_found(tmp_path: Path) -> None:
    # built to fail: a benchmark module importing the command line, once absolutely and once inside a function
    (tmp_path / "benchmark").mkdir()
    (tmp_path / "vdosbench" / "cli").mkdir(parents=True)
    for init in ("benchmark", "vdosbench", "vdosbench/cli"):
        (tmp_path / init / "__init__.py").write_text("")
    (tmp_path / "vdosbench" / "cli" / "errors.py").write_text("class UsageError(Exception): ...\n")
    (tmp_path / "benchmark" / "report.py").write_text("from vdosbench.cli.errors import UsageError\n")
    (tmp_path / "benchmark" / "scoring.py").write_text("def f():\n    import vdosbench.cli\n")
    graph = import_graph(tmp_path, {"vdosbench": "vdosbench", "benchmark": "vdosbench.benchmark"})
    assert offenders(graph, "vdosbench.benchmark", (CLI,)) == [
        "vdosbench.benchmark.report imports vdosbench.cli.errors",
        "vdosbench.benchmark.scoring imports vdosbench.cli",
    ]
    assert offenders(graph, CLI, ("vdosbench.benchmark",)) == []


def test_the_cli_is_one_module_per_command() -> None:
    """Every command of the parser has its own module in vdosbench/cli/commands/ (its options and handler)."""
    from vdosbench.cli.commands import COMMANDS
    from vdosbench.cli.parser import build_parser

    parser = build_parser()
    (sub,) = [a for a in parser._actions if a.dest == "command"]
    names = [c.NAME for c in COMMANDS]
    assert list(sub.choices) == names and len(set(names)) == len(names)
    for command in COMMANDS:
        assert sub.choices[command.NAME].get_default("handler") is command.run, command.__name__


#: Lines above which a module's docstring must say why it is one piece (docs/design.md, issue 17).
MAX_LINES = 800


def test_a_long_module_says_why_it_is_one_piece() -> None:
    unexplained = []
    for name, path in module_files(ROOT).items():
        n = len(path.read_text().splitlines())
        if n > MAX_LINES and "Why one module" not in (ast.get_docstring(ast.parse(path.read_text())) or ""):
            unexplained.append(f"{path.relative_to(ROOT)} ({n} lines)")
    assert not unexplained, (
        f"modules over {MAX_LINES} lines without a 'Why one module ...' paragraph in their docstring: "
        f"{unexplained}; split them by job or state the reason"
    )


#: Lines no module may exceed, whatever its docstring says (issue 54 item 7): a longer one is split by job.
HARD_MAX_LINES = 1000


def test_no_module_is_over_the_hard_limit() -> None:
    long = [
        f"{path.relative_to(ROOT)} ({n} lines)"
        for path in module_files(ROOT).values()
        if (n := len(path.read_text().splitlines())) > HARD_MAX_LINES
    ]
    assert not long, f"modules over {HARD_MAX_LINES} lines: {long}; split them by job"


def test_every_cli_module_is_under_the_size_limit() -> None:
    """The command line has no 'Why one module' exception: each of its modules stays under :data:`MAX_LINES`."""
    cli = {name: path for name, path in module_files(ROOT).items() if name == CLI or name.startswith(CLI + ".")}
    assert f"{CLI}.commands.score" in cli and f"{CLI}.errors" in cli, sorted(cli)
    long = [
        f"{path.relative_to(ROOT)} ({n} lines)"
        for path in cli.values()
        if (n := len(path.read_text().splitlines())) > MAX_LINES
    ]
    assert not long, f"command-line modules over {MAX_LINES} lines: {long}; split them (one module per command)"


#: Lines (``def`` to its last line, docstring included) above which a function is split (issue 54 item 7).
MAX_FUNCTION_LINES = 80
#: The functions that stay longer, each with why; the test below keeps the list from growing.
LONG_FUNCTIONS = ROOT / "tests" / "packaging" / "long_functions.json"


def _functions(tree: ast.AST, prefix: str = "") -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    """(qualified name, node) of every function and method in ``tree``, nested ones as ``outer.inner``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield prefix + node.name, node
            yield from _functions(node, f"{prefix}{node.name}.")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node, f"{prefix}{node.name}.")
        else:
            yield from _functions(node, prefix)


def long_functions(root: Path = ROOT, limit: int = MAX_FUNCTION_LINES) -> dict[tuple[str, str], int]:
    """(module path relative to ``root``, qualified name) -> lines of every source function over ``limit`` lines."""
    found = {}
    for path in module_files(root).values():
        module = path.relative_to(root).as_posix()
        for name, node in _functions(ast.parse(path.read_text(), str(path))):
            lines = (node.end_lineno or node.lineno) - node.lineno + 1
            if lines > limit:
                found[(module, name)] = lines
    return found


def test_long_functions_counts_defs_to_their_last_line() -> None:
    tree = ast.parse("class A:\n    def f(self):\n        def g():\n            pass\n\n        return g\n")
    assert [(name, n.end_lineno - n.lineno + 1) for name, n in _functions(tree)] == [("A.f", 5), ("A.f.g", 2)]


def test_no_function_over_the_limit_is_missing_from_the_recorded_list() -> None:
    """A function over :data:`MAX_FUNCTION_LINES` lines is split, or listed in :data:`LONG_FUNCTIONS` with why."""
    recorded = json.loads(LONG_FUNCTIONS.read_text())
    assert recorded["limit_lines"] == MAX_FUNCTION_LINES
    listed = {(f["module"], f["name"]) for f in recorded["functions"]}
    assert all(f["reason"].strip() for f in recorded["functions"]), "every listed function says why it stays long"
    found = long_functions()
    where = os.path.relpath(LONG_FUNCTIONS, ROOT)
    new = sorted(f"{m}: {n} ({k} lines)" for (m, n), k in found.items() if (m, n) not in listed)
    assert not new, (
        f"functions over {MAX_FUNCTION_LINES} lines that {where} does not list: {new}; "
        "split them into named helpers (issue 54 item 7), or list them there with the reason they stay long"
    )
    shorter = sorted(f"{m}: {n}" for m, n in listed if (m, n) not in found)
    assert not shorter, (
        f"listed functions now at most {MAX_FUNCTION_LINES} lines (or gone): {shorter}; "
        f"remove them from {where} so the list only shrinks"
    )


#: The figure of docs/design.md and the script that draws it (its IMPORTS are the arrows).
DESIGN_FIGURE = ROOT / "docs" / "figures" / "design" / "layers.py"
_LAYERS = ("datasets", "generators", "validators", "benchmark")


def layer_edges(graph: Mapping[str, set[str]]) -> set[tuple[str, str]]:
    """(importer, imported) between the floors: the four subpackages and the command line (``cli``); the top
    package ``vdosbench`` (the version) is no floor."""

    def floor(module: str) -> str | None:
        if module == CLI or module.startswith(CLI + "."):
            return "cli"
        part = module.split(".")[1] if module.count(".") else ""
        return part if part in _LAYERS else None

    return {
        (floor(a), floor(b))
        for a, targets in graph.items()
        for b in targets
        if floor(a) and floor(b) and floor(a) != floor(b)
    }  # type: ignore[misc]


def figure_arrows(path: Path = DESIGN_FIGURE) -> set[tuple[str, str]]:
    """The arrows the design figure draws (its ``IMPORTS``, read from the source without running it)."""
    for node in ast.parse(path.read_text()).body:
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        )
        if any(isinstance(t, ast.Name) and t.id == "IMPORTS" for t in targets):
            return {tuple(edge) for edge in ast.literal_eval(node.value)}  # type: ignore[arg-type]
    raise AssertionError(f"{path} defines no IMPORTS")


def test_the_design_figure_draws_the_import_graph() -> None:
    """docs/design.md's figure (docs/figures/design/layers.py) has an arrow for every import between the floors
    of the source and none more (the png is drawn by that script: redraw it when the arrows change)."""
    drawn, actual = figure_arrows(), layer_edges(import_graph(ROOT))
    assert ("generators", "datasets") in actual and ("cli", "benchmark") in actual
    assert drawn == actual, f"draw {sorted(actual - drawn)}; remove {sorted(drawn - actual)}"
    assert "figures/design/layers.png" in (ROOT / "docs" / "design.md").read_text()


def test_a_new_import_between_floors_is_missing_from_the_figure(tmp_path: Path) -> None:
    """Built to fail: a validator that imports the benchmark makes an edge the figure does not draw."""
    for folder in FOLDERS:
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "__init__.py").write_text("")
    (tmp_path / "validators" / "bad.py").write_text("from vdosbench.benchmark import scoring\n")
    (tmp_path / "benchmark" / "scoring.py").write_text("")
    assert ("validators", "benchmark") in layer_edges(import_graph(tmp_path)) - figure_arrows()
