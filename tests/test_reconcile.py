"""reconcile (dprk_ld.wikidata.reconcile) against a real Oxigraph server on loopback (Wikidata-shaped fixture)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from dprk_ld.cli import main
from dprk_ld.errors import EndpointError
from dprk_ld.load import load_project
from dprk_ld.wikidata.reconcile import reconcile
from tests.servers import free_port, oxigraph_server

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "wikidata" / "project"
WIKIDATA = HERE / "fixtures" / "wikidata" / "wikidata.ttl"
CLAIM = "https://w3id.org/dprk-ld/id/claim/"
STATE = "https://w3id.org/dprk-ld/id/state/"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wikidata-server")
    with oxigraph_server(tmp, union_default_graph=False) as base:
        response = httpx.post(f"{base}/store?default", content=WIKIDATA.read_bytes(),
                              headers={"Content-Type": "text/turtle"}, timeout=60)
        response.raise_for_status()
        yield base + "/query"


@pytest.fixture(scope="module")
def report(endpoint):
    return reconcile(load_project(FIXTURE), endpoint, timeout=30)


def _by_subject(findings):
    return {f.subject: f for f in findings}


def test_relations(report):
    relations = _by_subject(f for f in report.findings if f.kind == "relation")
    verdicts = {s[len(CLAIM):]: f.verdict for s, f in relations.items()}
    assert verdicts == {
        "t001-rus-prk-relations": "agree",      # the fixture has Q159 p:P530 Q423 (and back)
        "t002-chn-prk-relations": "agree",      # only Q423 -> Q148 in the fixture: either direction counts
        "t002-kor-prk-no-relations": "conflict",  # we: Absent; the fixture: a current P530
        "t002-jpn-prk-relations": "missing",    # the fixture has none
        "t001-cub-prk-relations": "missing",    # the fixture's only Cuba statement is deprecated
    }
    assert relations[CLAIM + "t001-rus-prk-relations"].qids == ("Q159", "Q423")
    assert "Absent" in relations[CLAIM + "t002-kor-prk-no-relations"].detail


def test_not_compared_are_listed(report):
    assert dict(report.not_compared) == {
        CLAIM + "t001-zzz-prk-relations": "not two parties linked to verified QIDs",
        CLAIM + "t002-rus-prk-severed": "deprecated rank",
    }


def test_labels(report):
    labels = {f.subject: f for f in report.findings if f.kind == "label"}
    assert labels[STATE + "PRK"].verdict == "agree"
    assert labels[STATE + "CHN"].verdict == "agree"  # via our altLabel "People's Republic of China"
    assert labels[STATE + "USA"].verdict == "conflict"
    assert labels[STATE + "USA"].theirs == "United States of America"
    assert labels[STATE + "JPN"].verdict == "missing"
    # "The Korean War" is not "Korean War": labels are compared exactly (case aside)
    assert labels["https://w3id.org/dprk-ld/id/claim/t002-korean-war"].verdict == "conflict"
    assert len(labels) == 9  # every node with a dprk:wikidata link


def test_lists_and_json(report):
    assert {f.verdict for f in report.agree} == {"agree"}
    assert len(report.agree) + len(report.missing) + len(report.conflict) == len(report.findings)
    data = report.to_json()
    assert data["counts"] == {"agree": len(report.agree), "missing": len(report.missing),
                              "conflict": len(report.conflict)}
    json.dumps(data)


def test_cli_table_and_json(endpoint):
    runner = CliRunner()
    table = runner.invoke(main, ["reconcile", "--project", str(FIXTURE), "--endpoint", endpoint])
    assert table.exit_code == 0, table.output
    assert table.stdout.splitlines()[0].split()[:3] == ["verdict", "kind", "QIDs"]
    assert "conflict  relation  Q423 Q884" in table.output
    out = runner.invoke(main, ["reconcile", "--project", str(FIXTURE), "--endpoint", endpoint, "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["counts"]["conflict"] == 3  # the two Koreas' relation; the labels of Q30 and Q8663


def test_unreachable_endpoint_is_a_user_error():
    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(EndpointError):
        reconcile(load_project(FIXTURE), url, timeout=5)
    result = CliRunner().invoke(main, ["reconcile", "--project", str(FIXTURE), "--endpoint", url, "--timeout", "5"])
    assert result.exit_code == EndpointError.exit_code
    assert "error:" in result.output and "Traceback" not in result.output


def test_federated_query_joins_our_endpoint_with_a_wikidata_shaped_one(endpoint, tmp_path):
    """docs/wikidata-federated.rq, run by a client (pyoxigraph), with both SERVICE IRIs on loopback."""
    import pyoxigraph as ox

    from dprk_ld.wikidata.view import add_wikidata_view
    from tests.servers import load_dataset

    ours = load_project(FIXTURE)
    add_wikidata_view(ours)
    text = (HERE.parent / "docs" / "wikidata-federated.rq").read_text(encoding="utf-8")
    assert "SERVICE <http://localhost:8000/sparql>" in text
    assert "SERVICE <https://query.wikidata.org/sparql>" in text
    with oxigraph_server(tmp_path) as base:
        load_dataset(base, ours)
        text = text.replace("http://localhost:8000/sparql", base + "/query")
        text = text.replace("https://query.wikidata.org/sparql", endpoint)
        rows = [(r["partnerLabel"].value, r["item"].value.rsplit("/", 1)[-1], r["inWikidata"] is not None)
                for r in ox.Store().query(text)]
    # our truthy partners; the fixture's Wikidata has Q423 wdt:P530 for Q148 and Q159 only
    assert rows == [("China", "Q148", True), ("Cuba", "Q241", False), ("Japan", "Q17", False),
                    ("Russia", "Q159", True)]
