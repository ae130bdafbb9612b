"""The query guard (dprk_ld.query.guard) agrees with the engine: no spelling of SERVICE gets through,
FROM is read as the engine reads it, and queries at the structure bounds do not crash the engine.

A canary listener on loopback counts connections: the engine itself connects to it for a plain
SERVICE (so the canary works), and for a hypothesis-generated family of spellings (case,
comments, codepoint escapes, glued tokens, prefixed names, subqueries, VALUES, property paths,
EXISTS, OPTIONAL, UNION) the guard refuses every one, so the engine never runs them.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dprk_ld.errors import QueryError, Refused
from dprk_ld.query.guard import DEFAULT_BOUNDS, check_query

GRAPHS = {"https://w3id.org/dprk-ld/graph/data/a000.ttl"}


class Canary:
    """A TCP listener on loopback that counts the connections it accepts (and closes them)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.hits = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.hits += 1
            conn.close()

    def close(self) -> None:
        self.sock.close()


@pytest.fixture(scope="module")
def canary() -> Iterator[Canary]:
    c = Canary()
    yield c
    c.close()


def escaped(word: str, draw_bits: list[bool], wide: list[bool]) -> str:
    out = []
    for ch, esc, big in zip(word, draw_bits, wide, strict=False):
        out.append((f"\\U{ord(ch):08X}" if big else f"\\u{ord(ch):04x}") if esc else ch)
    return "".join(out)


