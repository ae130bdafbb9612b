"""The Wikidata-style view (dprk_ld.wikidata): shape, ranks, truthy triples, mappings, shapes, queries."""

from __future__ import annotations

import csv
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from dprk_ld.load import load_project
from dprk_ld.wikidata import view as w

from .conftest import require_path

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "wikidata" / "project"
QUERIES = HERE.parent / "docs" / "wikidata-queries"
SHARED = HERE.parent.parent / "shared"

WB = rdflib.Namespace(w.WIKIBASE)
DP, DPS, DPQ, DPR, DPT = (rdflib.Namespace(ns) for ns in (w.PROP, w.PROP_STATEMENT, w.PROP_QUALIFIER,
                                                          w.PROP_REFERENCE, w.PROP_DIRECT))
STATE = rdflib.Namespace("https://w3id.org/dprk-ld/id/state/")
STMT = rdflib.Namespace(w.STATEMENT)
PROV = rdflib.Namespace(w.PROV)


@pytest.fixture(scope="module")
def dataset():
    return load_project(FIXTURE)


@pytest.fixture(scope="module")
def view(dataset) -> rdflib.Graph:
    return w.wikidata_view(dataset)


def test_one_statement_per_claim(dataset, view):
    claims = {r["c"].value for r in dataset.store.query(
        "SELECT ?c WHERE { ?c <https://w3id.org/dprk-ld/ontology#citation> ?x }", use_default_graph_as_union=True)}
    statements = set(view.subjects(rdflib.RDF.type, WB.Statement))
    assert len(statements) == len(claims) == 11
    assert {str(o) for s in statements for o in view.objects(s, rdflib.RDFS.seeAlso)} == claims


def test_main_snak_qualifiers_and_reference(view):
    st = STMT["t001-rus-prk-relations"]
    assert (STATE.PRK, DP.diplomaticRelation, st) in view
    assert view.value(st, DPS.diplomaticRelation) == STATE.RUS
    assert view.value(st, WB.rank) == WB.PreferredRank
    assert view.value(st, DPQ.startTime) == rdflib.Literal("1948-10-12", datatype=rdflib.XSD.date)
    assert view.value(st, DPQ.relationStatus) == rdflib.URIRef("https://w3id.org/dprk-ld/ontology#Maintained")
    refs = sorted(view.objects(st, PROV.wasDerivedFrom))
    assert len(refs) == 2
    ref = rdflib.URIRef(w.REFERENCE + "t001-rus-prk-relations-c1")
    assert (ref, rdflib.RDF.type, WB.Reference) in view
    assert view.value(ref, DPR.quote) == rdflib.Literal('Rusia dan Korea Utara menjalin hubungan "sejak 1948"',
                                                         lang="id")
    assert view.value(ref, DPR.statedIn) == rdflib.URIRef("https://w3id.org/dprk-ld/id/source/t001")
    assert view.value(ref, DPR.referenceUrl) == rdflib.URIRef("https://example.org/test-article-1")


def test_ranks_and_deprecation(view):
    st = STMT["t002-rus-prk-severed"]
    assert view.value(st, WB.rank) == WB.DeprecatedRank
    assert view.value(st, DPQ.reasonForDeprecatedRank) == rdflib.Literal(
        "Test: contradicted by the preferred claim.", lang="en")
    assert view.value(st, DPQ.contradicts) == STMT["t001-rus-prk-relations"]
    assert (st, rdflib.RDF.type, WB.BestRank) not in view
    assert (STMT["t001-rus-prk-relations"], rdflib.RDF.type, WB.BestRank) in view


