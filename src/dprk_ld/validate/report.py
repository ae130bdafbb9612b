"""The validation report value and its renderers.

One :class:`Report` for every check ``dprk-ld validate`` runs. Renderers:
human text (grouped by file), JSON (documented in docs/validate.md), Turtle
(a W3C SHACL ``sh:ValidationReport``, §3.6 of the SHACL Recommendation, with
our non-SHACL findings as extra ``sh:ValidationResult`` nodes) and GitHub
Actions workflow-command annotations.

The text, JSON and GitHub renderers are streams of chunks (:data:`STREAMS`): a report of 300k findings is
written as it is made, never held whole as one string beside the findings (``render_*`` join the chunks).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, fields
from json.encoder import encode_basestring
from operator import attrgetter
from typing import Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, XSD

SH = Namespace("http://www.w3.org/ns/shacl#")
DPRKV = Namespace("https://w3id.org/dprk-ld/validation#")
SEVERITIES = ("violation", "warning", "info")
_RANK = {s: i for i, s in enumerate(SEVERITIES)}
_SH_SEVERITY = {"violation": SH.Violation, "warning": SH.Warning, "info": SH.Info}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: what check found it, how bad, about which node, where in which file, and what to do.
    Slots: SHACL at 1M triples may make hundreds of thousands (no ``__dict__`` each)."""

    severity: str  # violation | warning | info
    check: str  # shacl | shapes | owl | vocabulary | ontology | citations | queries
    message: str
    focus: str | None = None
    file: str | None = None
    line: int | None = None
    hint: str | None = None
    path: str | None = None
    component: str | None = None
    value: str | None = None
    shape: str | None = None

    @property
    def location(self) -> str:
        if self.file and self.line:
            return f"{self.file}:{self.line}"
        return self.file or self.focus or "-"

    def sort_key(self) -> tuple[str | int, ...]:
        return (self.file or "~", self.line or 0, _RANK[self.severity], self.check,
                self.focus or "", self.path or "", self.message)


@dataclass
class CheckRun:
    """Whether a check ran, was skipped (and why), and how long it took."""

    name: str
    status: str  # ran | skipped
    seconds: float = 0.0
    detail: str | None = None


@dataclass
class Report:
    """Findings, the checks that ran (or did not, and why), counts, and the project they are about.

    Counts use one vocabulary everywhere (validate, VoID, the ``statistics`` query): ``triples`` are
    distinct triples (the union of all files; a triple written in two files counts once), ``quads``
    are (triple, file graph) pairs, what a store holds after ``dprk-ld load``.
    """

    findings: list[Finding] = field(default_factory=list)
    checks: list[CheckRun] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)
    project: str | None = None  # the project's directory
    project_origin: str | None = None  # how it was chosen (project.ORIGIN_TEXT)

    def counts(self) -> dict[str, int]:
        counter = Counter(f.severity for f in self.findings)
        return {s: counter.get(s, 0) for s in SEVERITIES}

    def conforms(self, fail_on: str = "violation") -> bool:
        counts = self.counts()
        if fail_on == "warning":
            return counts["violation"] == 0 and counts["warning"] == 0
        return counts["violation"] == 0

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.findings, key=Finding.sort_key)

    def project_line(self) -> str:
        return f"project: {self.project} ({self.project_origin})" if self.project else "project: (none)"

    def summary_line(self) -> str:
        """What was checked, in words that say what was not: e.g. "156 citations, quotes not checked"."""
        s, c = self.stats, self.counts()
        quads = s.get("quads")
        parts = [f"{s.get('files', 0)} files",
                 f"{s.get('triples', 0):,} triples" + (f" ({quads:,} quads)" if quads is not None else "")]
        if "claims" in s:  # counted by the citations check
            parts.append(f"{s['claims']} claims")
            if "quotes_checked" in s:
                parts.append(f"{s.get('citations', 0)} citations, {s['quotes_checked']} quotes checked against "
                             "the sources")
            else:
                parts.append(f"{s.get('citations', 0)} citations, quotes not checked (no --sources)")
        skipped = [r.name for r in self.checks if r.status != "ran"]
        if skipped:
            parts.append(f"NOT RUN: {', '.join(skipped)}")
        return (", ".join(parts) + f": {c['violation']} violations, {c['warning']} warnings, {c['info']} info")


def iter_text(report: Report, fail_on: str = "violation") -> Iterator[str]:
    """Human-readable report: findings grouped by file, then the checks run, then the summary."""
    yield report.project_line() + "\n"
    current: str | None = "\0"
    for f in report.sorted_findings():
        lines = []
        if f.file != current:
            current = f.file
            lines += ["", f"{f.file or '(not in a file)'}"]
        where = f"{f.file}:{f.line}" if f.file and f.line else (f.file or "")
        lines.append(f"  {f.severity.upper():9} [{f.check}] {where}".rstrip())
        if f.focus:
            lines.append(f"    node:    {f.focus}")
        if f.path:
            lines.append(f"    path:    {f.path}")
        lines.append(f"    {f.message}")
        if f.hint:
            lines.append(f"    hint:    {f.hint}")
        yield "\n".join(lines) + "\n"
    lines = [""]
    for run in report.checks:
        detail = f" ({run.detail})" if run.detail else ""
        lines.append(f"  {run.name:12} {run.status:8} {run.seconds:6.2f}s{detail}")
    verdict = "CONFORMS" if report.conforms(fail_on) else "DOES NOT CONFORM"
    lines.append(f"{verdict}: {report.summary_line()}")
    yield "\n".join(lines) + "\n"


