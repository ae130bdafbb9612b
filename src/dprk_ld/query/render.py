"""Render query results: SPARQL result formats, RDF formats and terminal tables.

Implements SPARQL 1.1 Query Results JSON Format, SPARQL Query Results XML
Format (Second Edition) and SPARQL 1.1 Query Results CSV and TSV Formats (W3C
Recommendations) for SELECT and ASK results, plus two presentations for
people: ``table`` (aligned columns, prefixed names, long cells truncated) and
``markdown``. Graph results (CONSTRUCT, DESCRIBE) are serialised by pyoxigraph
as Turtle (with the published prefixes), N-Triples, JSON-LD or RDF/XML.
Format names and media types come from :mod:`dprk_ld.formats`.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from ..errors import QueryError
from ..formats import BY_NAME
from ..namespaces import PREFIXES
from .results import Results

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
#: presentations for people, in addition to the result formats of :data:`dprk_ld.formats.FORMATS`
PRESENTATIONS = ("table", "markdown")
RESULT_FORMATS = ("table", "json", "xml", "csv", "tsv", "markdown")
GRAPH_FORMATS = ("turtle", "ntriples", "jsonld", "rdfxml")
MAX_CELL = 60


def formats_for(kind: str) -> tuple[str, ...]:
    """The format names that can render results of this kind (select/ask or graph)."""
    return GRAPH_FORMATS if kind == "graph" else RESULT_FORMATS


def render(results: Results, fmt_name: str) -> str | bytes:
    """Serialise ``results`` in the named format; raises :class:`QueryError` if it does not fit the kind."""
    allowed = formats_for(results.kind)
    if fmt_name not in allowed:
        what = "CONSTRUCT/DESCRIBE" if results.kind == "graph" else "SELECT/ASK"
        raise QueryError(f"format {fmt_name!r} does not fit {what} results",
                         hint=f"use one of {', '.join(allowed)}")
    if results.kind == "graph":
        return _graph(results.triples or [], fmt_name)
    return {"json": to_json, "xml": to_xml, "csv": to_csv, "tsv": to_tsv,
            "table": to_table, "markdown": to_markdown}[fmt_name](results)


# ---------------------------------------------------------------- graphs

def _graph(triples: list[ox.Triple], fmt_name: str) -> bytes:
    fmt = BY_NAME[fmt_name]
    oxfmt = fmt.rdf_format or (ox.RdfFormat.JSON_LD if fmt_name == "jsonld" else None)
    if oxfmt is None:
        raise QueryError(f"cannot write a graph as {fmt_name}", hint=f"use one of {', '.join(GRAPH_FORMATS)}")
    prefixes = _used_prefixes(triples) if fmt_name in ("turtle", "rdfxml") else None
    return ox.serialize(triples, format=oxfmt, prefixes=prefixes) or b""


def _used_prefixes(triples: list[ox.Triple]) -> dict[str, str]:
    iris = {t.value for triple in triples for t in (triple.subject, triple.predicate, triple.object)
            if isinstance(t, ox.NamedNode)}
    iris |= {t.object.datatype.value for t in triples if isinstance(t.object, ox.Literal)}
    return {p: ns for p, ns in PREFIXES.items() if any(i.startswith(ns) for i in iris)}


# ---------------------------------------------------------------- SPARQL results

def json_term(term: Any) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {"subject": json_term(term.subject),
                                        "predicate": json_term(term.predicate),
                                        "object": json_term(term.object)}}


def to_json(results: Results) -> str:
    if results.kind == "ask":
        return json.dumps({"head": {}, "boolean": bool(results.boolean)}) + "\n"
    bindings = [{v: json_term(t) for v, t in row.items() if t is not None} for row in results.rows]
    return json.dumps({"head": {"vars": results.variables}, "results": {"bindings": bindings}},
                      ensure_ascii=False, indent=1) + "\n"


def _xml_term(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return (f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}"
            f"</predicate><object>{_xml_term(term.object)}</object></triple>")


def to_xml(results: Results) -> str:
    out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "<head>"]
    if results.kind == "ask":
        out += ["</head>", f"<boolean>{str(bool(results.boolean)).lower()}</boolean>", "</sparql>"]
        return "\n".join(out) + "\n"
    out += [f"<variable name={quoteattr(v)}/>" for v in results.variables]
    out += ["</head>", "<results>"]
    for row in results.rows:
        cells = "".join(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                        for v, t in row.items() if t is not None)
        out.append(f"<result>{cells}</result>")
    out += ["</results>", "</sparql>"]
    return "\n".join(out) + "\n"


def _plain(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def to_csv(results: Results) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if results.kind == "ask":
        writer.writerow(["boolean"])
        writer.writerow([str(bool(results.boolean)).lower()])
        return buffer.getvalue()
    writer.writerow(results.variables)
    for row in results.rows:
        writer.writerow([_plain(row.get(v)) for v in results.variables])
    return buffer.getvalue()


def _tsv_term(term: Any) -> str:
    if term is None:
        return ""
    # N-Triples form; a tab inside a literal must be escaped in TSV
    return str(term).replace("\t", "\\t")


def to_tsv(results: Results) -> str:
    if results.kind == "ask":
        return f"?boolean\n{str(bool(results.boolean)).lower()}\n"
    lines = ["\t".join(f"?{v}" for v in results.variables)]
    lines += ["\t".join(_tsv_term(row.get(v)) for v in results.variables) for row in results.rows]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- for people

_BY_LENGTH = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))


def shorten(iri: str) -> str:
    """A published prefixed name for an IRI when one fits, else the IRI in angle brackets."""
    for prefix, ns in _BY_LENGTH:
        local = iri[len(ns):]
        if iri.startswith(ns) and local and all(c.isalnum() or c in "_-." for c in local):
            return f"{prefix}:{local}"
    return f"<{iri}>"


def display(term: Any, width: int | None = MAX_CELL) -> str:
    """A short human reading of a term: prefixed IRIs, literal values (no quotes or tags), one line."""
    if term is None:
        text = ""
    elif isinstance(term, ox.NamedNode):
        text = shorten(term.value)
    elif isinstance(term, ox.Literal):
        text = term.value
        words = text.split()
        if words and all(w.startswith(("http://", "https://")) for w in words):  # a list of IRIs
            text = " ".join(shorten(w) for w in words)
    elif isinstance(term, ox.BlankNode):
        text = f"_:{term.value}"
    else:
        text = str(term)
    text = " ".join(text.split())
    if width and len(text) > width:
        text = text[: width - 1] + "…"
    return text


def _grid(results: Results, width: int | None) -> tuple[list[str], list[list[str]]]:
    if results.kind == "ask":
        return ["boolean"], [[str(bool(results.boolean)).lower()]]
    rows = [[display(row.get(v), width) for v in results.variables] for row in results.rows]
    return list(results.variables), rows


def to_table(results: Results, width: int | None = MAX_CELL) -> str:
    """Aligned columns under a header rule, and a row count."""
    header, rows = _grid(results, width)
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [line(header), "  ".join("-" * w for w in widths)] + [line(r) for r in rows]
    if results.kind == "select":
        out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def to_markdown(results: Results) -> str:
    header, rows = _grid(results, None)

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    rule = "|" + "|".join("---" for _ in header) + "|"
    return "\n".join([line(header), rule] + [line(r) for r in rows]) + "\n"
