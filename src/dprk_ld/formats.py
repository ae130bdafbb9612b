"""The one table of RDF and SPARQL-results formats, and content negotiation.

Media types follow the IANA registrations cited by SPARQL 1.1 Protocol §2.2
and RDF 1.1. ``negotiate`` implements RFC 9110 §12.5.1 (Accept with q-values,
wildcards, most specific range wins) as a pure function, as oxigraph does.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox


@dataclass(frozen=True)
class Format:
    name: str            # short name used on the command line and as ?format=
    media_type: str      # canonical media type
    extension: str       # file extension, without dot
    kind: str            # "rdf" (graphs), "results" (SELECT/ASK), or "page"
    rdflib_name: str | None = None
    oxigraph: ox.RdfFormat | ox.QueryResultsFormat | None = None
    aliases: tuple[str, ...] = ()

    @property
    def rdf_format(self) -> ox.RdfFormat | None:
        """pyoxigraph's RDF format for this entry, None when it is not an RDF syntax pyoxigraph has."""
        return self.oxigraph if isinstance(self.oxigraph, ox.RdfFormat) else None

    @property
    def results_format(self) -> ox.QueryResultsFormat | None:
        """pyoxigraph's query-results format for this entry, None when it is not one."""
        return self.oxigraph if isinstance(self.oxigraph, ox.QueryResultsFormat) else None


FORMATS: tuple[Format, ...] = (
    Format("turtle", "text/turtle", "ttl", "rdf", "turtle", ox.RdfFormat.TURTLE, ("application/x-turtle",)),
    Format("ntriples", "application/n-triples", "nt", "rdf", "nt", ox.RdfFormat.N_TRIPLES, ("text/plain",)),
    Format("nquads", "application/n-quads", "nq", "rdf", "nquads", ox.RdfFormat.N_QUADS),
    Format("trig", "application/trig", "trig", "rdf", "trig", ox.RdfFormat.TRIG),
    Format("jsonld", "application/ld+json", "jsonld", "rdf", "json-ld", None),
    Format("rdfxml", "application/rdf+xml", "rdf", "rdf", "xml", ox.RdfFormat.RDF_XML, ("application/xml",)),
    Format("json", "application/sparql-results+json", "srj", "results", None, ox.QueryResultsFormat.JSON,
           ("application/json",)),
    Format("xml", "application/sparql-results+xml", "srx", "results", None, ox.QueryResultsFormat.XML,
           ("application/xml",)),
    Format("csv", "text/csv", "csv", "results", None, ox.QueryResultsFormat.CSV),
    Format("tsv", "text/tab-separated-values", "tsv", "results", None, ox.QueryResultsFormat.TSV),
    Format("html", "text/html", "html", "page", None, None, ("application/xhtml+xml",)),
)

BY_NAME: dict[str, Format] = {f.name: f for f in FORMATS}


def written(data: bytes | None) -> bytes:
    """What a pyoxigraph serialiser called without an output returns: always bytes (its stubs say ``| None``)."""
    if data is None:
        raise TypeError("pyoxigraph wrote to an output instead of returning bytes")
    return data


def by_extension(ext: str, kind: str | None = None) -> Format | None:
    """The format for a file extension (``ttl``, ``.jsonld``), optionally of one kind."""
    ext = ext.lstrip(".").lower()
    for f in FORMATS:
        if f.extension == ext and (kind is None or f.kind == kind):
            return f
    return None


def by_media_type(media_type: str, kind: str | None = None) -> Format | None:
    media_type = media_type.split(";")[0].strip().lower()
    for f in FORMATS:
        if (kind is None or f.kind == kind) and (media_type == f.media_type or media_type in f.aliases):
            return f
    return None


def parse_accept(header: str | None) -> list[tuple[str, float, int]]:
    """Media ranges of an Accept header as (range, q, specificity), in header order; q=0 dropped."""
    ranges: list[tuple[str, float, int]] = []
    for part in (header or "*/*").split(","):
        items = [p.strip() for p in part.split(";")]
        media = items[0].lower()
        if not media:
            continue
        q = 1.0
        for param in items[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q <= 0:
            continue
        specificity = 0 if media == "*/*" else 1 if media.endswith("/*") else 2
        ranges.append((media, q, specificity))
    return ranges


def _matches(media_range: str, fmt: Format) -> bool:
    if media_range == "*/*":
        return True
    types = (fmt.media_type, *fmt.aliases)
    if media_range.endswith("/*"):
        return any(t.startswith(media_range[:-1]) for t in types)
    return media_range in types


def negotiate(accept: str | None, candidates: list[Format] | tuple[Format, ...]) -> Format | None:
    """The best of ``candidates`` for an Accept header, or None (-> 406).

    Each candidate gets the q of the most specific range matching it; the highest q wins, ties go to
    the earlier candidate (the server's preference). A missing header accepts anything.
    """
    ranges = parse_accept(accept)
    best: tuple[float, int] | None = None
    chosen: Format | None = None
    for index, fmt in enumerate(candidates):
        matching = [(spec, q) for media, q, spec in ranges if _matches(media, fmt)]
        if not matching:
            continue
        # RFC 9110: the most specific matching range determines the quality
        q = max(matching)[1]
        score = (q, -index)
        if best is None or score > best:
            best, chosen = score, fmt
    return chosen


def of_kind(kind: str) -> list[Format]:
    return [f for f in FORMATS if f.kind == kind]
