"""OWL 2 DL consistency of ontology + data with HermiT (as distributed with owlready2).

Implements the consistency check of OWL 2 Direct Semantics. The ontology and
data graphs are written as N-Triples (owlready2 and HermiT do not read Turtle)
and handed to the HermiT shipped in owlready2, with
``--ignoreUnsupportedDatatypes`` because xsd:date, xsd:gYear and
xsd:gYearMonth are outside the OWL 2 datatype map (SHACL checks dates).
HermiT only says *that* the whole is inconsistent; we then name the
individuals and axioms involved: individuals whose asserted or
domain/range-implied classes are declared disjoint, and failing that, the
data files that are inconsistent with the ontology on their own.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.collection import Collection

from ..load import Dataset
from ..report import Finding
from .common import finding_at, short


class ReasonerUnavailable(Exception):
    """Java or HermiT cannot be run here: the check is skipped (or fails with --require-reasoner)."""


def _hermit_command(path: Path) -> list[str]:
    try:
        import owlready2
        from owlready2 import reasoning
    except ImportError as exc:  # pragma: no cover - a dependency
        raise ReasonerUnavailable(f"owlready2 is not installed ({exc})") from exc
    java = shutil.which(owlready2.JAVA_EXE) or shutil.which("java")
    if java is None:
        raise ReasonerUnavailable("Java is not installed (HermiT runs on the JVM; install a JRE, e.g. "
                                  "`apt-get install default-jre-headless`)")
    return [java, f"-Xmx{owlready2.JAVA_MEMORY}M", "-cp", reasoning._HERMIT_CLASSPATH,
            "org.semanticweb.HermiT.cli.CommandLine", "-k", "--ignoreUnsupportedDatatypes", path.as_uri()]


def _write_ntriples(dataset: Dataset, graphs: list[str], path: Path) -> None:
    with path.open("wb") as out:
        for g in graphs:
            dataset.store.dump(out, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(g))


def run_hermit(dataset: Dataset, graphs: list[str], timeout: float = 300) -> tuple[bool, str]:
    """(consistent?, HermiT's message) for the union of the given named graphs."""
    with tempfile.TemporaryDirectory(prefix="dprk-ld-owl-") as tmp:
        path = Path(tmp) / "ontology-and-data.nt"
        _write_ntriples(dataset, graphs, path)
        command = _hermit_command(path)
        try:
            proc = subprocess.run(command, capture_output=True, timeout=timeout, text=True)
        except FileNotFoundError as exc:
            raise ReasonerUnavailable(f"cannot start Java: {exc}") from exc
        except subprocess.TimeoutExpired as exc:
            raise ReasonerUnavailable(f"HermiT did not finish within {timeout:.0f} s") from exc
    output = (proc.stdout or "") + (proc.stderr or "")
    if proc.returncode == 0 and "is satisfiable" in output:
        return True, output.strip()
    if "InconsistentOntologyException" in output or "Inconsistent ontology" in output:
        return False, "inconsistent"
    first = next((ln for ln in output.splitlines() if "Exception" in ln), output.strip()[:300])
    raise ReasonerUnavailable(f"HermiT failed: {first}")


def _disjoint_pairs(g: Graph) -> dict[URIRef, set[URIRef]]:
    pairs: dict[URIRef, set[URIRef]] = defaultdict(set)
    for a, b in g.subject_objects(OWL.disjointWith):
        pairs[a].add(b)
        pairs[b].add(a)
    for node in g.subjects(RDF.type, OWL.AllDisjointClasses):
        members = list(Collection(g, g.value(node, OWL.members)))
        for a in members:
            pairs[a].update(m for m in members if m != a)
    return pairs


def explain_disjointness(dataset: Dataset) -> list[Finding]:
    """Individuals whose classes (asserted, inherited, or implied by domain/range) are disjoint."""
    onto, data = dataset.ontology, dataset.data
    supers: dict[URIRef, set[URIRef]] = {}

    def closure(cls: URIRef) -> set[URIRef]:
        if cls not in supers:
            supers[cls] = {cls}
            for parent in onto.objects(cls, RDFS.subClassOf):
                if isinstance(parent, URIRef):
                    supers[cls] |= closure(parent)
        return supers[cls]

    types: dict[URIRef, dict[URIRef, str]] = defaultdict(dict)
    for s, t in data.subject_objects(RDF.type):
        if isinstance(s, URIRef) and isinstance(t, URIRef):
            types[s][t] = f"asserted a {short(str(t))}"
    for prop, dom in onto.subject_objects(RDFS.domain):
        if isinstance(dom, URIRef):
            for s in data.subjects(prop, None):
                if isinstance(s, URIRef):
                    types[s].setdefault(dom, f"subject of {short(str(prop))}, whose domain is {short(str(dom))}")
    for prop, rng in onto.subject_objects(RDFS.range):
        if isinstance(rng, URIRef):
            for o in data.objects(None, prop):
                if isinstance(o, URIRef):
                    types[o].setdefault(rng, f"value of {short(str(prop))}, whose range is {short(str(rng))}")
    disjoint = _disjoint_pairs(onto)
    findings = []
    for ind, reasons in sorted(types.items()):
        expanded = {sup: (cls, why) for cls, why in reasons.items() for sup in closure(cls)}
        seen = set()
        for a, (_cls_a, why_a) in sorted(expanded.items()):
            for b in sorted(disjoint.get(a, ())):
                if b in expanded and frozenset((a, b)) not in seen:
                    seen.add(frozenset((a, b)))
                    cls_b, why_b = expanded[b]
                    findings.append(finding_at(
                        dataset, str(ind), severity="violation", check="owl",
                        message=f"OWL inconsistency: {short(str(ind))} is both a {short(str(a))} ({why_a}) "
                                f"and a {short(str(b))} ({why_b}), but the ontology declares "
                                f"{short(str(a))} and {short(str(b))} disjoint",
                        hint="an individual cannot belong to two disjoint classes: fix its type or the link"))
    return findings


def check_owl(dataset: Dataset) -> list[Finding]:
    """Findings for an inconsistent ontology + data; [] when consistent. Raises ReasonerUnavailable."""
    onto_graphs = dataset.graphs_of("ontology")
    data_graphs = dataset.graphs_of("data")
    consistent, _ = run_hermit(dataset, onto_graphs + data_graphs)
    if consistent:
        return []
    findings = explain_disjointness(dataset)
    if findings:
        return findings
    if not run_hermit(dataset, onto_graphs)[0]:
        return [Finding("violation", "owl", "the ontology itself is inconsistent (HermiT)",
                        file=dataset.files[onto_graphs[0]].relpath if onto_graphs else None,
                        hint="check disjointness and cardinality axioms in ontology/")]
    for g in data_graphs:
        if not run_hermit(dataset, onto_graphs + [g])[0]:
            findings.append(Finding("violation", "owl",
                                    "ontology + this file is inconsistent (HermiT); no disjoint-class clash "
                                    "found, so look at cardinalities, functional properties and owl:sameAs",
                                    file=dataset.files[g].relpath, line=1))
    return findings or [Finding("violation", "owl", "ontology + data is inconsistent (HermiT), but no single "
                                "data file is: the clash spans files")]
