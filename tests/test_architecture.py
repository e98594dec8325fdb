"""The package's layout holds: imports point down the layers of kb/__init__.py, never in a circle;
only the CLI imports click or prints; only kb.search imports Whoosh, and only kb.search.engine
touches Whoosh's internals.

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
    ("kb.changes",),  # compares the public outputs of two revisions
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


# -- Whoosh's internals: in kb.search.engine only ----------------------------------------------------
ENGINE = "kb.search.engine"
_ACCESSORS = {"getattr", "hasattr", "setattr", "delattr"}


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def whoosh_private_names() -> frozenset[str]:
    """Every private name Whoosh's own source defines or assigns (``_read_ids``, ``_tempstorage``...)."""
    import whoosh

    names = set()
    for path in Path(whoosh.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
    return frozenset(n for n in names if _private(n))


def whoosh_internals(tree: ast.Module, private: frozenset[str]) -> list[tuple[int, str]]:
    """Where ``tree`` reaches into Whoosh's private names: ``x._name`` on anything but ``self`` or
    ``cls`` (where ``_name`` is one Whoosh defines), also on ``self`` in a subclass of a Whoosh
    class, ``getattr(x, "_name")`` and the like, and ``from whoosh... import _name``. Private names
    of the project's own objects (``self._cache``) are not Whoosh's and are left alone."""
    whoosh_names = set()  # names bound to Whoosh modules or classes by this module's imports
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            whoosh_names |= {
                (a.asname or a.name).split(".")[0] for a in node.names if a.name.startswith("whoosh")
            }
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "whoosh":
            whoosh_names |= {a.asname or a.name for a in node.names}
            found += [(node.lineno, f"imports {a.name}") for a in node.names if _private(a.name)]

    def root(expr: ast.expr) -> str | None:
        while isinstance(expr, (ast.Attribute, ast.Call, ast.Subscript)):
            expr = expr.func if isinstance(expr, ast.Call) else expr.value
        return expr.id if isinstance(expr, ast.Name) else None

    def visit(node: ast.AST, in_whoosh_subclass: bool) -> None:
        if isinstance(node, ast.ClassDef):
            in_whoosh_subclass = any(root(base) in whoosh_names for base in node.bases)
        if isinstance(node, ast.Attribute) and node.attr in private:
            on_self = isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
            if not on_self or in_whoosh_subclass:
                found.append((node.lineno, f".{node.attr}"))
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in _ACCESSORS
            and len(node.args) > 1
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value in private
        ):
            found.append((node.lineno, f"{node.func.id}(..., {node.args[1].value!r})"))
        for child in ast.iter_child_nodes(node):
            visit(child, in_whoosh_subclass)

    visit(tree, False)
    return sorted(set(found))


def test_the_internals_scan_sees_each_kind_of_use():
    source = """
from whoosh.writing import SegmentWriter
from whoosh.codec.whoosh3 import _INT_SIZE
from whoosh import highlight

class Writer(SegmentWriter):
    def __init__(self):
        self.pool = self._tempstorage

class Own:
    def __init__(self):
        self._read_ids = []          # the project's own attribute, named as one of Whoosh's
        self._read_ids.append(1)

def ids(matcher, stem):
    if hasattr(matcher, "_next_block"):
        return matcher._ids, stem._stem, highlight.Highlighter._merge_matched_tokens
"""
    found = whoosh_internals(ast.parse(source), whoosh_private_names())
    assert found == [
        (3, "imports _INT_SIZE"),
        (8, "._tempstorage"),
        (16, "hasattr(..., '_next_block')"),
        (17, "._ids"),
        (17, "._merge_matched_tokens"),
        (17, "._stem"),
    ]


def test_only_the_engine_touches_whoosh_internals():
    private = whoosh_private_names()
    outside = [
        f"{name}:{line} {what}"
        for name, tree in modules_cache.items()
        if name != ENGINE
        for line, what in whoosh_internals(tree, private)
    ]
    assert outside == []


def test_each_whoosh_internal_says_what_it_was_checked_against_and_which_test_fails():
    """Each top-level class or function of the engine that uses a Whoosh internal says so
    ("Whoosh internals", checked against CHECKED_AGAINST) and names existing tests that fail if
    a new Whoosh changes it."""
    import re
    import tomllib

    from kb.search import engine

    path = PACKAGE / "search" / "engine.py"
    source = path.read_text(encoding="utf-8")
    tree = modules_cache[ENGINE]
    uses = whoosh_internals(tree, whoosh_private_names())
    assert len(uses) >= 6, "the engine's known internals were not seen"
    owners = {}
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            for line, what in uses:
                if node.lineno <= line <= node.end_lineno:
                    owners.setdefault(node.name, (ast.get_source_segment(source, node) or "", []))[1].append(
                        what
                    )
    assert sum(len(whats) for _text, whats in owners.values()) == len(uses)
    tests_dir = Path(__file__).parent
    for name, (text, whats) in owners.items():
        assert "Whoosh internals" in text and "CHECKED_AGAINST" in text, f"{name} ({whats}): say so"
        named = re.findall(r"tests/(test_\w+\.py)::(test_\w+)", text)
        assert named, f"{name}: name the test that fails when Whoosh changes {whats}"
        for file, test in named:
            assert f"def {test}(" in (tests_dir / file).read_text(encoding="utf-8"), (
                f"{name}: no {file}::{test}"
            )
    distribution, version = engine.CHECKED_AGAINST.split()
    pins = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "dependencies"
    ]
    assert f"{distribution}>={'.'.join(version.split('.')[:2])}," in " ".join(pins)
