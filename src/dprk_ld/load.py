"""Load a project's files into one dataset, strictly, one named graph per file.

Implements RDF 1.1 Turtle (W3C Recommendation) parsing with pyoxigraph, which
rejects what the grammar rejects (rdflib alone accepts invalid Turtle). Each
file becomes the named graph ``https://w3id.org/dprk-ld/graph/<relpath>`` (percent-encoded) in
an in-memory :class:`pyoxigraph.Store`; syntax errors, undeclared prefixes
and non-UTF-8 bytes are reported as ``file:line:col``. The returned
:class:`Dataset` is the plain value every later step works on.

For SHACL, the data files can also be parsed into a second store as one default graph (the graph the
engine validates), beside their file graphs or, when nothing else reads them, instead
(``load_project(data=...)``).
"""

from __future__ import annotations

import queue
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import rdflib

from .errors import LoadError
from .lines import LineIndex, Location, find_lossy, find_subjects, index_subjects, line_index
from .metadata import project_base
from .namespaces import BASE
from .project import Project, SourceFile, find_project
from .shacl.terms import from_ox

#: where the bundled dataset's file graphs are named (a project's: under its own base, :func:`graph_iri`)
GRAPH_BASE = BASE + "graph/"


def graph_iri(file: SourceFile, base: str = BASE) -> str:
    """The named graph a file is loaded into: ``<base>graph/`` + its path percent-encoded (RFC 3986), so that
    any file name — ``my notes 100%.ttl`` becomes ``.../graph/data/my%20notes%20100%25.ttl`` — makes a valid
    IRI. ``base`` is the project's (:func:`dprk_ld.metadata.project_base`)."""
    return base + "graph/" + quote(file.relpath, safe="/-._~!$&'()*+,;=:@")


@dataclass
class Dataset:
    """A loaded project: the store (a named graph per file) plus what points back to the files."""

    project: Project
    store: ox.Store
    files: dict[str, SourceFile]  # graph IRI -> file
    #: (triple, file graph) pairs: what the store holds, and what `dprk-ld load` pushes (None: the data files
    #: were loaded merged only, ``load_project(data="merged")``, so no file graph of theirs was counted)
    quads: int | None
    #: literals the store will not keep as written (Oxigraph canonicalises derived integer types)
    lossy: list[tuple[Location, str]] = field(default_factory=list)
    #: the base IRI of the project's own resources (dataset.toml ``base``): entities, file graphs, site pages
    base: str = BASE
    #: with ``load_project(data="both" or "merged")``: a second store whose default graph is the union of the
    #: data files, what the SHACL check validates; taken once (:meth:`take_merged`)
    merged: ox.Store | None = field(default=None, repr=False)
    #: ``load_project(data="merged")``: the data files are in :attr:`merged` only, not in :attr:`store`
    merged_only: bool = False
    #: distinct triples, when counted at load time (``data="merged"``: the files' graphs are not all in the store)
    counted_triples: int | None = None
    #: relpath -> the file's line heads, made while the store parsed (``data="merged"``): findings located by lookup
    line_indexes: dict[str, LineIndex] = field(default_factory=dict, repr=False)

    def take_merged(self) -> ox.Store | None:
        """The merged data store (see :attr:`merged`), handed over once: the dataset then forgets it, so its
        memory goes when the caller is done with it."""
        store, self.merged = self.merged, None
        return store

    @cached_property
    def triples(self) -> int:
        """Distinct triples: the union of all files (a triple written in two files counts once), the
        count VoID, the ``statistics`` query and ``validate`` report as "triples"."""
        if self.counted_triples is not None:
            return self.counted_triples
        if len(self.files) <= 1 and self.quads is not None:
            return self.quads
        graphs = " ".join(f"<{g}>" for g in self.files)  # the files' graphs only (not a view added later)
        query = ("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { "
                 f"VALUES ?g {{ {graphs} }} GRAPH ?g {{ ?s ?p ?o }} }} }}")
        solutions = self.store.query(query)
        assert isinstance(solutions, ox.QuerySolutions)  # a SELECT
        count = next(iter(solutions))["n"]
        assert isinstance(count, ox.Literal)
        return int(count.value)

    def graphs_of(self, *kinds: str) -> list[str]:
        """The graph IRIs of the files of these kinds (data, ontology, shapes) in :attr:`store`; refused for
        data when the data files were loaded merged only (no graph of theirs to read: not an empty answer)."""
        if self.merged_only and "data" in kinds:
            raise LoadError("the data files were loaded merged into one graph only (load_project(data='merged')), "
                            "so their file graphs cannot be read", hint="load the project with data='files'")
        return [iri for iri, f in self.files.items() if f.kind in kinds]

    def rdflib_graph(self, *kinds: str) -> rdflib.Graph:
        """The union of the named graphs of the given kinds (ontology, shapes, data) as an rdflib Graph,
        every literal as the store holds it (rdflib's parser would also rewrite an ill-typed
        ``"none"^^xsd:boolean`` as ``"false"``, so pyshacl reported another value than the fast engine)."""
        graph = rdflib.Graph()
        for iri in self.graphs_of(*kinds):
            for quad in self.store.quads_for_pattern(None, None, None, ox.NamedNode(iri)):
                graph.add((from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)))
        return graph

    @cached_property
    def ontology(self) -> rdflib.Graph:
        return self.rdflib_graph("ontology")

    @cached_property
    def shapes(self) -> rdflib.Graph:
        return self.rdflib_graph("shapes")

    @cached_property
    def data(self) -> rdflib.Graph:
        return self.rdflib_graph("data")

    def locate(self, iri: str) -> Location | None:
        """The file and line where a node is defined (first written as a subject)."""
        return self.subject_lines.get(iri)

    def locate_many(self, iris: Iterable[str]) -> dict[str, Location]:
        """:meth:`locate` for many IRIs at once, scanning the files for these subjects only (no full index;
        1M triples, 4,295 IRIs: ~0.5 s against ~3 s for :attr:`subject_lines`). IRIs never written as a
        subject at the start of a line are left out."""
        todo = set(iris)
        if "subject_lines" in self.__dict__:  # the full index is built already
            return {i: self.subject_lines[i] for i in todo if i in self.subject_lines}
        found: dict[str, Location] = {}
        for file in self.files.values():
            if not todo:
                break
            index = self.line_indexes.get(file.relpath)
            find_subjects(b"" if index else file.path.read_bytes(), file.relpath, todo, found, index)
        return found

    @cached_property
    def subject_lines(self) -> dict[str, Location]:
        """Subject IRI -> where it is first written; built on first use (from the line indexes made while
        loading, else by reading the files)."""
        lines: dict[str, Location] = {}
        for file in self.files.values():
            index = self.line_indexes.get(file.relpath) or line_index(file.path.read_bytes())
            index_subjects(index, file.relpath, lines)
        return lines


