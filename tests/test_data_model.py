"""The curated data keeps the modelling rules of docs/conventions.md (issue 13), checked on the real data.

Contradictions are written in both directions and every side documents its rank; same-event groups are
fully linked and counted once; review status is data; no claim is dated by the sentence that mentions it.
"""

from __future__ import annotations

import pytest

from dprk_ld.load import load_project
from dprk_ld.namespaces import sparql_prologue

from .conftest import ROOT


@pytest.fixture(scope="module")
def ds():
    return load_project(ROOT)


def select(ds, text: str) -> list[dict[str, str | None]]:
    rows = ds.store.query(sparql_prologue() + text, use_default_graph_as_union=True)
    return [{v.value: (row[v].value if row[v] is not None else None) for v in rows.variables} for row in rows]


def test_every_contradiction_link_has_its_inverse(ds):
    links = select(ds, "SELECT ?a ?b WHERE { ?a dprk:contradicts ?b }")
    assert len(links) >= 10
    pairs = {(r["a"], r["b"]) for r in links}
    assert all((b, a) in pairs for a, b in pairs)


def test_contradictions_within_and_across_articles(ds):
    rows = select(ds, """
        SELECT DISTINCT ?a ?b ?sa ?sb WHERE { ?a dprk:contradicts ?b . FILTER(STR(?a) < STR(?b))
          ?a dprk:citation/dprk:source ?sa . ?b dprk:citation/dprk:source ?sb }""")
    assert any(r["sa"] == r["sb"] for r in rows) and any(r["sa"] != r["sb"] for r in rows)


def test_every_claim_has_a_documented_rank_decision(ds):
    """Uncontested claims keep the default (normal rank, docs/conventions.md); every other decision says why."""
    rows = select(ds, """
        SELECT ?claim ?rank ?why ?contested WHERE {
          ?claim a ?t . ?t rdfs:subClassOf* dprk:Claim . ?claim dprk:rank ?rank .
          OPTIONAL { ?claim dprk:rankReason|dprk:deprecationReason ?why }
          BIND(EXISTS { ?claim dprk:contradicts ?x } AS ?contested) }""")
    assert len({r["claim"] for r in rows}) >= 130
    undocumented = [r["claim"] for r in rows if r["why"] is None and (
        r["contested"] == "true" or not r["rank"].endswith("#NormalRank"))]
    assert undocumented == []
    ranks = {r["rank"].rsplit("#", 1)[-1] for r in rows}
    assert {"PreferredRank", "NormalRank", "DeprecatedRank"} <= ranks


def test_same_event_groups_are_fully_linked_and_counted_once(ds):
    links = {(r["a"], r["b"]) for r in select(ds, "SELECT ?a ?b WHERE { ?a dprk:sameEventAs ?b }")}
    members = {a for a, _ in links}
    assert len(members) >= 10
    for a, b in links:
        assert (b, a) in links and a != b
        assert all((a, c) in links for (x, c) in links if x == b and c != a)  # transitive closure
    claims = select(ds, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a dprk:Transfer }")[0]["n"]
    events = select(ds, """SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a dprk:Transfer
                          FILTER NOT EXISTS { ?c dprk:sameEventAs ?s FILTER(STR(?s) < STR(?c)) } }""")[0]["n"]
    transfers = {r["c"] for r in select(ds, "SELECT ?c WHERE { ?c a dprk:Transfer }")}
    groups = {frozenset({a} | {b for x, b in links if x == a}) for a in members & transfers}
    assert len(groups) >= 3
    assert int(events) == int(claims) - sum(len(g) - 1 for g in groups)


def test_the_debt_write_off_counts_once(ds):
    rows = select(ds, """
        SELECT (COUNT(DISTINCT ?event) AS ?events) (COUNT(DISTINCT ?claim) AS ?claims) WHERE {
          ?claim a dprk:Transfer ; dprk:transferCategory dprk:DebtRelief .
          OPTIONAL { SELECT ?claim (MIN(STR(?s)) AS ?first) WHERE { ?claim dprk:sameEventAs ?s } GROUP BY ?claim }
          BIND(IF(BOUND(?first) && ?first < STR(?claim), ?first, STR(?claim)) AS ?event) }""")
    assert rows == [{"events": "1", "claims": "2"}]


def test_review_status_is_data(ds):
    rows = select(ds, """
        SELECT ?claim ?status ?note WHERE { ?claim a ?t . ?t rdfs:subClassOf* dprk:Claim .
          OPTIONAL { ?claim dprk:reviewStatus ?status } OPTIONAL { ?claim dprk:reviewNote ?note } }""")
    assert all(r["status"] for r in rows)
    flagged = [r for r in rows if r["status"].endswith("#FlaggedForReview")]
    assert flagged and all(r["note"] for r in flagged)
    comments = select(ds, """SELECT ?c WHERE { ?c a ?t . ?t rdfs:subClassOf* dprk:Claim ; rdfs:comment ?x
                              FILTER(CONTAINS(LCASE(STR(?x)), "review")) }""")
    assert comments == []  # review state lives in dprk:reviewStatus, not in a comment


def test_known_overstatements_are_fixed(ds):
    claim = "https://w3id.org/dprk-ld/id/claim/"
    # Russian investors' commitment: a pledge by the investors, not a transfer by the Russian state
    inv = select(ds, f"SELECT ?t ?who WHERE {{ <{claim}a000-russian-investment-20bn> a ?t ; dprk:speaker ?who }}")
    assert inv == [{"t": "https://w3id.org/dprk-ld/ontology#Pledge",
                    "who": "https://w3id.org/dprk-ld/id/org/russian-investors"}]
    # article 004's headline asks a question
    stance = select(ds, f"SELECT ?s WHERE {{ <{claim}a004-ready-to-help-iran> dprk:citation/dprk:stance ?s }}")
    assert stance == [{"s": "https://w3id.org/dprk-ld/ontology#Questioned"}]
    # the invasion of Ukraine is not dated by the article's year
    war = f"<{claim}a002-russian-invasion-third-year>"
    assert select(ds, f"SELECT ?d WHERE {{ {war} dprk:date|dprk:startDate ?d }}") == []


def test_statements_carry_their_speaker_not_an_attribution_to_it(ds):
    """Attribution rule 5: a statement's citation is never attributed to the statement's own speaker."""
    rows = select(ds, """
        SELECT ?claim WHERE { ?claim a ?t . ?t rdfs:subClassOf* dprk:Statement .
          ?claim dprk:speaker ?who ; dprk:citation/dprk:attributedTo ?who }""")
    assert rows == []