@st.composite
def service_queries(draw: st.DrawFn, port: int) -> str:
    """A query that reaches SERVICE on the canary in some spelling the engine accepts or might."""
    word = "".join(c.upper() if draw(st.booleans()) else c.lower() for c in "service")
    n = len(word)
    word = escaped(word, draw(st.lists(st.booleans(), min_size=n, max_size=n)),
                   draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    silent = draw(st.sampled_from(["", " SILENT", "silent", " sIlEnT "]))
    gap = draw(st.sampled_from(["", " ", "\n", "\t", "#c\n", " #SERVICE\n "]))
    target, prologue = draw(st.sampled_from([
        (f"<http://127.0.0.1:{port}/sparql>", ""),
        (f"<http://127.0.0.1:{port}/>", ""),
        ("c:x", f"PREFIX c: <http://127.0.0.1:{port}/>\n"),
        (":x", f"PREFIX : <http://127.0.0.1:{port}/>\n"),
        ("?svc", ""),
    ]))
    glue = draw(st.sampled_from(["", " ", "true", "false", "1", "1.5e0", ")", ".", "}", "\"s\"", "<http://x/o>",
                                 "#x\n", "a"]))
    call = f"{glue}{word}{silent}{gap}{target}{gap}{{ ?x ?y ?z }}"
    if target == "?svc":
        call = f"VALUES ?svc {{ <http://127.0.0.1:{port}/sparql> }} " + call
    context = draw(st.sampled_from([
        "SELECT * WHERE {{ ?s ?p ?o {call} }}",
        "SELECT * WHERE {{ ?s ?p {call} }}",
        "SELECT * WHERE {{ {{ SELECT * WHERE {{ {call} }} }} }}",
        "ASK {{ OPTIONAL {{ {call} }} }}",
        "SELECT * {{ {{ ?s ?p ?o }} UNION {{ {call} }} }}",
        "SELECT * {{ ?s <http://x/p>/<http://x/q>* ?o . {call} }}",
        "SELECT * {{ FILTER EXISTS {{ {call} }} }}",
        "SELECT * {{ VALUES ?v {{ 1 }} {call} }}",
        "CONSTRUCT {{ ?x ?y ?z }} WHERE {{ GRAPH ?g {{ {call} }} }}",
        "SELECT * {{ ?s ?p ?o FILTER(?o < 3){call} }}",
    ]))
    return prologue + context.format(call=call)


def test_the_canary_sees_the_engine(canary: Canary) -> None:
    before = canary.hits
    with pytest.raises((OSError, RuntimeError, ValueError)):
        list(ox.Store().query(f"SELECT * {{ SERVICE <http://127.0.0.1:{canary.port}/sparql> {{ ?s ?p ?o }} }}"))
    assert canary.hits > before


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_spelling_of_service_passes(canary: Canary, data: st.DataObject) -> None:
    query = data.draw(service_queries(canary.port))
    before = canary.hits
    try:
        check_query(query, GRAPHS)
    except (Refused, QueryError):
        return
    # the guard let it through: then the engine must not reach the canary either
    try:
        result = ox.Store().query(query)
        if not isinstance(result, ox.QueryBoolean):
            list(result)
    except (SyntaxError, OSError, ValueError, RuntimeError):
        pass
    assert canary.hits == before, f"accepted and connected: {query!r}"
    raise AssertionError(f"accepted a SERVICE spelling: {query!r}")


@st.composite
def from_queries(draw: st.DrawFn) -> str:
    word = "".join(c.upper() if draw(st.booleans()) else c.lower() for c in "from")
    word = escaped(word, draw(st.lists(st.booleans(), min_size=4, max_size=4)), [False] * 4)
    named = draw(st.sampled_from(["", " NAMED", "NAMED", " named", "#c\nNAMED"]))
    gap = draw(st.sampled_from(["", " ", "\n", "#c\n"]))
    target, prologue = draw(st.sampled_from([
        ("<http://elsewhere.example/g>", ""), ("e:g", "PREFIX e: <http://elsewhere.example/>\n"),
        (":g", "PREFIX : <http://elsewhere.example/>\n"), ("<g>", "BASE <http://elsewhere.example/>\n"),
    ]))
    # (after a variable a gap is needed: ``?sfrom`` is a variable to the engine too)
    form = draw(st.sampled_from(["SELECT *", "SELECT*", "ASK", "CONSTRUCT { ?s ?p ?o }", "DESCRIBE ?s "]))
    return f"{prologue}{form}{gap}{word}{named}{gap}{target} WHERE {{ ?s ?p ?o }}"


@settings(max_examples=200, deadline=None)
@given(query=from_queries())
def test_no_spelling_of_from_an_outside_graph_passes(query: str) -> None:
    with pytest.raises(Refused):
        check_query(query, GRAPHS)


# queries at (or just under) each structure bound: the engine must answer them, not crash
B = DEFAULT_BOUNDS
AT_BOUNDS = {
    "braces": "SELECT * WHERE " + "{" * (B.max_depth - 1) + "?s ?p ?o" + "}" * (B.max_depth - 1),
    "parens": "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * (B.max_depth - 3) + "?o" + ")" * (B.max_depth - 3) + ") }",
    "concat": "SELECT * WHERE { ?s ?p ?o FILTER(" + "CONCAT(" * (B.max_depth - 3) + "'a'" + ")" * (B.max_depth - 3)
              + ") }",
    "subselect": "SELECT * WHERE " + "{ SELECT * WHERE " * 60 + "{?s ?p ?o}" + "}" * 60,
    "union": "SELECT * WHERE { " + " UNION ".join(["{?s ?p ?o}"] * B.max_unions) + " }",
    "plus": "SELECT * WHERE { ?s ?p ?o FILTER(" + "+".join(["1"] * (B.max_tokens // 2 - 20)) + " > 0) }",
    "or": "SELECT * WHERE { ?s ?p ?o FILTER(" + "||".join(["?o"] * (B.max_tokens // 2 - 20)) + ") }",
    "bind": "SELECT * WHERE { ?s ?p ?o " + "".join(f"BIND(1 AS ?b{i}) " for i in range(B.max_tokens // 6 - 10))
            + "}",
    "minus": "SELECT * WHERE { ?s ?p ?o " + "MINUS { ?s ?p ?o } " * (B.max_tokens // 7 - 10) + "}",
}
ENGINE = ("import sys, pyoxigraph as ox\nq = sys.stdin.read()\ntry:\n    list(ox.Store().query(q))\n"
          "except (SyntaxError, OSError, ValueError, RuntimeError) as e:\n    print(type(e).__name__)\n")


@pytest.mark.parametrize("name", sorted(AT_BOUNDS))
def test_queries_at_the_bounds_do_not_crash_the_engine(name: str) -> None:
    query = AT_BOUNDS[name]
    check_query(query)  # accepted
    run = subprocess.run([sys.executable, "-c", ENGINE], input=query, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, (name, run.returncode, run.stderr[-500:])


@pytest.mark.parametrize(("query", "what"), [
    ("SELECT * WHERE " + "{" * 3000 + "?s ?p ?o" + "}" * 3000, "nesting depth"),
    ("SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 5000 + "?o" + ")" * 5000 + ") }", "nesting depth"),
    ("SELECT * WHERE { " + " UNION ".join(["{?s ?p ?o}"] * 7000) + " }", "UNIONs"),
    ("SELECT * WHERE { ?s ?p ?o FILTER(" + "+".join(["1"] * 7000) + " > 0) }", "tokens"),
    ("SELECT * WHERE { ?s ?p ?o } #" + "x" * 300_000, "length"),
])
def test_crashing_shapes_are_refused(query: str, what: str) -> None:
    with pytest.raises(QueryError, match=what) as info:
        check_query(query)
    assert info.value.http_status == 400


def test_values_data_is_not_counted_as_structure() -> None:
    rows = " ".join(f"({i} 'v{i}')" for i in range(12_000))
    assert check_query(f"SELECT * {{ VALUES (?a ?b) {{ {rows} }} }}").form == "select"


def test_nondeterministic_functions_are_flagged() -> None:
    assert check_query("SELECT (NOW() AS ?t) {}").nondeterministic
    assert check_query("SELECT * { BIND(sTrUuId() AS ?u) }").nondeterministic
    assert not check_query("SELECT ?now { ?now ?p 'RAND' }").nondeterministic