def render_text(report: Report, fail_on: str = "violation") -> str:
    return "".join(iter_text(report, fail_on))


def to_json(report: Report, fail_on: str = "violation", *, findings: bool = True) -> dict[str, Any]:
    """The documented JSON shape: project, conforms, summary, checks, findings (last; left out without
    ``findings``)."""
    out = {
        "project": report.project,
        "project_origin": report.project_origin,
        "conforms": report.conforms(fail_on),
        "summary": {**report.stats, **report.counts()},
        "checks": [asdict(c) for c in report.checks],
    }
    if findings:
        out["findings"] = [asdict(f) for f in report.sorted_findings()]
    return out


_FINDING_FIELDS = tuple(f.name for f in fields(Finding))
_FINDING_KEYS = tuple(f"      {encode_basestring(k)}: " for k in _FINDING_FIELDS)


def _json_value(value: str | int | None) -> str:
    if value is None:
        return "null"
    return encode_basestring(value) if isinstance(value, str) else json.dumps(value)


def iter_json(report: Report, fail_on: str = "violation") -> Iterator[str]:
    """:func:`to_json` as ``json.dumps(..., indent=2, ensure_ascii=False)`` writes it, byte for byte, one finding
    at a time (a finding's fields are strings, numbers or null, encoded by json's own encoders)."""
    head = to_json(report, fail_on, findings=False)
    findings = report.sorted_findings()
    if not findings:
        yield json.dumps({**head, "findings": []}, indent=2, ensure_ascii=False) + "\n"
        return
    yield json.dumps(head, indent=2, ensure_ascii=False)[:-2] + ',\n  "findings": [\n'
    values = attrgetter(*_FINDING_FIELDS)
    last = len(findings) - 1
    for i, f in enumerate(findings):
        body = ",\n".join([k + _json_value(v) for k, v in zip(_FINDING_KEYS, values(f), strict=True)])
        yield "    {\n" + body + ("\n    },\n" if i < last else "\n    }\n")
    yield "  ]\n}\n"


def render_json(report: Report, fail_on: str = "violation") -> str:
    return "".join(iter_json(report, fail_on))


def _node(value: str) -> URIRef | Literal:
    return URIRef(value) if "://" in value and " " not in value else Literal(value)


def render_turtle(report: Report, fail_on: str = "violation") -> str:
    """An ``sh:ValidationReport``; non-SHACL findings carry ``dprkv:check`` and our message."""
    g = Graph()
    g.bind("sh", SH)
    g.bind("dprkv", DPRKV)
    root = BNode("report")
    g.add((root, RDF.type, SH.ValidationReport))
    g.add((root, SH.conforms, Literal(report.conforms(fail_on))))
    if report.project:
        g.add((root, DPRKV.project, Literal(report.project)))
    for i, f in enumerate(report.sorted_findings()):
        r = BNode(f"r{i}")
        g.add((root, SH.result, r))
        g.add((r, RDF.type, SH.ValidationResult))
        g.add((r, SH.resultSeverity, _SH_SEVERITY[f.severity]))
        g.add((r, SH.resultMessage, Literal(f.message)))
        g.add((r, DPRKV.check, Literal(f.check)))
        if f.focus:
            g.add((r, SH.focusNode, _node(f.focus)))
        if f.path and f.path.startswith("http"):
            g.add((r, SH.resultPath, URIRef(f.path)))
        if f.component:
            g.add((r, SH.sourceConstraintComponent, URIRef(f.component)))
        if f.shape and "://" in f.shape:
            g.add((r, SH.sourceShape, URIRef(f.shape)))
        if f.value:
            g.add((r, SH.value, _node(f.value)))
        if f.file:
            g.add((r, DPRKV.file, Literal(f.file)))
        if f.line:
            g.add((r, DPRKV.line, Literal(f.line, datatype=XSD.integer)))
        if f.hint:
            g.add((r, DPRKV.hint, Literal(f.hint)))
    return g.serialize(format="turtle")


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def iter_github(report: Report, fail_on: str = "violation") -> Iterator[str]:
    """GitHub Actions annotations (``::error file=…,line=…,title=…::message``), then the summary."""
    level = {"violation": "error", "warning": "warning", "info": "notice"}
    yield report.project_line() + "\n"
    for f in report.sorted_findings():
        props = []
        if f.file:
            props.append(f"file={_gh_escape(f.file, True)}")
        if f.line:
            props.append(f"line={f.line}")
        props.append(f"title={_gh_escape('dprk-ld ' + f.check, True)}")
        message = f.message + (f" [{f.focus}]" if f.focus else "") + (f" Hint: {f.hint}" if f.hint else "")
        yield f"::{level[f.severity]} {','.join(props)}::{_gh_escape(message)}\n"
    yield report.summary_line() + "\n"


def render_github(report: Report, fail_on: str = "violation") -> str:
    return "".join(iter_github(report, fail_on))


#: each format as a stream of chunks, for writing a report as it is made (Turtle: one chunk, rdflib's); the
#: ``render_*`` functions give the whole text
STREAMS: dict[str, Callable[[Report, str], Iterator[str]]] = {
    "text": iter_text, "json": iter_json, "github": iter_github,
    "turtle": lambda report, fail_on: iter([render_turtle(report, fail_on)]),
}
