"""SPARQL 1.1 Protocol request parsing and the read-only checks (dprk_ld.serve.protocol), as pure functions."""

from __future__ import annotations

import pytest

from dprk_ld.errors import Refused, RequestError
from dprk_ld.query.guard import check_query
from dprk_ld.query.lexer import tokens
from dprk_ld.serve.protocol import parse_request

FORM = "application/x-www-form-urlencoded"
GRAPHS = {"https://w3id.org/dprk-ld/graph/data/a000.ttl"}


def test_get_query_and_dataset() -> None:
    parsed = parse_request("GET", None, "query=ASK%20%7B%7D&default-graph-uri=http%3A%2F%2Fa"
                           "&named-graph-uri=http%3A%2F%2Fb&named-graph-uri=http%3A%2F%2Fc")
    assert parsed.query == "ASK {}"
    assert parsed.default_graph_uris == ("http://a",)
    assert parsed.named_graph_uris == ("http://b", "http://c")


def test_get_without_query_is_service_description() -> None:
    assert parse_request("GET", None, "").query is None


def test_post_form_merges_url_graphs() -> None:
    parsed = parse_request("POST", FORM, "default-graph-uri=http%3A%2F%2Fa", b"query=ASK%20%7B%7D&format=json")
    assert (parsed.query, parsed.default_graph_uris, parsed.format) == ("ASK {}", ("http://a",), "json")


def test_post_direct() -> None:
    parsed = parse_request("POST", "application/sparql-query; charset=utf-8", "named-graph-uri=http%3A%2F%2Fb",
                           "SELECT * { ?s ?p 'é' }".encode())
    assert parsed.query == "SELECT * { ?s ?p 'é' }"
    assert parsed.named_graph_uris == ("http://b",)


@pytest.mark.parametrize(("method", "ctype", "qs", "body", "status"), [
    ("PUT", None, "query=ASK%7B%7D", b"", 405),
    ("DELETE", None, "", b"", 405),
    ("GET", None, "query=ASK%7B%7D&query=ASK%7B%7D", b"", 400),
    ("POST", "text/plain", "", b"ASK {}", 415),
    ("POST", None, "", b"query=ASK%7B%7D", 415),
    ("POST", "application/sparql-query; charset=UTF-16", "", "ASK {}".encode("utf-16"), 415),
    ("POST", "application/sparql-query", "", b"ASK {\xff}", 400),
    ("POST", "application/sparql-query", "query=ASK%7B%7D", b"ASK {}", 400),
    ("GET", None, "query=", b"", 400),
    ("GET", None, "query=%FF", b"", 400),
])
def test_bad_requests(method: str, ctype: str | None, qs: str, body: bytes, status: int) -> None:
    with pytest.raises(RequestError) as info:
        parse_request(method, ctype, qs, body)
    assert info.value.http_status == status


def test_body_cap() -> None:
    with pytest.raises(RequestError) as info:
        parse_request("POST", "application/sparql-query", "", b"ASK {}" * 100, max_body=100)
    assert info.value.http_status == 413


@pytest.mark.parametrize(("method", "ctype", "qs", "body"), [
    ("GET", None, "update=CLEAR%20ALL", b""),
    ("POST", FORM, "", b"update=CLEAR+ALL"),
    ("POST", "application/sparql-update", "", b"CLEAR ALL"),
    ("POST", FORM, "using-graph-uri=http%3A%2F%2Fa", b"query=ASK%7B%7D"),
])
def test_updates_refused_by_parameter(method: str, ctype: str | None, qs: str, body: bytes) -> None:
    with pytest.raises(Refused) as info:
        parse_request(method, ctype, qs, body)
    assert info.value.http_status == 403


@pytest.mark.parametrize("query", [
    "INSERT DATA { <a:b> <a:c> 1 }",
    "PREFIX ex: <http://example.org/>\nDELETE WHERE { ?s ?p ?o }",
    "clear all",
    "LOAD <http://example.org/data.ttl>",
    "# a comment\nDROP GRAPH <http://x>",
    "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "select * { service silent ?svc { ?s ?p ?o } }",
    "SELECT * {?s ?p ?o} ; LOAD <http://x>",
    "SELECT * { ?s ?p ?o . SERVICE<http://x>{} }",
    "SELECT * { FILTER(?a<?b)SERVICE<http://x>{} }",
    "ASK { \\u0053ERVICE <http://example.invalid/> {} }",
    "SELECT * FROM <http://elsewhere.example/data.ttl> { ?s ?p ?o }",
    "SELECT * FROM NAMED <http://elsewhere.example/> { GRAPH ?g { ?s ?p ?o } }",
    "PREFIX g: <http://elsewhere.example/>\nSELECT * FROM g:x { ?s ?p ?o }",
    "BASE <http://elsewhere.example/>\nSELECT * FROM <x> { ?s ?p ?o }",
])
def test_refused_queries(query: str) -> None:
    with pytest.raises(Refused):
        check_query(query, GRAPHS)


@pytest.mark.parametrize(("query", "form"), [
    ('SELECT ?service WHERE { ?service <http://x/p> "SERVICE <http://a> {}" }', "select"),
    ("SELECT * { ?s <http://example.org/SERVICE> ?o } # SERVICE <http://x> {}", "select"),
    ("PREFIX ex: <http://example.org/>\nSELECT * { ?s ex:SERVICE ?o . ?s ex:load ?x }", "select"),
    ("SELECT * { ?s ?p '''LOAD <http://x>\nINSERT''' }", "select"),
    ("SELECT * { ?s ?p \"a \\\" SERVICE <http://x> {}\" }", "select"),
    ("ask { $service ?p ?o }", "ask"),
    ("CONSTRUCT { ?s ?p ?o } FROM <https://w3id.org/dprk-ld/graph/data/a000.ttl> WHERE { ?s ?p ?o }", "construct"),
    ("PREFIX g: <https://w3id.org/dprk-ld/graph/data/>\nDESCRIBE ?s FROM g:a000.ttl WHERE { ?s ?p ?o }", "describe"),
    ("SELEKT * {}", ""),
])
def test_allowed_queries(query: str, form: str) -> None:
    assert check_query(query, GRAPHS).form == form


def test_has_dataset() -> None:
    assert check_query("SELECT * FROM <https://w3id.org/dprk-ld/graph/data/a000.ttl> {}", GRAPHS).has_dataset
    assert not check_query("SELECT * { ?from ?p 'FROM <x>' }", GRAPHS).has_dataset


def test_tokens_skip_comments_and_strings() -> None:
    kinds = [t.kind for t in tokens("SELECT ?x # c\n { ?x <http://a> 'b' ; ex:c 1 }")]
    assert kinds == ["word", "var", "other", "var", "iri", "string", "other", "pname", "num", "other"]


@pytest.mark.parametrize(("query", "limit"), [
    ("SELECT * { ?s ?p ?o } LIMIT 10", 10),
    ("SELECT * { ?s ?p ?o } OFFSET 5 LIMIT 7", 7),
    ("SELECT * { { SELECT * { ?s ?p ?o } LIMIT 3 } }", None),  # a subquery's LIMIT bounds nothing outside
    ("SELECT * { ?s ?p 'LIMIT 3' } # LIMIT 4", None),
    ("SELECT * { ?s ?p ?o } LIMIT 10 VALUES ?s { <x> }", 10),
    ("SELECT * { ?s ?p ?o \\u007D LIMIT 1", None),  # escapes could hide braces: no bound claimed
    ("ASK {}", None),
])
def test_outer_limit(query: str, limit: int | None) -> None:
    assert check_query(query, GRAPHS).limit == limit
