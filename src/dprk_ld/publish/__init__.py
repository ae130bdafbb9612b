"""A versioned, citable release of a dataset project (``dprk-ld build``).

Implements issue 6: deterministic dumps in every RDF format of :mod:`dprk_ld.formats` (plus
gzip), VoID + DCAT descriptions, ``SHA256SUMS`` and ``CITATION.cff``, HTML documentation of
the ontology and a static site that works from ``file://``. The release is written to its own
temporary folder beside ``out_dir`` and swapped in, under a lock, only when complete (:mod:`.outdir`).

Layout of a release::

    index.{html,ttl,jsonld} claims.html entities.html sources.html timeline.html relations.html relations.svg
    style.css  id/<kind>/<slug>.{html,ttl,jsonld}  prop/…  graph/…  ontology.*  shapes.*  dataset.*  queries/
    dumps/dprk-ld.{ttl,nt,nq,trig,jsonld,rdf}[.gz]  dumps/dprk-ld-wikidata.nq[.gz] (the Wikidata-style view)
    context.jsonld  void.ttl  CITATION.cff  SHA256SUMS  w3id.htaccess  .htaccess  _headers (docs/publishing.md)
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..load import Dataset
from ..metadata import read_metadata
from ..query.catalog import load_catalog
from ..site import Model, Site, SiteInfo, StaticSite
from . import describe, dumps, hosting, outdir
from .diff import ReleaseDiff, diff_releases, release_claims

__all__ = ["BuildSummary", "ReleaseDiff", "build_release", "diff_releases", "release_claims"]

Progress = Callable[[str], None]
MARKER = outdir.MARKER


@dataclass
class BuildSummary:
    """What a build wrote."""

    out_dir: Path
    version: str
    issued: str
    issued_from: str
    triples: int
    claims: int
    pages: int
    files: list[tuple[str, int]] = field(default_factory=list)  # relative path, bytes

    def size(self, relpath: str) -> int:
        return dict(self.files)[relpath]

    @property
    def total_bytes(self) -> int:
        return sum(size for _, size in self.files)


def build_release(dataset: Dataset, out_dir: Path | str, *, progress: Progress | None = None,
                  sources: Path | None = None) -> BuildSummary:
    """Write the complete release of ``dataset`` into ``out_dir`` (replacing an earlier release there).

    With ``sources`` (the folder of article texts) the release also has ``coverage.html``: each article's
    sentences by status (cited, set aside, uncovered), as offsets, reasons and links, never the text.
    """
    say = progress or (lambda _msg: None)
    out_dir = Path(out_dir).absolute()
    outdir.check_replaceable(out_dir)  # refuse before the work, and again before the swap
    tmp = outdir.new_temp(out_dir)
    try:
        say(f"reading {len(dataset.files)} files")
        quads = dumps.canonical_quads(dataset)
        written = dumps.write_dumps(quads, tmp / "dumps", progress=say)
        view = _write_wikidata_view(dataset, tmp / "dumps", say)
        written += view
        store = ox.Store()
        store.extend(quads)
        info = describe.release_info(store, read_metadata(dataset.project), dataset.base)
        say(f"release {info.version}, issued {info.issued} (from {info.issued_from})")
        dump_files = [p for p in written if p.parent.name == "dumps"]
        say("VoID and DCAT description")
        void = describe.describe(store, info, dump_files, tmp)
        describe.write_description(void, tmp / "void.ttl")
        (tmp / "CITATION.cff").write_text(describe.citation_cff(info), encoding="utf-8")
        store.load(view[0].read_bytes(), format=ox.RdfFormat.N_QUADS)  # the view's IRIs get pages too
        own = sorted(dataset.files)
        site = Site(Model(store, own, base=dataset.base),
                    SiteInfo(info.title, info.description, info.version, info.issued, info.license),
                    load_catalog(dataset.project) if dataset.project.queries else {},
                    ontology_graphs=dataset.graphs_of("ontology"), shapes_graphs=dataset.graphs_of("shapes"),
                    graph_files={iri: f.relpath for iri, f in dataset.files.items()},
                    documents={info.dataset_iri: void}, everything=Model(store, base=dataset.base))
        downloads = [(p.relative_to(tmp).as_posix(), _format_name(p), p.stat().st_size) for p in written]
        if sources is not None:
            downloads.append(_write_coverage_page(dataset, site, Path(sources), tmp, say))
        StaticSite(site, tmp, say).build(downloads, dataset)
        say("w3id.org redirect rules and static-host headers")
        hosting.write_hosting(tmp, dataset.base)
        describe.write_sha256sums(tmp, say)
        # listed before the swap: once swapped in, another build may already be replacing out_dir
        files = sorted((p.relative_to(tmp).as_posix(), p.stat().st_size) for p in tmp.rglob("*") if p.is_file())
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    outdir.swap_in(tmp, out_dir)
    return BuildSummary(out_dir, info.version, info.issued, info.issued_from,
                        len({(q.subject, q.predicate, q.object) for q in quads}), len(site.model.claims()),
                        sum(1 for f, _ in files if f.endswith(".html")), files)


WIKIDATA_DUMP = "dprk-ld-wikidata.nq"


def _write_coverage_page(dataset: Dataset, site: Site, sources: Path, out: Path, say: Progress) -> tuple[str, str, int]:
    """``coverage.html`` (:mod:`.coverage_page`), listed on the index like a download."""
    from ..validate.coverage import coverage
    from .coverage_page import PAGE, coverage_html

    say(f"coverage of the articles in {sources}")
    path = out / PAGE
    path.write_text(coverage_html(site, coverage(dataset, sources, with_text=False)), encoding="utf-8")
    return PAGE, "Coverage of the source articles (HTML: sentences by status, no article text)", path.stat().st_size


def _write_wikidata_view(dataset: Dataset, out_dir: Path, say: Progress) -> list[Path]:
    """The Wikidata-style view (:mod:`dprk_ld.wikidata.view`) as sorted N-Quads in its own named graph, + gzip."""
    from ..wikidata.view import view_graph, wikidata_view_nquads

    say(f"Wikidata-style view ({WIKIDATA_DUMP})")
    data = wikidata_view_nquads(dataset, view_graph(dataset))
    path, gz = out_dir / WIKIDATA_DUMP, out_dir / (WIKIDATA_DUMP + ".gz")
    path.write_bytes(data)
    gz.write_bytes(dumps.gzip_bytes(data))
    return [path, gz]


def _format_name(path: Path) -> str:
    from ..formats import by_extension

    gz = path.suffix == ".gz"
    fmt = by_extension(Path(path.stem).suffix if gz else path.suffix, "rdf")
    name = fmt.name if fmt else "JSON-LD context"
    if path.name.startswith(WIKIDATA_DUMP):
        name = f"Wikidata-style view, {name}"
    return name + (" (gzip)" if gz else "")
