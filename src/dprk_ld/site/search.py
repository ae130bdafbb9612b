"""The search and facet index of the site: JavaScript files read by ``search.js``, static and live alike.

Full-text search and a faceted claim browser need no server and no CDN: :func:`search_index` reads the
page model into a compact document — every claim with its English and Indonesian labels, our English
gloss, its verbatim quotes and its facet values (class, party, stance, modality, rank, source article,
review state, years), and every named entity with its labels and aliases — and :func:`index_files`
writes it as scripts (``window.dprkSearch = {...}`` and text parts) so that a ``<script src>`` loads it
even from ``file://`` (where ``fetch`` of a JSON file is refused). ``templates/search.js`` does the
matching, counting and paging in the browser; the plain claim list in the same page is what a reader
without script sees.

Why not Pagefind (which runs here, from PyPI): its index is fetched and its engine is WebAssembly, neither
of which loads from ``file://``, and serve would need a static build at start; our claim facets come
straight from the data. The first file has ~56 bytes per claim; the text (~500 bytes per claim) is read in
parts, when needed (figures in docs/search.md).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pyoxigraph as ox

from ..namespaces import ONTOLOGY_NS, PREFIXES
from .model import D, Model

SKOS = PREFIXES["skos"]
RDFS = PREFIXES["rdfs"]
#: facet key -> (heading, claim property or None when computed)
FACETS = {
    "class": "Class", "party": "Party", "stance": "Stance", "modality": "Modality", "rank": "Rank",
    "source": "Source article", "review": "Review state",
}
ENTITY_KINDS = ("state/", "person/", "org/", "place/")
#: the text parts of the index (:func:`index_files`): at most this many files, at least TEXT_MIN claims each
TEXT_PARTS, TEXT_MIN = 64, 100
TEXT_FOLDER = "search-text"
YEAR = re.compile(r"^-?(\d{4})")


def short(iri: str, ids: str) -> str:
    """The key of an IRI in the index: a path under ``ids`` (the dataset's ``<base>id/``), a local name of the
    ontology, else the IRI."""
    if iri.startswith(ids):
        return iri[len(ids):]
    if iri.startswith(ONTOLOGY_NS):
        return iri[len(ONTOLOGY_NS):]
    return iri


def _labels(model: Model, iri: str) -> list[str]:
    en, id_ = model.label(iri, "en"), model.label(iri, "id")
    return [en] if id_ == en else [en, id_]


def search_index(model: Model) -> dict[str, Any]:
    """The index document (plain JSON types), deterministic for a given model."""
    actors = {s for cls in model._subclasses(D + "Actor") for s in model.of_type(cls)}
    labels: dict[str, list[str]] = {}
    ids = model.id
    entity_prefixes = tuple(ids + k for k in ENTITY_KINDS)

    def short_key(iri: str) -> str:
        return short(iri, ids)

    def keep(iri: str) -> str:
        key = short_key(iri)
        if key not in labels:
            labels[key] = _labels(model, iri)
        return key

    claims = []
    for claim in model.claims():
        parties, stances, sources, quotes = set(), set(), set(), []
        for p, o in model.out(claim):
            if isinstance(o, ox.NamedNode) and (o.value in actors or o.value.startswith(entity_prefixes)) \
                    and p != D + "citation":
                parties.add(keep(o.value))
        for citation in model.citations_of(claim):
            stances |= {keep(s) for s in model.iris(citation, D + "stance")}
            sources |= {keep(s) for s in model.iris(citation, D + "source")}
            quotes += [q.value for q in model.values(citation, D + "quote") if isinstance(q, ox.Literal)]
        years = sorted(int(m.group(1)) for _, value, _ in model.dates(claim) if (m := YEAR.match(value)))
        en, id_ = model.value(claim, RDFS + "label", "en"), model.value(claim, RDFS + "label", "id")
        record: dict[str, Any] = {
            "id": short_key(claim),
            "t": [x for x in dict.fromkeys([en or short_key(claim), id_ or ""]) if x],
            "g": model.value(claim, D + "gloss", "en") or "",
            "q": sorted(set(quotes)),
            "class": [keep(model.claim_class(claim))],
            "party": sorted(parties), "stance": sorted(stances), "source": sorted(sources),
            "modality": sorted(keep(m) for m in model.iris(claim, D + "modality")),
            "rank": sorted(keep(r) for r in model.iris(claim, D + "rank")),
            "review": sorted(keep(r) for r in model.iris(claim, D + "reviewStatus")),
        }
        if years:
            record["y"] = [years[0], years[-1]]
            record["d"] = min(v for _, v, _ in model.dates(claim))
        claims.append(record)
    entities = []
    places = {s for cls in model._subclasses(D + "Place") for s in model.of_type(cls)}
    for iri in sorted(actors | places):
        if not iri.startswith(ids):
            continue
        names = _labels(model, iri) + sorted({o.value for o in model.values(iri, SKOS + "altLabel")
                                              if isinstance(o, ox.Literal)})
        kind = next((t for t in sorted(model.types(iri)) if t.startswith(ONTOLOGY_NS)), "")
        entities.append({"id": short_key(iri), "t": list(dict.fromkeys(names)), "k": keep(kind) if kind else ""})
    return {"version": 1, "facets": [[k, v] for k, v in FACETS.items()], "labels": dict(sorted(labels.items())),
            "claims": claims, "entities": entities}


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=False).replace("</", "<\\/")


def text_size(claims: int) -> int:
    """Claims per text part: at most :data:`TEXT_PARTS` parts, at least :data:`TEXT_MIN` claims each."""
    return max(TEXT_MIN, -(-claims // TEXT_PARTS))


def index_files(index: dict[str, Any]) -> dict[str, str]:
    """The index as script files: ``search-index.js`` (read by every visit of the claim browser) and
    ``search-text/N.js`` (each claim's id, labels, first date, gloss and quotes; read only when needed).

    The first file holds, per claim and in the default display order (first date, then id), only what the
    facet counts need: one array ``[class, party, stance, source, modality, rank, review, years]`` whose
    values are numbers into one ``values`` table; plus the facets, labels and entities. Each text part holds
    ``[id, labels, first date, gloss, quotes]`` for :func:`text_size` claims in the same order.
    ``search.js`` loads every part once a search has words, and otherwise only the parts of the claims on
    the page shown."""
    claims = sorted(index["claims"], key=lambda c: (c.get("d") or "9999", c["id"]))
    values = sorted({v for c in claims for k in FACETS for v in c.get(k, [])})
    number = {v: i for i, v in enumerate(values)}
    rows = [[[number[v] for v in c.get(k, [])] for k in FACETS] + [c.get("y", [])] for c in claims]
    size = text_size(len(claims))
    parts = [[[c["id"], c["t"], c.get("d", ""), c["g"], c["q"]] for c in claims[i:i + size]]
             for i in range(0, len(claims), size)]
    core = {**index, "version": 2, "values": values, "columns": [*FACETS, "y"], "claims": rows,
            "text": {"parts": len(parts), "size": size}}
    files = {"search-index.js": "window.dprkSearch=" + _json(core) + ";\n"}
    for k, part in enumerate(parts):
        files[f"{TEXT_FOLDER}/{k}.js"] = f"(window.dprkSearchText=window.dprkSearchText||{{}})[{k}]={_json(part)};\n"
    return files


def index_script(index: dict[str, Any]) -> str:
    """The whole index as one script that sets ``window.dprkSearch`` (glosses and quotes inline; the site
    ships :func:`index_files` instead)."""
    return "window.dprkSearch=" + _json(index) + ";\n"
