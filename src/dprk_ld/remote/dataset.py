"""A dataset that lives in an external SPARQL store: what is where, and the small part held locally.

A store filled by ``dprk-ld load`` holds one named graph per project file
(``https://w3id.org/dprk-ld/graph/<relpath>``, docs/stores.md). :func:`open_remote` finds them:
the **data** graphs (``data/…``, or the graphs given with ``--graph``, or the store's default graph
when it has none of ours) stay in the store and are only ever queried; the **ontology** and
**shapes** — small — are held in a local :class:`~dprk_ld.load.Dataset`, read from the project's
files when a project is given (then findings get file:line) or else fetched from the store's
``ontology/…`` and ``shapes/…`` graphs. Nothing is written to the store.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import EndpointError, LoadError
from ..lines import Location
from ..load import GRAPH_BASE, Dataset, graph_iri, load_project
from ..metadata import project_base
from ..project import Project, SourceFile
from .client import Endpoint


class RemoteDataset(Dataset):
    """The local part (ontology + shapes, and the project's files when given) of a dataset in a store.

    ``store`` holds the ontology and shapes graphs only; ``files`` names every graph of the dataset
    (data graphs included, so that findings name their file); :meth:`locate_many` scans the data
    files line by line (bounded memory) when they exist on this machine."""

    endpoint: Endpoint
    data_graphs: list[str] | None  # None: the store's default graph
    remote_graphs: list[str]  # every named graph of ours in the store
    has_files: bool
    #: while True, :meth:`locate_many` finds nothing: the caller locates every finding in one pass later
    defer_locate: bool = False

    @property
    def triples(self) -> int:
        return self.quads or 0  # always counted for a store (None is for data loaded merged only)

    def locate_many(self, iris: Iterable[str]) -> dict[str, Location]:
        if not self.has_files or self.defer_locate:
            return {}
        todo = set(iris)
        found: dict[str, Location] = {}
        for file in self.files.values():
            if not todo:
                break
            if file.path.is_file():
                scan_subjects(file.path, file.relpath, todo, found)
        return found

    def locate(self, iri: str) -> Location | None:
        return self.locate_many([iri]).get(iri)


def scan_subjects(path: Path, relpath: str, todo: set[str], into: dict[str, Location]) -> None:
    """:func:`dprk_ld.lines.find_subjects` over a file read line by line (memory: one line).

    A subject is a token at the very start of a line, ``<iri>`` or ``prefix:local`` followed by
    whitespace, ``;``, ``,`` or the line's end (the prefixes declared above it), as find_subjects
    reads it; each line's token is one set lookup. (Calling find_subjects per 4 MiB block compiled
    its regex of every wanted IRI once per block: at 10M triples, 46,000 foci, that took minutes.)"""
    prefixes: dict[str, str] = {}
    with path.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not todo:
                return
            head = line[:1]
            if head == "<":
                end = line.find(">")
                iri = line[1:end] if end > 0 else ""
            elif head in ("@", "P", "p"):
                m = _PREFIX.match(line)
                if m:
                    prefixes[m.group(1) or ""] = m.group(2)
                    continue
                iri = _short(line, prefixes)
            elif head.isspace() or head in ("#", ""):
                continue
            else:
                iri = _short(line, prefixes)
            if iri in todo:
                into[iri] = Location(relpath, lineno)
                todo.discard(iri)


def _short(line: str, prefixes: dict[str, str]) -> str:
    token = _TOKEN.match(line)
    if token is None:
        return ""
    prefix, colon, local = token.group(0).partition(":")
    ns = prefixes.get(prefix) if colon else None
    return ns + local if ns is not None and not prefix.upper().startswith(("PREFIX", "BASE")) else ""


_TOKEN = re.compile(r"[^\s;,]+")
_PREFIX = re.compile(r"[ \t]*(?:@prefix|PREFIX)[ \t]+([A-Za-z][\w.-]*)?:[ \t]*<([^>]*)>", re.IGNORECASE)  # as load.py


@dataclass(frozen=True)
class StoreLayout:
    """Which graphs of the store hold what (graph IRIs)."""

    data: list[str] | None
    ontology: list[str] = field(default_factory=list)
    shapes: list[str] = field(default_factory=list)
    ours: list[str] = field(default_factory=list)
    prefix: str = GRAPH_BASE


_KINDS = ("data", "ontology", "shapes")


def graph_base(names: Sequence[str], base: str | None = None) -> str:
    """Where the store's file graphs are named: ``<base>graph/`` for the project's base when it is known;
    else the one ``…/graph/`` prefix under which the store holds data/ontology/shapes graphs (ours when
    there are several, or none)."""
    if base is not None:
        return base + "graph/"
    prefixes = {g[:g.index("/graph/") + 7] for g in names if "/graph/" in g
                and g[g.index("/graph/") + 7:].split("/", 1)[0] in _KINDS}
    return prefixes.pop() if len(prefixes) == 1 else GRAPH_BASE


def layout(endpoint: Endpoint, graphs: Sequence[str] = (), base: str | None = None) -> StoreLayout:
    """The store's graphs of ours by kind; ``graphs`` (``--graph``) overrides the data graphs; ``base``:
    the project's base IRI (dataset.toml), whose ``graph/`` names its file graphs."""
    names = [row[0].value for row in endpoint.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
             if isinstance(row[0], ox.NamedNode)]
    prefix = graph_base(names, base)
    ours = sorted(g for g in names if g.startswith(prefix))
    kind = {g: g[len(prefix):].split("/", 1)[0] for g in ours}
    data = list(graphs) or [g for g in ours if kind[g] == "data"] or None
    return StoreLayout(data, [g for g in ours if kind[g] == "ontology"], [g for g in ours if kind[g] == "shapes"],
                       ours, prefix)


