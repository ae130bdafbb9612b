"""Running canned and ad-hoc queries on the fixture project: typed binding, errors, formats, CLI, API."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import dprk_ld
from dprk_ld.cli import main
from dprk_ld.errors import ParameterError, QueryError
from dprk_ld.load import load_project
from dprk_ld.query import (
    Results,
    bind,
    expand_iri,
    find_query,
    render,
    run_canned,
    run_sparql,
    to_term,
    with_prologue,
    with_values,
)
from dprk_ld.query.catalog import Param, load_catalog

FIXTURE = Path(__file__).parent / "fixtures" / "query"
XSD = "http://www.w3.org/2001/XMLSchema#"
STATE = "https://w3id.org/dprk-ld/id/state/"
CLAIM = "https://w3id.org/dprk-ld/id/claim/"


@pytest.fixture(scope="module")
def dataset():
    return load_project(FIXTURE)


def cli(*args: str, input: str | None = None):
    return CliRunner().invoke(main, [*args, "--project", str(FIXTURE)], input=input)


# ---------------------------------------------------------------- parameters

@pytest.mark.parametrize("ptype, value, expected", [
    ("iri", "state:RUS", ox.NamedNode(STATE + "RUS")),
    ("iri", "<https://example.org/x>", ox.NamedNode("https://example.org/x")),
    ("iri", "https://example.org/x", ox.NamedNode("https://example.org/x")),
    ("iri", "wd:Q423", ox.NamedNode("http://www.wikidata.org/entity/Q423")),
    ("string", 'a "b" } ?x', ox.Literal('a "b" } ?x')),
    ("integer", "+42", ox.Literal("42", datatype=ox.NamedNode(XSD + "integer"))),
    ("integer", 42, ox.Literal("42", datatype=ox.NamedNode(XSD + "integer"))),
    ("decimal", "3.50", ox.Literal("3.50", datatype=ox.NamedNode(XSD + "decimal"))),
    ("date", "2024-10-25", ox.Literal("2024-10-25", datatype=ox.NamedNode(XSD + "date"))),
    ("gYear", "2015", ox.Literal("2015", datatype=ox.NamedNode(XSD + "gYear"))),
    ("boolean", "TRUE", ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))),
    ("boolean", False, ox.Literal("false", datatype=ox.NamedNode(XSD + "boolean"))),
])
def test_to_term_by_type(ptype, value, expected):
    assert to_term(Param("p", ptype, None), value) == expected


@pytest.mark.parametrize("ptype, value", [
    ("iri", "nope:RUS"), ("iri", "RUS"), ("iri", "state:RUS> . ?s ?p <x"), ("iri", "http://a b"),
    ("integer", "4.2"), ("integer", "1e3"), ("decimal", "abc"), ("date", "2024-13-01"), ("date", "2024"),
    ("gYear", "15"), ("gYear", "2015-01"), ("boolean", "maybe"),
])
def test_ill_typed_values_name_param_and_type(ptype, value):
    with pytest.raises(ParameterError) as info:
        to_term(Param("when", ptype, None, "the day"), value)
    assert "'when'" in info.value.message and value in info.value.message
    assert ptype in info.value.hint


def test_expand_iri():
    assert expand_iri("claim:a001-troops") == CLAIM + "a001-troops"
    assert expand_iri("mailto:x@example.org") == "mailto:x@example.org"
    assert expand_iri("unknown:x") is None


def test_bind_defaults_required_unknown(dataset):
    catalog = load_catalog(FIXTURE)
    pair = catalog["pair"]
    assert bind(pair, {"b": "state:RUS"}) == {"a": ox.NamedNode(STATE + "PRK"), "b": ox.NamedNode(STATE + "RUS")}
    with pytest.raises(ParameterError, match="needs parameter 'b' \\(iri\\)"):
        bind(pair, {})
    with pytest.raises(ParameterError, match="has no parameter 'c'") as info:
        bind(pair, {"b": "state:RUS", "c": "x"})
    assert "a, b" in info.value.hint
    assert "opt" not in bind(catalog["typed"], {})  # '*' leaves the variable unbound


def test_unknown_query_name_suggests_close_names():
    catalog = load_catalog(FIXTURE)
    with pytest.raises(QueryError, match="no canned query named 'pairs'") as info:
        find_query(catalog, "pairs")
    assert "pair" in info.value.hint
    with pytest.raises(QueryError) as info:
        find_query(catalog, "zzzzzz")
    assert "--list" in info.value.hint


def test_values_block_is_injected_after_first_where():
    text = 'SELECT ?x WHERE { ?x <p> "WHERE {" }'
    out = with_values(text, {"x": ox.Literal('a"}')})
    assert out == 'SELECT ?x WHERE { VALUES (?x) { ("a\\"}") }  ?x <p> "WHERE {" }'
    assert with_values("ASK { ?s ?p ?o }", {"s": ox.NamedNode("http://a")}).startswith(
        "ASK { VALUES (?s) { (<http://a>) }")
    assert with_values("SELECT * {}", {}) == "SELECT * {}"


def test_injection_attempt_stays_a_literal(dataset):
    res = run_canned(dataset, "typed", {"s": '"} } SELECT * WHERE { ?s ?p ?o } #'})
    assert res.rows[0]["s"] == ox.Literal('"} } SELECT * WHERE { ?s ?p ?o } #')
    assert len(res.rows) == 1


def test_strip_comments_keeps_iris_and_strings():
    from dprk_ld.query import strip_comments

    text = '# add this\nSELECT * { <http://a#b> ?p "x # y" } # trailing\n'
    assert strip_comments(text) == '\nSELECT * { <http://a#b> ?p "x # y" } \n'


def test_with_prologue_adds_only_missing_used_prefixes():
    text = "PREFIX dprk: <https://w3id.org/dprk-ld/ontology#>\nSELECT * { ?s a dprk:State ; rdfs:label ?l }"
    out = with_prologue(text)
    assert out.startswith("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nPREFIX dprk:")
    assert out.count("PREFIX") == 2
    assert with_prologue("SELECT * { <http://a> ?p ?o }") == "SELECT * { <http://a> ?p ?o }"


# ---------------------------------------------------------------- running

def test_run_canned_select_with_params(dataset):
    res = run_canned(dataset, "pair", {"b": "state:RUS"})
    assert res.kind == "select" and res.variables == ["claim", "label"]
    assert res.values() == [{"claim": CLAIM + "a001-troops", "label": "North Korea sent troops to Russia"}]
    res = run_canned(dataset, "pair", {"a": "state:CHN", "b": "state:PRK"})
    assert [r["claim"].value for r in res.rows] == [CLAIM + "a001-aid", CLAIM + "a001-statement"]


def test_run_canned_typed_values_roundtrip(dataset):
    res = run_canned(dataset, "typed", {"i": "12", "flag": "yes", "opt": "state:PRK"})
    assert res.values() == [{"s": "hello", "i": 12, "d": __import__("decimal").Decimal("2.5"),
                             "day": __import__("datetime").date(2024, 10, 25), "year": "2015",
                             "flag": True, "opt": STATE + "PRK"}]


def test_run_canned_ask_and_construct(dataset):
    assert run_canned(dataset, "has-transfers", {}).boolean is True
    assert run_canned(dataset, "has-transfers", {"supplier": "state:USA"}).boolean is False
    graph = run_canned(dataset, "describe-claim", {})
    assert graph.kind == "graph"
    assert (f"<{CLAIM}a001-troops>", "<https://w3id.org/dprk-ld/ontology#supplier>", f"<{STATE}PRK>") \
        in graph.sorted_rows()


def test_run_sparql_knows_published_prefixes_and_union_graph(dataset):
    res = run_sparql(dataset, "SELECT ?s WHERE { ?s a dprk:State } ORDER BY ?s")
    assert [r["s"].value for r in res.rows] == [STATE + "CHN", STATE + "PRK", STATE + "RUS"]


def test_syntax_error_has_line_and_column(dataset):
    with pytest.raises(QueryError) as info:
        run_sparql(dataset, "SELECT ?x WHERE {\n  ?x ?y\n}", where="my.rq")
    assert info.value.location.startswith("my.rq:3:")  # pyoxigraph's line:column
    assert info.value.message.startswith("SPARQL syntax error")


def test_results_helpers():
    res = Results("select", ["a", "b"], [{"a": ox.Literal("1"), "b": None}, {"a": ox.NamedNode("http://x"),
                                                                            "b": None}])
    assert res.sorted_rows() == [('"1"', ""), ("<http://x>", "")]
    assert len(res) == 2 and len(Results("ask", boolean=True)) == 1


# ---------------------------------------------------------------- rendering

@pytest.fixture(scope="module")
def troops(dataset):
    return run_sparql(dataset, """SELECT ?claim ?label ?amount ?unbound WHERE {
        ?claim dprk:quantity ?q ; rdfs:label ?label . ?q dprk:amount ?amount }""")


def test_render_json_roundtrips_through_pyoxigraph(troops):
    text = render(troops, "json")
    parsed = list(ox.parse_query_results(text, format=ox.QueryResultsFormat.JSON))
    assert parsed[0]["label"] == ox.Literal("North Korea sent troops to Russia", language="en")
    assert parsed[0]["amount"] == ox.Literal("3000", datatype=ox.NamedNode(XSD + "decimal"))
    assert json.loads(text)["head"]["vars"] == ["claim", "label", "amount", "unbound"]


def test_render_xml_and_tsv_roundtrip(troops):
    for fmt, oxfmt in (("xml", ox.QueryResultsFormat.XML), ("tsv", ox.QueryResultsFormat.TSV)):
        parsed = list(ox.parse_query_results(render(troops, fmt), format=oxfmt))
        assert parsed[0]["claim"] == ox.NamedNode(CLAIM + "a001-troops"), fmt
        assert parsed[0]["unbound"] is None
    ET.fromstring(render(troops, "xml"))


def test_render_csv_plain_values(troops):
    rows = list(csv.reader(io.StringIO(render(troops, "csv"))))
    assert rows == [["claim", "label", "amount", "unbound"],
                    [CLAIM + "a001-troops", "North Korea sent troops to Russia", "3000", ""]]


def test_render_table_and_markdown(troops):
    table = render(troops, "table").splitlines()
    assert table[0].split() == ["claim", "label", "amount", "unbound"]
    assert set(table[1]) <= {"-", " "}
    assert table[2] == "claim:a001-troops  North Korea sent troops to Russia  3000"
    assert table[-1] == "(1 row)"
    md = render(troops, "markdown").splitlines()
    assert md[0] == "| claim | label | amount | unbound |" and md[1] == "|---|---|---|---|"


def test_table_truncates_long_cells_and_flattens_newlines():
    res = Results("select", ["x"], [{"x": ox.Literal("word " * 40 + "\nend")}])
    line = render(res, "table").splitlines()[2]
    assert len(line) == 60 and line.endswith("…") and "\n" not in line


def test_render_ask_and_graph_formats(dataset):
    ask = Results("ask", boolean=True)
    assert json.loads(render(ask, "json")) == {"head": {}, "boolean": True}
    assert "<boolean>true</boolean>" in render(ask, "xml")
    assert render(ask, "table").splitlines()[-1] == "true"
    graph = run_canned(dataset, "describe-claim", {})
    ttl = render(graph, "turtle")
    assert b"@prefix claim: <https://w3id.org/dprk-ld/id/claim/>" in ttl
    for fmt, oxfmt in (("turtle", ox.RdfFormat.TURTLE), ("ntriples", ox.RdfFormat.N_TRIPLES),
                       ("jsonld", ox.RdfFormat.JSON_LD), ("rdfxml", ox.RdfFormat.RDF_XML)):
        assert len(list(ox.parse(render(graph, fmt), format=oxfmt))) == len(graph.triples), fmt
    with pytest.raises(QueryError, match="does not fit CONSTRUCT/DESCRIBE"):
        render(graph, "csv")
    with pytest.raises(QueryError, match="does not fit SELECT/ASK"):
        render(ask, "turtle")


# ---------------------------------------------------------------- CLI

def test_cli_query_list():
    result = cli("query", "--list")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split("  ")[0] == "describe-claim"
    assert "A claim and its citations as a graph  [claim=claim:a001-troops]" in lines[0]
    assert any(line.startswith("pair ") and "[a=state:PRK b=?]" in line for line in lines)


def test_cli_query_list_json():
    result = cli("query", "--list", "--format", "json")
    data = json.loads(result.stdout)
    pair = next(d for d in data if d["name"] == "pair")
    assert pair["title"] == "Claims about a pair"
    assert [p["name"] for p in pair["params"]] == ["a", "b"]
    assert set(data[0]) >= {"name", "title", "description", "params"}


def test_cli_query_run_formats():
    result = cli("query", "pair", "--param", "b=state:RUS", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == f"{CLAIM}a001-troops,North Korea sent troops to Russia"
    result = cli("query", "pair", "-p", "b=state:RUS")
    assert "claim:a001-troops" in result.stdout


@pytest.mark.parametrize("args, message", [
    (["query", "pairs"], "no canned query named 'pairs'"),
    (["query", "pair"], "needs parameter 'b'"),
    (["query", "pair", "--param", "b=Russia"], "expects an IRI"),
    (["query", "pair", "--param", "b"], "malformed parameter 'b'"),
    (["query"], "give a query NAME"),
    (["sparql", "SELECT ?x WHERE {"], "query:1:18: SPARQL syntax error"),
    (["sparql"], "either as an argument or with -f"),
])
def test_cli_errors_are_messages_not_tracebacks(args, message):
    result = cli(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_cli_sparql_select_ask_construct(tmp_path):
    result = cli("sparql", "SELECT ?s WHERE { ?s a dprk:State } ORDER BY ?s", "--format", "tsv")
    assert result.stdout.splitlines() == ["?s", f"<{STATE}CHN>", f"<{STATE}PRK>", f"<{STATE}RUS>"]
    assert cli("sparql", "ASK { state:PRK a dprk:State }", "--format", "json").stdout.strip() == \
        '{"head": {}, "boolean": true}'
    result = cli("sparql", "DESCRIBE state:RUS")
    assert "state:RUS" in result.stdout and "@prefix" in result.stdout
    query = tmp_path / "q.rq"
    query.write_text("CONSTRUCT { ?s a dprk:State } WHERE { ?s a dprk:State }")
    result = cli("sparql", "-f", str(query), "--format", "ntriples")
    assert len(result.stdout.splitlines()) == 3
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT *\nWHERE { ?s ?p }")
    result = cli("sparql", "-f", str(bad))
    assert f"{bad}:2:" in result.output and result.exit_code == 2


def test_cli_sparql_from_stdin():
    result = cli("sparql", "-", input="SELECT (COUNT(*) AS ?n) WHERE { ?s a dprk:State }")
    assert result.stdout.splitlines()[2].strip() == "3"


# ---------------------------------------------------------------- Python API

def test_python_api_canned():
    res = dprk_ld.canned("pair", project=FIXTURE, b="state:RUS")
    assert [r["claim"] for r in res.values()] == [CLAIM + "a001-troops"]
    assert "canned" in dir(dprk_ld) and "canned" in dprk_ld.__all__
    with pytest.raises(ParameterError):
        dprk_ld.canned("pair", project=FIXTURE)


def test_real_violation_queries_catch_fixture_errors(dataset):
    """The project's *-violation queries find the errors planted in the fixture data."""
    from dprk_ld.query.catalog import violation_queries

    real = Path(__file__).resolve().parent.parent
    found: dict[str, set[tuple[str, str]]] = {}
    for q in violation_queries(load_catalog(real)):
        res = run_sparql(dataset, q.text)
        found[q.name] = {(r["focus"].value.rsplit("/", 1)[-1], r["message"].value) for r in res.rows}
    assert ("a001-aid-c1", "the cited source <https://w3id.org/dprk-ld/id/source/s2> has no dprk:sha256") \
        in found["citation-source-violation"]
    assert found["citation-offsets-violation"] == {
        ("a001-aid-c1", "the quote has 5 characters but the offsets span 6")}
    assert found["claim-rank-violation"] == {
        ("a001-aid", "deprecated claim has no dprk:deprecationReason"), ("a001-aid", "claim contradicts itself"),
        ("a001-aid", "claim takes part in a contradiction but does not say why it has its rank (dprk:rankReason)")}
    assert found["contradiction-inverse-violation"] == set()  # a self-contradiction is its own inverse
    assert found["transfer-parties-violation"] == {
        ("a001-self", f"transfer has <{STATE}RUS> as both supplier and recipient")}
