"""Fast SHACL Core validation, part 2: the SPARQL queries of each shape (SHACL Core, W3C Rec. 2017).

:class:`QueryBuilder` is the query-building half of :class:`dprk_ld.validate.fastshacl._Validator`:
it turns each constraint of a shape into SELECT queries over all focus nodes at once, with
value conditions and min/maxCount of property shapes that share a focus set and a path merged
(:class:`_Merged`), and logical constraints as subqueries or inlined conditions. The node sets
(``member``), shapes cache and result construction belong to the validator.

Joins are written so that Oxigraph hashes them instead of looking up each focus node in turn:
value nodes come from a subquery over the path (:func:`shacl_compile.values_pattern`), and
``sh:class`` is an OPTIONAL over the class's materialised instances (measured at 1M triples: the
13-predicate alternative path of ``shape:Claim-roles-actor`` 1.75 -> 0.25 s).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from .shacl_compile import (
    ANNOTATION_ONLY,
    FV,
    SH_NS,
    Shape,
    Unsupported,
    bind,
    child_focus,
    component_iri,
    is_true,
    nt,
    pair_query,
    path_scan,
    sparql_term,
    value_filter,
    values_pattern,
)

if TYPE_CHECKING:
    from .fastshacl import ShaclResult

_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
_F = re.compile(r"\?f\b")  # the focus variable of a component query
_V = re.compile(r"\?v\b")  # the value variable
_LOGICAL = (SH.node, SH["not"], SH["and"], SH["or"], SH.xone)
#: parameters that are no constraint by themselves (a shape of value conditions may carry them)
_PASSIVE = {*_TARGETS, SH.severity, SH.message, SH.flags, SH.deactivated, *ANNOTATION_ONLY}


Task = tuple[str, Callable[[list], list["ShaclResult"]]]  # (SELECT query, rows -> results)
_TRUE = '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>'


@dataclass
class _Merged:
    """The simple constraints of the property shapes that share a focus pattern and a path.

    They are checked by two queries in all instead of one per constraint: one over the value
    nodes with a flag per value condition, and one counting the value nodes for min/maxCount.
    """

    fp: str
    shape: Shape  # any of them (for the path)
    #: (shape, component, condition, class IRI when the condition is an sh:class to join by hashing)
    conds: list[tuple[Shape, str, str, str | None]] = field(default_factory=list)
    counts: list[tuple[Shape, str, str, int]] = field(default_factory=list)  # (shape, component, op, n)


class QueryBuilder:
    """SPARQL for the constraints of a shape (mixed into the validator, which provides the rest)."""

    g: Graph
    wrap: bool
    #: focus patterns of large node sets: their joins are hashed (see :func:`shacl_compile.values_pattern`)
    big: set[str]
    stack: list[object]
    fresh_n: int

    def member(self, c: str, var: str) -> str:  # pragma: no cover - provided by the validator
        raise NotImplementedError

    def shape(self, node: object) -> Shape:  # pragma: no cover - provided by the validator
        raise NotImplementedError

    def result(self, s: Shape, comp: str, f: str, v: str | None, path: str | None = None) -> ShaclResult:
        raise NotImplementedError  # pragma: no cover - provided by the validator

    def pairs(self, fp: str, s: Shape, v: str = "?v") -> str:
        """Pattern binding ``v`` to the values of ``?f`` (already bound by ``fp``) on the path of ``s``:
        a subquery over the whole path, joined by hashing, when ``fp`` is a large set."""
        scan = path_scan(s.path) if fp in self.big and s.path is not None else None
        if scan is None:
            return f"?f {s.path} {v} ."
        return f"{{ SELECT ?f {v} WHERE {{ {_V.sub(v, scan)} }} }}"

    def fresh(self) -> str:
        self.fresh_n += 1
        return f"?__g{self.fresh_n}"

    @contextmanager
    def visiting(self, s: Shape) -> Iterator[None]:
        if s.node in self.stack:
            raise Unsupported(f"recursive shape {s.node}")
        self.stack.append(s.node)
        try:
            yield
        finally:
            self.stack.pop()

    def task(self, s: Shape, ci: str, q: str, kind: str) -> Task:
        """A query of :meth:`queries` and how its rows become results."""
        def decode(rows: list) -> list[ShaclResult]:
            if kind == "closed":
                return [self.result(s, ci, r[0], r[2], r[1]) for r in rows]
            return [self.result(s, ci, r[0], r[1] if kind == "fv" else None) for r in rows]
        return q, decode

    def merged(self, m: _Merged) -> list[Task]:
        """The (at most two) queries of a :class:`_Merged` group."""
        out: list[Task] = []
        if m.conds:
            flags = [f"?__b{i}" for i in range(len(m.conds))]
            opts, binds = [], []
            for i, ((_, _, c, cls), b) in enumerate(zip(m.conds, flags, strict=True)):
                if cls is not None:  # sh:class: hash-join the class's instances (one lookup per value otherwise)
                    opts.append(f"OPTIONAL {{ SELECT ?v (true AS ?__c{i}) WHERE {{ {self.member(cls, '?v')} }} }}")
                    c = f"!BOUND(?__c{i})"
                binds.append(f"BIND(COALESCE({c}, false) AS {b})")
            vp = values_pattern(m.fp, m.shape, m.fp in self.big)
            q = (f"SELECT DISTINCT ?f ?v {' '.join(flags)} WHERE {{ {vp} {' '.join(opts)} {' '.join(binds)} "
                 f"FILTER({' || '.join(flags)}) }}")

            def values(rows: list, conds: list = m.conds) -> list[ShaclResult]:
                return [self.result(s, ci, r[0], r[1]) for r in rows
                        for (s, ci, _, _), b in zip(conds, r[2:], strict=True) if b == _TRUE]
            out.append((q, values))
        if m.counts:
            having = " || ".join(f"COUNT(DISTINCT ?v) {op} {n}" for _, _, op, n in m.counts)
            q = (f"SELECT ?f (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {bind(m.fp, '?f')} "
                 f"OPTIONAL {{ {self.pairs(m.fp, m.shape)} }} }} GROUP BY ?f HAVING({having})")

            def counted(rows: list, counts: list = m.counts) -> list[ShaclResult]:
                out = []
                for r in rows:
                    n = int(r[1].split('"')[1])  # type: ignore[union-attr]
                    out += [self.result(s, ci, r[0], None) for s, ci, op, k in counts
                            if (n < k if op == "<" else n > k)]
                return out
            out.append((q, counted))
        return out

    def evaluate(self, s: Shape, fp: str, groups: dict[tuple[str, str | None], _Merged] | None = None
                 ) -> list[Task]:
        """The queries giving all results of shape ``s`` for the focus nodes bound by focus pattern ``fp``.

        Value conditions and min/maxCount of the shapes that share ``fp`` and a path are merged
        (``groups``, flushed by the outermost call) into one query each.
        """
        if s.deactivated:
            return []
        top = groups is None
        groups = {} if groups is None else groups
        with self.visiting(s):
            out: list[Task] = []
            m = groups.setdefault((fp, s.path), _Merged(fp, s))
            for comp, args in s.params.items():
                for arg in args:
                    cond = self.condition(s, comp, arg)
                    if cond is not None:
                        cls = str(arg) if comp == SH["class"] and isinstance(arg, URIRef) and fp in self.big else None
                        m.conds.append((s, component_iri(comp), cond, cls))
                    elif comp in (SH.minCount, SH.maxCount) and s.path is not None:
                        n, op = int(arg), "<" if comp == SH.minCount else ">"  # type: ignore[call-overload]
                        if n > 0 or op == ">":
                            m.counts.append((s, component_iri(comp), op, n))
                    else:
                        out += [self.task(s, ci, q, kind) for ci, q, kind in self.queries(s, comp, arg, fp)]
            for p in s.params.get(SH.property, []):
                out += self.evaluate(self.shape(p), child_focus(fp, s), groups)
        if top:
            out += [t for g in groups.values() for t in self.merged(g)]
        return out

    def fail_focus(self, s: Shape, fp: str) -> str:
        """A focus pattern of the nodes among those of ``fp`` that do not conform to ``s`` (all in SPARQL)."""
        parts: list[str] = []
        if not s.deactivated:
            if s.path is not None and s.params.get(SH.property):
                raise Unsupported("sh:property under a property shape inside a logical constraint")
            with self.visiting(s):
                for comp, args in s.params.items():
                    for arg in args:
                        for _, q, _ in self.queries(s, comp, arg, fp):
                            g = self.fresh()
                            q = _F.sub(g, q)
                            inner = f"{{ SELECT DISTINCT {g} WHERE {{ {{ {q} }} }} }}"
                            parts.append(f"{{ SELECT ({g} AS {FV}) WHERE {{ {inner} }} }}")
                parts += [self.fail_focus(self.shape(p), fp) for p in s.params.get(SH.property, [])]
        if not parts:
            return f"{{ SELECT {FV} WHERE {{ FILTER(false) }} }}"
        return f"{{ SELECT DISTINCT {FV} WHERE {{ {' UNION '.join(parts)} }} }}"

    def condition(self, s: Shape, comp: URIRef, arg: object) -> str | None:
        """A SPARQL condition true when value node ``?v`` violates ``comp`` (None: not a value condition).

        Logical constraints whose member shapes hold value conditions only (``sh:or ([sh:datatype
        xsd:date] [sh:datatype xsd:gYear])``) are inlined: no subquery per member."""
        cond = value_filter(s, comp, arg, self.g, self.member, self.wrap)
        if cond is not None or comp not in _LOGICAL:
            return cond
        members = [arg] if comp in (SH.node, SH["not"]) else list(Collection(self.g, arg))  # type: ignore[arg-type]
        fails = [self.fails(self.shape(m)) for m in members]
        if any(f is None for f in fails):
            return None
        if comp == SH.node:
            return fails[0]
        if comp == SH["not"]:
            return f"!{fails[0]}"
        if comp in (SH["and"], SH["or"]):
            return (" || " if comp == SH["and"] else " && ").join(fails) or str(comp == SH["or"]).lower()  # type: ignore[arg-type]
        return "(" + (" + ".join(f"IF({f}, 0, 1)" for f in fails) or "0") + ") != 1"  # type: ignore[str-format]

    def fails(self, m: Shape) -> str | None:
        """Condition: ``?v`` does not conform to shape ``m``; None unless ``m`` is value conditions only."""
        if m.deactivated:
            return "false"
        if m.path is not None:
            return None
        conds = []
        with self.visiting(m):
            for comp, args in m.params.items():
                if comp in _PASSIVE:
                    continue
                for a in args:
                    c = self.condition(m, comp, a)
                    if c is None:
                        return None
                    conds.append(f"COALESCE({c}, false)")
        return "(" + (" || ".join(conds) or "false") + ")"

    def queries(self, s: Shape, comp: URIRef, arg: object, fp: str) -> list[tuple[str, str, str]]:
        """(component IRI, SELECT query, kind) for one constraint; every query projects ``?f`` first.

        kind "fv": ``?f ?v`` (value reported); "f": ``?f`` only; "closed": ``?f ?p ?o``.
        """
        vp = values_pattern(fp, s, fp in self.big)
        f = bind(fp, "?f")
        cond = self.condition(s, comp, arg)
        if cond is not None:
            return [(component_iri(comp), f"SELECT DISTINCT ?f ?v WHERE {{ {vp} FILTER({cond}) }}", "fv")]
        if comp in (SH.minCount, SH.maxCount):
            n = int(arg)  # type: ignore[call-overload]
            if comp == SH.minCount and n == 0:
                return []
            if comp == SH.minCount and n == 1:
                q = f"SELECT DISTINCT ?f WHERE {{ {f} FILTER NOT EXISTS {{ ?f {s.path} ?v }} }}"
            elif comp == SH.minCount:
                q = (f"SELECT ?f WHERE {{ {f} OPTIONAL {{ ?f {s.path} ?v }} }} "
                     f"GROUP BY ?f HAVING(COUNT(DISTINCT ?v) < {n})")
            else:
                q = f"SELECT ?f WHERE {{ {f} ?f {s.path} ?v }} GROUP BY ?f HAVING(COUNT(DISTINCT ?v) > {n})"
            return [(component_iri(comp), q, "f")]
        if comp == SH.hasValue:
            t = sparql_term(arg, self.wrap)
            cond = f"FILTER(!sameTerm(?f, {t}))" if s.path is None else f"FILTER NOT EXISTS {{ ?f {s.path} {t} }}"
            return [(component_iri(comp), f"SELECT DISTINCT ?f WHERE {{ {f} {cond} }}", "f")]
        if comp == SH.uniqueLang:
            if not is_true(arg) or s.path is None:
                return []
            q = (
                f"SELECT DISTINCT ?f (LCASE(lang(?v)) AS ?l) WHERE {{ {vp} {self.pairs(fp, s, '?w')} "
                f'FILTER(!sameTerm(?v, ?w) && lang(?v) != "" && LCASE(lang(?v)) = LCASE(lang(?w))) }}'
            )
            return [(component_iri(comp), q, "f")]
        if comp in (SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals):
            return [(component_iri(comp), pair_query(s, comp, arg, fp, self.wrap), "fv")]
        if comp == SH.closed:
            return self.closed(s, arg, vp)
        if comp in _LOGICAL:
            return [(component_iri(comp), self.logical(s, comp, arg, fp, vp), "fv")]
        if comp == SH.qualifiedValueShape:
            return self.qualified(s, arg, fp)
        return []  # targets, path, severity, message, flags, annotations ...

    def closed(self, s: Shape, arg: object, vp: str) -> list[tuple[str, str, str]]:
        if not is_true(arg):
            return []
        allowed = set()
        for p in s.params.get(SH.property, []):
            path = self.g.value(p, SH.path)
            if isinstance(path, URIRef):
                allowed.add(nt(path))
        for ig in s.params.get(SH.ignoredProperties, []):
            allowed |= {nt(x) for x in Collection(self.g, ig)}  # type: ignore[arg-type]
        flt = f"FILTER(?p NOT IN ({', '.join(sorted(allowed))}))" if allowed else ""
        return [(component_iri(SH.closed), f"SELECT DISTINCT ?f ?p ?o WHERE {{ {vp} ?v ?p ?o {flt} }}", "closed")]

    def logical(self, s: Shape, comp: URIRef, arg: object, fp: str, vp: str) -> str:
        """sh:node/not/and/or/xone: the failing value nodes of each member are a SPARQL subquery."""
        members = [arg] if comp in (SH.node, SH["not"]) else list(Collection(self.g, arg))  # type: ignore[arg-type]
        cand = child_focus(fp, s)
        fails = [bind(self.fail_focus(self.shape(m), cand), "?v") for m in members]
        if comp == SH.node:
            body = fails[0]
        elif comp == SH["not"]:
            body = f"MINUS {fails[0]}"
        elif comp == SH["and"]:
            body = "{ " + " UNION ".join(fails) + " }" if fails else "FILTER(false)"
        elif comp == SH["or"]:
            body = " ".join(fails)
        else:  # xone: exactly one member conforms
            xs = [self.fresh() for _ in fails]
            opts = " ".join(f"OPTIONAL {{ {fl} BIND(1 AS {x}) }}" for fl, x in zip(fails, xs, strict=True))
            count = " + ".join(f"IF(BOUND({x}), 0, 1)" for x in xs) or "0"
            body = f"{opts} FILTER(({count}) != 1)"
        return f"SELECT DISTINCT ?f ?v WHERE {{ {vp} {body} }}"

    def qualified(self, s: Shape, arg: object, fp: str) -> list[tuple[str, str, str]]:
        if s.path is None:
            raise Unsupported("sh:qualifiedValueShape on a node shape")
        inline = self.fails(self.shape(arg))
        if inline is not None:
            keep = f"FILTER(!{inline})"
        else:
            keep = "MINUS " + bind(self.fail_focus(self.shape(arg), child_focus(fp, s)), "?v")
        base = f"SELECT ?f WHERE {{ {bind(fp, '?f')} OPTIONAL {{ {self.pairs(fp, s)} {keep} }} }} GROUP BY ?f "
        out = []
        lo, hi = s.one(SH.qualifiedMinCount), s.one(SH.qualifiedMaxCount)
        if lo is not None:
            q = base + f"HAVING(COUNT(DISTINCT ?v) < {int(lo)})"  # type: ignore[call-overload]
            out.append((SH_NS + "QualifiedMinCountConstraintComponent", q, "f"))
        if hi is not None:
            q = base + f"HAVING(COUNT(DISTINCT ?v) > {int(hi)})"  # type: ignore[call-overload]
            out.append((SH_NS + "QualifiedMaxCountConstraintComponent", q, "f"))
        return out