def _local_part(project: Project) -> tuple[ox.Store, dict[str, SourceFile]]:
    """The project's ontology and shapes files, loaded strictly (as :func:`load_project` does)."""
    small = Project(project.root, tuple(f for f in project.files if f.kind in ("ontology", "shapes")),
                    project.queries, project.origin)
    local = load_project(small)
    return local.store, {graph_iri(f, local.base): f for f in project.files}


def open_remote(url: str, graphs: Sequence[str] = (), project: Project | None = None, *,
                timeout: float = 300.0, page_size: int = 10_000, retries: int = 6) -> RemoteDataset:
    """The dataset in the store at ``url`` (a SPARQL 1.1 query endpoint), its small part held locally.

    ``graphs``: the data graphs (default: the store's ``data/…`` graphs, else its default graph);
    ``project``: the project whose files were loaded into the store (shapes, ontology and canned
    queries come from it, findings get file:line), else they come from the store."""
    endpoint = Endpoint(url, timeout=timeout, page_size=page_size, retries=retries)
    lay = layout(endpoint, graphs, project_base(project) if project is not None else None)
    if project is not None:
        store, files = _local_part(project)
        has_files = True
    else:
        if not lay.shapes:
            raise EndpointError("the store has no shapes graph of ours (…/graph/shapes/…), and no project was given",
                                url, "pass --project DIR (its shapes/ and ontology/), or `dprk-ld load` the project")
        store, files, has_files = ox.Store(), {}, False
        for g in lay.ontology + lay.shapes:
            triples = endpoint.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}")
            store.extend([ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g)) for t in triples])
        for g in lay.ours:
            rel = g[len(lay.prefix):]
            files[g] = SourceFile(Path(os.devnull), rel.split("/", 1)[0], rel)  # no file on this machine
        project = Project(Path("."), tuple(files.values()), (), "remote")
    if lay.data is None and not _has_default_data(endpoint):
        raise LoadError("the store holds no data: no data/… graph, no --graph and an empty default graph", url,
                        "load the project with `dprk-ld load`, or name the data graphs with --graph IRI")
    data_graphs = lay.data
    quads = _count(endpoint, data_graphs)
    ds = RemoteDataset(project, store, files, quads, base=lay.prefix[:-len("graph/")])
    ds.endpoint, ds.data_graphs, ds.remote_graphs, ds.has_files = endpoint, data_graphs, lay.ours, has_files
    return ds


def _has_default_data(endpoint: Endpoint) -> bool:
    return endpoint.ask("ASK { ?s ?p ?o }")


def _count(endpoint: Endpoint, data_graphs: list[str] | None) -> int:
    """Triples in the data graphs, counted per graph (a count per graph is cheap in every store)."""
    if data_graphs is None:
        rows = list(endpoint.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
        return int(rows[0][0].value) if rows else 0
    total = 0
    for g in data_graphs:
        rows = list(endpoint.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}"))
        total += int(rows[0][0].value) if rows else 0
    return total
