"""The checks of ``dprk-ld validate`` that read the data, as SPARQL sent to an external store.

Each function gives the findings its embedded counterpart gives on the same data (same messages,
foci and hints), with the data read through the SPARQL 1.1 Protocol by
:class:`~dprk_ld.remote.RemoteDataset`; nothing is written to the store, nothing large is held:

- :func:`shacl_findings`: the SHACL engine's compiled queries (:func:`dprk_ld.shacl.remote.validate_remote`),
  the class hierarchy and the ontology's named individuals as client-side sets;
- :func:`used_terms`: vocabulary closure over the data graphs (the shapes are local);
- :func:`citation_findings`: uncited claims and the counts as aggregate queries, quotes paged through;
- :func:`violation_findings`: the project's ``queries/*-violation.rq``, paged;
- :func:`owl_sample`: a sample of individuals (the first of each class) for HermiT, fetched.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..namespaces import ONTOLOGY_NS
from ..query.catalog import load_catalog, violation_queries
from ..query.params import prepare
from ..query.results import solutions
from ..query.text import strip_comments, with_prologue
from ..remote import RemoteDataset
from ..remote.client import projection
from ..shacl import Report as EngineReport
from ..shacl.remote import validate_remote
from .citations import CitationStats, quote_problem, read_sources
from .common import short
from .report import Finding
from .shacl_fast import findings_from_results

RDFS_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
OWL_INDIVIDUAL = "http://www.w3.org/2002/07/owl#NamedIndividual"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _local(ds: RemoteDataset, text: str) -> list[ox.QuerySolution]:
    return list(solutions(ds.store.query(text, use_default_graph_as_union=True)))


def hierarchy(ds: RemoteDataset) -> list[tuple[str, str]]:
    """``rdfs:subClassOf`` between named classes: the ontology's (local) and the data's (remote)."""
    q = f"SELECT ?s ?o WHERE {{ ?s <{RDFS_SUBCLASS}> ?o FILTER(isIRI(?s) && isIRI(?o)) }}"
    pairs = {(r[0].value, r[1].value) for r in _local(ds, q)}
    pairs |= {(r[0].value, r[1].value) for r in ds.endpoint.select_paged(q, ds.data_graphs)}
    return sorted(pairs)


def individuals(ds: RemoteDataset) -> list[tuple[str, str]]:
    """(individual, class): the types of the ontology's named individuals (what the embedded run copies)."""
    q = (f"SELECT ?i ?t WHERE {{ ?i a <{OWL_INDIVIDUAL}> ; a ?t "
         f"FILTER(isIRI(?i) && isIRI(?t) && ?t != <{OWL_INDIVIDUAL}>) }}")
    return sorted({(r[0].value, r[1].value) for r in _local(ds, q)})


def shacl_findings(ds: RemoteDataset, threads: int = 2) -> tuple[list[Finding], EngineReport]:
    """SHACL on the data graphs in the store; blank-node foci get no file:line (the store cannot be asked
    about a blank node again)."""
    ep = ds.endpoint
    report = validate_remote(lambda text: ep.select_paged(text, ds.data_graphs), ds.shapes, hierarchy(ds),
                             individuals(ds), threads=threads)
    ds.defer_locate = True  # located with the other checks' findings, in one pass over the files
    try:
        return findings_from_results(ds, report, "shacl", lambda node: None), report
    finally:
        ds.defer_locate = False


def used_terms(ds: RemoteDataset) -> dict[str, set[str]]:
    """Terms of our namespace in the data graphs: term -> graphs using it (``""``: the default graph)."""
    flt = f'FILTER(isIRI(?t) && STRSTARTS(STR(?t), "{ONTOLOGY_NS}"))'
    used: dict[str, set[str]] = {}
    if ds.data_graphs is None:
        q = f"SELECT DISTINCT ?t WHERE {{ {{ ?t ?p ?o }} UNION {{ ?s ?t ?o }} UNION {{ ?s ?p ?t }} {flt} }}"
        for row in ds.endpoint.select_paged(q):
            used.setdefault(row[0].value, set()).add("")
        return used
    # one query per position: each is one scan of an index the store keeps (SPO, PSO/POS, OSP). The
    # GROUP BY keeps the string test off the scan: Oxigraph otherwise decodes every quad's term for it
    # (1M triples, 8 graphs: 4.2-6.1 s per position with the FILTER on the scan, 1.5-2.4 s after the GROUP BY)
    for pattern in ("?t ?p ?o", "?s ?t ?o", "?s ?p ?t"):
        q = f"SELECT ?g ?t WHERE {{ {{ SELECT ?g ?t WHERE {{ GRAPH ?g {{ {pattern} }} }} GROUP BY ?g ?t }} {flt} }}"
        for row in ds.endpoint.select_paged(q, named_graphs=ds.data_graphs):
            used.setdefault(row[1].value, set()).add(row[0].value)
    return used


def _claim_types(ds: RemoteDataset, classes: list[tuple[str, str]]) -> str:
    children: dict[str, set[str]] = {}
    for sub, sup in classes:
        children.setdefault(sup, set()).add(sub)
    seen, todo = {ONTOLOGY_NS + "Claim"}, [ONTOLOGY_NS + "Claim"]
    while todo:
        for k in children.get(todo.pop(), ()):
            if k not in seen:
                seen.add(k)
                todo.append(k)
    return " ".join(f"<{c}>" for c in sorted(seen))


