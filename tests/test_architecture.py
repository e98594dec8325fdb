"""The package's layout holds: imports point down the layers of kb/__init__.py, never in a circle;
only the CLI imports click or prints; only kb.search imports Whoosh.

Every import counts, including those inside functions (kept lazy for start-up time): a lazy
import is still a dependency, and a cycle through one breaks as soon as someone moves it up.
"""

from __future__ import annotations

import ast
from pathlib import Path

import kb

PACKAGE = Path(kb.__file__).parent

#: Bottom to top: a module may import from its own layer's package and from layers below it.
LAYERS = (
    ("kb.errors", "kb.util.characters"),  # two leaves: the exception family and the character rule
    ("kb.util",),
    ("kb.problems", "kb.project"),
    ("kb.report",),
    ("kb.registry",),
    ("kb.checks",),
    ("kb.tracking",),
    ("kb.search",),
    ("kb.relations",),
    ("kb.export",),
    ("kb.importer",),
    ("kb.site",),
    ("kb.cli", "kb"),
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, ast.Module]:
    return {module_name(p): ast.parse(p.read_text(encoding="utf-8"), str(p)) for p in PACKAGE.rglob("*.py")}


def imports(name: str, tree: ast.Module) -> set[str]:
    """The kb modules ``name`` imports (a name imported from a package counts as its module when
    it is one, e.g. ``from kb.site import paths``)."""
    known = set(modules_cache)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "kb"}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{name}: relative import (use kb.…)"
            if node.module and node.module.split(".")[0] == "kb":
                for alias in node.names:
                    sub = f"{node.module}.{alias.name}"
                    found.add(sub if sub in known else node.module)
    return found


def layer(module: str) -> int:
    for index, prefixes in enumerate(LAYERS):
        if module in prefixes or any(module.startswith(p + ".") for p in prefixes if p != "kb"):
            return index
    raise AssertionError(f"{module} is in no layer: add its package to LAYERS and to kb/__init__.py")


modules_cache = modules()


def test_every_module_belongs_to_a_layer_named_in_the_module_map():
    documented = ast.get_docstring(modules_cache["kb"]) or ""
    for name in modules_cache:
        layer(name)
        top = ".".join(name.split(".")[:2])
        assert f":mod:`{top}`" in documented or name == "kb", f"{top} is not in kb/__init__.py's module map"


def test_imports_point_down_the_layers():
    upward = sorted(
        f"{name} imports {target}"
        for name, tree in modules_cache.items()
        for target in imports(name, tree)
        if layer(target) > layer(name)
    )
    assert upward == []


def test_no_import_cycle_between_modules():
    graph = {name: imports(name, tree) - {name} for name, tree in modules_cache.items()}
    state: dict[str, int] = {}
    cycles = []
    for start in sorted(graph):
        if start in state:
            continue
        stack = [(start, iter(sorted(graph[start])))]
        path = [start]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                state[node] = 2
            elif child not in graph:
                continue
            elif state.get(child) == 1:
                cycles.append(path[path.index(child) :] + [child])
            elif child not in state:
                state[child] = 1
                path.append(child)
                stack.append((child, iter(sorted(graph[child]))))
    assert cycles == []


def test_every_package_says_what_it_owns_and_what_it_may_import():
    for init in PACKAGE.rglob("__init__.py"):
        name = module_name(init)
        doc = ast.get_docstring(modules_cache[name]) or ""
        assert len(doc) > 80, f"{name}: say in its docstring what it owns"
        if name != "kb":
            assert "may import" in doc.lower(), f"{name}: say what it may import"


def test_only_the_cli_imports_click_or_prints():
    offenders = []
    for name, tree in modules_cache.items():
        if name == "kb.cli" or name.startswith("kb.cli."):
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                roots = (
                    [a.name.split(".")[0] for a in node.names]
                    if isinstance(node, ast.Import)
                    else [(node.module or "").split(".")[0]]
                )
                if "click" in roots:
                    offenders.append(f"{name}:{node.lineno} imports click")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
                offenders.append(f"{name}:{node.lineno} prints")
    assert offenders == []


def test_only_the_search_package_imports_whoosh():
    outside = []
    for name, tree in modules_cache.items():
        for node in ast.walk(tree):
            roots = []
            if isinstance(node, ast.Import):
                roots = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                roots = [(node.module or "").split(".")[0]]
            if "whoosh" in roots and not name.startswith("kb.search"):
                outside.append(f"{name}:{node.lineno}")
    assert outside == []
