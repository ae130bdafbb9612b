"""`dprk-ld build` on a small fixture project: dumps, determinism, VoID/DCAT, docs and site."""

from __future__ import annotations

import gzip
import hashlib
import re
import shutil
from collections import defaultdict
from importlib import resources
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic

from dprk_ld.cli import main
from dprk_ld.load import graph_iri, load_project
from dprk_ld.project import find_project
from dprk_ld.publish import build_release

FIXTURE = Path(__file__).parent / "fixtures" / "build"
GRAPH_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
                 "rdf": ox.RdfFormat.RDF_XML}
QUAD_FORMATS = {"nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("release") / "dist"
    build_release(load_project(FIXTURE), out)
    return out


def rdflib_term(term):  # the dumps' terms, converted the way rdflib's own parser builds them
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == str(rdflib.XSD.string):  # RDF 1.1 simple literal: rdflib leaves it untyped
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def reference() -> dict[str, rdflib.Graph]:
    """Each file of the fixture parsed by rdflib (independently of pyoxigraph), by graph IRI."""
    graphs = {}
    for file in find_project(FIXTURE).files:
        graphs[graph_iri(file)] = rdflib.Graph().parse(file.path, format="turtle")
    return graphs


def union(graphs) -> rdflib.Graph:
    g = rdflib.Graph()
    for part in graphs:
        for t in part:
            g.add(t)
    return g


@pytest.mark.parametrize("ext", sorted(GRAPH_FORMATS))
def test_graph_dump_parses_with_pyoxigraph_and_is_isomorphic(release: Path, ext: str) -> None:
    data = (release / "dumps" / f"dprk-ld.{ext}").read_bytes()
    assert gzip.decompress((release / "dumps" / f"dprk-ld.{ext}.gz").read_bytes()) == data
    parsed = rdflib.Graph()
    for q in ox.parse(data, format=GRAPH_FORMATS[ext]):
        parsed.add((rdflib_term(q.subject), rdflib_term(q.predicate), rdflib_term(q.object)))
    expected = union(reference().values())
    assert len(parsed) == len(expected)
    assert isomorphic(parsed, expected)


@pytest.mark.parametrize("ext", sorted(QUAD_FORMATS))
def test_quad_dump_keeps_one_graph_per_file(release: Path, ext: str) -> None:
    data = (release / "dumps" / f"dprk-ld.{ext}").read_bytes()
    graphs: dict[str, rdflib.Graph] = defaultdict(rdflib.Graph)
    for q in ox.parse(data, format=QUAD_FORMATS[ext]):
        assert isinstance(q.graph_name, ox.NamedNode), "nothing belongs in the default graph"
        graphs[q.graph_name.value].add((rdflib_term(q.subject), rdflib_term(q.predicate), rdflib_term(q.object)))
    expected = reference()
    assert sorted(graphs) == sorted(expected)
    for iri, graph in expected.items():
        assert isomorphic(graphs[iri], graph), iri


def test_datatypes_are_kept_as_written(release: Path) -> None:
    nt = (release / "dumps" / "dprk-ld.nt").read_text(encoding="utf-8")
    assert '"120"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>' in nt
    assert '"1961"^^<http://www.w3.org/2001/XMLSchema#gYear>' in nt


def test_ntriples_lines_are_sorted_and_blank_nodes_stable(release: Path) -> None:
    lines = (release / "dumps" / "dprk-ld.nt").read_text(encoding="utf-8").splitlines()
    assert lines == sorted(lines)
    assert any("_:b" in line for line in lines)  # the owl:unionOf list of the fixture ontology


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical(release: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build_release(load_project(FIXTURE), again)
    first, second = _tree(release), _tree(again)
    assert (release / "SHA256SUMS").read_bytes() == (again / "SHA256SUMS").read_bytes()
    assert sorted(first) == sorted(second)
    for name in first:
        assert first[name] == second[name], name


def test_sha256sums_cover_every_file(release: Path) -> None:
    lines = (release / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    listed = {}
    for line in lines:
        digest, name = line.split("  ", 1)
        listed[name] = digest
    files = {n for n in _tree(release) if n != "SHA256SUMS"}
    assert set(listed) == files
    for name, digest in listed.items():
        assert hashlib.sha256((release / name).read_bytes()).hexdigest() == digest


def _shape() -> rdflib.Graph:
    text = resources.files("dprk_ld.publish").joinpath("dcat-shape.ttl").read_text(encoding="utf-8")
    return rdflib.Graph().parse(data=text, format="turtle")


def test_void_dcat_conforms_to_the_dcat_shape(release: Path) -> None:
    description = rdflib.Graph().parse(release / "void.ttl", format="turtle")
    conforms, _, text = pyshacl.validate(description, shacl_graph=_shape())
    assert conforms, text


def test_dcat_shape_catches_a_missing_byte_size(release: Path) -> None:
    description = rdflib.Graph().parse(release / "void.ttl", format="turtle")
    description.remove((None, rdflib.URIRef("http://www.w3.org/ns/dcat#byteSize"), None))
    conforms, _, _ = pyshacl.validate(description, shacl_graph=_shape())
    assert not conforms


def test_void_dcat_content(release: Path) -> None:
    g = rdflib.Graph().parse(release / "void.ttl", format="turtle")
    void, dcat = rdflib.Namespace("http://rdfs.org/ns/void#"), rdflib.Namespace("http://www.w3.org/ns/dcat#")
    ds = rdflib.URIRef("https://w3id.org/dprk-ld/dataset")
    expected = len(union(reference().values()))
    assert int(g.value(ds, void.triples)) == expected
    assert str(g.value(ds, rdflib.DCTERMS.issued)) == "2025-01-15"  # from the ontology, not the clock
    assert str(g.value(ds, dcat.version)) == "0.9.0"
    assert str(g.value(ds, void.sparqlEndpoint)).endswith("/sparql")
    derived = set(g.objects(ds, rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")))
    assert {str(s).rsplit("/", 1)[-1] for s in derived} == {"000_aaaa", "001_bbbb"}
    sizes = {str(g.value(d, dcat.downloadURL)).rsplit("/", 2)[-1]: int(g.value(d, dcat.byteSize))
             for d in g.objects(ds, dcat.distribution)}
    assert len(sizes) == 14  # 6 formats and their gzip, + the Wikidata-style view (.nq, .nq.gz)
    for name, size in sizes.items():
        assert (release / "dumps" / name).stat().st_size == size
    media = {str(g.value(d, dcat.mediaType)) for d in g.objects(ds, dcat.distribution)}
    assert "https://www.iana.org/assignments/media-types/application/n-quads" in media
    classes = {str(g.value(p, void["class"])): int(g.value(p, void.entities))
               for p in g.objects(ds, void.classPartition)}
    assert classes["https://w3id.org/dprk-ld/ontology#Citation"] == 4


def test_citation_cff(release: Path) -> None:
    text = (release / "CITATION.cff").read_text(encoding="utf-8")
    assert "cff-version: 1.2.0" in text and 'version: "0.9.0"' in text
    assert 'date-released: "2025-01-15"' in text and "license: CC-BY-4.0" in text


def test_ontology_docs_anchor_every_term_at_its_hash_iri(release: Path) -> None:
    html = (release / "ontology.html").read_text(encoding="utf-8")
    ids = set(re.findall(r'id="([^"]+)"', html))
    ontology = rdflib.Graph().parse(FIXTURE / "ontology" / "dprk.ttl")
    terms = {str(s).split("#", 1)[1] for s in ontology.subjects() if str(s).startswith(
        "https://w3id.org/dprk-ld/ontology#")}
    assert terms and terms <= ids
    assert "any of" in html  # the owl:unionOf domain is spelled out


def test_claim_page_shows_citations_with_source_metadata(release: Path) -> None:
    page = release / "id" / "claim" / "a000-shells-to-russia.html"
    html = page.read_text(encoding="utf-8")
    assert "Korea Utara telah mengirim jutaan peluru ke Rusia" in html
    assert "Rusia dan Korea Utara &lt;Sekutu&gt; &amp; &#34;kawan&#34;" in html  # source title, escaped
    assert "120" in html and "169" in html
    assert 'href="a000-shells-to-russia.ttl"' in html and 'href="a000-shells-to-russia.jsonld"' in html
    assert "precision: month" in html
    ttl = (page.with_suffix(".ttl")).read_bytes()
    triples = list(ox.parse(ttl, format=ox.RdfFormat.TURTLE))
    assert any(t.subject.value.endswith("-c1") for t in triples)  # the citation travels with its claim
    list(ox.parse(page.with_suffix(".jsonld").read_bytes(), format=ox.RdfFormat.JSON_LD))


def test_source_page_lists_its_claims(release: Path) -> None:
    html = (release / "id" / "source" / "000_aaaa.html").read_text(encoding="utf-8")
    assert "a000-shells-to-russia.html" in html and "a000-putin-visit.html" in html
    assert "a001-china-aid" not in html


def test_timeline_is_sorted_with_precision(release: Path) -> None:
    html = (release / "timeline.html").read_text(encoding="utf-8")
    dates = re.findall(r'<time datetime="([^"]+)"', html)
    assert dates == ["1961", "2023-08", "2024-06-19"]
    assert "year" in html and "month" in html and "day" in html


def test_relations_svg_has_an_edge_per_pair_and_class_and_a_legend(release: Path) -> None:
    svg = (release / "relations.svg").read_text(encoding="utf-8")
    edges = re.findall(r'<a class="edge" href="([^"]+)"', svg)
    assert len(edges) == 4  # shells, visit, treaty, aid: four pairs-and-classes of one claim each
    assert "claims.html?party=state%2FPRK&amp;party=state%2FRUS&amp;class=Transfer" in edges
    assert "transfer: 1 claim between North Korea and Russia" in svg
    html = (release / "relations.html").read_text(encoding="utf-8")
    for kind in ("transfer", "visit", "treaty"):  # the legend, beside the picture
        assert re.search(rf'name="class" value="[A-Za-z]+" checked>\s*<svg[^>]*>.*?</svg> {kind}\b', html, re.S)
    assert 'href="id/state/PRK.html"' in html


def test_query_pages_have_precomputed_results(release: Path) -> None:
    html = (release / "queries" / "claims-by-state.html").read_text(encoding="utf-8")
    assert "4 results" in html
    assert (release / "queries" / "claims-by-state.csv").read_text(encoding="utf-8").count("\n") >= 5


def test_cli_build_prints_what_it_wrote_and_diff(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "dist"
    result = runner.invoke(main, ["build", "--project", str(FIXTURE), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "dumps/dprk-ld.ttl" in result.output and "index.html" in result.output
    assert "http.server" in result.output
    again = runner.invoke(main, ["build", "--project", str(FIXTURE), "--out", str(out), "--diff", str(out)])
    assert again.exit_code == 0, again.output
    assert "claims: 0 added, 0 removed, 0 changed" in again.output


def test_cli_build_refuses_a_folder_that_is_not_a_release(tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("keep me")
    result = CliRunner().invoke(main, ["build", "--project", str(FIXTURE), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "not empty" in result.output
    assert (tmp_path / "precious.txt").exists()


def test_real_dataset_builds(tmp_path: Path) -> None:
    dataset = load_project(Path(__file__).resolve().parent.parent)
    summary = build_release(dataset, tmp_path / "dist")
    assert summary.triples > 0
    for ext in ("ttl", "nt", "nq", "trig", "jsonld", "rdf"):
        path = tmp_path / "dist" / "dumps" / f"dprk-ld.{ext}"
        fmt = {**GRAPH_FORMATS, **QUAD_FORMATS}[ext]
        assert sum(1 for _ in ox.parse(path.read_bytes(), format=fmt)) > 0
    assert (tmp_path / "dist" / "index.html").is_file()
    flagged = (tmp_path / "dist" / "id" / "claim" / "a000-usa-official-relations.html").read_text(encoding="utf-8")
    assert 'class="flagged"' in flagged and "not exported to Wikidata" in flagged
    reviewed = (tmp_path / "dist" / "id" / "claim" / "a000-few-friends.html").read_text(encoding="utf-8")
    assert 'class="flagged"' not in reviewed
    shutil.rmtree(tmp_path / "dist")


def test_wikidata_view_dump(release: Path) -> None:
    """dumps/dprk-ld-wikidata.nq(.gz): parses, equals wikidata_view_nquads, is listed and described."""
    from dprk_ld.wikidata.view import VIEW_GRAPH, wikidata_view_nquads

    dump = release / "dumps" / "dprk-ld-wikidata.nq"
    data = dump.read_bytes()
    assert data == wikidata_view_nquads(load_project(FIXTURE))
    assert gzip.decompress((release / "dumps" / "dprk-ld-wikidata.nq.gz").read_bytes()) == data
    quads = list(ox.parse(data, format=ox.RdfFormat.N_QUADS))
    assert quads and {q.graph_name for q in quads} == {ox.NamedNode(VIEW_GRAPH)}
    sums = (release / "SHA256SUMS").read_text(encoding="utf-8")
    for name in ("dumps/dprk-ld-wikidata.nq", "dumps/dprk-ld-wikidata.nq.gz"):
        digest = hashlib.sha256((release / name).read_bytes()).hexdigest()
        assert f"{digest}  {name}" in sums
    void = rdflib.Graph().parse(release / "void.ttl", format="turtle")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    urls = {str(o) for o in void.objects(None, dcat.downloadURL)}
    assert any(u.endswith("dumps/dprk-ld-wikidata.nq") for u in urls)
    assert any(u.endswith("dumps/dprk-ld-wikidata.nq.gz") for u in urls)
    dumps = {str(o) for o in void.objects(None, rdflib.URIRef("http://rdfs.org/ns/void#dataDump"))}
    assert not any("wikidata" in u for u in dumps)  # a derived view, not a dump of the dataset
