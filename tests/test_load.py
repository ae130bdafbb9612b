"""Project discovery and strict loading: a named graph per file, errors as file:line:col."""

from __future__ import annotations

import re

import pytest

from dprk_ld.errors import LoadError, ProjectError
from dprk_ld.load import GRAPH_BASE, load_project
from dprk_ld.project import bundled_root, find_project

from .conftest import MINI, line_of


def test_named_graph_per_file():
    ds = load_project(MINI)
    assert set(ds.files) == {GRAPH_BASE + p for p in
                             ("ontology/mini.ttl", "shapes/mini-shapes.ttl", "data/claims.ttl")}
    assert ds.triples == len(ds.store)
    for iri in ds.files:
        assert len(list(ds.store.quads_for_pattern(None, None, None, __import__("pyoxigraph").NamedNode(iri))))


def test_locate_points_at_the_defining_line():
    ds = load_project(MINI)
    where = ds.locate("https://w3id.org/dprk-ld/id/claim/tractors")
    assert (where.relpath, where.line) == ("data/claims.ttl", line_of(MINI / "data/claims.ttl", "claim:tractors a"))


def test_rdflib_rejects_nothing_but_we_do(mini_copy):
    # rdflib accepts a local name with a bare '/', strict Turtle does not
    project = mini_copy({"data/claims.ttl": [("state:RUR a dprk:State", "state:RUR/x a dprk:State")]})
    with pytest.raises(LoadError) as err:
        load_project(project)
    assert err.value.location.startswith(f"data/claims.ttl:{line_of(project / 'data/claims.ttl', 'RUR/x')}:")


def test_errors_in_several_files_are_all_listed(mini_copy):
    """Every file that fails is listed, in the project's file order, however the data files are loaded."""
    project = mini_copy({"data/claims.ttl": [("state:RUR a dprk:State ;", "state:RUR a dprk:State ;;;,")],
                         "data/more.ttl": [("", "@prefix ex: <http://ex/> .\nex:a ex:b .\n")],
                         "ontology/mini.ttl": [("dprk:State a owl:Class", "dprk:State a owl:Class ;;;,")]})
    seen = set()
    for data in ("files", "both", "merged"):
        with pytest.raises(LoadError) as err:
            load_project(project, data=data)
        assert "and 2 more" in str(err.value) and "data/more.ttl:2:" in str(err.value)
        assert err.value.location.startswith("ontology/mini.ttl:")
        seen.add((str(err.value), err.value.location, err.value.hint))
    assert len(seen) == 1


def test_missing_folder(tmp_path):
    (tmp_path / "data").mkdir()
    with pytest.raises(ProjectError) as err:
        find_project(tmp_path)
    assert "missing ontology/, shapes/" in err.value.message


def test_environment_variable_chooses_the_project(monkeypatch):
    monkeypatch.setenv("DPRK_LD_PROJECT", str(MINI))
    assert find_project().root == MINI


def test_bundled_project_is_the_checkout():
    root = bundled_root()
    assert (root / "ontology").is_dir() and (root / "data").is_dir()


def _reference_index(text: str, relpath: str, into: dict) -> None:
    """The subjects' lines, the plain way (line by line, a dict of prefixes): the oracle for lines.py."""
    from dprk_ld.lines import Location

    prefixes = {}
    for lineno, line in enumerate(text.splitlines(), 1):
        m = re.match(r"\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", line, re.IGNORECASE)
        if m:
            prefixes[m.group(1) or ""] = m.group(2)
            continue
        m = re.match(r"(<[^>\s]*>|[^\s<\"#@:]*:[^\s;,]*)", line)
        if not m:
            continue
        token = m.group(1)
        prefix, _, local = token.partition(":")
        iri = token[1:-1] if token.startswith("<") else prefixes[prefix] + local if prefix in prefixes else None
        if iri is not None and iri not in into:
            into[iri] = Location(relpath, lineno)


def test_locate_many_agrees_with_the_full_index():
    """find_subjects (one pass, for wanted IRIs only) and the full index give each IRI the line a plain
    line-by-line reading gives it: prefixed and full IRIs, first occurrence, across files, unknown IRIs left out."""
    from dprk_ld.lines import Location, find_subjects, index_subjects, line_index

    ds = load_project(bundled_root())
    full: dict[str, Location] = {}
    texts = [(f.path.read_text(encoding="utf-8"), f.relpath) for f in ds.files.values()]
    for text, rel in texts:
        _reference_index(text, rel, full)
    assert len(full) > 100 and ds.subject_lines == full
    indexed_full: dict[str, Location] = {}
    for text, rel in texts:
        index_subjects(line_index(text.encode("utf-8")), rel, indexed_full)
    assert indexed_full == full
    for indexed in (False, True):  # scanning the text, or looking up its line index (load_project(data="merged"))
        todo = set(full) | {"http://example.org/never-a-subject"}
        found: dict[str, Location] = {}
        for text, rel in texts:
            index = line_index(text.encode("utf-8")) if indexed else None
            find_subjects("" if indexed else text, rel, todo, found, index)
        assert found == full and todo == {"http://example.org/never-a-subject"}
    text = "@prefix ex: <http://e/> .\n\nex:a ex:p ex:b .\n<http://e/b> ex:p 1 .\n  ex:c ex:p 2 .\nex:a ex:q 3 .\n"
    found = {}
    find_subjects(text, "t.ttl", {"http://e/a", "http://e/b", "http://e/c"}, found)
    assert found == {"http://e/a": Location("t.ttl", 3), "http://e/b": Location("t.ttl", 4)}
    # the first line, CRLF line ends, non-ASCII IRIs and local names, bytes or text
    text = ("<http://e/ö> <http://e/p> 1 .\r\n@prefix e2: <http://e/é#> .\r\n@prefix ex: <http://e/> .\r\n"
            "ex:naïve ex:p 2 .\r\ne2:x ex:p 3 .\r\n")
    wanted = {"http://e/ö", "http://e/naïve", "http://e/é#x"}
    full = {}
    _reference_index(text, "u.ttl", full)
    for given, index in ((text, None), (text.encode("utf-8"), None), (b"", line_index(text.encode("utf-8")))):
        found = {}
        find_subjects(given, "u.ttl", set(wanted), found, index)
        assert found == {i: full[i] for i in wanted} == {"http://e/ö": Location("u.ttl", 1),
                                                          "http://e/naïve": Location("u.ttl", 4),
                                                          "http://e/é#x": Location("u.ttl", 5)}


def test_prefix_declarations_anywhere_in_any_spelling():
    """_prefixes (a literal-led search) finds what the line-anchored regex finds: first line, mid-file, indented,
    SPARQL style in any case, CRLF line ends; the last declaration of a name wins."""
    from dprk_ld.lines import _PREFIX, _prefixes

    text = ("@prefix a: <http://a/> .\r\n<http://x> <http://y> \"@prefix z: <http://no/> .\" .\r\n"
            "  @prefix b: <http://b/> .\nPREFIX c: <http://c/>\n\tPrefix d: <http://d/>\n"
            "a:s a:p a:o .\n@prefix a: <http://a2/> .\n@prefix : <http://empty/> .\n")
    slow = {(m.group(1) or ""): m.group(2) for m in _PREFIX.finditer(text)}
    assert _prefixes(text) == slow == {"a": "http://a2/", "b": "http://b/", "c": "http://c/", "d": "http://d/",
                                        "": "http://empty/"}
