"""Synthesise a dataset project (ontology/, shapes/, data/) of N claims shaped like ours.

The real ontology, concept schemes and shapes are COPIED from the repository, and the
data is made by replicating the repository's own data files (data/*.ttl): every copy
renames the claim/, citation/, quantity/, source/ and exclusion/ IRIs (suffix ``-s<copy>``) and
keeps the reference entities (states, persons, organisations, places) shared. So the
benchmark validates our real shapes on data shaped exactly like the real dataset; with
``--violations 0`` it has exactly the findings of the real data (none when it conforms).

Data files are N-Triples named ``.ttl`` (N-Triples is valid Turtle; projects hold .ttl only), or with
``--turtle`` Turtle as a curator writes it: the prefixes of the repository's data files declared, each
subject's triples grouped with ``;`` and ``,`` (pyoxigraph's Turtle serialiser). Same triples either way.

``--violations K`` then injects K violations of each kind below, on distinct claims
chosen deterministically from ``--seed``:

========================  ==========================================================
kind                      mutation
========================  ==========================================================
missing-citation          drop every ``dprk:citation`` of a claim
wrong-datatype            a citation's ``dprk:startOffset`` becomes the string "abc"
bad-sha256                a source's ``dprk:sha256`` becomes "not-a-hash"
not-in                    a claim's ``dprk:rank`` becomes ``dprk:BogusRank``
max-count                 a claim gets a second ``dprk:rank``
wrong-class               a claim cites an actor (``state:PRK``) instead of a citation
========================  ==========================================================

CLI: ``python benchmarks/synth.py OUTDIR --claims N [--violations K] [--seed S] [--turtle]``.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from pathlib import Path

import pyoxigraph as ox

REPO = Path(__file__).resolve().parents[1]
BASE = "https://w3id.org/dprk-ld/"
DPRK = BASE + "ontology#"
RENAMED = tuple(BASE + "id/" + k + "/" for k in ("claim", "citation", "quantity", "source", "exclusion"))
CLAIM = BASE + "id/claim/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
KINDS = ("missing-citation", "wrong-datatype", "bad-sha256", "not-in", "max-count", "wrong-class")
FILES = 8  # data files written


def _template() -> tuple[list[ox.Triple], list[ox.Triple]]:
    """(triples to replicate, shared triples) from the repository's data/."""
    rep, shared = [], []
    for f in sorted((REPO / "data").glob("*.ttl")):
        for t in ox.parse(path=str(f), format=ox.RdfFormat.TURTLE):
            (rep if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(RENAMED) else shared).append(t)
    return rep, shared


def _rename(term: object, i: int) -> object:
    if isinstance(term, ox.NamedNode) and term.value.startswith(RENAMED):
        return ox.NamedNode(f"{term.value}-s{i}")
    return term


def prefixes() -> dict[str, str]:
    """The prefixes the repository's data files declare."""
    found: dict[str, str] = {}
    for f in sorted((REPO / "data").glob("*.ttl")):
        found.update(re.findall(r"^@prefix\s+([\w-]*):\s*<([^>]*)>", f.read_text(encoding="utf-8"), re.MULTILINE))
    return found


def synth(outdir: Path, claims: int, violations: int = 0, seed: int = 0, turtle: bool = False) -> int:
    """Write the project (data as N-Triples lines, or as prefixed Turtle with ``turtle``); return the number of
    data triples."""
    rnd = random.Random(seed)
    for sub in ("ontology", "shapes", "data"):
        (outdir / sub).mkdir(parents=True, exist_ok=True)
    for f in (REPO / "ontology").glob("*.ttl"):
        shutil.copy(f, outdir / "ontology" / f.name)
    shutil.copy(REPO / "shapes" / "dprk-shapes.ttl", outdir / "shapes" / "dprk-shapes.ttl")
    rep, shared = _template()
    per_copy = {t.subject.value for t in rep if t.subject.value.startswith(CLAIM)}  # type: ignore[attr-defined]
    copies = max(1, -(-claims // max(1, len(per_copy))))
    triples: list[ox.Triple] = list(shared)
    for i in range(copies):
        triples += [ox.Triple(_rename(t.subject, i), t.predicate, _rename(t.object, i)) for t in rep]  # type: ignore[arg-type]
    if violations:
        triples = inject(triples, violations, rnd)
    chunk = -(-len(triples) // FILES)
    for k in range(FILES):
        part = triples[k * chunk : (k + 1) * chunk]
        out = str(outdir / "data" / f"part{k:02d}.ttl")
        if turtle:
            ox.serialize(part, output=out, format=ox.RdfFormat.TURTLE, prefixes=prefixes())
        else:
            ox.serialize(part, output=out, format=ox.RdfFormat.N_TRIPLES)
    return len(triples)


def inject(triples: list[ox.Triple], k: int, rnd: random.Random) -> list[ox.Triple]:
    """Inject ``k`` violations of each kind in :data:`KINDS` on distinct claims / citations / sources."""
    p = {n: ox.NamedNode(DPRK + n) for n in ("citation", "rank", "startOffset", "sha256", "source")}
    by_pred: dict[str, dict[str, list[ox.Triple]]] = {}
    for t in triples:
        by_pred.setdefault(t.predicate.value, {}).setdefault(t.subject.value, []).append(t)  # type: ignore[attr-defined]
    claims = sorted(s for s in by_pred.get(p["rank"].value, {}) if s.startswith(CLAIM))
    cites = sorted(by_pred.get(p["startOffset"].value, {}))
    sources = sorted(by_pred.get(p["sha256"].value, {}))
    picked = rnd.sample(claims, 4 * k)
    drop: set[ox.Triple] = set()
    add: list[ox.Triple] = []
    groups = [picked[j * k : (j + 1) * k] for j in range(4)]
    for c in groups[0]:  # missing-citation
        drop |= set(by_pred[p["citation"].value].get(c, []))
    for c in rnd.sample(cites, k):  # wrong-datatype
        old = by_pred[p["startOffset"].value][c][0]
        drop.add(old)
        add.append(ox.Triple(old.subject, old.predicate, ox.Literal("abc")))
    for s in rnd.sample(sources, k):  # bad-sha256
        old = by_pred[p["sha256"].value][s][0]
        drop.add(old)
        add.append(ox.Triple(old.subject, old.predicate, ox.Literal("not-a-hash")))
    for c in groups[1]:  # not-in
        old = by_pred[p["rank"].value][c][0]
        drop.add(old)
        add.append(ox.Triple(old.subject, old.predicate, ox.NamedNode(DPRK + "BogusRank")))
    for c in groups[2]:  # max-count
        old = by_pred[p["rank"].value][c][0]
        other = "NormalRank" if old.object.value.endswith("PreferredRank") else "PreferredRank"  # type: ignore[attr-defined]
        add.append(ox.Triple(old.subject, old.predicate, ox.NamedNode(DPRK + other)))
    for c in groups[3]:  # wrong-class
        add.append(ox.Triple(ox.NamedNode(c), p["citation"], ox.NamedNode(BASE + "id/state/PRK")))
    return [t for t in triples if t not in drop] + add


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--claims", type=int, required=True)
    ap.add_argument("--violations", type=int, default=0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--turtle", action="store_true", help="data as prefixed Turtle, not N-Triples lines")
    a = ap.parse_args()
    print(synth(a.outdir, a.claims, a.violations, a.seed, a.turtle))


if __name__ == "__main__":
    main()
