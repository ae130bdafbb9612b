"""The real dataset answers the research questions of issue 3, each by a SPARQL query over the data.

These tests pin what the five articles say (not what is true): if a curator changes one of these
facts, the test says which question's answer changed.
"""

from __future__ import annotations

import pytest

from dprk_ld.load import load_project
from dprk_ld.namespaces import sparql_prologue


@pytest.fixture(scope="module")
def ds():
    return load_project()


def select(ds, text: str) -> list[dict[str, str]]:
    rows = ds.store.query(sparql_prologue() + text, use_default_graph_as_union=True)
    return [{v.value: (row[v].value if row[v] is not None else None) for v in rows.variables} for row in rows]


def ask(ds, text: str) -> bool:
    return bool(ds.store.query(sparql_prologue() + text, use_default_graph_as_union=True))


def test_partnership_treaty_defence_obligation_and_ratification(ds):
    rows = select(ds, """
        SELECT ?treaty ?signed ?ratified ?by ?quote ?file WHERE {
          ?treaty a dprk:Treaty ; dprk:party state:RUS , state:PRK ; dprk:obligation dprk:Defence ;
                  dprk:date ?signed .
          ?rat a dprk:Ratification ; dprk:ratifies ?treaty ; dprk:ratifiedBy ?by ; dprk:date ?ratified ;
               dprk:citation ?c .
          ?by a dprk:Parliament ; dprk:partOf state:RUS .
          ?c dprk:quote ?quote ; dprk:source ?src . ?src dprk:fileName ?file .
        }""")
    assert len(rows) == 1
    row = rows[0]
    assert row["signed"] == "2024-06" and row["ratified"] == "2024-10-24"
    assert row["file"] == "001_08873c00ec5c388e.txt"
    assert "24 Oktober 2024, parlemen Rusia meratifikasi" in row["quote"]
    # the treaty is reported by more than one article: one claim each, linked as the same event
    assert ask(ds, """ASK { ?t a dprk:Treaty ; dprk:obligation dprk:Defence ; dprk:citation/dprk:source ?a ;
                              dprk:sameEventAs ?u . ?u dprk:citation/dprk:source ?b . FILTER(?a != ?b) }""")


def test_three_thousand_troops_confirmed_by_the_us(ds):
    rows = select(ds, """
        SELECT ?claim ?amount ?unit ?by WHERE {
          ?claim a dprk:Transfer ; dprk:transferCategory dprk:Troops ;
                 dprk:supplier state:PRK ; dprk:recipient state:RUS ;
                 dprk:quantity [ dprk:amount ?amount ; dprk:unit ?unit ] ;
                 dprk:citation [ dprk:stance dprk:Confirmed ; dprk:attributedTo ?by ] .
        }""")
    assert {(float(r["amount"]), r["by"].rsplit("/", 1)[-1]) for r in rows} >= {(3000.0, "USA")}


def test_arms_for_aid_who_alleges_and_who_denies(ds):
    rows = select(ds, """
        SELECT ?claim ?stance ?who WHERE {
          VALUES ?cat { dprk:ArmsAndMunitions dprk:EconomicAid }
          ?claim a dprk:Transfer ; dprk:transferCategory ?cat ;
                 dprk:citation [ dprk:stance ?stance ; dprk:attributedTo ?who ;
                                 dprk:source source:002_c7414ed40a088b61 ] .
          FILTER(?stance IN (dprk:Alleged, dprk:Denied))
        }""")
    by_claim: dict[str, dict[str, set[str]]] = {}
    for r in rows:
        by_claim.setdefault(r["claim"].rsplit("/", 1)[-1], {}).setdefault(
            r["stance"].rsplit("#", 1)[-1], set()).add(r["who"].rsplit("/", 1)[-1])
    munitions, aid = by_claim["a002-dprk-munitions-to-russia"], by_claim["a002-russia-aid-to-dprk"]
    assert munitions["Denied"] == {"PRK", "RUS"} and aid["Denied"] == {"PRK", "RUS"}
    assert "USA" in munitions["Alleged"]
    assert aid["Alleged"] == {"KOR", "USA"}


