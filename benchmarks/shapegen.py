"""Random but realistic SHACL shape sets with data and injected violations, from a seed.

Nothing here is tuned for the engine: a seed picks a small class hierarchy, properties of every
kind (integers, decimals, dates, strings, language-tagged labels, links), a shape set using every
SHACL Core component (value type, cardinality, value range, string, language, property pair,
logical with nested shapes, shape-based, qualified, closed, ``sh:in``/``sh:hasValue``), paths of
every kind (predicate, inverse, sequence, alternative, ``*``, ``+``, ``?``), targets of every kind,
SHACL-SPARQL constraints (``sh:sparql`` on node and property shapes, with ``$PATH`` and messages)
and a SPARQL-based constraint component with an ASK validator. The data follows the shapes, then
a share of the nodes gets one violation each (wrong datatype, missing or extra value, out of range,
bad pattern or language, wrong class, broken pair). ``extra=True`` adds, from a random stream of
its own (so a seed's base shape set, the benchmark's, stays the same), what :meth:`Gen.extra_constraints`
lists: ``sh:equals``, every node kind with blank-node values, nested property shapes, disjoint
qualified shapes, more path and logical nesting, ``sh:deactivated``, a SELECT-validator component.
Left out because pyshacl 0.40, not the spec, decides them (tests/test_shacl_generated.py and
tests/test_shacl_sparql.py test them against the spec): the inverse of a sequence path, and a
SELECT-validator component on an alternative path.

Used by tests/test_shacl_generated.py (a differential test against pyshacl on small seeds) and
by benchmarks/validate.py (speed at 1M triples).

CLI: ``python benchmarks/shapegen.py OUTDIR --triples N [--seed S]`` writes a project
(ontology/, shapes/, data/) and prints the number of data triples.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

EX = "http://example.org/gen/"
PREFIXES = (f"@prefix ex: <{EX}> .\n@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
            "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
            "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
            "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n")
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LANGS = ("en", "fr", "de")
WORDS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel")
STATUSES = ("Open", "Closed", "Pending")
TRIPLES_PER_NODE = 11  # about, for sizing


class Gen:
    """The vocabulary, shapes and data of one seed."""

    def __init__(self, seed: int, extra: bool = False) -> None:
        #: ``extra``: also the features below drawn from their own random stream (so that the shape sets
        #: and data of a seed without them, the benchmark's, stay what they were)
        self.x = random.Random(seed * 7919 + 1) if extra else None
        self.rnd = random.Random(seed)
        n = self.rnd.randint(3, 5)
        self.classes = [f"C{i}" for i in range(n)]
        #: class -> parent (a small hierarchy: some classes are subclasses of C0 or C1)
        self.parent = {c: self.rnd.choice(self.classes[:i]) for i, c in enumerate(self.classes) if i >= 2
                       and self.rnd.random() < 0.6}
        self.bnodes = 0

    # ---- vocabulary -------------------------------------------------------------------------
    def ontology(self) -> str:
        out = [PREFIXES]
        out += [f"ex:{c} a rdfs:Class .\n" for c in self.classes]
        out += [f"ex:{c} rdfs:subClassOf ex:{self.parent.get(c, 'Thing')} .\n" for c in self.classes]
        return "".join(out)

    def instances_of(self, c: str) -> list[str]:
        return [k for k in self.classes if k == c or self.parent.get(k) == c]

    # ---- data -------------------------------------------------------------------------------
    def data(self, nodes: int, violation_rate: float = 0.05) -> list[str]:
        """N-Triples lines: ``nodes`` nodes, each one of the classes, about one in twenty broken."""
        r = self.rnd
        lines = [f"<{EX}{s}> <{RDF_TYPE}> <{EX}Status> .\n" for s in STATUSES]
        for i in range(nodes):
            c = self.classes[i % len(self.classes)]
            s = f"<{EX}n{i}>"

            def t(p: str, o: str, s: str = s) -> None:
                lines.append(f"{s} <{EX}{p}> {o} .\n")  # noqa: B023 - called in this iteration only
            lines.append(f"{s} <{RDF_TYPE}> <{EX}{c}> .\n")
            count = r.randint(0, 90)
            t("count", f'"{count}"^^<{XSD}integer>')
            t("limit", f'"{count + r.randint(1, 20)}"^^<{XSD}integer>')
            t("score", f'"{r.randint(0, 99)}.{r.randint(1, 9)}"^^<{XSD}decimal>')  # canonical forms
            y = r.randint(1990, 2020)
            t("start", f'"{y}-0{r.randint(1, 9)}-1{r.randint(0, 9)}"^^<{XSD}date>')
            t("end", f'"{y + r.randint(1, 5)}-0{r.randint(1, 9)}-1{r.randint(0, 9)}"^^<{XSD}date>')
            t("code", f'"{r.choice("ABCDEF")}{r.choice("XYZ")}{r.randint(10, 99)}"')
            for lang in r.sample(LANGS, r.randint(1, 2)):
                t("label", f'"{r.choice(WORDS)} {i}"@{lang}')
            t("status", f"<{EX}{r.choice(STATUSES)}>")
            if i > 0:
                t("link", f"<{EX}n{r.randrange(i)}>")
            for _ in range(r.randint(0, 2)):
                t("part", f"<{EX}n{r.randrange(nodes)}>")
            if r.random() < violation_rate:
                lines += self.break_(s, i, nodes)
            if self.x is not None:
                lines += self.extra_data(s, i, nodes)
        return lines

    def extra_data(self, s: str, i: int, nodes: int) -> list[str]:
        """The extra features' data: a copy of the code (``sh:equals``), blank-node notes, sizes (integers and
        decimals), each sometimes broken."""
        x = self.x
        assert x is not None
        out = []
        code = f'"{"ABCDEF"[i % 6]}Y{10 + i % 90}"'
        out.append(f"{s} <{EX}alias> {code if x.random() > 0.05 else chr(34) + 'other' + chr(34)} .\n")
        if x.random() < 0.5:
            out.append(f"{s} <{EX}note> _:note{i} .\n_:note{i} <{EX}count> \"{x.randint(0, 99)}\"^^<{XSD}integer> .\n")
            if x.random() < 0.3:
                out.append(f"_:note{i} <{EX}link> <{EX}n{x.randrange(nodes)}> .\n")
        if x.random() < 0.1:  # a literal where a note is expected, or an IRI
            out.append(f"{s} <{EX}note> {x.choice([chr(34) + 'text' + chr(34), f'<{EX}n{x.randrange(nodes)}>'])} .\n")
        if x.random() < 0.2:  # canonical forms: with SHACL-SPARQL the engine's store holds no other (see docs)
            out.append(f'{s} <{EX}size> "{x.randint(1, 99)}"^^<{XSD}integer> .\n')
            out.append(f'{s} <{EX}size> "{x.randint(1, 99)}.5"^^<{XSD}decimal> .\n')
        return out

    def break_(self, s: str, i: int, nodes: int) -> list[str]:
        """One violation on node ``s`` (added triples; the generic shapes see them as violations)."""
        r = self.rnd
        kind = r.randrange(9)
        bad = {
            0: f'<{EX}count> "many"',  # wrong datatype
            1: f'<{EX}count> "{r.randint(200, 300)}"^^<{XSD}integer>',  # extra value, out of range
            2: f'<{EX}code> "lowercase-{i}"',  # bad pattern
            3: f'<{EX}label> "{r.choice(WORDS)}"@es',  # language not allowed
            4: f'<{EX}link> "not a node"',  # literal where a node is expected
            5: f'<{EX}status> <{EX}Unknown>',  # not in the list
            6: f'<{EX}end> "1900-01-01"^^<{XSD}date>',  # end before start
            7: f'<{EX}part> <{EX}n{i}>',  # part of itself (disjoint with link? no: self-reference)
            8: f'<{EX}label> "{r.choice(WORDS)} dup"@en',  # second English label
        }[kind]
        return [f"{s} {bad} .\n"]

    # ---- shapes -----------------------------------------------------------------------------
    def fresh(self) -> str:
        self.bnodes += 1
        return f"ex:s{self.bnodes}"

    def path(self) -> tuple[str, str]:
        """(a SHACL path in Turtle, the kind of its value nodes: node / int / text / date / label)."""
        r = self.rnd
        if r.random() < 0.1:  # a closure, with a cheap constraint (every reachable node is a value node)
            return r.choice(["[ sh:zeroOrMorePath ex:link ]", "[ sh:oneOrMorePath ex:part ]"]), "closure"
        return r.choice([
            ("ex:count", "int"), ("ex:score", "num"), ("ex:code", "text"), ("ex:label", "label"),
            ("ex:start", "date"), ("ex:link", "node"), ("ex:part", "node"), ("ex:status", "status"),
            ("[ sh:inversePath ex:link ]", "node"), ("( ex:link ex:count )", "int"),
            ("[ sh:alternativePath ( ex:link ex:part ) ]", "node"), ("[ sh:zeroOrOnePath ex:link ]", "node"),
            ("( ex:part ex:label )", "label"),
        ])

    def constraints(self, kind: str, depth: int = 0) -> list[str]:
        """Constraints on value nodes of ``kind`` (Turtle predicate-object pairs)."""
        r = self.rnd
        c = r.choice(self.classes)
        menu = {
            "int": ["sh:datatype xsd:integer", f"sh:minInclusive {r.randint(0, 20)}",
                    f"sh:maxExclusive {r.randint(60, 120)}",
                    f"sh:in ( {' '.join(str(r.randint(0, 90)) for _ in range(8))} )",
                    "sh:lessThan ex:limit", "sh:lessThanOrEquals ex:limit", "sh:nodeKind sh:Literal"],
            "num": ["sh:datatype xsd:decimal", f"sh:minExclusive {r.randint(0, 30)}.5",
                    f"sh:maxInclusive {r.randint(50, 99)}.0",
                    "sh:or ( [ sh:datatype xsd:decimal ] [ sh:datatype xsd:integer ] )"],
            "text": ["sh:pattern \"^[A-F][XYZ][0-9]{2}$\"", "sh:pattern \"^[a-f]\" ; sh:flags \"i\"",
                     f"sh:minLength {r.randint(2, 5)}", f"sh:maxLength {r.randint(4, 8)}",
                     "sh:datatype xsd:string", "sh:disjoint ex:label"],
            "label": ["sh:languageIn ( \"en\" \"fr\" \"de\" )", "sh:uniqueLang true", "sh:datatype rdf:langString",
                      f"sh:minLength {r.randint(5, 8)}", "sh:not [ sh:pattern \"dup\" ]"],
            "date": ["sh:datatype xsd:date", "sh:lessThan ex:end", "sh:minInclusive \"1995-01-01\"^^xsd:date"],
            # mostly constraints that valid data meets (the violations are the injected ones), some that
            # a share of the nodes miss (a specific class, a nested shape)
            "node": ["sh:class ex:Thing", "sh:class ex:Thing", f"sh:class ex:{c}", "sh:nodeKind sh:IRI",
                     "sh:node @NESTED", f"sh:not [ sh:class ex:{c} ]",
                     "sh:xone ( [ sh:nodeKind sh:IRI ] [ sh:nodeKind sh:Literal ] )",
                     f"sh:or ( [ sh:class ex:{c} ] [ sh:class ex:{r.choice(self.classes)} ] [ sh:class ex:Thing ] )",
                     "sh:and ( [ sh:nodeKind sh:IRI ] [ sh:property [ sh:path ex:count ; sh:minCount 1 ] ] )",
                     "sh:qualifiedValueShape [ sh:class ex:Thing ] ; sh:qualifiedMinCount 1",
                     f"sh:qualifiedValueShape [ sh:class ex:{c} ] ; sh:qualifiedMaxCount 2"],
            "closure": ["sh:nodeKind sh:IRI", "sh:class ex:Thing"],
            "status": ["sh:in ( ex:Open ex:Closed ex:Pending )", "sh:class ex:Status", "sh:nodeKind sh:IRI",
                       "sh:not [ sh:hasValue ex:Pending ]", "sh:hasValue ex:Open"],
        }[kind]
        picked = r.sample(menu, min(len(menu), r.randint(1, 3)))
        picked = [m.replace("@NESTED", self.node_shape(depth)) if "@NESTED" in m else m for m in picked]
        if r.random() < 0.5:
            single = kind in ("int", "num", "text", "date", "status")
            picked.append(r.choice(["sh:maxCount 3", "sh:maxCount 1" if single else "sh:maxCount 2",
                                    "sh:minCount 1" if single else "sh:minCount 0"]))
        return picked

    def node_shape(self, depth: int) -> str:
        """A nested node shape (value conditions and a property shape), written out; its name."""
        name = self.fresh()
        path, kind = self.rnd.choice([("ex:count", "int"), ("ex:code", "text"), ("ex:label", "label")])
        props = " ; ".join(self.constraints(kind, depth + 1))
        self.extra.append(f"{name} a sh:NodeShape ; sh:property [ sh:path {path} ; {props} ] .\n")
        return name

    def sparql(self, prop: bool) -> str:
        r = self.rnd
        if prop:
            n = r.randint(30, 80)
            return (f'sh:sparql [ sh:prefixes ex: ; sh:message "{{$this}} has {{?value}} over {n}" ; sh:select """'
                    f'SELECT $this ?value WHERE {{ $this $PATH ?value . '
                    f'FILTER(isNumeric(?value) && ?value > {n}) }}""" ]')
        c = r.choice(self.classes)
        return (f'sh:sparql [ sh:prefixes ex: ; sh:message "{{$this}} links to {{?other}}, not a {c}" ; sh:select """'
                f'SELECT $this ?other WHERE {{ $this ex:link ?other . FILTER NOT EXISTS {{ ?other a ex:{c} }} }}""" ]')

    def extra_constraints(self) -> list[str]:
        """Constraints beyond the base menu: ``sh:equals``, every ``sh:nodeKind``, blank-node values,
        ``sh:property`` under a property shape (a node reached from several focus nodes is validated
        once for each), ``sh:qualifiedValueShapesDisjoint``, inverse/closure of complex paths, nested
        logical shapes, ``sh:deactivated``, severities and messages on property shapes, ranges and
        ``sh:in`` over integers and decimals together."""
        x = self.x
        assert x is not None
        kinds = ["sh:IRI", "sh:Literal", "sh:BlankNode", "sh:BlankNodeOrIRI", "sh:BlankNodeOrLiteral",
                 "sh:IRIOrLiteral"]
        c = x.choice(self.classes)
        menu = [
            "sh:property [ sh:path ex:alias ; sh:equals ex:code ]",
            "sh:property [ sh:path ex:code ; sh:equals ex:alias ; sh:severity sh:Warning ]",
            f"sh:property [ sh:path ex:note ; sh:nodeKind {x.choice(kinds)} ; sh:maxCount 1 ]",
            f"sh:property [ sh:path [ sh:alternativePath ( ex:note ex:link ) ] ; sh:nodeKind {x.choice(kinds)} ]",
            f"sh:property [ sh:path ex:note ; sh:property [ sh:path ex:count ; sh:maxInclusive {x.randint(40, 95)} ] ]",
            f"sh:property [ sh:path ex:link ; sh:property [ sh:path ex:count ; sh:minInclusive {x.randint(5, 40)} ;"
            ' sh:message "count too small" ] ]',
            "sh:property [ sh:path [ sh:inversePath ex:part ] ; sh:property [ sh:path ex:link ;"
            f" sh:property [ sh:path ex:count ; sh:maxExclusive {x.randint(50, 95)} ] ] ]",
            f"sh:property [ sh:path ex:part ; sh:qualifiedValueShape [ sh:class ex:{c} ] ; sh:qualifiedMaxCount 1 ;"
            " sh:qualifiedValueShapesDisjoint true ] ; sh:property [ sh:path ex:part ;"
            f" sh:qualifiedValueShape [ sh:class ex:{x.choice(self.classes)} ] ; sh:qualifiedMinCount 1 ;"
            " sh:qualifiedValueShapesDisjoint true ]",
            "sh:property [ sh:path ( [ sh:inversePath ex:link ] ex:count ) ; sh:datatype xsd:integer ;"
            f" sh:maxInclusive {x.randint(60, 95)} ]",
            "sh:property [ sh:path [ sh:zeroOrMorePath [ sh:inversePath ex:link ] ] ; sh:nodeKind sh:IRI ]",
            "sh:property [ sh:path ( [ sh:alternativePath ( ex:link ex:part ) ] ex:label ) ;"
            ' sh:languageIn ( "en" "fr" ) ]',
            "sh:property [ sh:path [ sh:oneOrMorePath [ sh:alternativePath ( ex:link ex:note ) ] ] ;"
            " sh:nodeKind sh:BlankNodeOrIRI ]",
            f"sh:not [ sh:or ( [ sh:class ex:{c} ] [ sh:property [ sh:path ex:count ; sh:minInclusive 80 ] ] ) ]",
            f"sh:xone ( [ sh:property [ sh:path ex:note ; sh:minCount 1 ] ] [ sh:class ex:{c} ] )",
            "sh:or ( [ sh:not [ sh:property [ sh:path ex:link ; sh:minCount 1 ] ] ] [ sh:and ( [ sh:property"
            " [ sh:path ex:link ; sh:node [ sh:property [ sh:path ex:count ; sh:minCount 1 ] ] ] ] ) ] )",
            "sh:property [ sh:path ex:count ; sh:maxInclusive 10 ; sh:deactivated true ]",
            f"sh:property [ sh:path ex:size ; ex:above {x.randint(40, 95)} ]",
            f"sh:property [ sh:path ( ex:note ex:count ) ; ex:above {x.randint(40, 95)} ]",
            "sh:property [ sh:path [ sh:alternativePath ( ex:count ex:limit ) ] ; sh:sparql [ sh:prefixes ex: ;"
            ' sh:select """SELECT $this ?value WHERE { $this $PATH ?value .'
            f' FILTER(isNumeric(?value) && ?value > {x.randint(60, 99)}) }}""" ] ]',
            "sh:sparql [ sh:prefixes ex: ; sh:deactivated true ;"
            ' sh:select "SELECT $this WHERE { $this ex:count ?c }" ]',
            "sh:sparql [ sh:prefixes ex: ; sh:select \"\"\"SELECT $this ?path ?value WHERE { $this ?path ?value ."
            f" FILTER(?path IN (ex:count, ex:limit) && isNumeric(?value) && ?value < {x.randint(5, 20)}) }}\"\"\" ]",
            f"sh:property [ sh:path ex:size ; sh:minInclusive {x.randint(2, 30)} ;"
            f" sh:maxExclusive {x.randint(40, 99)}.5 ; sh:severity sh:Info ]",
            "sh:property [ sh:path ex:size ; sh:in ( 7 8 9.5 \"7\" ) ]",
        ]
        return x.sample(menu, x.randint(1, 3))

    def shapes(self, n_shapes: int | None = None) -> str:
        r = self.rnd
        self.extra: list[str] = []
        out = [PREFIXES, f'ex: sh:declare [ sh:prefix "ex" ; sh:namespace "{EX}"^^xsd:anyURI ] .\n',
               "ex:AtLeastComponent a sh:ConstraintComponent ; sh:parameter [ sh:path ex:atLeast ] ;\n"
               '  sh:validator [ a sh:SPARQLAskValidator ; sh:prefixes ex: ; sh:message "count below {$atLeast}" ;'
               ' sh:ask "ASK { FILTER NOT EXISTS { $value ex:count ?c FILTER(?c < $atLeast) } }" ] .\n']
        if self.x is not None:  # a component with a SELECT validator for property shapes, and an optional parameter
            out.append("ex:AboveComponent a sh:ConstraintComponent ; sh:parameter [ sh:path ex:above ] ,"
                       " [ sh:path ex:strict ; sh:optional true ] ;\n"
                       "  sh:propertyValidator [ a sh:SPARQLSelectValidator ; sh:prefixes ex: ;"
                       ' sh:message "a value above {$above}" ; sh:select """SELECT $this ?value WHERE {'
                       ' $this $PATH ?value . FILTER(isNumeric(?value) && ?value > $above) }""" ] .\n')
        for k in range(n_shapes or r.randint(3, 6)):
            name = f"ex:Shape{k}"
            target = r.choices(["class", "node", "subjects", "objects"], [8, 1, 1, 1])[0]
            c = r.choice(self.classes)
            tgt = {"class": f"sh:targetClass ex:{c}",
                   "node": f"sh:targetNode ex:n{r.randint(0, 5)}, ex:n{r.randint(6, 40)}",
                   "subjects": "sh:targetSubjectsOf ex:part", "objects": "sh:targetObjectsOf ex:link"}[target]
            parts = [tgt]
            for _ in range(r.randint(2, 6)):
                path, kind = self.path()
                cons = self.constraints(kind)
                if kind in ("int", "num") and r.random() < 0.15:
                    cons.append(self.sparql(True))
                parts.append(f"sh:property [ sh:path {path} ; {' ; '.join(cons)} ]")
            extras = [f"sh:or ( [ sh:class ex:{c} ] [ sh:property [ sh:path ex:count ; sh:minInclusive 50 ] ] )",
                      "sh:closed true ; sh:ignoredProperties ( rdf:type ex:start ex:end ex:score ex:limit ex:label "
                      "ex:status ex:link ex:part ex:count )",
                      self.sparql(False), f"ex:atLeast {r.randint(3, 10)}", "sh:nodeKind sh:IRI",
                      f"sh:not [ sh:class ex:{r.choice(self.classes)} ]"]
            parts += r.sample(extras, r.randint(0, 2))
            if self.x is not None:
                parts += self.extra_constraints()
            if r.random() < 0.3:
                parts.append(r.choice(["sh:severity sh:Warning", "sh:severity sh:Info",
                                       'sh:message "check this node"']))
            out.append(f"{name} a sh:NodeShape ;\n  " + " ;\n  ".join(parts) + " .\n")
        return "".join(out + self.extra)


