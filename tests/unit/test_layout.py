"""The shape of the code: no import circle between modules (function-level imports included),
nothing in indexer/ imports search/, only indexer/index/ names the index files, and every
product module stays short enough to read in one sitting."""
from __future__ import annotations

import ast
from pathlib import Path

from indexer.index.folder import DOCUMENTS, MANIFEST, MANIFEST_SUM, PASSAGES, POINTER, VECTORS
from tests.paths import ROOT

PACKAGES = ("indexer", "search", "tools")
MAX_LINES = 350
INDEX_FILE_NAMES = (DOCUMENTS, MANIFEST, MANIFEST_SUM, PASSAGES, POINTER, VECTORS)


def modules() -> dict[str, Path]:
    out = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            out[name.removesuffix(".__init__")] = path
    return out


def imports_of(path: Path, known: dict[str, Path]) -> set[str]:
    """The project modules a file imports, anywhere in it ("from a.b import c" counts a.b.c when
    c is a module, else a.b)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in known)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for a in node.names:
                sub = f"{node.module}.{a.name}"
                found.add(sub if sub in known else node.module)
    return {m for m in found if m in known}


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(path, known) - {name} for name, path in known.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative enough here)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def test_the_cycle_finder_finds_a_planted_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle():
    assert cycles(graph()) == []


def test_indexer_never_imports_search_or_tools():
    wrong = {(m, i) for m, deps in graph().items() if m.startswith("indexer")
             for i in deps if not i.startswith("indexer")}
    assert wrong == set()


def test_only_the_index_folder_module_names_index_files():
    named = []
    for name, path in modules().items():
        if name.startswith("indexer.index") or name.startswith("tools"):
            continue
        text = path.read_text(encoding="utf-8")
        named += [f"{name}: {f}" for f in INDEX_FILE_NAMES if f'"{f}"' in text]
    assert named == []


def test_modules_are_short():
    long = {name: n for name, path in modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    long.update({p.name: n for p in ROOT.glob("*.py")
                 if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES})
    assert long == {}
