"""Every canned query on the real dataset returns the specific rows the curated data holds.

Assertions name rows that must be present (the data grows; rows are not expected to vanish), and
the violation queries must find nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dprk_ld.load import load_project
from dprk_ld.query import Results, run_canned
from dprk_ld.query.catalog import load_catalog, violation_queries

ROOT = Path(__file__).resolve().parent.parent
ID = "https://w3id.org/dprk-ld/id/"
ONT = "https://w3id.org/dprk-ld/ontology#"


@pytest.fixture(scope="module")
def dataset():
    return load_project(ROOT)


def rows(dataset, name: str, **params: str) -> list[dict]:
    return run_canned(dataset, name, params).values()


def has(result: list[dict], **expected) -> bool:
    return any(all(row.get(k) == v for k, v in expected.items()) for row in result)


def test_every_canned_query_is_tested_here():
    tested = {name.removeprefix("test_").replace("_", "-") for name in globals() if name.startswith("test_")}
    missing = [n for n in load_catalog(ROOT) if n not in tested and not n.endswith("-violation")]
    assert not missing, f"canned queries without a test on the real data: {missing}"


@pytest.mark.parametrize("query", [q.name for q in violation_queries(load_catalog(ROOT))])
def test_violation_queries_find_nothing(dataset, query):
    assert rows(dataset, query) == []


def test_claims_between(dataset):
    res = rows(dataset, "claims-between")  # defaults: PRK and RUS
    assert has(res, claim=ID + "claim/a001-dprk-troops-to-russia", type=ONT + "Transfer", stance=ONT + "Confirmed",
               source=ID + "source/001_08873c00ec5c388e")
    assert has(res, claim=ID + "claim/a002-dprk-munitions-to-russia", stance=ONT + "Denied",
               quote="Pyongyang dan Moskow telah membantah tuduhan tersebut")
    bgr = rows(dataset, "claims-between", b="state:BGR")
    assert has(bgr, claim=ID + "claim/a000-bulgaria-relations-1948", date="1948")
    assert not has(bgr, claim=ID + "claim/a001-dprk-troops-to-russia")


def test_transfers(dataset):
    res = rows(dataset, "transfers", supplier="state:PRK", recipient="state:RUS")
    assert has(res, transfer=ID + "claim/a001-dprk-troops-to-russia", category=ONT + "Troops", amount=3000,
               unit="troops")
    assert all(r["supplier"] == ID + "state/PRK" and r["recipient"] == ID + "state/RUS" for r in res)
    debt = rows(dataset, "transfers", category="dprk:DebtRelief")
    assert has(debt, transfer=ID + "claim/a000-russia-debt-write-off", supplier=ID + "state/RUS",
               lowerBound=10_000_000_000, unit="USD")
    assert has(debt, transfer=ID + "claim/a004-russia-debt-write-off-2012", date="2012")
    # a commitment by unnamed Russian investors is a pledge, not a transfer by the Russian state
    assert not has(rows(dataset, "transfers", category="dprk:Investment"),
                   transfer=ID + "claim/a000-russian-investment-20bn")
    assert has(rows(dataset, "statements", speaker="agency:russian-investors"),
               claim=ID + "claim/a000-russian-investment-20bn", type=ONT + "Pledge")
    # every transfer names the event it belongs to: claims of one event share it
    events = {r["transfer"]: r["event"] for r in rows(dataset, "transfers", limit="0")}
    assert events[ID + "claim/a004-russia-debt-write-off-2012"] == ID + "claim/a000-russia-debt-write-off"
    assert events[ID + "claim/a001-dprk-troops-to-russia"] == ID + "claim/a001-dprk-troops-to-russia"
    assert len(set(events.values())) < len(events)


def test_treaties(dataset):
    res = rows(dataset, "treaties")
    assert has(res, treaty=ID + "claim/a001-russia-dprk-partnership-treaty", date="2024-06",
               parties=f"{ID}state/PRK {ID}state/RUS", obligations=ONT + "Defence",
               ratifiedBy=ID + "org/state-duma")
    assert has(res, treaty=ID + "claim/a000-bulgaria-cooperation-agreement-1970", date="1970")
    assert [r["treaty"] for r in rows(dataset, "treaties", party="state:BGR")] == [
        ID + "claim/a000-bulgaria-cooperation-agreement-1970"]


def test_timeline(dataset):
    res = rows(dataset, "timeline")
    dates = [str(r["date"]) for r in res]
    assert dates == sorted(dates)
    assert has(res, claim=ID + "claim/a000-bulgaria-relations-1948", precision="year", inferred=False)
    assert has(res, claim=ID + "claim/a004-missile-collaboration-2023-09", precision="month")
    assert has(res, claim=ID + "claim/a001-russian-parliament-ratifies-treaty", precision="day")
    assert has(res, claim=ID + "claim/a002-shoigu-visit-pyongyang", inferred=True)


def test_contested_claims(dataset):
    res = rows(dataset, "contested-claims")
    assert has(res, claim=ID + "claim/a000-only-allies-russia-bulgaria", reason="contradicted by another claim",
               other=ID + "claim/a003-china-main-ally", rank=ONT + "DeprecatedRank")
    assert has(res, claim=ID + "claim/a002-dprk-munitions-to-russia", reason="denied", by=ID + "state/RUS")
    assert has(res, claim=ID + "claim/a002-russia-aid-to-dprk", reason="denied", by=ID + "state/PRK")


def test_claims_by_source(dataset):
    res = rows(dataset, "claims-by-source", source="source:000_d53926c0465d535d")
    assert has(res, claim=ID + "claim/a000-few-friends", start=0, end=91, stance=ONT + "Asserted")
    starts = [r["start"] for r in res]
    assert starts == sorted(starts)
    assert {r["source"] for r in res} == {ID + "source/000_d53926c0465d535d"}
    assert len({r["source"] for r in rows(dataset, "claims-by-source")}) == 5


def test_claims_by_attribution(dataset):
    res = rows(dataset, "claims-by-attribution", attributedTo="state:USA")
    assert has(res, claim=ID + "claim/a001-dprk-troops-to-russia", stance=ONT + "Confirmed")
    assert has(res, claim=ID + "claim/a002-dprk-munitions-to-russia", stance=ONT + "Alleged")
    assert has(rows(dataset, "claims-by-attribution"), attributedTo=ID + "org/reuters",
               claim=ID + "claim/a001-xi-ready-new-chapter")


def test_diplomatic_relations(dataset):
    res = rows(dataset, "diplomatic-relations")
    assert has(res, state=ID + "state/BGR", status=ONT + "Established", hasRelations=True, date="1948")
    assert has(res, state=ID + "state/CHL", status=ONT + "Absent", hasRelations=False, date="2015")
    assert has(res, state=ID + "state/ARG", hasRelations=False)
    before = rows(dataset, "diplomatic-relations", as_of="2000-01-01")
    assert has(before, state=ID + "state/BGR") and not has(before, state=ID + "state/PRY")


def test_visits_and_meetings(dataset):
    res = rows(dataset, "visits-and-meetings")
    assert has(res, claim=ID + "claim/a002-putin-visit-pyongyang-june", visitor=ID + "person/vladimir-putin",
               location=ID + "place/pyongyang", date="2024-06")
    assert has(res, claim=ID + "claim/a000-kim-il-sung-visits-bulgaria", host=ID + "state/BGR")
    assert has(res, type=ONT + "Meeting", claim=ID + "claim/a002-choe-lavrov-talks")
    bgr = rows(dataset, "visits-and-meetings", actor="state:BGR")
    assert [r["claim"] for r in bgr] == [ID + "claim/a000-kim-il-sung-visits-bulgaria"]


def test_sanctions(dataset):
    res = rows(dataset, "sanctions", imposer="agency:united-nations")
    assert has(res, sanction=ID + "claim/a000-china-votes-un-sanctions", target=ID + "state/PRK",
               measure="economic sanctions")
    assert has(rows(dataset, "sanctions", target="state:PRK"),
               sanction=ID + "claim/a003-dprk-sanctioned-over-nuclear-programme")
    assert rows(dataset, "sanctions", target="state:RUS") == []  # no article names who sanctioned Russia


def test_modality_and_stance(dataset):
    res = rows(dataset, "modality-and-stance")
    assert has(res, modality=ONT + "Factual", stance=ONT + "Denied", claims=2)
    assert has(res, modality=ONT + "Factual", stance=ONT + "Confirmed", claims=1)
    assert {r["modality"] for r in res} == {ONT + "Factual", ONT + "Speculative", ONT + "Evaluative"}


def test_speculative_claims(dataset):
    res = rows(dataset, "speculative-claims")
    assert has(res, claim=ID + "claim/a000-russia-may-replace-china-strongest-ally")
    assert has(res, claim=ID + "claim/a001-dprk-may-supply-arms-to-russia")
    factual = rows(dataset, "speculative-claims", modality="dprk:Factual")
    assert has(factual, claim=ID + "claim/a001-dprk-troops-to-russia")
    assert not has(factual, claim=ID + "claim/a000-russia-may-replace-china-strongest-ally")


def test_wikidata_links(dataset):
    res = rows(dataset, "wikidata-links")
    assert has(res, entity=ID + "state/PRK", type=ONT + "State", wikidata="http://www.wikidata.org/entity/Q423")
    assert has(res, entity=ID + "person/kim-jong-un", wikidata="http://www.wikidata.org/entity/Q56226")
    assert all(r["wikidata"].startswith("http://www.wikidata.org/entity/Q") for r in res)


def test_statistics(dataset):
    res = {r["measure"]: r["count"] for r in rows(dataset, "statistics")}
    assert res["source articles"] == 5
    assert res["denied claims"] >= 2 and res["contradicted claims"] >= 4
    assert res["triples"] == dataset.triples and res["quads"] == dataset.quads
    assert dataset.triples < dataset.quads  # some triples are written in two files: the two counts differ
    assert res["contradictions"] == len(rows(dataset, "contradictions"))
    # events: claims linked by dprk:sameEventAs count once
    groups = {(g["event"], g["claims"]) for g in rows(dataset, "same-event-groups") if g["type"] == ONT + "Transfer"}
    assert res["events: Transfer"] == res["claims: Transfer"] - sum(n - 1 for _, n in groups)
    assert res["events: Transfer"] < res["claims: Transfer"]
    assert res["claims flagged for review"] >= 1
    assert res["citations"] >= 150 and res["claims: Treaty"] >= 2


def test_contradictions(dataset):
    res = rows(dataset, "contradictions")
    pairs = [(r["claim"], r["other"]) for r in res]
    assert len(pairs) == len(set(pairs)) and all(a < b for a, b in pairs)
    assert not {(b, a) for a, b in pairs} & set(pairs)  # each pair once, not once per direction
    allies = ID + "claim/a000-only-allies-russia-bulgaria"
    assert has(res, claim=allies, other=ID + "claim/a003-china-main-ally", rank=ONT + "DeprecatedRank",
               otherRank=ONT + "PreferredRank", source=ID + "source/000_d53926c0465d535d",
               otherSource=ID + "source/003_b36dfc5738240d95", citations=1, otherCitations=1)
    assert has(res, claim=ID + "claim/a000-cuba-other-ally", other=allies)  # within one article
    assert has(res, claim=ID + "claim/a001-china-largest-trading-partner",
               other=ID + "claim/a004-main-trade-partner", rank=ONT + "NormalRank", otherRank=ONT + "NormalRank")
    assert all(r["reason"] and r["otherReason"] and r["quote"] and r["otherQuote"] for r in res)
    row = next(r for r in res if r["claim"] == allies)
    assert row["quote"] == "Satu-satunya sekutu asli dan terkenalnya adalah Rusia dan Bulgaria"
    assert "only" in row["reason"]


def test_same_event_groups(dataset):
    res = rows(dataset, "same-event-groups")
    groups: dict[str, list[dict]] = {}
    for r in res:
        groups.setdefault(r["event"].rsplit("/", 1)[-1], []).append(r)
    debt = groups["a000-russia-debt-write-off"]
    assert {r["member"] for r in debt} == {ID + "claim/a000-russia-debt-write-off",
                                           ID + "claim/a004-russia-debt-write-off-2012"}
    assert all(r["claims"] == 2 and r["articles"] == 2 and r["type"] == ONT + "Transfer" for r in debt)
    arms = groups["a001-dprk-may-supply-arms-to-russia"]
    assert len(arms) == 5 and arms[0]["claims"] == 5 and arms[0]["articles"] == 3
    assert groups["a001-russia-dprk-partnership-treaty"][0]["type"] == ONT + "Treaty"
    members = [r["member"] for r in res]
    assert len(members) == len(set(members))  # every claim is in at most one group
    assert all(r["claims"] == len(groups[r["event"].rsplit("/", 1)[-1]]) for r in res)


def test_relation_assessments(dataset):
    res = rows(dataset, "relation-assessments", actor="state:CUB")
    assert has(res, claim=ID + "claim/a000-cuba-other-ally", assessment=ONT + "Ally",
               parties=f"{ID}state/CUB {ID}state/PRK")
    assert has(rows(dataset, "relation-assessments"), claim=ID + "claim/a002-nkpro-china-ties-cooling",
               attributedTo=ID + "org/nk-pro")


def test_statements(dataset):
    res = rows(dataset, "statements", speaker="person:kim-jong-un")
    assert has(res, claim=ID + "claim/a002-kim-pledges-unconditional-support", type=ONT + "Pledge",
               addressee=ID + "state/RUS", eventType=ONT + "PloverSupport")
    assert has(rows(dataset, "statements"), claim=ID + "claim/a000-brazil-ambassador-protest",
               speaker=ID + "state/BRA", addressee=ID + "state/PRK")


def test_entity_claims(dataset):
    res = rows(dataset, "entity-claims")  # default: state:RUS
    assert has(res, role=ONT + "party", claim=ID + "claim/a001-russia-dprk-partnership-treaty", type=ONT + "Treaty")
    assert has(res, role=ONT + "recipient", claim=ID + "claim/a001-dprk-troops-to-russia")
    putin = rows(dataset, "entity-claims", actor="person:vladimir-putin")
    assert has(putin, role=ONT + "visitor", claim=ID + "claim/a002-putin-visit-pyongyang-june")


def test_sources(dataset):
    res = {r["source"].rsplit("/", 1)[-1]: r for r in rows(dataset, "sources")}
    assert set(res) == {"000_d53926c0465d535d", "001_08873c00ec5c388e", "002_c7414ed40a088b61",
                        "003_b36dfc5738240d95", "004_6bd6c7508e2bbd31"}
    assert res["001_08873c00ec5c388e"]["title"] == "5 Negara Sahabat Korea Utara"
    assert str(res["001_08873c00ec5c388e"]["issued"]) == "2024-10-25"
    assert res["002_c7414ed40a088b61"]["publisher"] == ID + "org/bloomberg-technoz"
    assert res["002_c7414ed40a088b61"]["inferred"] is True
    assert all(r["claims"] > 0 and r["citations"] >= r["claims"] for r in res.values())


def test_quantities(dataset):
    res = rows(dataset, "quantities")
    assert res[0]["claim"] == ID + "claim/a000-russian-investment-20bn" and res[0]["amount"] == 20_000_000_000
    assert has(res, claim=ID + "claim/a001-dprk-troops-to-russia", amount=3000, unit="troops")


def test_results_are_results(dataset):
    assert isinstance(run_canned(dataset, "statistics", {}), Results)
