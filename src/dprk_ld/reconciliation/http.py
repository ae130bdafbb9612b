"""HTTP routes of the Reconciliation Service API v0.2 (W3C Entity Reconciliation CG), for Starlette.

``routes(dataset)`` gives the routes :func:`dprk_ld.serve.create_app` mounts under ``/reconcile``:

=============================================  ===============================================
``GET /reconcile``                              the manifest (JSONP with ``callback=``)
``GET|POST /reconcile`` ``queries=JSON``        a reconciliation result batch
``GET|POST /reconcile`` ``extend=JSON``         a data-extension response
``GET /reconcile/suggest/{entity,type,property}``  suggest (``prefix``, ``cursor``, ``type``)
``GET /reconcile/properties?type=T``            property proposals for data extension
``GET /reconcile/preview?id=ID``                an HTML preview of one entity
=============================================  ===============================================

POST bodies are ``application/x-www-form-urlencoded`` as OpenRefine sends them. The index of entities
is built on the first request (about a second for the bundled dataset) and kept while the app runs.
"""

from __future__ import annotations

import json
import re
import threading
from importlib.metadata import PackageNotFoundError, version
from typing import Any
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from ..errors import RequestError
from ..load import Dataset
from ..metadata import read_metadata
from . import service
from .index import EntityIndex, build_index

CALLBACK = re.compile(r"[A-Za-z_$][\w$.]{0,63}")
MAX_BODY = 1_048_576


def _version() -> str:
    try:
        return version("dprk-ld")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0"


def _json_param(params: dict[str, str], name: str) -> Any:
    try:
        return json.loads(params[name])
    except json.JSONDecodeError as exc:
        raise RequestError(f"'{name}' is not valid JSON: {exc.msg} at character {exc.pos}", 400) from exc


def _int(params: dict[str, str], name: str, default: int) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise RequestError(f"'{name}' must be a whole number", 400) from exc
    if value < 0:
        raise RequestError(f"'{name}' must not be negative", 400)
    return value


def routes(dataset: Dataset, name: str | None = None) -> list[Route]:
    """The reconciliation routes for one loaded dataset (its index built once, on first use)."""
    lock = threading.Lock()
    cache: list[EntityIndex] = []
    meta = read_metadata(dataset.project)
    title = name or (meta.title if meta else f"dprk-ld: {dataset.project.name}")

    def index() -> EntityIndex:
        with lock:
            if not cache:
                cache.append(build_index(dataset))
            return cache[0]

    def urls(request: Request) -> tuple[str, str]:
        site = str(request.base_url).rstrip("/")
        return site + "/reconcile", site

    async def params_of(request: Request) -> dict[str, str]:
        params = dict(request.query_params)
        if request.method == "POST":
            body = await request.body()
            if len(body) > MAX_BODY:
                raise RequestError(f"request body exceeds the limit of {MAX_BODY} bytes", 413)
            form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
            params.update({k: v[-1] for k, v in form.items()})
        return params

    def answer(document: dict[str, Any], params: dict[str, str]) -> Response:
        callback = params.get("callback")
        if callback:
            if not CALLBACK.fullmatch(callback):
                raise RequestError("'callback' must be a JavaScript identifier", 400)
            body = f"{callback}({json.dumps(document, ensure_ascii=False)});"
            return Response(body, media_type="application/javascript; charset=utf-8")
        return JSONResponse(document)

    async def endpoint(request: Request) -> Response:
        params = await params_of(request)
        idx = await run_in_threadpool(index)
        if "queries" in params:
            return answer(await run_in_threadpool(service.reconcile, idx, _json_param(params, "queries")), params)
        if "extend" in params:
            return answer(service.extend(idx, _json_param(params, "extend")), params)
        service_url, site = urls(request)
        return answer(service.manifest(idx, service_url, site, title, _version()), params)

    async def suggest(request: Request) -> Response:
        kind = request.path_params["kind"]
        params = dict(request.query_params)
        idx = await run_in_threadpool(index)
        prefix = params.get("prefix", "")
        cursor, limit = _int(params, "cursor", 0), _int(params, "limit", 10)
        if kind == "entity":
            document = service.suggest_entities(idx, prefix, params.get("type") or None, cursor, limit)
        elif kind == "type":
            document = service.suggest_types(idx, prefix, cursor, limit)
        elif kind == "property":
            document = service.suggest_properties(idx, prefix, cursor, limit)
        else:
            raise RequestError(f"no suggest service for {kind!r}", 404, hint="entity, type or property")
        return answer(document, params)

    async def properties(request: Request) -> Response:
        params = dict(request.query_params)
        idx = await run_in_threadpool(index)
        limit = _int(params, "limit", 0) or None
        return answer(service.propose_properties(idx, params.get("type") or None, limit), params)

    async def preview(request: Request) -> Response:
        ident = request.query_params.get("id")
        if not ident:
            raise RequestError("give the entity as ?id=...", 400)
        idx = await run_in_threadpool(index)
        return HTMLResponse(service.preview(idx, ident, urls(request)[1]))

    return [
        Route("/reconcile", endpoint, methods=["GET", "POST"]),
        Route("/reconcile/suggest/{kind}", suggest, methods=["GET"]),
        Route("/reconcile/properties", properties, methods=["GET"]),
        Route("/reconcile/preview", preview, methods=["GET"]),
    ]
