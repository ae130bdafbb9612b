"""No network during validation: ``owl:imports`` resolve to project files, SPARQL never leaves the machine.

Implements the offline rules of ``dprk-ld validate`` (docs/validate.md, "No network"):

- OWL 2 Structural Specification §3.4 (imports): each ``owl:imports <X>`` of an ontology file must name
  an ontology the project itself has — a file under ``ontology/`` that declares ``<X> a owl:Ontology``
  (or has ``owl:versionIRI <X>``), or one an OASIS XML Catalog maps ``X`` to, as Protégé and ROBOT do:
  ``ontology/catalog-v001.xml`` with ``<uri name="X" uri="file.ttl"/>`` (relative to the catalog).
  Every other import is a violation at its file:line, and no import reaches the reasoner: the project's
  ontology files are loaded anyway, so HermiT is handed the axioms without the ``owl:imports`` triples.
- SPARQL 1.1 Federated Query: ``SERVICE`` in a SHACL-SPARQL query (``sh:select``, ``sh:ask``) or in a
  ``queries/*-violation.rq`` is a violation, and the query is not run. A ``sh:select``/``sh:ask`` that
  does not parse is a violation with the file:line of the error, never a traceback (SHACL §5.1: a
  shapes graph with an ill-formed query is not well-formed; SHACL §3.6.1 "failure").
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import OWL, RDF, SH
from rdflib.term import Node

from ..load import Dataset
from ..project import CATALOG_NAME
from ..query.results import lexical
from .common import term_line
from .report import Finding

_STRIP = re.compile(r'<[^<>"{}|^`\\\s]*>|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|#[^\n]*')
_SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)
_CATALOG_NS = "{urn:oasis:names:tc:entity:xmlns:xml:catalog}"


def uses_service(query: str) -> bool:
    """True when the query has the SERVICE keyword outside its IRIs, strings and comments."""
    return bool(_SERVICE.search(_STRIP.sub(lambda m: " " * len(m.group(0)), query)))


@dataclass
class ImportPlan:
    """What the reasoner may see: the ``owl:imports`` triples to leave out, and the findings."""

    findings: list[Finding] = field(default_factory=list)
    strip: list[tuple[str, str]] = field(default_factory=list)  # (graph, imported IRI)


def read_catalog(dataset: Dataset) -> tuple[dict[str, Path], list[Finding]]:
    """``ontology/catalog-v001.xml``: imported IRI -> local file, as a Protégé/ROBOT catalog maps them."""
    path = dataset.project.root / "ontology" / CATALOG_NAME
    if not path.is_file():
        return {}, []
    rel = f"ontology/{CATALOG_NAME}"
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else None
        return {}, [Finding("violation", "owl", f"the import catalog is not well-formed XML: {exc}", file=rel,
                            line=line, hint="fix the XML (an OASIS XML Catalog, as Protégé writes it)")]
    mapping: dict[str, Path] = {}
    for element in root.iter():
        if element.tag in (_CATALOG_NS + "uri", "uri") and element.get("name") and element.get("uri"):
            ref = element.get("uri", "")  # a URI reference: relative to the catalog, or a file: URI
            local = url2pathname(urlparse(ref).path) if ref.startswith("file:") else unquote(ref)
            mapping[element.get("name", "")] = (path.parent / local).resolve()
    return mapping, []


def plan_imports(dataset: Dataset) -> ImportPlan:
    """Check every ``owl:imports`` of the ontology files against the project's own ontologies."""
    plan = ImportPlan()
    mapping, plan.findings = read_catalog(dataset)
    ontology_graphs = dataset.graphs_of("ontology")
    declared: set[str] = set()
    files = {f.path.resolve(): f for f in dataset.files.values()}
    for g in ontology_graphs:
        node = ox.NamedNode(g)
        for q in dataset.store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(OWL.Ontology)),
                                                 node):
            declared.add(lexical(q.subject))
        for q in dataset.store.quads_for_pattern(None, ox.NamedNode(str(OWL.versionIRI)), None, node):
            declared.add(lexical(q.object))
    root = dataset.project.root.resolve()
    for g in ontology_graphs:
        for q in dataset.store.quads_for_pattern(None, ox.NamedNode(str(OWL.imports)), None, ox.NamedNode(g)):
            target = lexical(q.object)
            plan.strip.append((g, target))
            where: dict[str, Any] = {"file": dataset.files[g].relpath, "line": term_line(dataset, g, target)}
            if target in declared:
                continue
            local = mapping.get(target)
            if local is None:
                plan.findings.append(Finding(
                    "violation", "owl", f"owl:imports <{target}> is not an ontology of this project: validation "
                    "never fetches it", focus=target, **where,
                    hint=f"put the imported ontology in ontology/ (a .ttl file declaring <{target}> a "
                         f"owl:Ontology), or map the IRI to such a file in ontology/{CATALOG_NAME}"))
            elif local not in files or files[local].kind != "ontology":
                outside = root not in local.parents
                plan.findings.append(Finding(
                    "violation", "owl", f"ontology/{CATALOG_NAME} maps <{target}> to {local}, which is "
                    + ("outside the project" if outside else "not a Turtle file under ontology/"),
                    focus=target, **where,
                    hint="map it to a .ttl file under ontology/ (only those are loaded)"))
    return plan