def _read_text(file: SourceFile) -> tuple[bytes, str]:
    """The file's bytes and their text (UTF-8, else a :class:`LoadError` at the first bad byte)."""
    try:
        raw = file.path.read_bytes()
    except OSError as exc:
        raise LoadError(f"cannot read: {exc.strerror}", file.relpath) from exc
    try:
        return raw, raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise LoadError(f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})", f"{file.relpath}:{line}:{col}",
                        "Turtle files must be UTF-8; re-save the file as UTF-8") from exc


#: a file whose first statement starts with an IRI or a blank node, no directive before it: N-Triples, maybe
_NT_HEAD = re.compile(rb"(?:[ \t\r\n]|#[^\n]*)*(?:<|_:)")


def parse_turtle(store: ox.Store, raw: bytes, base_iri: str, graph: ox.NamedNode | None = None) -> None:
    """Parse the Turtle document ``raw`` into ``store`` (into ``graph``, else the default graph), in one
    transaction: nothing is left of a file that fails, and its :class:`SyntaxError` is Turtle's.

    N-Triples is a subset of Turtle with the same meaning (RDF 1.1 Turtle, section 1), and Oxigraph's N-Triples
    parser is faster than its Turtle parser on the same lines: 1.12M triples in 8 files, 2.38 against 2.86-3.09 s.
    So a file that starts like N-Triples is parsed as N-Triples first. If it is not N-Triples after all (a relative
    IRI, a prefix, ``;``, ``a``, two triples on a line...), that parse fails at the first such statement and leaves
    nothing behind. The file is then parsed as Turtle, and Turtle's triples or Turtle's error are what count. A
    hand-written file opening with ``@prefix`` is never tried as N-Triples."""
    if _NT_HEAD.match(raw):
        try:
            store.load(raw, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
            return
        except SyntaxError:
            pass
    store.load(raw, format=ox.RdfFormat.TURTLE, base_iri=base_iri, to_graph=graph)


class _MergeLoader:
    """Loads data files into the default graph of a store of its own, on a thread of its own: beside the
    per-file load (pyoxigraph releases the GIL while parsing, and two stores share no write lock), or alone,
    while the caller indexes the file's lines. At most ``ahead`` files wait, so memory stays bounded.

    ``Store.load``, not ``bulk_load``: on pyoxigraph 0.5's in-memory store it is faster to load, peaks lower
    and gives a store that answers faster (``benchmarks/store_load.py``; 1.12M triples: 3.24 against 3.67 s,
    569 against 609 MB; the SHACL engine's 132 queries on it 6.0 -> 4.0 s wall)."""

    def __init__(self, ahead: int = 1) -> None:
        self.store = ox.Store()
        self.errors: list[tuple[SourceFile, SyntaxError]] = []
        self.failed: BaseException | None = None
        self.todo: queue.Queue[tuple[SourceFile, bytes, str] | None] = queue.Queue(maxsize=ahead)
        self.thread = threading.Thread(target=self._run, name="dprk-ld-merge-load", daemon=True)
        self.thread.start()

    def add(self, file: SourceFile, raw: bytes, base_iri: str) -> None:
        self.todo.put((file, raw, base_iri))

    def _run(self) -> None:
        while (item := self.todo.get()) is not None:
            file, raw, base_iri = item
            try:
                parse_turtle(self.store, raw, base_iri)
            except SyntaxError as exc:  # reported with the file's name by the caller; the store is then dropped
                self.errors.append((file, exc))
            except BaseException as exc:  # anything else: handed to the caller's thread
                self.failed = exc

    def finish(self) -> tuple[ox.Store, list[tuple[SourceFile, SyntaxError]]]:
        """The merged store once every file is in, and the files that did not parse (anything else that went
        wrong on the thread is raised here)."""
        self.todo.put(None)
        self.thread.join()
        if self.failed is not None:
            raise self.failed
        return self.store, self.errors

    def abandon(self) -> None:
        """Stop after the file in hand (the caller is failing for another reason, which it reports)."""
        self.todo.put(None)
        self.thread.join()


def _syntax_error(file: SourceFile, exc: SyntaxError) -> LoadError:
    message = str(exc.msg if hasattr(exc, "msg") else exc)
    message = re.sub(r"^Parser error (at|between) line \d+ (between )?columns? \d+( and (line \d+ column )?\d+)?: ",
                     "", message)
    hint = None
    if "prefix" in message.lower() and "declared" in message.lower():
        hint = "add an @prefix line for it at the top of the file (see docs/conventions.md)"
    else:
        hint = "fix the Turtle syntax at that position (rdflib may accept it, strict parsers do not)"
    return LoadError(f"Turtle syntax error: {message}", f"{file.relpath}:{exc.lineno}:{exc.offset}", hint)


def load_project(project: Project | Path | str | None = None, *, data: str = "files") -> Dataset:
    """Parse every file of the project strictly into a fresh in-memory store.

    ``data``: where the data files go. ``"files"``: a named graph each in :attr:`Dataset.store`, as every
    other file. ``"both"``: also into one more store as its default graph (:attr:`Dataset.merged`, what the
    SHACL check validates), on a second thread. ``"merged"``: into that store only, for a run that needs
    nothing else of them (``validate --check shacl``: half the parsing, and one copy of the data in memory).

    Raises :class:`LoadError` naming file:line:col for the first file that cannot be loaded
    (all such files are listed in the message); nothing is returned half-loaded.
    """
    if not isinstance(project, Project):
        project = find_project(project)
    store = ox.Store()
    base = project_base(project)
    files: dict[str, SourceFile] = {}
    lossy: list[tuple[Location, str]] = []
    errors: list[LoadError] = []
    if data not in ("files", "both", "merged"):
        raise ValueError(f"data={data!r}: not files, both or merged")
    merger = _MergeLoader() if data != "files" else None
    merged_store: ox.Store | None = None
    indexes: dict[str, LineIndex] = {}
    try:
        for file in project.files:
            try:
                raw, text = _read_text(file)
                iri = graph_iri(file, base)
                base_iri = file.path.resolve().as_uri()
                if merger is not None and file.kind == "data":
                    merger.add(file, raw, base_iri)
                if data == "merged":  # this thread would mostly wait for the parse: index the lines meanwhile
                    indexes[file.relpath] = line_index(raw)
                if data != "merged" or file.kind != "data":
                    parse_turtle(store, raw, base_iri, ox.NamedNode(iri))
            except SyntaxError as exc:
                errors.append(_syntax_error(file, exc))
                continue
            except LoadError as exc:
                errors.append(exc)
                continue
            files[iri] = file
            lossy.extend(find_lossy(text, file.relpath))
    except BaseException:
        if merger is not None:
            merger.abandon()  # the thread ends; the error that got us here is the one raised
        raise
    if merger is not None:
        merged_store, merge_errors = merger.finish()
    if merger is not None and merge_errors:
        if data == "merged":  # the only parse of these files: their errors, in the project's file order
            order = {f.relpath: i for i, f in enumerate(project.files)}
            errors = sorted(errors + [_syntax_error(f, e) for f, e in merge_errors],
                            key=lambda e: order.get((e.location or "").split(":")[0], -1))
        else:  # the same files failed in the file graphs and are reported from there
            merged_store = None
    if errors:
        first = errors[0]
        if len(errors) > 1:
            others = "\n".join(f"  {e.location}: {e.message}" for e in errors[1:])
            first = LoadError(f"{first.message}\n  and {len(errors) - 1} more:\n{others}", first.location,
                              first.hint)
        raise first
    if data == "merged":
        assert merged_store is not None
        return Dataset(project, store, files, None, lossy, base, merged_store, merged_only=True,
                       counted_triples=_distinct(store, merged_store), line_indexes=indexes)
    return Dataset(project, store, files, len(store), lossy, base, merged_store)


def _distinct(files: ox.Store, merged: ox.Store) -> int:
    """Distinct triples of the data merged in ``merged``'s default graph and the other files' graphs in ``files``."""
    others = {(q.subject, q.predicate, q.object) for q in files}
    return len(merged) + sum(1 for t in others if ox.Quad(*t) not in merged)
