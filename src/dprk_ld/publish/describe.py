"""Dataset descriptions of a release: VoID, DCAT, SHA256SUMS and CITATION.cff.

Implements W3C "Describing Linked Datasets with the VoID Vocabulary" (Interest Group Note),
DCAT Version 3 (W3C Recommendation; distributions with ``dcat:mediaType``, ``dcat:byteSize``
and an SPDX checksum as DCAT-AP does), PROV-O ``prov:wasDerivedFrom`` for the source
articles, the GNU coreutils ``sha256sum`` file format, and Citation File Format 1.2.0.
The dataset describes itself in the project's ``dataset.toml`` (:mod:`dprk_ld.metadata`: title,
description, creators, licence, version, keywords), apart from the ontology's header; without that file
the ontology header stands in. Nothing here reads the wall clock: the issued date comes from
``dataset.toml``, else the ontology header (``dcterms:issued`` or ``dcterms:modified``), else
``$SOURCE_DATE_EPOCH``, else the build stops.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..errors import BuildError
from ..formats import by_extension
from ..metadata import Creator, DatasetMeta
from ..namespaces import ONTOLOGY_IRI, PREFIXES
from ..query.results import Term, lexical, solutions

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"
FOAF = "http://xmlns.com/foaf/0.1/"
RDF = PREFIXES["rdf"]
XSD = PREFIXES["xsd"]
DCT = PREFIXES["dcterms"]
PROV = PREFIXES["prov"]
IANA = "https://www.iana.org/assignments/media-types/"
DESCRIPTION_PREFIXES = {**PREFIXES, "void": VOID, "dcat": DCAT, "spdx": SPDX, "foaf": FOAF}
SPARQL_PATH = "/sparql"
DEFAULT_TITLE = "dprk-ld: North Korea's foreign relations as cited linked data"
CLAIM = PREFIXES["dprk"] + "Claim"


@dataclass(frozen=True)
class ReleaseInfo:
    """What the descriptions say about the release; all of it from the data, none from the clock."""

    title: str
    description: str
    version: str
    issued: str           # xsd:date lexical form
    issued_from: str      # where the date came from (for the build log)
    license: str | None
    #: the dataset's base IRI (dataset.toml ``base``): its entities under ``id/``, its description at ``dataset``
    iri_base: str
    creators: tuple[Creator, ...] = (Creator("dprk-ld contributors"),)
    keywords: tuple[str, ...] = ("North Korea", "foreign relations", "linked data", "citations")
    homepage: str | None = None

    @property
    def creator(self) -> str:
        """The creators' names, joined (for one-line displays)."""
        return ", ".join(c.name for c in self.creators)

    @property
    def base(self) -> str:
        """Where this release's files live on the web (download URLs)."""
        return f"{self.iri_base}release/{self.version}/"

    @property
    def dataset_iri(self) -> str:
        """The dataset (VoID/DCAT) this release describes."""
        return self.iri_base + "dataset"


def _first(store: ox.Store, subject: str, predicate: str) -> Term | None:
    objs = sorted((q.object for q in store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate),
                                                                None)), key=str)
    english = [o for o in objs if isinstance(o, ox.Literal) and o.language == "en"]
    return (english or objs or [None])[0]