def _prologue(shapes: Graph, node: Node) -> str:
    """PREFIX lines from the ``sh:prefixes`` declarations of a SHACL-SPARQL node (SHACL §5.2.1)."""
    lines = []
    for holder in shapes.objects(node, SH.prefixes):
        for decl in shapes.objects(holder, SH.declare):
            prefix, ns = shapes.value(decl, SH.prefix), shapes.value(decl, SH.namespace)
            if prefix is not None and ns is not None:
                lines.append(f"PREFIX {prefix}: <{ns}>")
    return "\n".join(lines) + ("\n" if lines else "")


def _literal_line(text: str, query: str) -> int | None:
    """The line of ``text`` where the (first line of the) query literal starts."""
    first = next((ln.strip() for ln in query.splitlines() if ln.strip()), "")
    at = text.find(first) if first else -1
    return text.count("\n", 0, at) + 1 if at >= 0 else None


def check_shacl_sparql(dataset: Dataset) -> list[Finding]:
    """``sh:select`` / ``sh:ask`` of every shapes file: parseable, and without SERVICE."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    findings: list[Finding] = []
    for g in dataset.graphs_of("shapes"):
        file = dataset.files[g]
        nodes = [q for p in (SH.select, SH.ask) for q in dataset.store.quads_for_pattern(
            None, ox.NamedNode(str(p)), None, ox.NamedNode(g))]
        if not nodes:
            continue
        shapes = dataset.shapes
        text = file.path.read_text(encoding="utf-8")
        for q in sorted(nodes, key=lambda q: (lexical(q.object), str(q.subject))):
            query = lexical(q.object)
            start = _literal_line(text, query)
            kind = "sh:select" if q.predicate.value == str(SH.select) else "sh:ask"
            if uses_service(query):
                findings.append(Finding(
                    "violation", "shapes", f"{kind} uses SERVICE: validation never queries another endpoint",
                    file=file.relpath, line=start, value=query[:200],
                    hint="SHACL-SPARQL queries must work on the data graph alone (SHACL §5.2.1); remove SERVICE"))
                continue
            prologue = _prologue_of(shapes, query)
            body = re.sub(r"\$PATH\b", "<urn:dprk-ld:path>", query)  # pre-bound by the engine (§5.3.1)
            try:
                parseQuery(prologue + body)
            except ParseException as exc:
                qline = exc.lineno - prologue.count("\n")
                line = start + qline - 1 if start and qline >= 1 else start
                message = str(exc).split("\n")[0]
                findings.append(Finding(
                    "violation", "shapes", f"{kind} is not valid SPARQL: {message}", file=file.relpath,
                    line=line, value=query[:200],
                    hint="fix the query (SHACL-SPARQL §5: a SELECT with $this, or an ASK); declare its prefixes "
                         "with sh:prefixes"))
    return findings


def _prologue_of(shapes: Graph, query: str) -> str:
    """Prefixes for a query: the sh:prefixes of the (first) node that holds it as sh:select or sh:ask."""
    for p in (SH.select, SH.ask):
        for s, o in shapes.subject_objects(p):
            if str(o) == query:
                found = _prologue(shapes, s)
                if found:
                    return found
    return ""
