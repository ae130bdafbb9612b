"""The Reconciliation Service API v0.2 (W3C Entity Reconciliation Community Group), as pure functions.

Each function takes the :class:`~.index.EntityIndex` and the decoded request and returns the JSON
document the API specifies — manifest, reconciliation result batch, suggest responses (entities, types,
properties), property proposals and data-extension responses — or an HTML preview. The HTTP layer
(:mod:`.http`) only decodes parameters and encodes answers. Malformed requests raise
:class:`~dprk_ld.errors.RequestError` (400).

Scoring (0-100) is :func:`.names.score_name` on every label and alias of a candidate, adjusted by the
query's property constraints: a matching identifier (``qid``, ``iso3166``) lifts the score to at least
95, any other matching value halves the distance to 100, a candidate whose value differs loses half its
score. A candidate is a ``match`` when it scores 95 or more and at least 5 more than the next one.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from ..errors import RequestError
from ..namespaces import ONTOLOGY_NS
from .index import COMPUTED, Entity, EntityIndex, Value, entity_id, entity_iri, short_term
from .names import normalise, prefix_match, score_name

IDENTIFIERS = frozenset({"qid", "iso3166"})
DEFAULT_TYPES = ("State", "Person", "Organisation", "Claim")
DEFAULT_LIMIT = 5
MIN_SCORE = 30.0
MATCH_SCORE = 95.0
MATCH_MARGIN = 5.0
PREVIEW_WIDTH, PREVIEW_HEIGHT = 430, 160


def manifest(index: EntityIndex, service_url: str, site_url: str, name: str, version: str) -> dict[str, Any]:
    """The service manifest: ``service_url`` is this service's URL, ``site_url`` where ``/id/...`` pages live."""
    site = site_url.rstrip("/")
    return {
        "versions": ["0.2"],
        "name": name,
        "identifierSpace": index.ids,
        "schemaSpace": ONTOLOGY_NS,
        "serviceVersion": version,
        "view": {"url": site + "/id/{{id}}"},
        "defaultTypes": [_type_json(index, t) for t in DEFAULT_TYPES if t in index.types],
        "preview": {"url": service_url + "/preview?id={{id}}", "width": PREVIEW_WIDTH, "height": PREVIEW_HEIGHT},
        "suggest": {kind: {"service_url": service_url, "service_path": f"/suggest/{kind}"}
                    for kind in ("entity", "type", "property")},
        "extend": {
            "propose_properties": {"service_url": service_url, "service_path": "/properties"},
            "property_settings": [{"type": "number", "name": "limit", "label": "Limit", "default": 0,
                                   "help_text": "At most this many values per cell (0: all)."}],
        },
    }


def describe(index: EntityIndex, entity: Entity) -> str:
    """The entity's description, or (reference entities often have none) its type and other names."""
    if entity.description:
        return entity.description
    others = sorted({n for n, _, _ in entity.names} - {entity.name})
    kinds = ", ".join(index.label(t) for t in entity.types)
    return f"{kinds}; also {', '.join(others[:4])}" if others else kinds


def _type_json(index: EntityIndex, ident: str) -> dict[str, Any]:
    term = index.types[ident]
    out: dict[str, Any] = {"id": term.id, "name": term.name}
    if term.description:
        out["description"] = term.description
    return out


def _type_ids(index: EntityIndex, raw: Any) -> list[str]:
    values = raw if isinstance(raw, list) else [raw] if raw else []
    out = []
    for value in values:
        if not isinstance(value, str):
            raise RequestError("a type is given by its identifier, a string", 400)
        out.append(short_term(entity_iri(value, index.ids)) if (":" in value) else value)
    return out


def _candidates(index: EntityIndex, types: list[str], strict: str = "any") -> list[Entity]:
    if not types:
        return list(index.entities.values())
    wanted = [index.type_of.get(t, ONTOLOGY_NS + t) for t in types]
    test = all if strict == "all" else any
    return [e for e in index.entities.values() if test(w in index.type_iris(e) for w in wanted)]


@dataclass
class _Scored:
    entity: Entity
    score: float
    features: list[dict[str, Any]]
    mismatch: bool


def _norm_value(index: EntityIndex, pid: str, raw: Any) -> tuple[str, str | None]:
    """A constraint value as (comparison text, referenced entity IRI or None)."""
    if isinstance(raw, dict):
        ident = str(raw.get("id", ""))
        return normalise(str(raw.get("name", ident))), entity_iri(ident, index.ids) if ident else None
    text = str(raw).strip()
    if pid == "qid":
        text = text.rsplit("/", 1)[-1].removeprefix("wd:")
    return normalise(text), None


def _value_matches(index: EntityIndex, pid: str, want: tuple[str, str | None], value: Value) -> bool:
    text, ref = want
    if ref is not None:
        return value.ref == ref
    if value.ref is not None:
        target = index.entities.get(entity_id(value.ref, index.ids))
        candidates = [n for n, _, _ in target.names] if target else []
        candidates += [entity_id(value.ref, index.ids), value.ref]
        return any(normalise(c) == text for c in candidates)
    return normalise(value.text) == text


