"""The Reconciliation Service (API v0.2) in serve: every response validates against the API's JSON Schemas
(../shared/reconciliation-api), and a scripted OpenRefine-style session reconciles a CSV of names in
English and Indonesian against the bundled dataset with the expected matches."""

from __future__ import annotations

import asyncio
import csv
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from reconciliation_schemas import EXAMPLES, SCHEMAS, check, validator

from dprk_ld.load import load_project
from dprk_ld.reconciliation.names import normalise, score_name
from dprk_ld.serve import create_app

NAMES = Path(__file__).resolve().parent / "fixtures" / "reconcile" / "names.csv"


@pytest.fixture(scope="module")
def app() -> Any:
    return create_app(load_project(None))


def call(app: Any, method: str, url: str, **kwargs: Any) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await client.request(method, url, **kwargs)

    return asyncio.run(go())


def get_json(app: Any, url: str, **params: str) -> Any:
    response = call(app, "GET", url, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def test_the_schemas_are_wired_up() -> None:
    """The validator accepts the API's valid examples and rejects its invalid ones (no network)."""
    names = {p.stem for p in SCHEMAS.glob("*.json")}
    seen = 0
    for folder in sorted(EXAMPLES.iterdir()):
        if folder.name not in names:
            continue
        for kind in ("valid", "invalid"):
            for path in sorted((folder / kind).glob("*.json")):
                seen += 1
                ok = validator(folder.name).is_valid(json.loads(path.read_text(encoding="utf-8")))
                assert ok == (kind == "valid"), f"{folder.name}/{kind}/{path.name}"
    assert seen >= 30


def test_manifest(app: Any) -> None:
    manifest = get_json(app, "/reconcile")
    check("manifest", manifest)
    assert manifest["versions"] == ["0.2"]
    assert manifest["identifierSpace"] == "https://w3id.org/dprk-ld/id/"
    assert [t["id"] for t in manifest["defaultTypes"]] == ["State", "Person", "Organisation", "Claim"]
    assert manifest["view"]["url"] == "http://testserver/id/{{id}}"
    jsonp = call(app, "GET", "/reconcile", params={"callback": "cb"})
    assert jsonp.text.startswith("cb({") and jsonp.headers["content-type"].startswith("application/javascript")


def test_reconcile_batch_with_types_and_properties(app: Any) -> None:
    batch = {
        "q0": {"query": "Korea Utara", "type": "State"},
        "q1": {"query": "Korea", "type": "State", "properties": [{"pid": "iso3166", "v": "KOR"}]},
        "q2": {"query": "Korea", "type": "State"},
        "q3": {"query": "Rusland", "type": ["State", "Organisation"], "limit": 2},
        "q4": {"properties": [{"pid": "qid", "v": "http://www.wikidata.org/entity/Q148"}]},
        "q5": {"query": "Russia North Korea partnership treaty", "type": "Claim"},
        "q6": {"query": "Kim Jong Un", "type": "State"},
        "q7": {"query": "Moscow", "properties": [{"pid": "partOf", "v": {"id": "state/RUS", "name": "Russia"}}]},
    }
    check("reconciliation-query-batch", batch)
    results = get_json(app, "/reconcile", queries=json.dumps(batch))
    check("reconciliation-result-batch", results)
    top = {k: v["result"][0] if v["result"] else None for k, v in results.items()}
    assert top["q0"]["id"] == "state/PRK" and top["q0"]["match"] and top["q0"]["score"] == 100
    assert top["q0"]["type"][0]["id"] == "State"
    assert top["q1"]["id"] == "state/KOR" and top["q1"]["match"]  # the ISO code decides
    assert {c["id"] for c in results["q2"]["result"][:2]} == {"state/KOR", "state/PRK"}
    assert not results["q2"]["result"][0]["match"]  # ambiguous: no automatic match
    assert len(results["q3"]["result"]) <= 2
    assert top["q4"]["id"] == "state/CHN" and top["q4"]["match"]  # a QID alone
    assert top["q5"]["id"] == "claim/a001-russia-dprk-partnership-treaty" and not top["q5"]["match"]
    assert top["q6"] is None  # a person is not a state
    assert top["q7"]["id"] == "place/moscow" and top["q7"]["match"]


def test_scripted_openrefine_session(app: Any) -> None:
    """What OpenRefine does with a column of names: POST the queries in batches of 10 (form-encoded),
    read the best candidates, then extend the matched column with QIDs, ISO codes and counterparts."""
    rows = list(csv.DictReader(NAMES.open(encoding="utf-8")))
    assert {r["language"] for r in rows} == {"en", "id"}
    matched: dict[str, str] = {}
    for start in range(0, len(rows), 10):
        chunk = rows[start:start + 10]
        batch = {f"q{start + i}": {"query": r["name"], "type": r["type"], "type_strict": "should"}
                 for i, r in enumerate(chunk)}
        check("reconciliation-query-batch", batch)
        response = call(app, "POST", "/reconcile", data={"queries": json.dumps(batch)})
        assert response.status_code == 200, response.text
        results = response.json()
        check("reconciliation-result-batch", results)
        for i, row in enumerate(chunk):
            candidates = results[f"q{start + i}"]["result"]
            assert candidates, row["name"]
            best = candidates[0]
            assert best["id"] == row["expected"], (row["name"], candidates[:2])
            assert best["match"] == (row["match"] == "true"), (row["name"], best)
            if best["match"]:
                matched[row["name"]] = best["id"]
    assert len(matched) == sum(r["match"] == "true" for r in rows)

    proposal = get_json(app, "/reconcile/properties", type="State")
    check("data-extension-property-proposal", proposal)
    ids = [p["id"] for p in proposal["properties"]]
    assert ids[:4] == ["qid", "iso3166", "claims", "counterparts"]
    query = {"ids": ["state/PRK", "state/CHN", "person/kim-jong-un", "org/kcna"],
             "properties": [{"id": "qid"}, {"id": "iso3166"}, {"id": "counterparts", "settings": {"limit": 3}},
                            {"id": "partOf"}]}
    check("data-extension-query", query)
    extended = call(app, "POST", "/reconcile", data={"extend": json.dumps(query)}).json()
    check("data-extension-response", extended)
    rows_out = extended["rows"]
    assert rows_out["state/PRK"]["qid"] == [{"str": "Q423"}]
    assert rows_out["state/CHN"]["iso3166"] == [{"str": "CHN"}]
    assert rows_out["person/kim-jong-un"]["qid"] == [{"str": "Q56226"}]
    assert rows_out["person/kim-jong-un"]["iso3166"] == []
    assert rows_out["org/kcna"]["qid"] == []  # unverified QID: none
    assert rows_out["org/kcna"]["partOf"] == [{"id": "state/PRK", "name": "North Korea"}]
    assert 1 <= len(rows_out["state/PRK"]["counterparts"]) <= 3
    assert {m["id"] for m in extended["meta"]} == {"qid", "iso3166", "counterparts", "partOf"}


def test_suggest_and_preview(app: Any) -> None:
    entities = get_json(app, "/reconcile/suggest/entity", prefix="kore")
    check("suggest-entities-response", entities)
    assert {"state/PRK", "state/KOR"} <= {e["id"] for e in entities["result"]}
    states = get_json(app, "/reconcile/suggest/entity", prefix="ru", type="State")
    assert [e["id"] for e in states["result"]] == ["state/RUS"]
    types = get_json(app, "/reconcile/suggest/type", prefix="tra")
    check("suggest-types-response", types)
    assert "Transfer" in {t["id"] for t in types["result"]}
    props = get_json(app, "/reconcile/suggest/property", prefix="wiki")
    check("suggest-properties-response", props)
    assert "qid" in {p["id"] for p in props["result"]}
    page = call(app, "GET", "/reconcile/preview", params={"id": "state/PRK"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "North Korea" in page.text and "Q423" in page.text and "Korea Utara" in page.text


@pytest.mark.parametrize("params", [{"queries": "{not json"}, {"queries": "[1]"}, {"queries": '{"q0": {}}'},
                                    {"extend": '{"ids": 1}'}, {"callback": "alert(1)"}])
def test_bad_requests_are_400(app: Any, params: dict[str, str]) -> None:
    response = call(app, "GET", "/reconcile", params=params, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"]


def test_unknown_preview_is_404(app: Any) -> None:
    assert call(app, "GET", "/reconcile/preview", params={"id": "state/XXX"}).status_code == 404


def test_names_meet_across_spellings() -> None:
    assert normalise("Kim Jong-un") == normalise("KIM JONG UN") == "kim jong un"
    assert normalise("D.P.R.K.") == "dprk"
    assert score_name("Putin, Vladimir", "Vladimir Putin").score == 95
    assert score_name("Rusia", "Russia").score > score_name("Rusia", "Belarus").score