def release_info(store: ox.Store, meta: DatasetMeta | None, base: str) -> ReleaseInfo:
    """Title, description, creators, version, date and licence: from ``dataset.toml`` (``meta``), each
    missing one from the ontology header (``owl:Ontology``). ``base``: the dataset's base IRI."""
    ontology = base + "ontology"  # the project's ontology (dprk-ld's own for the bundled dataset)
    def text(pred: str, default: str) -> str:
        term = _first(store, ontology, pred)
        return lexical(term) if term is not None else default

    issued_term = _first(store, ontology, DCT + "issued") or _first(store, ontology, DCT + "modified")
    if meta is not None and meta.issued:
        issued, source = meta.issued, f"{meta.path.name} (issued)"
    elif issued_term is not None:
        issued, source = lexical(issued_term)[:10], "the ontology header (dcterms:issued)"
    elif os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        stamp = int(os.environ["SOURCE_DATE_EPOCH"])
        issued = dt.datetime.fromtimestamp(stamp, dt.timezone.utc).date().isoformat()
        source = "$SOURCE_DATE_EPOCH"
    else:
        raise BuildError("the release has no date: the ontology header has no dcterms:issued or dcterms:modified",
                         ontology, "add dcterms:modified \"YYYY-MM-DD\"^^xsd:date to the owl:Ontology node "
                         "(or set SOURCE_DATE_EPOCH); a build never reads the clock, so releases are reproducible")
    lic = _first(store, ontology, DCT + "license")
    info = ReleaseInfo(
        title=text(DCT + "title", DEFAULT_TITLE),
        description=text(DCT + "description", "A cited linked-data record of North Korea's foreign relations."),
        version=text(PREFIXES["owl"] + "versionInfo", "0.0.0"),
        issued=issued,
        issued_from=source,
        license=lic.value if isinstance(lic, ox.NamedNode) else None,
        iri_base=base,
        creators=(Creator(text(DCT + "creator", "dprk-ld contributors")),),
    )
    if meta is None:
        return info
    return ReleaseInfo(
        title=meta.title, description=meta.description or info.description, version=meta.version or info.version,
        issued=issued, issued_from=source, license=meta.license or info.license, iri_base=base,
        creators=meta.creators or info.creators, keywords=meta.keywords or info.keywords, homepage=meta.homepage)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _local(iri: str) -> str:
    for prefix, ns in sorted(DESCRIPTION_PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and iri[len(ns):].replace("-", "").replace("_", "").isalnum():
            return f"{prefix}-{iri[len(ns):]}"
    return hashlib.sha1(iri.encode("utf-8")).hexdigest()[:12]


def _count(store: ox.Store, query: str) -> int:
    row = next(iter(solutions(store.query(query, use_default_graph_as_union=True))))
    return int(lexical(row[0]))


def describe(store: ox.Store, info: ReleaseInfo, dumps: list[Path], root: Path) -> list[ox.Triple]:
    """The VoID + DCAT description of the release as sorted triples (no blank nodes)."""
    n, lit = ox.NamedNode, ox.Literal
    ds = n(info.dataset_iri)
    integer = n(XSD + "integer")
    nonneg = n(XSD + "nonNegativeInteger")
    t: list[ox.Triple] = []

    def add(s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> None:
        t.append(ox.Triple(s, n(p), o))

    add(ds, RDF + "type", n(VOID + "Dataset"))
    add(ds, RDF + "type", n(DCAT + "Dataset"))
    add(ds, DCT + "title", lit(info.title, language="en"))
    add(ds, DCT + "description", lit(info.description, language="en"))
    add(ds, DCAT + "version", lit(info.version))
    add(ds, PREFIXES["owl"] + "versionInfo", lit(info.version))
    add(ds, DCT + "issued", lit(info.issued, datatype=n(XSD + "date")))
    for number, creator in enumerate(info.creators, 1):
        if creator.orcid:
            person = n(creator.orcid)
        else:
            person = n(f"{info.dataset_iri}#creator-{number}")
        add(ds, DCT + "creator", person)
        add(person, RDF + "type", n(FOAF + "Agent"))
        add(person, FOAF + "name", lit(creator.name))
    if info.homepage:
        add(ds, FOAF + "homepage", n(info.homepage))
    add(ds, DCT + "conformsTo", n(ONTOLOGY_IRI))
    add(ds, DCAT + "landingPage", n(info.base + "index.html"))
    if info.license:
        add(ds, DCT + "license", n(info.license))
    for kw in info.keywords:
        add(ds, DCAT + "keyword", lit(kw, language="en"))
    add(ds, VOID + "uriSpace", lit(info.iri_base + "id/"))
    add(ds, VOID + "sparqlEndpoint", n(info.iri_base.rstrip("/") + SPARQL_PATH))
    for ns in sorted({PREFIXES["dprk"], PREFIXES["prov"], PREFIXES["dcterms"], PREFIXES["skos"]}):
        add(ds, VOID + "vocabulary", n(ns))
    union = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
    add(ds, VOID + "triples", lit(str(_count(store, union)), datatype=integer))
    add(ds, VOID + "entities", lit(str(_count(
        store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER(isIRI(?s)) }")), datatype=integer))
    for prop, pattern in (("distinctSubjects", "DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"),
                          ("distinctObjects", "DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"),
                          ("classes", "DISTINCT ?c) AS ?n) WHERE { ?s a ?c }"),
                          ("properties", "DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }")):
        add(ds, VOID + prop, lit(str(_count(store, "SELECT (COUNT(" + pattern)), datatype=integer))
    for row in solutions(store.query(
            "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER(isIRI(?c)) } GROUP BY ?c",
            use_default_graph_as_union=True)):
        part = n(f"{info.dataset_iri}#class-{_local(row[0].value)}")
        add(ds, VOID + "classPartition", part)
        add(part, VOID + "class", row[0])
        add(part, VOID + "entities", lit(row[1].value, datatype=integer))
    for row in solutions(store.query("SELECT ?p (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } } "
                           "GROUP BY ?p", use_default_graph_as_union=True)):
        part = n(f"{info.dataset_iri}#property-{_local(row[0].value)}")
        add(ds, VOID + "propertyPartition", part)
        add(part, VOID + "property", row[0])
        add(part, VOID + "triples", lit(row[1].value, datatype=integer))
    for row in solutions(store.query("PREFIX dprk: <https://w3id.org/dprk-ld/ontology#> "
                           "SELECT DISTINCT ?a WHERE { ?a a dprk:SourceArticle }", use_default_graph_as_union=True)):
        add(ds, PROV + "wasDerivedFrom", row[0])
    service = n(info.dataset_iri + "#sparql")
    add(ds, DCAT + "accessService", service)
    add(service, RDF + "type", n(DCAT + "DataService"))
    add(service, DCT + "title", lit("SPARQL 1.1 endpoint (dprk-ld serve)", language="en"))
    add(service, DCAT + "endpointURL", n(info.iri_base.rstrip("/") + SPARQL_PATH))
    add(service, DCT + "conformsTo", n("https://www.w3.org/TR/sparql11-protocol/"))
    add(service, DCAT + "servesDataset", ds)
    for path in dumps:
        rel = path.relative_to(root).as_posix()
        gz = path.suffix == ".gz"
        fmt = by_extension(Path(path.stem).suffix if gz else path.suffix, "rdf")
        if fmt is None:
            continue
        dist = n(f"{info.base}{rel}#distribution")
        add(ds, DCAT + "distribution", dist)
        add(dist, RDF + "type", n(DCAT + "Distribution"))
        if "-wikidata." in path.name:  # a derived view, not a dump of the dataset itself: no void:dataDump
            add(dist, DCT + "title", lit(f"Wikidata-style view, {fmt.name} dump" + (" (gzip)" if gz else ""),
                                         language="en"))
            add(dist, DCT + "description", lit("The claims as Wikibase-style statements with ranks, qualifiers "
                                               "and references, in the named graph <" + info.iri_base
                                               + "graph/wikidata-view> (docs/wikidata.md).", language="en"))
        else:
            add(ds, VOID + "dataDump", n(info.base + rel))
            add(dist, DCT + "title", lit(f"{fmt.name} dump" + (" (gzip)" if gz else ""), language="en"))
        add(dist, DCAT + "downloadURL", n(info.base + rel))
        add(dist, DCAT + "accessURL", n(info.base + rel))
        add(dist, DCAT + "mediaType", n(IANA + fmt.media_type))
        if gz:
            add(dist, DCAT + "compressFormat", n(IANA + "application/gzip"))
        add(dist, DCAT + "byteSize", lit(str(path.stat().st_size), datatype=nonneg))
        if info.license:
            add(dist, DCT + "license", n(info.license))
        checksum = n(f"{info.base}{rel}#checksum")
        add(dist, SPDX + "checksum", checksum)
        add(checksum, RDF + "type", n(SPDX + "Checksum"))
        add(checksum, SPDX + "algorithm", n(SPDX + "checksumAlgorithm_sha256"))
        add(checksum, SPDX + "checksumValue", lit(sha256_file(path), datatype=n(XSD + "hexBinary")))
    return sorted(set(t), key=lambda x: (str(x.subject), str(x.predicate), str(x.object)))


def write_description(triples: list[ox.Triple], path: Path) -> Path:
    ox.serialize(triples, str(path), ox.RdfFormat.TURTLE, prefixes=DESCRIPTION_PREFIXES)
    return path


def _yaml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


LICENSE_SPDX = {
    "https://creativecommons.org/licenses/by/4.0/": "CC-BY-4.0",
    "http://creativecommons.org/licenses/by/4.0/": "CC-BY-4.0",
    "https://creativecommons.org/publicdomain/zero/1.0/": "CC0-1.0",
}


def citation_cff(info: ReleaseInfo) -> str:
    """A Citation File Format 1.2.0 file for the dataset release."""
    lines = [
        "cff-version: 1.2.0",
        'message: "If you use this dataset, please cite it as below."',
        "type: dataset",
        f"title: {_yaml_str(info.title)}",
        f"abstract: {_yaml_str(info.description)}",
        f"version: {_yaml_str(info.version)}",
        f"date-released: {_yaml_str(info.issued)}",
        "authors:",
    ]
    for creator in info.creators:
        lines.append(f"  - name: {_yaml_str(creator.name)}")
        if creator.orcid:
            lines.append(f"    orcid: {_yaml_str(creator.orcid)}")
        if creator.affiliation:
            lines.append(f"    affiliation: {_yaml_str(creator.affiliation)}")
    lines += [
        f"url: {_yaml_str(info.homepage or info.iri_base)}",
        f"repository-artifact: {_yaml_str(info.base)}",
    ]
    if info.license and info.license in LICENSE_SPDX:
        lines.append(f"license: {LICENSE_SPDX[info.license]}")
    elif info.license:
        lines.append(f"license-url: {_yaml_str(info.license)}")
    if info.keywords:
        lines += ["keywords:", *(f"  - {_yaml_str(k)}" for k in info.keywords)]
    return "\n".join(lines) + "\n"


def write_sha256sums(root: Path, progress: Callable[[str], None] | None = None) -> Path:
    """``SHA256SUMS`` over every file of the release (itself excepted), sorted by path."""
    target = root / "SHA256SUMS"
    files = sorted(p for p in root.rglob("*") if p.is_file() and p != target)
    lines = [f"{sha256_file(p)}  {p.relative_to(root).as_posix()}" for p in files]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if progress:
        progress(f"SHA256SUMS over {len(files)} files")
    return target
