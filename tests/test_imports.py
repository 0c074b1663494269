"""The import rules of DESIGN.md, checked on the source (every module of autograd/ and nn/, parsed with `ast`).

    (a) autograd's packages import one way only: core -> {functional, check, compiled} -> {names, notation} -> viz
        -> teach -> autograd/__init__ (a module imports from its own package or earlier ones; check may import
        functional and notation may import names, never the reverse); autograd never imports nn.
    (b) inside autograd/core the modules import each other without cycles.
    (c) every import is at the top of its module: none after the first other statement, none inside a
        function or class.
    (d) outside core, core is imported only through its __init__ (`from ..core import X`).
    (e) nn imports autograd only as `import autograd` / `from autograd import ...`.
    (f) teach/, viz/, notation.py and names.py read nodes through public accessors only (no `v._op`, `v._prev`...).

Every import counts: inside functions, under `if TYPE_CHECKING:`, in try blocks. A failure names the file,
the line and the rule.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("autograd", "nn")

# autograd's layers, in import order; a module may import from its own layer or an earlier one
LAYERS = {"core": 0, "functional": 1, "check": 1, "compiled": 1, "names": 2, "notation": 2, "viz": 3, "teach": 4,
          "__init__": 5}
ONE_WAY = {("check", "functional"), ("notation", "names")}  # same layer, only this direction: check imports functional
PRIVATE_NODE_ATTRIBUTES = {"_op", "_a", "_b", "_da", "_db", "_prev", "_scope", "_pending", "_label", "_backward",
                           "_stored"}
PUBLIC_ONLY = ("autograd/teach/", "autograd/viz/", "autograd/notation.py", "autograd/names.py")  # rule (f)


class Import(NamedTuple):
    """One imported module, as a dotted name (a submodule when `from package import submodule`)."""

    file: str  # relative path, for messages
    line: int
    target: str  # e.g. "autograd.core.node"
    written: str  # the statement's module as written, e.g. "..core.node"
    top_level: bool  # at the top of the module (or in a top-level if/try block of imports)
    after_code: bool  # at module level, but after the first statement that is not an import


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def modules() -> dict[str, Path]:
    """Every module of autograd/ and nn/ by dotted name."""
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[module_name(path)] = path
    return found


MODULES = modules()


def resolve(path: Path, node: ast.ImportFrom) -> str:
    """The absolute module name of `from <node.module> import ...`, relative imports resolved."""
    if not node.level:
        return node.module or ""
    package = module_name(path).split(".")
    if not is_package(path):
        package = package[:-1]
    base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
    return ".".join(base + ([node.module] if node.module else []))


def written(node: ast.ImportFrom) -> str:
    return "." * node.level + (node.module or "")


def is_import_block(statement: ast.stmt) -> bool:
    """An import, or an if/try at module level holding only imports (`if TYPE_CHECKING:`, optional imports)."""
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return True
    if isinstance(statement, ast.If):
        return all(map(is_import_block, statement.body + statement.orelse))
    if isinstance(statement, ast.Try):
        handlers = [s for h in statement.handlers for s in h.body]
        return all(is_import_block(s) or isinstance(s, ast.Pass) for s in statement.body + handlers)
    return False


def is_docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) \
        and isinstance(statement.value.value, str)


def top_level_imports(tree: ast.Module) -> tuple[set[int], set[int]]:
    """ids of the import nodes at module level: (all of them, those after the first non-import statement)."""
    top, late, code_seen = set(), set(), False
    for k, statement in enumerate(tree.body):
        if is_import_block(statement):
            for node in ast.walk(statement):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    top.add(id(node))
                    if code_seen:
                        late.add(id(node))
        elif not (k == 0 and is_docstring(statement)):
            code_seen = True
    return top, late


def imports_of(path: Path, source: str | None = None) -> Iterator[Import]:
    """Every import in the module at `path` (its text, or `source`), wherever it is written."""
    text = path.read_text(encoding="utf-8") if source is None else source
    tree = ast.parse(text, filename=str(path))
    top, late = top_level_imports(tree)
    rel = path.relative_to(ROOT).as_posix()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [(alias.name, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = resolve(path, node)
            subs = [f"{base}.{alias.name}" for alias in node.names]
            # `from . import modes` imports the module modes; `from .node import Node` imports .node
            targets = [(sub if sub in MODULES else base, written(node)) for sub in subs]
        else:
            continue
        for target, text in targets:
            yield Import(rel, node.lineno, target, text, id(node) in top, id(node) in late)


IMPORTS = {name: list(imports_of(path)) for name, path in MODULES.items()}


def ours(target: str) -> bool:
    return target.split(".")[0] in PACKAGES


def layer(module: str) -> str | None:
    """The layer of an autograd module: its subpackage or top-level module name, "__init__" for autograd."""
    parts = module.split(".")
    if parts[0] != "autograd":
        return None
    return "__init__" if len(parts) == 1 else parts[1]


def report(problems: list[str], rule: str) -> None:
    if problems:
        pytest.fail(f"import rule {rule} broken {len(problems)} time(s):\n  " + "\n  ".join(problems), pytrace=False)


# --- the walk itself -------------------------------------------------------------------------------


def test_the_walk_sees_every_module_and_resolves_relative_imports():
    assert {"autograd", "autograd.core", "autograd.core.node", "autograd.teach.stepper", "nn", "nn.mlp"} <= set(MODULES)
    stepper = {i.target for i in IMPORTS["autograd.teach.stepper"]}
    assert {"autograd.core", "autograd.notation", "autograd.viz", "autograd.teach.step"} <= stepper
    assert "autograd.core.modes" in {i.target for i in IMPORTS["autograd.core.node"]}  # from . import modes


def test_imports_inside_functions_and_type_checking_blocks_are_seen():
    source = ("'''doc'''\nfrom __future__ import annotations\nfrom typing import TYPE_CHECKING\n"
              "if TYPE_CHECKING:\n    from ..core.node import Node\nX = 1\nimport json\n"
              "def f():\n    from . import step\n")
    path = ROOT / "autograd" / "teach" / "example.py"  # where the source would be: only its text is parsed
    found = {(i.line, i.target): i for i in imports_of(path, source)}
    assert found[(5, "autograd.core.node")].top_level and not found[(5, "autograd.core.node")].after_code
    assert found[(7, "json")].after_code
    assert not found[(9, "autograd.teach.step")].top_level


# --- the rules --------------------------------------------------------------------------------------


def test_a_autograd_packages_import_in_one_direction_only():
    problems = []
    for module, imports in IMPORTS.items():
        mine = layer(module)
        if mine is None:
            continue
        if mine not in LAYERS:
            problems.append(f"{MODULES[module].relative_to(ROOT)}:1: rule (a): {module} is in no layer of the "
                            f"import order; add '{mine}' to LAYERS in tests/test_imports.py (and to DESIGN.md)")
            continue
        for i in imports:
            if i.target.split(".")[0] == "nn":
                problems.append(f"{i.file}:{i.line}: rule (a): autograd must not import nn ({i.target})")
                continue
            theirs = layer(i.target)
            if theirs is None or theirs == mine:
                continue
            if theirs not in LAYERS:
                problems.append(f"{i.file}:{i.line}: rule (a): {i.target} is in no layer of the import order")
            elif LAYERS[theirs] > LAYERS[mine] or (LAYERS[theirs] == LAYERS[mine] and (mine, theirs) not in ONE_WAY):
                problems.append(f"{i.file}:{i.line}: rule (a): {mine} may not import {theirs} ({i.target}); the "
                                f"order is core -> {{functional, check, compiled}} -> {{names, notation}} -> viz -> "
                                f"teach -> autograd (check may import functional and notation names, not the reverse)")
    report(problems, "(a) package order")


def cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """The import cycles a depth-first walk finds (each as [m1, m2, ..., m1]); [] if the graph is a DAG."""
    state: dict[str, str] = {}  # "open" while the module's own imports are being walked, then "done"
    found = []
    for start in sorted(graph):
        if start in state:
            continue
        stack, path = [(start, 0)], [start]
        state[start] = "open"
        while stack:
            module, k = stack.pop()
            if k == len(graph[module]):
                state[module] = "done"
                path.pop()
                continue
            stack.append((module, k + 1))
            nxt = graph[module][k]
            if state.get(nxt) == "open":
                found.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state and nxt in graph:
                state[nxt] = "open"
                path.append(nxt)
                stack.append((nxt, 0))
    return found


def test_the_cycle_finder_finds_cycles_and_passes_a_dag():
    assert cycles({"a": ["b", "c"], "b": ["c"], "c": []}) == []
    assert cycles({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == [["a", "b", "c", "a"]]
    assert cycles({"a": ["a"]}) == [["a", "a"]]


def test_b_core_modules_import_each_other_without_cycles():
    graph = {module: sorted({i.target for i in imports if i.target.startswith("autograd.core")} - {module})
             for module, imports in IMPORTS.items() if module.startswith("autograd.core")}
    where = {(module, i.target): f"{i.file}:{i.line}" for module, imports in IMPORTS.items() for i in imports}
    problems = [f"rule (b): import cycle {' -> '.join(cycle)} "
                f"(at {', '.join(where[a, b] for a, b in zip(cycle, cycle[1:]))})" for cycle in cycles(graph)]
    report(problems, "(b) no cycles in core")


def test_c_imports_are_at_the_top_of_each_module():
    problems = []
    for imports in IMPORTS.values():
        for i in imports:
            if not i.top_level:
                problems.append(f"{i.file}:{i.line}: rule (c): import of {i.target} inside a function or class "
                                f"(move it to the top of the module)")
            elif i.after_code:
                problems.append(f"{i.file}:{i.line}: rule (c): import of {i.target} after the module's code "
                                f"(a bottom-of-file import; move it to the top)")
    report(problems, "(c) imports at the top")


def test_d_outside_core_core_is_imported_through_its_init_only():
    problems = []
    for module, imports in IMPORTS.items():
        if module.startswith("autograd.core"):
            continue
        for i in imports:
            if i.target.startswith("autograd.core."):
                problems.append(f"{i.file}:{i.line}: rule (d): imports {i.target} (written '{i.written}'); "
                                f"import the public name from autograd.core (`from ..core import X`)")
    report(problems, "(d) core through its __init__")


def test_e_nn_imports_autograd_only_by_its_top_level_names():
    problems = []
    for module, imports in IMPORTS.items():
        if not module.startswith("nn"):
            continue
        for i in imports:
            if i.target.startswith("autograd."):
                problems.append(f"{i.file}:{i.line}: rule (e): imports {i.target}; nn uses autograd's public API "
                                f"only (`from autograd import ...`)")
    report(problems, "(e) nn uses autograd's public API")


def test_f_teach_viz_and_notation_read_nodes_through_public_accessors():
    problems = []
    for path in MODULES.values():
        rel = path.relative_to(ROOT).as_posix()
        if not rel.startswith(PUBLIC_ONLY):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in PRIVATE_NODE_ATTRIBUTES:
                problems.append(f"{rel}:{node.lineno}: rule (f): reads the private node attribute .{node.attr}; "
                                f"use the public accessors (op, inputs, is_leaf, is_constant, scope, "
                                f"has_custom_backward, local_derivatives)")
            if isinstance(node, ast.Compare) and any(isinstance(o, (ast.Is, ast.IsNot)) for o in node.ops) \
                    and any(isinstance(x, ast.Name) and x.id == "CONST" for x in [node.left, *node.comparators]):
                problems.append(f"{rel}:{node.lineno}: rule (f): compares a node's op with CONST; use "
                                f"`v.is_constant`")
    report(problems, "(f) public node accessors")
