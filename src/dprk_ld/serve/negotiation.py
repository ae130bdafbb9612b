"""Content negotiation for the web service: which format answers a request.

Implements proactive negotiation (RFC 9110 §12.5.1) over the toolkit's format table
(:func:`dprk_ld.formats.negotiate`) for the SPARQL 1.1 Protocol result formats (§2.1.6: SPARQL
JSON/XML/CSV/TSV for SELECT and ASK, RDF syntaxes for CONSTRUCT and DESCRIBE) and the linked-data
pages, plus the ``?format=`` override that clients such as SPARQLWrapper send next to Accept.
"""

from __future__ import annotations

from dataclasses import replace

from ..errors import NotAcceptable
from ..formats import BY_NAME, Format, by_media_type, negotiate

SELECT_FORMATS = tuple(BY_NAME[n] for n in ("json", "xml", "csv", "tsv", "html"))
ASK_FORMATS = tuple(BY_NAME[n] for n in ("json", "xml", "html", "csv", "tsv"))
#: JSON-LD also for ``Accept: application/json`` on a graph answer, as Oxigraph's server does
JSONLD_FOR_JSON = replace(BY_NAME["jsonld"], aliases=(*BY_NAME["jsonld"].aliases, "application/json"))
GRAPH_FORMATS = (BY_NAME["turtle"], BY_NAME["ntriples"], JSONLD_FOR_JSON, BY_NAME["rdfxml"], BY_NAME["html"])
PAGE_FORMATS = tuple(BY_NAME[n] for n in ("html", "turtle", "jsonld", "ntriples", "rdfxml"))
#: how much of a client's Accept header an error message may quote back
ECHO_LIMIT = 120


def candidates(kind: str) -> tuple[Format, ...]:
    """The formats an answer of ``kind`` (select, ask, graph, construct, describe) can take."""
    return {"select": SELECT_FORMATS, "ask": ASK_FORMATS}.get(kind, GRAPH_FORMATS)


def choose_format(accept: str | None, offered: tuple[Format, ...], requested: str | None = None) -> Format:
    """``requested`` (``?format=``, a name or media type) if it fits this response, else the best for
    Accept; none of them -> :class:`NotAcceptable` (406), quoting at most ``ECHO_LIMIT`` characters."""
    if requested:
        wanted = BY_NAME.get(requested.lower()) or by_media_type(requested)
        for fmt in offered:
            if wanted is not None and fmt.name == wanted.name:
                return fmt
    best = negotiate(accept, offered)
    if best is None:
        quoted = accept if accept is None or len(accept) <= ECHO_LIMIT else accept[:ECHO_LIMIT] + "…"
        raise NotAcceptable(f"none of the accepted media types ({quoted}) can be produced here",
                            hint=f"accept one of {', '.join(f.media_type for f in offered)}")
    return best


def media_type(fmt: Format) -> str:
    """The Content-Type value of a format (text types in UTF-8)."""
    return fmt.media_type + ("; charset=utf-8" if fmt.media_type.startswith("text/") else "")
