"""Reconcile our state–state relations and Wikidata links with a Wikidata-shaped SPARQL endpoint.

Implements a comparison over SPARQL 1.1 Protocol (through :func:`dprk_ld.query.run_remote`)
against any endpoint holding Wikidata's RDF shape (mediawiki.org/wiki/Wikibase/Indexing/RDF_Dump_Format):
``p:P530``/``ps:P530`` statements with ``wikibase:rank`` and ``pq:P582`` end times, and
``rdfs:label``. For each of our non-deprecated diplomatic-relation claims between two parties
linked to QIDs it reports whether the endpoint agrees, lacks the relation (missing) or
contradicts it (conflict: we record the relations as absent or severed and the endpoint has a
current P530, or the reverse); for each entity we link to Wikidata, whether the endpoint's
English label is one of our English labels. Claims that cannot be compared are listed too.
docs/wikidata.md shows how to run it against https://query.wikidata.org/sparql.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import pyoxigraph as ox

from ..load import Dataset
from ..namespaces import ONTOLOGY_NS
from ..query import run_remote
from ..query.results import lexical
from .view import RDF_TYPE, RDFS, SKOS, Props, claim_class, claim_nodes, triples_by_subject, wikidata_links

PROLOGUE = """PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX p: <http://www.wikidata.org/prop/>
PREFIX ps: <http://www.wikidata.org/prop/statement/>
PREFIX pq: <http://www.wikidata.org/prop/qualifier/>
PREFIX wikibase: <http://wikiba.se/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
RELATIONS_QUERY = PROLOGUE + """SELECT ?a ?b ?rank ?end WHERE {
  VALUES (?a ?b) { %s }
  ?a p:P530 ?st . ?st ps:P530 ?b ; wikibase:rank ?rank .
  OPTIONAL { ?st pq:P582 ?end }
}"""
LABELS_QUERY = PROLOGUE + """SELECT ?item ?label WHERE {
  VALUES ?item { %s }
  ?item rdfs:label ?label . FILTER(LANGMATCHES(LANG(?label), "en"))
}"""
BATCH = 100
DEPRECATED = "http://wikiba.se/ontology#DeprecatedRank"
POSITIVE = {None, "Established", "Maintained"}


@dataclass(frozen=True)
class Finding:
    """One comparison: a relation (our claim) or a label (our entity), and the verdict."""

    kind: str       # "relation" | "label"
    verdict: str    # "agree" | "missing" | "conflict"
    subject: str    # our claim IRI (relation) or entity IRI (label)
    qids: tuple[str, ...]
    ours: str
    theirs: str
    detail: str


@dataclass
class ReconcileReport:
    endpoint: str
    findings: list[Finding] = field(default_factory=list)
    not_compared: list[tuple[str, str]] = field(default_factory=list)  # (claim IRI, why)

    def _of(self, verdict: str) -> list[Finding]:
        return [f for f in self.findings if f.verdict == verdict]

    @property
    def agree(self) -> list[Finding]:
        return self._of("agree")

    @property
    def missing(self) -> list[Finding]:
        return self._of("missing")

    @property
    def conflict(self) -> list[Finding]:
        return self._of("conflict")

    def to_json(self) -> dict[str, Any]:
        return {
            "endpoint": self.endpoint,
            "counts": {v: len(self._of(v)) for v in ("agree", "missing", "conflict")},
            **{v: [asdict(f) for f in self._of(v)] for v in ("agree", "missing", "conflict")},
            "not_compared": [{"subject": s, "reason": r} for s, r in self.not_compared],
        }

    def table(self) -> str:
        header = ("verdict", "kind", "QIDs", "ours", "endpoint", "detail")
        rows = [(f.verdict, f.kind, " ".join(f.qids), f.ours, f.theirs, f.detail) for f in self.findings]
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
        lines = ["  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
                 for r in [header, *rows]]
        lines.insert(1, "  ".join("-" * w for w in widths))
        counts = ", ".join(f"{len(self._of(v))} {v}" for v in ("agree", "missing", "conflict"))
        tail = [f"{counts}; {len(self.not_compared)} claims not compared"]
        tail += [f"  not compared {s}: {r}" for s, r in self.not_compared]
        return "\n".join(lines + tail) + "\n"


def _status(props: Props) -> str | None:
    values = props.get(ONTOLOGY_NS + "relationStatus", ())
    return lexical(values[0])[len(ONTOLOGY_NS):] if values else None


def _relations(dataset: Dataset, qids: dict[str, str], report: ReconcileReport) -> list[Relation]:
    out: list[Relation] = []
    claims, _, _ = claim_nodes(dataset)
    for claim, props in sorted(claims.items()):
        if claim_class(props.get(RDF_TYPE, ())) != "DiplomaticRelation":
            continue
        rank = props.get(ONTOLOGY_NS + "rank", ())
        if rank and lexical(rank[0]) == ONTOLOGY_NS + "DeprecatedRank":
            report.not_compared.append((claim, "deprecated rank"))
            continue
        parties = props.get(ONTOLOGY_NS + "party", ())
        linked = [qids.get(lexical(p)) for p in parties]
        if len(parties) != 2 or None in linked:
            report.not_compared.append((claim, "not two parties linked to verified QIDs"))
            continue
        a, b = sorted((q for q in linked if q is not None), key=lambda q: int(q[1:]))
        out.append((claim, a, b, _status(props)))
    return out


