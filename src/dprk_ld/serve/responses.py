"""HTTP responses of the web service: errors in the client's preferred form, HTML pages, results.

One rendering of every error (RFC 9457-like JSON, an HTML page or plain text according to
Accept) and the headers every answer to a query carries (``X-Result-Limit``, and
``X-Result-Truncated: true`` when the result cap cut it).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from ..formats import Format
from ..query import Results
from ..query.render import render
from . import pages
from .negotiation import media_type

TRUNCATED_HEADER = "X-Result-Truncated"
LIMIT_HEADER = "X-Result-Limit"
HTML = "text/html; charset=utf-8"


def html(page: str, status: int = 200) -> Response:
    return Response(page, status_code=status, media_type=HTML)


def error_response(request: Request, status: int, message: str, location: str | None = None,
                   hint: str | None = None, headers: dict[str, str] | None = None) -> Response:
    """One rendering of every error: JSON, HTML or plain text according to Accept."""
    accept = (request.headers.get("accept") or "")[:1000].lower()
    response: Response
    if "json" in accept and "text/html" not in accept:
        response = JSONResponse({"status": status, "error": message, "location": location, "hint": hint},
                                status_code=status)
    elif "text/html" in accept:
        response = html(pages.error_page(status, message, location, hint), status)
    else:
        text = f"{location}: {message}" if location else message
        if hint:
            text += f"\nhint: {hint}"
        response = PlainTextResponse(text + "\n", status_code=status)
    response.headers.update(headers or {})
    return response


def graph_response(results: Results, fmt: Format) -> Response:
    """Triples (a resource, the ontology, the service description) in an RDF format or as an HTML table."""
    if fmt.name == "html":
        return html(pages.results_page(results))
    return Response(render(results, fmt.name), media_type=media_type(fmt))


def limited(response: Response, truncated: bool, max_results: int) -> Response:
    """The result-cap headers on an answer to a query."""
    response.headers[LIMIT_HEADER] = str(max_results)
    if truncated:
        response.headers[TRUNCATED_HEADER] = "true"
    return response
