"""The house rules of src/dprk_ld, checked from the source: no import cycle, no upward import, small modules.

Run it: ``python tests/import_graph.py`` prints every package's imports of other packages and exits 1
when a rule is broken; tests/test_architecture.py runs the same checks in the suite.

Every ``import`` and ``from … import`` counts, at module level or inside a function, with or without
``TYPE_CHECKING`` (a hidden cycle is still a cycle). The stages are layered as below; a module may import
its own unit and any unit of a *lower* layer, never a higher one.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "dprk_ld"
MAX_LINES = 400

#: unit (first name below dprk_ld) -> layer; lower layers never import higher ones
LAYERS: dict[str, int] = {
    "errors": 0, "formats": 0, "namespaces": 0, "jsonld": 0, "security": 0, "oneshot": 0,  # the common layer
    "shacl": 0,                                    # the SHACL engine imports nothing of dprk_ld at all
    "project": 1, "metadata": 1, "lines": 1,
    "load": 2, "curate": 2, "scaffold": 2, "remote": 2,
    "query": 3,
    "validate": 4,
    "wikidata": 5,
    "site": 6,                                     # pages from one model, for publish (files) and serve (live)
    "publish": 7, "gsp": 7, "reconciliation": 7,
    "serve": 8,
    "cli": 9, "cli_store": 9, "clikit": 9, "__main__": 9, "__init__": 9,
}
#: units that may import nothing of dprk_ld (they could be published on their own)
STANDALONE = {"shacl"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """The dprk_ld modules ``path`` imports anywhere in its body (relative imports resolved)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "dprk_ld")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "dprk_ld":
                continue
            for alias in node.names:  # `from . import x` may name a submodule
                sub = f"{target}.{alias.name}"
                found.add(sub if _exists(sub) else target)
    found.discard(name)
    return found


def _exists(module: str) -> bool:
    rel = Path(*module.split(".")[1:])
    return (SRC / rel).with_suffix(".py").exists() or (SRC / rel / "__init__.py").exists()


def unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def graph() -> dict[str, set[str]]:
    return {module_name(p): imports_of(p) for p in sorted(SRC.rglob("*.py"))}


def problems() -> list[str]:
    found: list[str] = []
    edges = graph()
    for path in sorted(SRC.rglob("*.py")):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            found.append(f"{path.relative_to(SRC.parent.parent)}: {lines} lines (at most {MAX_LINES}): split it")
    for module, targets in edges.items():
        here = unit(module)
        if here not in LAYERS:
            found.append(f"{module}: unit {here!r} has no layer: add it to LAYERS in tests/import_graph.py")
            continue
        for target in sorted(targets):
            there = unit(target)
            if there == here:
                continue
            if here in STANDALONE:
                found.append(f"{module} imports {target}: {here}/ must import nothing of dprk_ld")
            elif there in LAYERS and LAYERS[there] > LAYERS[here]:
                found.append(f"{module} imports {target}: upward ({here} is layer {LAYERS[here]}, "
                             f"{there} is layer {LAYERS[there]})")
    found += [f"import cycle: {' -> '.join(c)}" for c in cycles(edges)]
    return found


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    sys.setrecursionlimit(10_000)

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in edges:
                continue
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
                out.append(sorted(comp) + [sorted(comp)[0]])

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def main() -> int:
    by_unit: dict[str, set[str]] = defaultdict(set)
    for module, targets in graph().items():
        by_unit[unit(module)].update(unit(t) for t in targets if unit(t) != unit(module))
    for name in sorted(by_unit, key=lambda u: (LAYERS.get(u, 99), u)):
        print(f"{LAYERS.get(name, '?')!s:>2} {name:<15} -> {', '.join(sorted(by_unit[name])) or '-'}")
    found = problems()
    for line in found:
        print("PROBLEM:", line)
    if not found:
        print(f"no cycle, no upward import, no module over {MAX_LINES} lines")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