def generate(seed: int, nodes: int, shapes: int | None = None, extra: bool = False) -> tuple[str, str, list[str]]:
    """(ontology Turtle, shapes Turtle, data N-Triples lines) of a seed: ``nodes`` data nodes, ``shapes``
    top-level shapes (default: 3 to 6); ``extra``: with :meth:`Gen.extra_constraints` (the differential
    test's; the benchmark's shape sets are the seeds' without them)."""
    g = Gen(seed, extra)
    shapes_ttl = g.shapes(shapes)
    return g.ontology(), shapes_ttl, g.data(nodes)


def write_project(outdir: Path, seed: int, triples: int, files: int = 8) -> int:
    """A dataset project of about ``triples`` data triples; the number written."""
    onto, shapes, data = generate(seed, max(10, triples // TRIPLES_PER_NODE))
    for sub in ("ontology", "shapes", "data"):
        (outdir / sub).mkdir(parents=True, exist_ok=True)
    (outdir / "ontology" / "gen.ttl").write_text(onto, encoding="utf-8")
    (outdir / "shapes" / "shapes.ttl").write_text(shapes, encoding="utf-8")
    chunk = -(-len(data) // files)
    for k in range(files):
        (outdir / "data" / f"part{k:02d}.ttl").write_text("".join(data[k * chunk:(k + 1) * chunk]), encoding="utf-8")
    return len(data)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--triples", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    print(write_project(a.outdir, a.seed, a.triples))


if __name__ == "__main__":
    main()
