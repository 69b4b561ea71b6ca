"""The package's shape: imports flow one way between layers, no cycles, no back-door imports inside functions.

Read from the source with ``ast`` (nothing is imported), so a violation fails
here however it is hidden.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "symnn"

# Lower rank = lower layer. A module may import symnn modules of its own group or of a lower rank.
RANKS = {
    "symnn.errors": 0,
    "symnn.progress": 0,
    "symnn.config": 1,
    "symnn.core": 2,
    "symnn.data": 2,
    "symnn.render": 3,
    "symnn.math": 4,
    "symnn.numeric": 5,
    "symnn.app": 6,
    "symnn": 7,  # the facade: symnn/__init__.py and __main__.py
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def group(module: str) -> str:
    for name in sorted(RANKS, key=len, reverse=True):
        if module == name or module.startswith(name + "."):
            return name
    raise AssertionError(f"{module} belongs to no layer; add it to RANKS")


def imports(path: Path) -> tuple[list[str], list[tuple[str, int]]]:
    """(symnn modules imported at module level, (module, line) of every import inside a function or class)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top, nested = [], []

    def targets(node) -> list[str]:
        if isinstance(node, ast.Import):
            return [alias.name for alias in node.names]
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import on line {node.lineno}; use absolute symnn.… imports"
            base = node.module or ""
            # "from symnn.core import guards" imports the module symnn.core.guards
            return [f"{base}.{alias.name}" if _is_module(f"{base}.{alias.name}") else base for alias in node.names]
        return []

    for node in tree.body:
        for name in targets(node):
            top.append(name)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for inner in ast.walk(node):
                for name in targets(inner):
                    nested.append((name, inner.lineno))
    return [n for n in top if n == "symnn" or n.startswith("symnn.")], nested


def _is_module(dotted: str) -> bool:
    path = PACKAGE.parent.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
GRAPH = {name: [m for m in imports(path)[0] if m in MODULES] for name, path in MODULES.items()}


def test_every_module_belongs_to_a_layer():
    for name in MODULES:
        group(name)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_flow_down_the_layers(name):
    mine = group(name)
    for target in GRAPH[name]:
        theirs = group(target)
        assert theirs == mine or RANKS[theirs] < RANKS[mine], (
            f"{name} ({mine}, rank {RANKS[mine]}) imports {target} ({theirs}, rank {RANKS[theirs]}): upward import")


@pytest.mark.parametrize("name", sorted(MODULES))
def test_functions_import_only_third_party_or_standard_modules(name):
    for target, line in imports(MODULES[name])[1]:
        assert not (target == "symnn" or target.startswith("symnn.")), (
            f"{name}, line {line}: imports {target} inside a function; import it at the top "
            "(a function-level import hides a cycle or an upward dependency)")


def test_no_import_cycles():
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in GRAPH[node]:
            if state.get(target) == 1:
                cycle = stack[stack.index(target):] + [target]
                raise AssertionError("import cycle: " + " → ".join(cycle))
            if target not in state:
                visit(target)
        stack.pop()
        state[node] = 2

    for name in sorted(MODULES):
        if name not in state:
            visit(name)


def test_the_symbolic_core_knows_nothing_of_files_numpy_or_progress_bars():
    forbidden = {"numpy", "tqdm", "matplotlib", "pathlib", "subprocess", "argparse", "symnn.progress"}
    for name, path in MODULES.items():
        if group(name) not in ("symnn.core", "symnn.math", "symnn.render"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for imported in names:
                assert imported.split(".")[0] not in forbidden and imported not in forbidden, (
                    f"{name} imports {imported}")


def test_the_command_line_module_loads_without_sympy():
    # --help and --version must not pay for SymPy: cli.py imports only the standard library, symnn.errors
    # and symnn.config (the settings, which themselves import only the standard library and errors)
    top, _ = imports(MODULES["symnn.app.cli"])
    assert set(top) <= {"symnn.errors", "symnn.config"}, top
    config_top, _ = imports(MODULES["symnn.config"])
    assert set(config_top) <= {"symnn.errors"}, config_top
    tree = ast.parse(MODULES["symnn.app.cli"].read_text(encoding="utf-8"))
    third_party = [a.name for node in tree.body if isinstance(node, ast.Import) for a in node.names] + [
        node.module for node in tree.body if isinstance(node, ast.ImportFrom) and node.level == 0]
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    assert all(name.split(".")[0] in stdlib or name.startswith("symnn") for name in third_party), third_party


def test_every_exception_class_lives_in_errors():
    for name, path in MODULES.items():
        if name == "symnn.errors":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases = {getattr(b, "id", getattr(b, "attr", "")) for b in node.bases}
                assert not bases & {"Exception", "SymnnError", "ValueError", "FailureError", "TypeError"}, (
                    f"{name} defines exception {node.name}; exceptions belong in symnn/errors.py")