def _score(index: EntityIndex, entity: Entity, query: str, constraints: list[tuple[str, list[Any]]]) -> _Scored:
    features: list[dict[str, Any]] = []
    score = 0.0
    if query:
        best = max((score_name(query, n) for n, _, _ in entity.names), key=lambda s: s.score)
        alias = [score_name(query, n).exact for n, _, k in entity.names if k == "alias"]
        label_exact = any(score_name(query, n).exact for n, _, k in entity.names if k == "label")
        score = 100.0 if label_exact else 95.0 if any(alias) else min(best.score, 95.0)
        features += [{"id": "name_exact", "value": label_exact}, {"id": "alias_exact", "value": any(alias)},
                     {"id": "name_tokens", "value": round(best.token_overlap, 3)},
                     {"id": "name_similarity", "value": round(best.similarity, 3)}]
    matched = mismatched = 0
    for pid, values in constraints:
        have = entity.properties.get(pid, [])
        wants = [_norm_value(index, pid, v) for v in values]
        hit = any(_value_matches(index, pid, w, h) for w in wants for h in have)
        features.append({"id": f"property_{pid}", "value": hit})
        if hit:
            matched += 1
            score = max(score, MATCH_SCORE) if pid in IDENTIFIERS else score + (100 - score) / 2
        elif have:
            mismatched += 1
            score /= 2
    if not query and constraints:
        score = 100.0 * matched / len(constraints) if matched else 0.0
    return _Scored(entity, round(score, 2), features, mismatched > 0)


