"""The canned-query catalogue: header parsing (docs/queries.md) on the fixture and the real project."""

from __future__ import annotations

from pathlib import Path

import pytest

from dprk_ld.errors import QueryError
from dprk_ld.query.catalog import Param, load_catalog, parse_query_file, query_kind, violation_queries

FIXTURE = Path(__file__).parent / "fixtures" / "query"
ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.rq"
    path.write_text(text, encoding="utf-8")
    return path


def test_fixture_catalogue_is_sorted_and_complete():
    catalog = load_catalog(FIXTURE)
    assert list(catalog) == ["describe-claim", "has-transfers", "label-lint-violation", "pair", "typed"]
    assert {n: q.kind for n, q in catalog.items()} == {
        "describe-claim": "construct", "has-transfers": "ask", "label-lint-violation": "select",
        "pair": "select", "typed": "select"}


def test_header_fields():
    pair = load_catalog(FIXTURE)["pair"]
    assert pair.title == "Claims about a pair"
    assert pair.description == "Claims in which both actors take part, with their labels."
    assert pair.params == (Param("a", "iri", "state:PRK", "the first actor"),
                           Param("b", "iri", None, "the second actor (required)"))
    assert pair.params[1].required and not pair.params[0].required
    assert pair.columns == ("claim", "label")
    assert pair.path == FIXTURE / "queries" / "pair.rq"
    assert pair.text.startswith("# title:")


def test_param_separators_and_unbound_default():
    catalog = load_catalog(FIXTURE)
    assert catalog["has-transfers"].params == (Param("supplier", "iri", "state:PRK", "the supplier"),)
    assert catalog["describe-claim"].params[0].description == "the claim"
    opt = catalog["typed"].param("opt")
    assert opt is not None and opt.default == "*" and not opt.required
    assert catalog["typed"].param("nope") is None


def test_as_dict_is_json_ready():
    data = load_catalog(FIXTURE)["typed"].as_dict()
    assert data["name"] == "typed" and data["kind"] == "select"
    assert data["params"][0] == {"name": "s", "type": "string", "required": False, "default": "hello",
                                 "description": "a string"}
    assert data["params"][-1]["default"] is None  # '*' is shown as no default
    assert data["columns"] == ["s", "i", "d", "day", "year", "flag", "opt"]


def test_violation_queries_are_the_suffixed_ones():
    assert [q.name for q in violation_queries(load_catalog(FIXTURE))] == ["label-lint-violation"]


def test_header_ends_at_first_non_comment(tmp_path):
    path = write(tmp_path, "late", "# title: T\nSELECT * WHERE { ?s ?p ?o }\n# param: x iri - nope\n")
    assert parse_query_file(path).params == ()


@pytest.mark.parametrize("text, message", [
    ("SELECT * WHERE { ?s ?p ?o }", "no '# title"),
    ("# title: T\n# param: x colour red - bad\nSELECT * {}", "unknown parameter type 'colour'"),
    ("# title: T\n# param: x\nSELECT * {}", "malformed param header"),
    ("# title: T\n# param: x iri - a\n# param: x iri - b\nSELECT * {}", "parameter declared twice: x"),
    ("# title: T\nINSERT DATA { <a:b> <a:c> <a:d> }", "not a SPARQL query"),
])
def test_malformed_headers(tmp_path, text, message):
    path = write(tmp_path, "bad", text)
    with pytest.raises(QueryError, match=message) as info:
        parse_query_file(path)
    assert info.value.location is None or str(path) in info.value.location


def test_malformed_param_names_the_line(tmp_path):
    path = write(tmp_path, "bad", "# title: T\n# description: d\n# param: x colour red\nSELECT * {}")
    with pytest.raises(QueryError) as info:
        parse_query_file(path)
    assert info.value.location == f"{path}:3"
    assert "iri, string, integer" in info.value.hint


def test_query_kind_ignores_comments_strings_and_iris():
    text = '# SELECT\nPREFIX a: <http://x/ASK>\nCONSTRUCT { ?s ?p "SELECT" } WHERE { ?s ?p ?o }'
    assert query_kind(text) == "construct"
    assert query_kind("prefix d: <d:> describe d:x") == "describe"
    assert query_kind("ASK {}") == "ask"


# ---------------------------------------------------------------- the real project

def test_real_catalogue_meets_the_issue():
    catalog = load_catalog(ROOT)
    research = [q for q in catalog.values() if not q.is_violation]
    assert len(research) >= 15
    assert len(violation_queries(catalog)) >= 2
    for q in catalog.values():
        assert q.title and q.description, q.name
        assert q.columns, f"{q.name}: '# columns:' missing"
        assert q.kind == "select", q.name
    for q in violation_queries(catalog):
        assert q.columns == ("focus", "message"), q.name


def test_real_columns_match_projection():
    """The declared columns are exactly the SELECT variables, in order (checked by running each query)."""
    from dprk_ld.load import load_project
    from dprk_ld.query import run_canned

    dataset = load_project(ROOT)
    for name, q in load_catalog(ROOT).items():
        assert tuple(run_canned(dataset, name).variables) == q.columns, name
