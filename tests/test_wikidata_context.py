"""The JSON-LD context (dprk_ld/context.jsonld): complete for our vocabulary, readable, lossless."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import rdflib
from rdflib.compare import isomorphic

from dprk_ld.load import load_project
from dprk_ld.namespaces import DPRK, ONTOLOGY_NS
from dprk_ld.wikidata import view as w

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "wikidata" / "project"


def context() -> dict:
    return json.loads(resources.files("dprk_ld").joinpath("context.jsonld").read_text(encoding="utf-8"))["@context"]


def _iri(ctx: dict, value) -> str:
    iri = value["@id"] if isinstance(value, dict) else value
    prefix, _, local = iri.partition(":")
    return ctx[prefix] + local if prefix in ctx and isinstance(ctx[prefix], str) else iri


def test_every_vocabulary_term_has_a_short_name():
    ctx = context()
    for name in DPRK.__annotations__:
        assert name in ctx, name
        assert _iri(ctx, ctx[name]) == ONTOLOGY_NS + name


def test_concept_valued_properties_compact_to_names():
    ctx = context()
    for name in ("rank", "stance", "modality", "relationStatus", "transferCategory", "eventType"):
        assert ctx[name]["@type"] == "@vocab"
    assert ctx["party"]["@type"] == "@id"


def test_data_and_view_round_trip_through_the_context():
    ctx = context()
    dataset = load_project(FIXTURE)
    for graph in (dataset.data, w.wikidata_view(dataset)):
        text = graph.serialize(format="json-ld", context=ctx, auto_compact=True)
        assert isomorphic(graph, rdflib.Graph().parse(data=text, format="json-ld"))
    doc = json.loads(dataset.data.serialize(format="json-ld", context=ctx, auto_compact=True))
    node = next(n for n in doc["@graph"] if n.get("id") == "claim:t001-rus-prk-relations")
    assert node["type"] == "DiplomaticRelation" and node["rank"] == "PreferredRank"
    assert sorted(node["party"]) == ["state:PRK", "state:RUS"]