def test_debt_write_off_both_accounts_kept_as_one_event(ds):
    rows = select(ds, """
        SELECT ?claim ?date ?lower ?rank ?other WHERE {
          ?claim a dprk:Transfer ; dprk:transferCategory dprk:DebtRelief ; dprk:supplier state:RUS ;
                 dprk:recipient state:PRK ; dprk:rank ?rank ; dprk:sameEventAs ?other ; dprk:citation ?c .
          OPTIONAL { ?claim dprk:date ?date }
          OPTIONAL { ?claim dprk:quantity/dprk:lowerBound ?lower }
        }""")
    got = {r["claim"].rsplit("/", 1)[-1]: r for r in rows}
    assert set(got) == {"a000-russia-debt-write-off", "a004-russia-debt-write-off-2012"}
    assert float(got["a000-russia-debt-write-off"]["lower"]) == 10_000_000_000
    assert got["a000-russia-debt-write-off"]["date"] is None  # article 000 gives no year
    assert got["a004-russia-debt-write-off-2012"]["date"] == "2012"
    assert got["a000-russia-debt-write-off"]["other"].endswith("a004-russia-debt-write-off-2012")
    assert all(r["rank"] for r in rows)


def test_bulgaria_relations_since_1948_and_1970_agreement(ds):
    rel = select(ds, """
        SELECT ?since ?status WHERE { ?r a dprk:DiplomaticRelation ; dprk:party state:BGR , state:PRK ;
                                         dprk:startDate ?since ; dprk:relationStatus ?status ; dprk:citation ?c }""")
    assert rel == [{"since": "1948", "status": "https://w3id.org/dprk-ld/ontology#Established"}]
    agreement = select(ds, """
        SELECT ?date WHERE { ?t a dprk:Treaty ; dprk:party state:BGR , state:PRK ; dprk:date ?date ;
                                dprk:citation ?c }""")
    assert agreement == [{"date": "1970"}]


def test_putin_visit_to_pyongyang_june_2024(ds):
    rows = select(ds, """
        SELECT ?date ?inferred WHERE {
          ?v a dprk:Visit ; dprk:visitor person:vladimir-putin ; dprk:host state:PRK ;
             dprk:location place:pyongyang ; dprk:date ?date ; dprk:citation ?c .
          OPTIONAL { ?v dprk:dateInferred ?inferred } }""")
    assert rows == [{"date": "2024-06", "inferred": "true"}]


def test_shoigu_and_choe_trips(ds):
    rows = select(ds, """
        SELECT ?visitor ?host ?place WHERE {
          VALUES ?visitor { person:sergei-shoigu person:choe-son-hui }
          ?v a dprk:Visit ; dprk:visitor ?visitor ; dprk:host ?host ; dprk:citation ?c .
          OPTIONAL { ?v dprk:location ?place } }""")
    got = {(r["visitor"].rsplit("/", 1)[-1], r["host"].rsplit("/", 1)[-1]) for r in rows}
    assert got == {("sergei-shoigu", "PRK"), ("choe-son-hui", "RUS")}
    assert {r["place"] for r in rows if r["visitor"].endswith("sergei-shoigu")} == \
        {"https://w3id.org/dprk-ld/id/place/pyongyang"}


def test_relations_as_of_2015(ds):
    rows = select(ds, """
        SELECT ?state ?status WHERE {
          ?r a dprk:DiplomaticRelation ; dprk:party state:PRK , ?state ; dprk:relationStatus ?status ;
             dprk:date "2015"^^xsd:gYear ; dprk:citation ?c .
          FILTER(?state != state:PRK) }""")
    got = {(r["state"].rsplit("/", 1)[-1], r["status"].rsplit("#", 1)[-1]) for r in rows}
    assert {("PRY", "Maintained"), ("URY", "Maintained"), ("CHL", "Absent"), ("ARG", "Absent")} <= got


def test_every_article_contributes_and_about_a_hundred_claims(ds):
    rows = select(ds, """
        SELECT ?file (COUNT(DISTINCT ?claim) AS ?n) WHERE {
          ?claim dprk:citation/dprk:source ?src . ?src dprk:fileName ?file } GROUP BY ?file""")
    counts = {r["file"]: int(r["n"]) for r in rows}
    assert len(counts) == 5 and min(counts.values()) >= 10
    total = select(ds, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a ?t . ?t rdfs:subClassOf* dprk:Claim }")
    assert int(total[0]["n"]) >= 100


def test_only_verified_qids(ds):
    from .conftest import SHARED, require_path

    qids_file = require_path(SHARED / "wikidata-qids.tsv", "../shared/wikidata-qids.tsv")
    verified = {line.split("\t")[0] for line in qids_file.read_text().splitlines()
                if line and not line.startswith(("#", "qid"))}
    used = {r["q"].rsplit("/", 1)[-1] for r in select(ds, "SELECT DISTINCT ?q WHERE { ?e dprk:wikidata ?q }")}
    assert used and used <= verified
