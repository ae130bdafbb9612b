"""``dprk-ld validate``: every check on a loaded dataset, in one report.

Checks (each in its own module, each returning findings): SHACL on data/
(:mod:`.shacl`), the shapes against shapes-for-shapes, OWL 2 DL consistency
with HermiT (:mod:`.owl`, run in parallel with the rest since it is a JVM
subprocess), vocabulary closure (:mod:`.vocabulary`), ontology QA
(:mod:`.ontology`), citations and quotes (:mod:`.citations`), and the
project's ``*-violation.rq`` queries (:mod:`.queries`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..load import Dataset
from ..project import ORIGIN_TEXT
from . import citations, ontology, owl, queries, shacl, vocabulary
from .report import CheckRun, Finding, Report

ALL_CHECKS = ("shacl", "shapes", "owl", "vocabulary", "ontology", "citations", "queries")


def _timed(name: str, func: Callable[[], list[Finding]], report: Report) -> None:
    start = time.perf_counter()
    report.findings.extend(func())
    report.checks.append(CheckRun(name, "ran", time.perf_counter() - start))


def validate(
    dataset: Dataset,
    *,
    sources: Path | None = None,
    require_reasoner: bool = False,
    engine: str = "auto",
    checks: tuple[str, ...] = ALL_CHECKS,
) -> Report:
    """Run the selected checks and return one :class:`Report`."""
    report = Report()
    owl_future = None
    pool = ThreadPoolExecutor(max_workers=1)
    owl_start = time.perf_counter()
    if "owl" in checks:
        owl_future = pool.submit(owl.check_owl_detailed, dataset)
    try:
        for where, what in dataset.lossy:
            report.findings.append(Finding(
                "warning", "load", f"{what}: queries, SHACL and dumps see xsd:integer, not what the file says",
                file=where.relpath, line=where.line,
                hint="write a plain integer (xsd:integer) and state the bounds in SHACL (sh:minInclusive 0)"))
        if "vocabulary" in checks:
            _timed("vocabulary", lambda: vocabulary.check_vocabulary(dataset), report)
        if "ontology" in checks:
            _timed("ontology", lambda: ontology.check_ontology(dataset), report)
        if "shapes" in checks:
            _timed("shapes", lambda: shacl.check_shapes(dataset, engine), report)
        if "shacl" in checks:
            if any(f.check == "shapes" and f.severity == "violation" for f in report.findings):
                report.checks.append(CheckRun("shacl", "skipped", 0.0, "the shapes themselves are invalid"))
            else:
                start = time.perf_counter()
                found, detail = shacl.check_data_detailed(dataset, engine)
                report.findings.extend(found)
                report.checks.append(CheckRun("shacl", "ran", time.perf_counter() - start, detail))
        if "citations" in checks:
            start = time.perf_counter()
            found, stats = citations.check_citations(dataset, sources)
            report.findings.extend(found)
            detail = (f"{stats.quotes_checked} quotes checked against {sources}" if sources
                      else "quotes not checked: pass --sources DIR")
            report.checks.append(CheckRun("citations", "ran", time.perf_counter() - start, detail))
            report.stats.update(claims=stats.claims, citations=stats.citations)
            if sources:
                report.stats["quotes_checked"] = stats.quotes_checked
        if "queries" in checks:
            _timed("queries", lambda: queries.check_violation_queries(dataset), report)
        if owl_future is not None:
            try:
                owl_found, owl_detail = owl_future.result()
                report.findings.extend(owl_found)
                report.checks.append(CheckRun("owl", "ran", time.perf_counter() - owl_start, owl_detail))
            except owl.ReasonerUnavailable as exc:
                report.checks.append(CheckRun("owl", "skipped", time.perf_counter() - owl_start, str(exc)))
                if require_reasoner:
                    report.findings.append(Finding(
                        "violation", "owl", f"the OWL reasoner was required but could not run: {exc}",
                        hint="install Java 11+ (HermiT ships with owlready2), or drop --require-reasoner"))
    finally:
        pool.shutdown(wait=True)
    report.stats["files"] = len(dataset.files)
    report.stats["triples"] = dataset.triples
    report.stats["quads"] = dataset.quads
    report.project = str(dataset.project.root.resolve())
    report.project_origin = ORIGIN_TEXT.get(dataset.project.origin, dataset.project.origin)
    order = {name: i for i, name in enumerate(ALL_CHECKS)}
    report.checks.sort(key=lambda c: order.get(c.name, 99))
    return report