def test_truthy_triples(view):
    truthy = {(s, o) for s, o in view.subject_objects(DPT.diplomaticRelation)}
    # symmetric: both directions; the preferred RUS-PRK claim wins over the deprecated severance
    assert (STATE.RUS, STATE.PRK) in truthy and (STATE.PRK, STATE.RUS) in truthy
    assert (STATE.CHN, STATE.PRK) in truthy and (STATE.CUB, STATE.PRK) in truthy
    # a recorded absence of relations has no truthy triple
    assert (STATE.KOR, STATE.PRK) not in truthy and (STATE.PRK, STATE.KOR) not in truthy
    assert (STATE.PRK, DPT.transfersTo, STATE.RUS) in view
    # no value (a statement with no addressee): a statement, but no truthy triple
    kim = STMT["t001-kim-statement"]
    assert view.value(kim, DPS.statementTo) is None
    assert not list(view.subject_objects(DPT.statementTo))


def test_event_subject_is_the_claim_and_participants_are_qualifiers(view):
    war = rdflib.URIRef("https://w3id.org/dprk-ld/id/claim/t002-korean-war")
    st = STMT["t002-korean-war"]
    assert (war, DP.participant, st) in view
    assert view.value(st, DPS.participant) == STATE.KOR
    assert set(view.objects(st, DPQ.participant)) == {STATE.PRK, STATE.USA}


def test_property_entities_and_wikidata_mappings(view):
    entity = rdflib.URIRef(w.PROPERTY_ENTITY + "diplomaticRelation")
    assert (entity, rdflib.RDF.type, WB.Property) in view
    assert view.value(entity, WB.directClaim) == DPT.diplomaticRelation
    assert view.value(entity, WB.statementProperty) == DPS.diplomaticRelation
    skos = rdflib.SKOS
    assert (DPT.diplomaticRelation, skos.closeMatch, rdflib.URIRef(w.WDT + "P530")) in view
    assert (DPQ.pointInTime, skos.exactMatch, rdflib.URIRef(w.WD_PQ + "P585")) in view
    assert (DPR.quote, skos.exactMatch, rdflib.URIRef(w.WD_PR + "P1683")) in view


def test_mappings_use_only_verified_pids():
    pids = {pid for _, pid in w.WIKIDATA_MAPPINGS.values()}
    table = require_path(SHARED / "wikidata-properties.tsv", "../shared/wikidata-properties.tsv")
    rows = [r for r in csv.reader(table.open(encoding="utf-8"), delimiter="\t") if r and r[0].startswith("P")]
    assert pids <= {r[0] for r in rows}


def test_view_validates_against_its_shapes(dataset):
    conforms, text = w.validate_view(dataset)
    assert conforms, text


def test_shapes_catch_a_statement_without_rank_or_reference(dataset):
    import pyshacl

    graph = w.wikidata_view(dataset)
    st = STMT["t001-cub-prk-relations"]
    graph.remove((st, WB.rank, None))
    graph.remove((st, PROV.wasDerivedFrom, None))
    dep = STMT["t002-rus-prk-severed"]
    graph.remove((dep, DPQ.reasonForDeprecatedRank, None))
    conforms, report, _ = pyshacl.validate(graph, shacl_graph=w.view_shapes(), inference="none")
    assert not conforms
    focus = {str(o) for o in report.objects(None, rdflib.SH.focusNode)}
    assert {str(st), str(dep)} <= focus
    paths = {str(o) for o in report.objects(None, rdflib.SH.resultPath)}
    assert {w.WIKIBASE + "rank", w.PROV + "wasDerivedFrom"} <= paths


def test_view_is_deterministic_and_nquads_carry_the_graph(dataset):
    first = w.wikidata_view_nquads(dataset)
    assert first == w.wikidata_view_nquads(load_project(FIXTURE))
    lines = first.decode().splitlines()
    assert lines == sorted(lines)
    assert all(line.endswith(f"<{w.VIEW_GRAPH}> .") for line in lines)
    assert len(lines) == len(w.view_triples(dataset))