def _constraints(index: EntityIndex, raw: Any) -> list[tuple[str, list[Any]]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise RequestError("'properties' must be a list of {pid, v} objects", 400)
    out = []
    for item in raw:
        if not isinstance(item, dict) or "pid" not in item or "v" not in item:
            raise RequestError("each property constraint needs 'pid' and 'v'", 400)
        v = item["v"]
        out.append((short_term(entity_iri(item["pid"], index.ids)) if "://" in str(item["pid"]) else str(item["pid"]),
                    v if isinstance(v, list) else [v]))
    return out


def reconcile_one(index: EntityIndex, query: dict[str, Any]) -> dict[str, Any]:
    """The result of one reconciliation query: ``{"result": [candidates, best first]}``."""
    if not isinstance(query, dict):
        raise RequestError("each reconciliation query must be a JSON object", 400)
    text = query.get("query", "")
    if not isinstance(text, str):
        raise RequestError("'query' must be a string", 400)
    constraints = _constraints(index, query.get("properties"))
    if not text.strip() and not constraints:
        raise RequestError("a reconciliation query needs 'query' or 'properties'", 400)
    limit = query.get("limit", DEFAULT_LIMIT)
    if not isinstance(limit, (int, float)) or limit < 1:
        raise RequestError("'limit' must be a positive number", 400)
    strict = query.get("type_strict", "any")
    scored = [_score(index, e, text, constraints)
              for e in _candidates(index, _type_ids(index, query.get("type")), strict)]
    scored = sorted((s for s in scored if s.score >= MIN_SCORE), key=lambda s: (-s.score, s.entity.id))
    result = []
    for i, s in enumerate(scored[: int(limit)]):
        runner_up = scored[i + 1].score if i + 1 < len(scored) else 0.0
        match = (i == 0 and s.score >= MATCH_SCORE and not s.mismatch and s.score - runner_up >= MATCH_MARGIN)
        result.append({"id": s.entity.id, "name": s.entity.name, "description": describe(index, s.entity),
                       "score": s.score, "match": match, "features": s.features,
                       "type": [{"id": short_term(t), "name": index.label(t)} for t in s.entity.types]})
    return {"result": result}


def reconcile(index: EntityIndex, batch: Any) -> dict[str, Any]:
    """A reconciliation result batch for a query batch (``{"q0": {...}, "q1": {...}}``)."""
    if not isinstance(batch, dict):
        raise RequestError("'queries' must be a JSON object of named queries", 400,
                           hint='e.g. {"q0": {"query": "Korea Utara", "type": "State"}}')
    return {key: reconcile_one(index, query) for key, query in batch.items()}


def suggest_entities(index: EntityIndex, prefix: str, types: Any = None, cursor: int = 0,
                     limit: int = 10) -> dict[str, Any]:
    """Entities one of whose names starts with ``prefix`` (or has a word that does)."""
    found = [e for e in _candidates(index, _type_ids(index, types))
             if any(prefix_match(prefix, n) for n, _, _ in e.names)]
    found.sort(key=lambda e: (-max(score_name(prefix, n).score for n, _, _ in e.names), e.id))
    return {"result": [{"id": e.id, "name": e.name, "description": describe(index, e),
                        "notable": [{"id": short_term(t), "name": index.label(t)} for t in e.types]}
                       for e in found[cursor: cursor + limit]]}


def suggest_types(index: EntityIndex, prefix: str, cursor: int = 0, limit: int = 10) -> dict[str, Any]:
    terms = [t for t in index.types.values() if prefix_match(prefix, t.name) or prefix_match(prefix, t.id)]
    return {"result": [{**_type_json(index, t.id), "broader": [_type_json(index, b) for b in t.broader]}
                       for t in terms[cursor: cursor + limit]]}


def suggest_properties(index: EntityIndex, prefix: str, cursor: int = 0, limit: int = 10) -> dict[str, Any]:
    terms = [t for t in index.properties.values() if prefix_match(prefix, t.name) or prefix_match(prefix, t.id)]
    return {"result": [_property_json(t.id, index) for t in terms[cursor: cursor + limit]]}


def _property_json(pid: str, index: EntityIndex) -> dict[str, Any]:
    term = index.properties[pid]
    out = {"id": term.id, "name": term.name}
    if term.description:
        out["description"] = term.description
    return out


def propose_properties(index: EntityIndex, type_id: str | None, limit: int | None = None) -> dict[str, Any]:
    """The properties the entities of a type have (identifiers and relations first)."""
    members = _candidates(index, _type_ids(index, type_id))
    used = {pid for e in members for pid in e.properties}
    order = [p for p in COMPUTED if p in used] + sorted(p for p in used if p not in COMPUTED)
    props = [_property_json(p, index) for p in order if p in index.properties][: limit or None]
    out: dict[str, Any] = {"properties": props}
    if type_id:
        out["type"] = type_id
    if limit:
        out["limit"] = limit
    return out


def _cell(index: EntityIndex, value: Value) -> dict[str, Any]:
    if value.ref is not None:
        return {"id": entity_id(value.ref, index.ids), "name": index.label(value.ref)}
    kind = (value.datatype or "").rsplit("#", 1)[-1]
    if kind in ("integer", "int", "long", "nonNegativeInteger"):
        return {"int": int(value.text)}
    if kind in ("decimal", "double", "float"):
        return {"float": float(value.text)}
    return {"str": value.text}


def extend(index: EntityIndex, query: Any) -> dict[str, Any]:
    """A data-extension response: for each id, the values of each requested property."""
    if not isinstance(query, dict) or not isinstance(query.get("ids"), list) or \
            not isinstance(query.get("properties"), list):
        raise RequestError("a data-extension query is {\"ids\": [...], \"properties\": [{\"id\": ...}]}", 400)
    props = []
    for item in query["properties"]:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise RequestError("each requested property needs an 'id'", 400)
        limit = (item.get("settings") or {}).get("limit", 0)
        try:
            limit = int(limit or 0)
        except (TypeError, ValueError) as exc:
            raise RequestError("the 'limit' setting must be a number", 400) from exc
        props.append((item["id"], limit))
    meta = []
    for pid, _ in props:
        term = index.properties.get(pid)
        meta.append({"id": pid, "name": term.name if term else pid})
    rows: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for ident in query["ids"]:
        entity = index.entities.get(entity_id(entity_iri(str(ident), index.ids), index.ids))
        rows[str(ident)] = {pid: [_cell(index, v) for v in (entity.properties.get(pid, []) if entity else [])]
                                   [: limit or None] for pid, limit in props}
    return {"meta": meta, "rows": rows}


def preview(index: EntityIndex, ident: str, site_url: str) -> str:
    """A small HTML page describing one entity, for OpenRefine's preview pane."""
    entity = index.entities.get(entity_id(entity_iri(ident, index.ids), index.ids))
    if entity is None:
        raise RequestError(f"no entity {ident!r} in this dataset", 404)
    esc = html.escape
    other = sorted({n for n, _, _ in entity.names} - {entity.name})
    rows = [("type", ", ".join(index.label(t) for t in entity.types))]
    if other:
        rows.append(("also", "; ".join(other)))
    for pid in ("qid", "iso3166"):
        if pid in entity.properties:
            rows.append((index.properties[pid].name, ", ".join(v.text for v in entity.properties[pid])))
    if "claims" in entity.properties:
        rows.append(("claims", str(len(entity.properties["claims"]))))
    body = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    link = f"{site_url.rstrip('/')}/id/{entity.id}"
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{esc(entity.name)}</title>'
            "<style>body{font:13px/1.35 system-ui,sans-serif;margin:6px}h1{font-size:15px;margin:0 0 4px}"
            "p{margin:0 0 4px;color:#333}th{text-align:left;color:#555;padding-right:8px;vertical-align:top}"
            "table{border-collapse:collapse}</style></head><body>"
            f'<h1><a href="{esc(link)}" target="_blank">{esc(entity.name)}</a></h1>'
            f"<p>{esc(describe(index, entity)[:300])}</p><table>{body}</table></body></html>")