def citation_findings(ds: RemoteDataset, sources: Path | None, classes: list[tuple[str, str]]
                      ) -> tuple[list[Finding], CitationStats]:
    """As :func:`dprk_ld.validate.citations.check_citations`, with the claim classes as a client-side set."""
    ep, graphs = ds.endpoint, ds.data_graphs
    stats = CitationStats()
    d = f"<{ONTOLOGY_NS}"
    claims = f"VALUES ?type {{ {_claim_types(ds, classes)} }} ?claim a ?type ."
    stats.claims = int(next(iter(ep.select(f"SELECT (COUNT(DISTINCT ?claim) AS ?n) WHERE {{ {claims} }}",
                                           graphs)))[0].value)
    stats.citations = int(next(iter(ep.select(f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c a {d}Citation> }}",
                                              graphs)))[0].value)
    # the claims MINUS the cited ones, each triple pattern its own subquery so that Oxigraph joins them by
    # hashing: 1M triples, 8 graphs: 1.4 s, against 8.7-20 s for GROUP BY/HAVING over an OPTIONAL (one index
    # lookup per claim and per citation) and more than 7 minutes for FILTER NOT EXISTS
    cited = (f"SELECT DISTINCT ?claim WHERE {{ {{ SELECT ?claim ?c WHERE {{ ?claim {d}citation> ?c }} }} "
             f"{{ SELECT DISTINCT ?c WHERE {{ {{ SELECT ?c WHERE {{ ?c {d}source> ?src }} }} "
             f"{{ SELECT ?c WHERE {{ ?c {d}quote> ?quote FILTER(STRLEN(STR(?quote)) > 0) }} }} }} }} }}")
    uncited = f"SELECT DISTINCT ?claim WHERE {{ {claims} MINUS {{ {cited} }} }}"
    findings = [Finding("violation", "citations",
                        f"{short(row[0].value)} has no citation with a source and a non-empty quote",
                        focus=row[0].value,
                        hint="add dprk:citation with dprk:source and dprk:quote (use `dprk-ld cite FILE \"QUOTE\"`)")
                for row in ep.select_paged(uncited, graphs)]
    if sources is None:
        return findings, stats
    q = (f"SELECT ?src ?sha ?name WHERE {{ ?src a {d}SourceArticle> OPTIONAL {{ ?src {d}sha256> ?sha }} "
         f"OPTIONAL {{ ?src {d}fileName> ?name }} }}")
    texts, problems = read_sources(sources, ((row[0].value, row[1].value if row[1] else None,
                                              row[2].value if row[2] else None) for row in ep.select_paged(q, graphs)))
    findings += [Finding("violation", "citations", message, focus=src, hint=hint) for src, message, hint in problems]
    q = (f"SELECT ?c ?src ?quote ?start ?end WHERE {{ ?c a {d}Citation> ; {d}source> ?src ; {d}quote> ?quote ; "
         f"{d}startOffset> ?start ; {d}endOffset> ?end }}")
    for row in ep.select_paged(q, graphs):
        cit, src = row[0].value, row[1].value
        text = texts.get(src)
        if text is None:
            continue
        stats.quotes_checked += 1
        quote = row[2].value
        try:
            start, end = int(row[3].value), int(row[4].value)
        except ValueError:
            continue
        problem = quote_problem(text, quote, start, end)
        if problem is not None:
            findings.append(Finding("violation", "citations", problem[0], focus=cit, value=quote, hint=problem[1]))
    return findings, stats


def violation_findings(ds: RemoteDataset) -> list[Finding]:
    """The project's ``*-violation.rq`` on every graph of ours (as the embedded union default graph)."""
    if not ds.project.queries:
        return []
    findings: list[Finding] = []
    everything = ds.remote_graphs or None
    for cq in violation_queries(load_catalog(ds.project)):
        text = with_prologue(strip_comments(prepare(cq, {})))
        names = projection(text)
        rows = ds.endpoint.select_paged(text, everything) if names else ds.endpoint.select(text, everything)
        for row in rows:
            var = "focus" if "focus" in names else (names[0] if names else None)
            focus = row[var] if var else row[0]
            message = row["message"] if "message" in names else None
            findings.append(Finding("violation", "queries", message.value if message is not None else cq.title,
                                    focus=focus.value if focus is not None else None,
                                    hint=f"found by queries/{cq.path.name}: {cq.description}".strip()))
    return findings


def owl_sample(ds: RemoteDataset, per_class: int) -> tuple[int, list[ox.Triple]]:
    """(individuals, triples): the first ``per_class`` IRIs of each class in the data (the store's order),
    their triples and their values' types — HermiT's share of the data at scale."""
    ep, graphs = ds.endpoint, ds.data_graphs
    classes = [r[0].value for r in ep.select_paged("SELECT DISTINCT ?t WHERE { ?s a ?t }", graphs)]
    chosen: set[str] = set()
    for c in classes:
        q = f"SELECT DISTINCT ?s WHERE {{ ?s a <{c}> FILTER(isIRI(?s)) }} LIMIT {per_class}"
        chosen |= {r[0].value for r in ep.select(q, graphs)}
    if not chosen:
        return 0, []
    values = " ".join(f"<{s}>" for s in sorted(chosen))
    q = (f"CONSTRUCT {{ ?s ?p ?o . ?o <{RDF_TYPE}> ?t }} WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o "
         f"OPTIONAL {{ ?o <{RDF_TYPE}> ?t }} }}")
    return len(chosen), ep.construct(q, graphs)


__all__ = ["citation_findings", "hierarchy", "individuals", "owl_sample", "shacl_findings",
           "used_terms", "violation_findings"]