def test_add_wikidata_view_is_idempotent():
    dataset = load_project(FIXTURE)
    before = len(dataset.store)
    n = w.add_wikidata_view(dataset)
    assert n > 0 and len(dataset.store) == before + n
    assert w.add_wikidata_view(dataset) == n and len(dataset.store) == before + n
    assert dataset.store.contains_named_graph(ox.NamedNode(w.VIEW_GRAPH))


@pytest.fixture(scope="module")
def served():
    dataset = load_project(FIXTURE)
    w.add_wikidata_view(dataset)
    return dataset


def _run(dataset, name: str) -> list[dict[str, str]]:
    text = (QUERIES / name).read_text(encoding="utf-8")
    result = dataset.store.query(text, use_default_graph_as_union=True)
    variables = [v.value for v in result.variables]
    return [{v: (row[v].value if row[v] is not None else None) for v in variables} for row in result]


def test_example_queries_exist():
    assert sorted(p.name for p in QUERIES.glob("*.rq")) == [
        "deprecated-statements.rq", "relations-with-references.rq", "truthy-partners-with-qids.rq"]


def test_example_query_relations_with_references(served):
    rows = _run(served, "relations-with-references.rq")
    rus = [r for r in rows if {r["aLabel"], r["bLabel"]} == {"Russia", "North Korea"}]
    assert {r["rank"] for r in rus} == {w.WIKIBASE + "PreferredRank", w.WIKIBASE + "DeprecatedRank"}
    assert any(r["since"] == "1948-10-12" and "sejak 1948" in r["quote"] for r in rus)
    assert all(r["article"].startswith("https://w3id.org/dprk-ld/id/source/") for r in rows)


def test_example_query_truthy_partners(served):
    rows = _run(served, "truthy-partners-with-qids.rq")
    assert [r["partnerLabel"] for r in rows] == ["China", "Cuba", "Japan", "Russia", "Testland"]
    assert {r["partnerLabel"]: r["item"] for r in rows}["Russia"] == "http://www.wikidata.org/entity/Q159"
    assert {r["partnerLabel"]: r["item"] for r in rows}["Testland"] is None


def test_example_query_deprecated_statements(served):
    rows = _run(served, "deprecated-statements.rq")
    assert [(r["statement"], r["preferred"]) for r in rows] == [
        (w.STATEMENT + "t002-rus-prk-severed", w.STATEMENT + "t001-rus-prk-relations")]


@pytest.fixture(scope="module")
def real_view() -> rdflib.Graph:
    return w.wikidata_view(load_project(HERE.parent))


def test_real_flagged_claim_keeps_its_statement_but_is_not_truthy(real_view):
    st = STMT["a000-usa-official-relations"]
    assert (st, rdflib.RDF.type, WB.Statement) in real_view  # still in the view, with rank and references
    assert real_view.value(st, WB.rank) == WB.NormalRank
    assert (st, rdflib.RDF.type, WB.BestRank) not in real_view
    assert (STATE.PRK, DPT.diplomaticRelation, STATE.USA) not in real_view
    assert (STATE.USA, DPT.diplomaticRelation, STATE.PRK) not in real_view
    assert real_view.value(st, DPQ.reviewStatus) == rdflib.URIRef(
        "https://w3id.org/dprk-ld/ontology#FlaggedForReview")
    # an unflagged relation of the same kind is truthy
    assert (STATE.PRK, DPT.diplomaticRelation, STATE.BGR) in real_view or \
        (STATE.BGR, DPT.diplomaticRelation, STATE.PRK) in real_view


def test_real_same_event_and_contradiction_links_point_to_statements(real_view):
    st = STMT["a000-only-allies-russia-bulgaria"]
    assert real_view.value(st, WB.rank) == WB.DeprecatedRank
    assert (st, DPQ.contradicts, STMT["a003-china-main-ally"]) in real_view
    assert (STMT["a000-russia-debt-write-off"], DPQ.sameEventAs, STMT["a004-russia-debt-write-off-2012"]) in real_view