#: (claim IRI, QID, QID, relation status) of one of our diplomatic-relation claims
Relation = tuple[str, str, str, "str | None"]
#: two QIDs in numeric order
Pair = tuple[str, str]
#: (rank IRI, has an end time) of one P530 statement
Statement = tuple[str, bool]


def _wd(qid: str) -> str:
    return f"wd:{qid}"


def _remote_relations(endpoint: str, pairs: set[tuple[str, str]], timeout: float) -> dict[Pair, list[Statement]]:
    """``{(qa, qb): [(rank, has end)]}`` for P530 statements in either direction."""
    found: dict[Pair, list[Statement]] = {}
    ordered = sorted(pairs)
    for i in range(0, len(ordered), BATCH):
        chunk = ordered[i:i + BATCH]
        values = " ".join(f"({_wd(a)} {_wd(b)}) ({_wd(b)} {_wd(a)})" for a, b in chunk)
        for row in run_remote(endpoint, RELATIONS_QUERY % values, timeout).rows:
            qa, qb = lexical(row["a"]).rsplit("/", 1)[-1], lexical(row["b"]).rsplit("/", 1)[-1]
            first, second = sorted((qa, qb), key=lambda q: int(q[1:]))
            key = (first, second)
            found.setdefault(key, []).append((lexical(row["rank"]), row["end"] is not None))
    return found


def _relation_finding(claim: str, a: str, b: str, status: str | None, statements: list[Statement]) -> Finding:
    current = [s for s in statements if s[0] != DEPRECATED and not s[1]]
    ended = [s for s in statements if s[0] != DEPRECATED and s[1]]
    theirs = "P530 current" if current else "P530 ended (P582)" if ended else "no P530"
    ours = f"relation {status or 'recorded'}"
    if status in POSITIVE:
        if current:
            return Finding("relation", "agree", claim, (a, b), ours, theirs, "both record the relation")
        if ended:
            return Finding("relation", "conflict", claim, (a, b), ours, theirs,
                           "we record current relations; the endpoint records them as ended")
        return Finding("relation", "missing", claim, (a, b), ours, theirs, "the endpoint lacks the relation")
    if current:
        return Finding("relation", "conflict", claim, (a, b), ours, theirs,
                       f"we record the relations as {status}; the endpoint has a current P530")
    return Finding("relation", "agree", claim, (a, b), ours, theirs, "neither records current relations")


def _labels(dataset: Dataset, qids: dict[str, str]) -> dict[str, set[str]]:
    nodes = triples_by_subject(dataset, f"?s <{ONTOLOGY_NS}wikidata> ?q .")
    out: dict[str, set[str]] = {}
    for iri, props in nodes.items():
        if iri in qids:
            labels = props.get(RDFS + "label", []) + props.get(SKOS + "altLabel", [])
            out[iri] = {t.value for t in labels if isinstance(t, ox.Literal) and (t.language or "").startswith("en")}
    return out


def _remote_labels(endpoint: str, wanted: list[str], timeout: float) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for i in range(0, len(wanted), BATCH):
        values = " ".join(_wd(q) for q in wanted[i:i + BATCH])
        for row in run_remote(endpoint, LABELS_QUERY % values, timeout).rows:
            found.setdefault(lexical(row["item"]).rsplit("/", 1)[-1], set()).add(lexical(row["label"]))
    return found


def reconcile(dataset: Dataset, endpoint_url: str, timeout: float = 30) -> ReconcileReport:
    """Compare our diplomatic relations and entity labels with a Wikidata-shaped endpoint.

    Raises :class:`dprk_ld.errors.EndpointError` when the endpoint cannot be reached or fails.
    """
    report = ReconcileReport(endpoint_url)
    qids = wikidata_links(dataset)
    relations = _relations(dataset, qids, report)
    remote = _remote_relations(endpoint_url, {(a, b) for _, a, b, _ in relations}, timeout) if relations else {}
    for claim, a, b, status in relations:
        report.findings.append(_relation_finding(claim, a, b, status, remote.get((a, b), [])))
    ours = _labels(dataset, qids)
    theirs = _remote_labels(endpoint_url, sorted({qids[e] for e in ours}, key=lambda q: int(q[1:])), timeout)
    for entity in sorted(ours, key=lambda e: int(qids[e][1:])):
        qid, mine = qids[entity], ours[entity]
        shown = " | ".join(sorted(mine)) or "(no English label)"
        their = theirs.get(qid, set())
        if not their:
            report.findings.append(Finding("label", "missing", entity, (qid,), shown, "",
                                           "the endpoint has no English label for this QID"))
        elif {t.casefold() for t in their} & {m.casefold() for m in mine}:
            report.findings.append(Finding("label", "agree", entity, (qid,), shown, " | ".join(sorted(their)),
                                           "an English label matches"))
        else:
            report.findings.append(Finding("label", "conflict", entity, (qid,), shown, " | ".join(sorted(their)),
                                           "no English label in common (check the link, or add an alias)"))
    return report
