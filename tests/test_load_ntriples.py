"""A Turtle file that starts like N-Triples is first tried with the N-Triples parser
(:func:`dprk_ld.load.parse_turtle`).

The oracle is the Turtle parser on its own. For every document, the N-Triples-first parse must give the same
graph (isomorphic: pyoxigraph names blank nodes afresh on each load), or fail with the same error at the
same place. The documents are hand-picked edge cases, fuzzed lines that mix N-Triples with Turtle-only
syntax, and real files: the bundled dataset, a generated project and the synthetic data of the benchmarks.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dprk_ld.errors import LoadError
from dprk_ld.load import load_project, parse_turtle
from dprk_ld.project import bundled_root

from .conftest import benchmark_module

BASE = "http://example.org/base/doc.ttl"
G = ox.NamedNode("http://example.org/graph")


def _outcome(raw: bytes, first: bool) -> tuple[str, object]:
    """("graph", its quads with blank nodes named canonically) or ("error", (message, line, column)), parsing
    ``raw`` into a named graph."""
    store = ox.Store()
    try:
        if first:
            parse_turtle(store, raw, BASE, G)
        else:
            store.load(raw, format=ox.RdfFormat.TURTLE, base_iri=BASE, to_graph=G)
    except SyntaxError as exc:
        assert len(store) == 0  # nothing left of a file that fails
        return "error", (str(exc), exc.lineno, exc.offset)
    assert all(q.graph_name == G for q in store)
    dataset = ox.Dataset(store)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)  # the same labels for the same graph, in one process
    return "graph", sorted(map(str, dataset))


def assert_as_turtle(raw: bytes) -> None:
    got, want = _outcome(raw, True), _outcome(raw, False)
    assert got[0] == want[0], (raw[:300], got, want)
    assert got[1] == want[1], raw[:300]


S, P, OB = "<http://x.org/s>", "<http://x.org/p>", "<http://x.org/o>"
CASES = {
    "plain": f"{S} {P} {OB} .\n",
    "relative IRI (Turtle resolves it against the base)": f"<s> {P} {OB} .\n",
    "relative IRI late in the file": f"{S} {P} {OB} .\n" * 50 + f"{S} {P} <o> .\n",
    "blank nodes": "_:a <http://x.org/p> _:b .\n_:b <http://x.org/p> \"x\"@en .\n_:a <http://x.org/q> _:a .\n",
    "escapes": f'{S} {P} "a\\"b\\u00e9\\U0001F600\\n\\t\\\\" .\n'
               f'<http://x.org/\\u0041> {P} "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n',
    "two triples on a line": f"{S} {P} {OB} . {S} {P} <http://x.org/o2> .\n",
    "a predicate list": f"{S} {P} {OB} ;\n  {P} <http://x.org/o2> .\n",
    "an object list": f"{S} {P} {OB}, <http://x.org/o2> .\n",
    "the keyword a": f"{S} a {OB} .\n",
    "a prefix after N-Triples lines": f"{S} {P} {OB} .\n@prefix ex: <http://x.org/> .\nex:s ex:p ex:o .\n",
    "comments and blank lines": f"# a comment\n\n   # another\n{S} {P} {OB} . # trailing\n\n",
    "no final line break": f"{S} {P} {OB} .",
    "CRLF": f"{S} {P} {OB} .\r\n{S} {P} <http://x.org/o2> .\r\n",
    "non-ASCII": f'<http://x.org/\u00e9t\u00e9> {P} "\u4e2d\u6587"@zh .\n',
    "directional language tag": f'{S} {P} "x"@en--ltr .\n',
    "triple term": f"{S} {P} <<( <http://x.org/a> <http://x.org/b> <http://x.org/c> )>> .\n",
    "a derived integer type": f'{S} {P} "01"^^<http://www.w3.org/2001/XMLSchema#int> .\n',
    "numbers (Turtle only)": f"{S} {P} 42 .\n",
    "long string (Turtle only)": f'{S} {P} """two\nlines""" .\n',
    "missing dot (an error)": f"{S} {P} {OB}\n{S} {P} {OB} .\n",
    "IRI with a space (an error)": f"<http://x.org/a b> {P} {OB} .\n",
    "bad language tag (an error)": f'{S} {P} "x"@123456789 .\n',
    "undeclared prefix (an error)": f"{S} {P} {OB} .\nex:s {P} {OB} .\n",
    "a literal subject (an error)": f'"s" {P} {OB} .\n',
    "blank node start": f"_:x {P} {OB} .\n",
    "empty": "",
    "only comments": "# nothing\n",
}


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_edge_cases_parse_as_turtle_does(text):
    assert_as_turtle(text.encode())


_TERMS = [S, P, OB, "<o>", "_:b", '"x"', '"x"@en', '"1"^^<http://www.w3.org/2001/XMLSchema#integer>', "a", "42",
          "ex:o", "[]", "<http://x.org/a b>", '"y"@en--rtl']
_ENDS = [" .", " ;", " ,", "", " . #c", " .."]


@st.composite
def documents(draw: st.DrawFn) -> bytes:
    lines = draw(st.lists(st.tuples(st.sampled_from(_TERMS), st.sampled_from(_TERMS), st.sampled_from(_TERMS),
                                    st.sampled_from(_ENDS)), min_size=1, max_size=8))
    prefix = draw(st.sampled_from(["", "@prefix ex: <http://x.org/> .\n"]))
    body = "\n".join(" ".join(t[:3]) + t[3] for t in lines)
    return (body + "\n" + prefix if draw(st.booleans()) else prefix + body + "\n").encode()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_fuzzed_documents_parse_as_turtle_does(raw):
    assert_as_turtle(raw)


def test_real_files_parse_as_turtle_does(tmp_path):
    """The bundled dataset (hand-written Turtle), a generated project and the benchmarks' synthetic data
    (N-Triples lines in .ttl files, the ones the N-Triples parser takes)."""
    benchmark_module("shapegen").write_project(tmp_path / "gen", 3, 3000, files=2)
    benchmark_module("synth").synth(tmp_path / "synth", 20, violations=1)
    files = [f for d in (bundled_root(), tmp_path) for f in sorted(d.rglob("*.ttl"))]
    assert {"gen", "synth"} <= {f.relative_to(tmp_path).parts[0] for f in files if f.is_relative_to(tmp_path)}
    for f in files:
        assert_as_turtle(f.read_bytes())


def test_a_turtle_error_in_an_n_triples_file_is_located_as_before(tmp_path):
    """The error a curator sees is Turtle's: its file, line and column, whatever was tried first."""
    root = bundled_root()
    project = tmp_path / "p"
    for sub in ("ontology", "shapes"):
        (project / sub).mkdir(parents=True)
        for f in (root / sub).glob("*.ttl"):
            (project / sub / f.name).write_bytes(f.read_bytes())
    (project / "data").mkdir()
    lines = [f"<http://x.org/s{i}> <http://www.w3.org/2000/01/rdf-schema#label> \"s{i}\" .\n" for i in range(100)]
    lines[70] = "<http://x.org/s70> <http://www.w3.org/2000/01/rdf-schema#label> \"s70\"\n"  # no dot
    (project / "data" / "nt.ttl").write_text("".join(lines), encoding="utf-8")
    for data in ("files", "merged"):
        with pytest.raises(LoadError) as err:
            load_project(project, data=data)
        assert err.value.location.startswith("data/nt.ttl:72:"), (data, err.value.location)


class _Recording:
    """A store that records the format of each load (parse_turtle calls nothing else)."""

    def __init__(self) -> None:
        self.store, self.formats = ox.Store(), []

    def load(self, raw: bytes, **kw: object) -> None:
        self.formats.append(kw["format"])
        self.store.load(raw, **kw)


@pytest.mark.parametrize(("text", "formats"), [
    (CASES["plain"], [ox.RdfFormat.N_TRIPLES]),
    (CASES["a predicate list"], [ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE]),  # tried, failed, Turtle
    ("@prefix ex: <http://x.org/> .\nex:s ex:p ex:o .\n", [ox.RdfFormat.TURTLE]),  # a directive: never tried
    ("# c\n\n@base <http://x.org/> .\n<s> <p> <o> .\n", [ox.RdfFormat.TURTLE]),
])
def test_which_parser_runs(text, formats):
    rec = _Recording()
    parse_turtle(rec, text.encode(), BASE)  # type: ignore[arg-type]
    assert rec.formats == formats and len(rec.store) > 0
