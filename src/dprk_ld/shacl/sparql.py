"""A small SPARQL 1.1 query builder (SPARQL 1.1 Query, §18 syntax) and focus patterns.

Queries are assembled from these functions rather than by editing query text: each returns the
text of one syntactic form (a group, a sub-SELECT, a FILTER ...), so a variable is named once,
where the form is built, and never renamed afterwards.

A :class:`Focus` is a graph pattern binding a variable of the caller's choice to every focus node of
a shape: a materialised node set for a top-level shape, "the value nodes of the parent" for a shape
nested under ``sh:property``/``sh:node``/..., or "the nodes failing a shape" for logical constraints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

#: the variable a focus pattern is keyed by (never appears in a query: patterns are rendered with the
#: caller's variable)
KEY_VAR = "?__F"


def group(*parts: str) -> str:
    return "{ " + " ".join(p for p in parts if p) + " }"


def union(groups: Iterable[str]) -> str:
    return " UNION ".join(groups)


def optional(*parts: str) -> str:
    return "OPTIONAL " + group(*parts)


def filter_(expr: str) -> str:
    return f"FILTER({expr})"


def exists(*parts: str) -> str:
    return "EXISTS " + group(*parts)


def not_exists(*parts: str) -> str:
    return "NOT EXISTS " + group(*parts)


def minus(pattern: str) -> str:
    return f"MINUS {pattern}"


def bind(expr: str, var: str) -> str:
    return f"BIND({expr} AS {var})"


def values(var: str, terms: Iterable[str]) -> str:
    return f"VALUES {var} {{ {' '.join(terms)} }}"


def graph(name: str, *parts: str) -> str:
    return f"GRAPH {name} " + group(*parts)


def triple(s: str, p: str, o: str) -> str:
    return f"{s} {p} {o} ."


def zero_length(path: str) -> bool:
    """Whether a path can have length zero (``p*``, ``p?``): its values include the node itself."""
    return path.endswith(("*", "?"))


def path_step(f: str, path: str, v: str, focus: Callable[[str], str] | None = None) -> str:
    """``f path v``. Oxigraph 0.5 finds no zero-length match from a node absent from the data (SPARQL 1.1
    §18.5 says it should: an ``sh:targetNode`` need not occur in the data), so a path that can be empty
    is written ``{ BIND(f AS v) } UNION { f path v }``, with ``focus(f)`` in each branch when given
    (needed unless ``f`` is bound from outside, as in EXISTS)."""
    if not zero_length(path):
        return triple(f, path, v)
    head = focus(f) + " " if focus is not None else ""
    return "{ " + head + bind(f, v) + " } UNION { " + head + triple(f, path, v) + " }"


def any_of(exprs: list[str], empty: str = "false") -> str:
    return " || ".join(exprs) or empty


def all_of(exprs: list[str], empty: str = "true") -> str:
    return " && ".join(exprs) or empty


def select(projection: Iterable[str], *where: str, distinct: bool = False, group_by: str | None = None,
           having: str | None = None) -> str:
    """``SELECT [DISTINCT] projection WHERE { where } [GROUP BY ...] [HAVING(...)]``."""
    head = "SELECT DISTINCT " if distinct else "SELECT "
    q = head + " ".join(projection) + " WHERE " + group(*where)
    if group_by:
        q += f" GROUP BY {group_by}"
    if having:
        q += f" HAVING({having})"
    return q


def subselect(projection: Iterable[str], *where: str, distinct: bool = False) -> str:
    return "{ " + select(projection, *where, distinct=distinct) + " }"


@dataclass(frozen=True)
class Focus:
    """A graph pattern binding any variable to a set of focus nodes.

    ``render(var)`` writes the pattern for ``var``; ``key`` identifies it (two foci with the same
    key are the same set); ``big``: a large set, whose joins are better hashed than looked up per node;
    ``depth``: nesting depth (nested patterns use a fresh variable per depth); ``derivations(var, w)``:
    for the value nodes of a parent with a path, a pattern binding ``var`` to each focus node and ``w``
    to the number of times it is validated (see :func:`values_of`); None: each node once; ``size``:
    the number of nodes, when known (a materialised set)."""

    key: str
    render: Callable[[str], str] = field(compare=False, hash=False)
    big: bool = field(default=False, compare=False, hash=False)
    depth: int = field(default=0, compare=False, hash=False)
    derivations: Callable[[str, str], str] | None = field(default=None, compare=False, hash=False)
    size: int | None = field(default=None, compare=False, hash=False)

    def __call__(self, var: str) -> str:
        return self.render(var)


def focus(render: Callable[[str], str], big: bool = False, depth: int = 0,
          derivations: Callable[[str, str], str] | None = None, size: int | None = None) -> Focus:
    return Focus(render(KEY_VAR), render, big, depth, derivations, size)


def values_of(parent: Focus, path: str | None) -> Focus:
    """The focus of a shape nested under a shape with focus ``parent`` and ``path`` (its value nodes).

    SHACL §4.5.2 (sh:property) validates each value node of each focus node against the nested shape,
    so a node that is a value of two focus nodes is validated twice and its results are reported twice
    (W3C test core/property/property-001): ``derivations`` counts the distinct (parent derivation,
    value) pairs reaching each node."""
    if path is None:
        return parent
    p, pw = f"?__p{parent.depth}", f"?__w{parent.depth}"

    def step(var: str, head: Callable[[str], str]) -> str:
        if zero_length(path):
            return path_step(p, path, var, head)
        return head(p) + " " + triple(p, path, var)

    def render(var: str) -> str:
        return subselect([var], step(var, parent), distinct=True)

    def derivations(var: str, w: str) -> str:
        if parent.derivations is None:
            head = lambda x: parent(x) + " " + bind("1", pw)  # noqa: E731
        else:
            head = lambda x: parent.derivations(x, pw)  # type: ignore[misc]  # noqa: E731  # checked above
        pairs = subselect([p, var, pw], step(var, head), distinct=True)
        return "{ " + select([var, f"(SUM({pw}) AS {w})"], pairs, group_by=var) + " }"

    return focus(render, depth=parent.depth + 1, derivations=derivations)


def repeats(f: Focus) -> str | None:
    """SELECT ``?n ?w``: the focus nodes of ``f`` validated ``?w`` > 1 times (None: each once)."""
    if f.derivations is None:
        return None
    return select(["?n", "?w"], f.derivations("?n", "?w"), filter_("?w > 1"))


def nodes_of(query: Callable[[str], str], depth: int) -> Focus:
    """The focus of the nodes that the SELECT ``query(var)`` projects as ``var``."""
    return focus(lambda var: "{ " + query(var) + " }", depth=depth)


def empty_focus() -> Focus:
    return focus(lambda var: subselect([var], filter_("false")))
