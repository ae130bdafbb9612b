"""Compare two releases claim by claim: added, removed and changed claims.

Reads each release's N-Quads dump (``dumps/dprk-ld.nq`` or ``.nq.gz``; N-Triples as a fallback),
finds the claims (instances of ``dprk:Claim`` or of its subclasses, as the release's own
ontology declares them) and compares each claim's description: its own triples plus those of
its citations and quantities (graph names are ignored, so moving a claim between files is not
a change). Implements nothing beyond RDF 1.1 N-Quads parsing (pyoxigraph).
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import BuildError
from ..namespaces import BASE
from ..site.model import Model

CANDIDATES = ("dumps/dprk-ld.nq", "dumps/dprk-ld.nq.gz", "dumps/dprk-ld.nt", "dumps/dprk-ld.nt.gz")


@dataclass(frozen=True)
class ClaimSnapshot:
    label: str
    triples: frozenset[str]  # N-Triples lines


@dataclass
class ReleaseDiff:
    """Claims added, removed and changed (with the triples that went and came) between two releases."""

    added: dict[str, str] = field(default_factory=dict)      # claim IRI -> label
    removed: dict[str, str] = field(default_factory=dict)
    changed: dict[str, tuple[str, list[str], list[str]]] = field(default_factory=dict)  # label, -, +

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def summary(self) -> str:
        """A readable report, one line per claim, with the changed triples indented."""
        lines = [f"claims: {len(self.added)} added, {len(self.removed)} removed, {len(self.changed)} changed"]
        for iri, label in sorted(self.added.items()):
            lines.append(f"+ {iri}  {label}")
        for iri, label in sorted(self.removed.items()):
            lines.append(f"- {iri}  {label}")
        for iri, (label, gone, came) in sorted(self.changed.items()):
            lines.append(f"~ {iri}  {label}")
            lines += [f"    - {t}" for t in gone] + [f"    + {t}" for t in came]
        return "\n".join(lines)


def _read_dump(release: Path) -> list[ox.Quad]:
    for name in CANDIDATES:
        path = release / name
        if path.is_file():
            data = path.read_bytes()
            if name.endswith(".gz"):
                data = gzip.decompress(data)
            fmt = ox.RdfFormat.N_QUADS if ".nq" in name else ox.RdfFormat.N_TRIPLES
            try:
                return [ox.Quad(q.subject, q.predicate, q.object, q.graph_name) for q in ox.parse(data, format=fmt)]
            except SyntaxError as exc:
                raise BuildError(f"cannot parse the dump: {exc}", str(path)) from exc
    raise BuildError("not a dprk-ld release: no dumps/dprk-ld.nq or .nt", str(release),
                     "pass the folder a previous `dprk-ld build` wrote (it has dumps/ and SHA256SUMS)")


def release_claims(release: Path) -> dict[str, ClaimSnapshot]:
    """Every claim of a release with its label and description (as N-Triples lines)."""
    store = ox.Store()
    store.extend(_read_dump(Path(release)))
    model = Model(store, base=_base_of(store))
    snapshot = {}
    for claim in model.claims():
        snapshot[claim] = ClaimSnapshot(model.label(claim), frozenset(_nt(t) for t in model.description(claim)))
    return snapshot


def _base_of(store: ox.Store) -> str:
    """The dataset's base IRI, from its file graphs' names (``<base>graph/data/….ttl``)."""
    for graph in sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)):
        at = graph.find("/graph/")
        if at > 0:
            return graph[: at + 1]
    return BASE


def _nt(triple: ox.Triple) -> str:
    return f"{triple.subject} {triple.predicate} {triple.object} ."


def compare(old: dict[str, ClaimSnapshot], new: dict[str, ClaimSnapshot]) -> ReleaseDiff:
    diff = ReleaseDiff()
    for iri in sorted(new.keys() - old.keys()):
        diff.added[iri] = new[iri].label
    for iri in sorted(old.keys() - new.keys()):
        diff.removed[iri] = old[iri].label
    for iri in sorted(old.keys() & new.keys()):
        if old[iri].triples != new[iri].triples:
            diff.changed[iri] = (new[iri].label, sorted(old[iri].triples - new[iri].triples),
                                 sorted(new[iri].triples - old[iri].triples))
    return diff


def diff_releases(old_dir: Path | str, new_dir: Path | str) -> ReleaseDiff:
    """Claims added, removed and changed from the release in ``old_dir`` to the one in ``new_dir``."""
    return compare(release_claims(Path(old_dir)), release_claims(Path(new_dir)))
