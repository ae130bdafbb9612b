"""``dprk-ld validate --endpoint URL``: the gate, run against a dataset in an external SPARQL store.

The same report as :func:`dprk_ld.validate.validate` on the same data. What runs where:

========== ======================================================================================
check      remote run
========== ======================================================================================
shacl      the compiled SHACL queries, on the store (:mod:`dprk_ld.shacl.remote`)
vocabulary terms used in the data: three DISTINCT scans on the store; declared terms: local
citations  uncited claims and counts as aggregates on the store; quotes paged through (``--sources``)
queries    the project's ``*-violation.rq`` on the store, paged
shapes     local (the shapes are small)
ontology   local (the ontology is small)
owl        local: HermiT on the ontology + a sample of the data fetched from the store
coverage   not yet (sentences of the articles against the citations): reported as skipped with --sources
========== ======================================================================================

A check or shape that cannot run remotely is reported (status ``skipped`` with the reason, or a
warning naming the shape), never silently dropped. Findings get file:line when the project's
files are on this machine (located in one streamed pass over them), the focus IRI otherwise.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from ..project import ORIGIN_BUNDLED, Project, find_project
from ..remote import RemoteDataset
from . import ontology, owl, remote_checks, shacl, vocabulary
from .report import CheckRun, Finding, Report

ALL_CHECKS = ("shacl", "shapes", "owl", "vocabulary", "ontology", "citations", "coverage", "queries")
SAMPLE_PER_CLASS = 20


def _owl(ds: RemoteDataset, per_class: int) -> tuple[list[Finding], str]:
    individuals, sample = remote_checks.owl_sample(ds, per_class)
    onto = ds.graphs_of("ontology")

    def write(out: BinaryIO) -> None:
        for g in onto:
            ds.store.dump(out, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(g))
        ox.serialize(sample, output=out, format=ox.RdfFormat.N_TRIPLES)

    consistent, _ = owl.hermit(write, len(sample))
    findings = [] if consistent else [Finding(
        "violation", "owl", f"the ontology + a sample of {individuals:,} individuals from the store is inconsistent "
        "(HermiT)", hint="run `dprk-ld validate --check owl` on the project's files for the full check")]
    return findings, (f"local: HermiT on the ontology + {individuals:,} individuals sampled from the store "
                      f"({len(sample):,} triples); the full check needs the data on this machine")


def validate_endpoint(ds: RemoteDataset, *, sources: Path | None = None, checks: tuple[str, ...] = ALL_CHECKS,
                      require_reasoner: bool = False, threads: int = 2,
                      sample_per_class: int = SAMPLE_PER_CLASS) -> Report:
    """Run the selected checks on the dataset in the store (and its small local part); one :class:`Report`."""
    report = Report()
    where = f"on {ds.endpoint.url}"
    ran: dict[str, tuple[list[Finding], str | None, float]] = {}

    def timed(name: str, func: Callable[[], tuple[list[Finding], str | None]]) -> Callable[[], None]:
        def go() -> None:
            start = time.perf_counter()
            found, detail = func()
            ran[name] = (found, detail, time.perf_counter() - start)
        return go

    def vocab() -> tuple[list[Finding], str]:
        used = vocabulary.used_terms(ds, ("shapes",))
        for term, graphs in remote_checks.used_terms(ds).items():
            used.setdefault(term, set()).update(graphs)
        return vocabulary.check_vocabulary(ds, used), f"data: {where}"

    def cites() -> tuple[list[Finding], str]:
        found, stats = remote_checks.citation_findings(ds, sources, remote_checks.hierarchy(ds))
        report.stats.update(claims=stats.claims, citations=stats.citations)
        if sources:
            report.stats["quotes_checked"] = stats.quotes_checked
        return found, (f"{stats.quotes_checked} quotes checked against {sources}, {where}" if sources
                       else f"quotes not checked: pass --sources DIR; {where}")

    # the store-side checks other than SHACL run on a side thread while SHACL runs (its own ``threads``):
    # the store is never left with a core idle while one check waits on its last slow query
    side = [timed(name, func) for name, func in (("vocabulary", vocab), ("citations", cites),
                                                 ("queries", lambda: (remote_checks.violation_findings(ds), where)))
            if name in checks]
    pool = ThreadPoolExecutor(max_workers=2)
    owl_future, owl_start = None, time.perf_counter()
    if "owl" in checks:
        owl_future = pool.submit(_owl, ds, sample_per_class)
    side_future = pool.submit(lambda: [go() for go in side])
    try:
        if "ontology" in checks:
            timed("ontology", lambda: (ontology.check_ontology(ds), "local"))()
        if "shapes" in checks:
            timed("shapes", lambda: (shacl.check_shapes(ds, "auto"), "local"))()
        if "shacl" in checks:
            if any(f.check == "shapes" and f.severity == "violation" for f in ran.get("shapes", ([], None, 0.0))[0]):
                report.checks.append(CheckRun("shacl", "skipped", 0.0, "the shapes themselves are invalid"))
            else:
                timed("shacl", lambda: _shacl(ds, threads, where))()
        side_future.result()
        for name in ALL_CHECKS:  # findings in the order of the checks, whichever finished first
            if name in ran:
                found, detail, seconds = ran[name]
                report.findings.extend(found)
                report.checks.append(CheckRun(name, "ran", seconds, detail))
        if "coverage" in checks and not sources:
            report.checks.append(CheckRun("coverage", "ran", 0.0, "sentences not checked (no --sources)"))
        elif "coverage" in checks:
            report.checks.append(CheckRun("coverage", "skipped", 0.0, "cannot run remotely yet: run it on the "
                                          "project's files (`dprk-ld validate --check coverage --sources DIR`)"))
            report.findings.append(Finding("warning", "coverage", "the coverage check did not run: it cannot run "
                                           "against a store yet", hint="run it on the project's files"))
        if owl_future is not None:
            try:
                found, detail = owl_future.result()
                report.findings.extend(found)
                report.checks.append(CheckRun("owl", "ran", time.perf_counter() - owl_start, detail))
            except owl.ReasonerUnavailable as exc:
                report.checks.append(CheckRun("owl", "skipped", time.perf_counter() - owl_start, str(exc)))
                if require_reasoner:
                    report.findings.append(Finding(
                        "violation", "owl", f"the OWL reasoner was required but could not run: {exc}",
                        hint="install Java 11+ (HermiT ships with owlready2), or drop --require-reasoner"))
    finally:
        pool.shutdown(wait=True)
    _locate(ds, report.findings)
    report.stats["files"] = len(ds.files)
    report.stats["triples"] = ds.triples
    report.project = str(ds.project.root.resolve()) if ds.has_files else ds.endpoint.url
    report.project_origin = ds.project.origin if ds.has_files else "a SPARQL store (--endpoint)"
    order = {name: i for i, name in enumerate(ALL_CHECKS)}
    report.checks.sort(key=lambda c: order.get(c.name, 99))
    return report


def _shacl(ds: RemoteDataset, threads: int, where: str) -> tuple[list[Finding], str]:
    start = ds.endpoint.stats.requests
    findings, engine = remote_checks.shacl_findings(ds, threads)
    for f in engine.fallbacks:
        findings.append(Finding("warning", "shacl", f"shape {f.shape} was not validated: it cannot run remotely "
                                f"({f.reason})", shape=f.shape,
                                hint="validate the project's files locally (`dprk-ld validate`) for this shape"))
    detail = f"remote: {ds.endpoint.stats.requests - start} requests {where}"
    if engine.fallbacks:
        detail += f"; {len(engine.fallback_shapes)} shape(s) could not run remotely"
    return findings, detail


def _locate(ds: RemoteDataset, findings: list[Finding]) -> None:
    """file:line for the findings about an IRI that have none yet, in one pass over the files."""
    todo = {i: f.focus for i, f in enumerate(findings) if f.file is None and f.focus and not f.focus.startswith("_:")}
    where = ds.locate_many(set(todo.values()))
    for i, focus in todo.items():
        loc = where.get(focus)
        if loc is not None:
            f = findings[i]
            findings[i] = Finding(f.severity, f.check, f.message, f.focus, loc.relpath, loc.line, f.hint, f.path,
                                  f.component, f.value, f.shape)


def validate_url(url: str, graphs: tuple[str, ...] = (), project: Project | Path | None = None, *,
                 sources: Path | None = None, checks: tuple[str, ...] = ALL_CHECKS, require_reasoner: bool = False,
                 timeout: float = 300.0, page_size: int = 10_000, threads: int = 2) -> Report:
    """Open the dataset in the store at ``url`` (:func:`dprk_ld.remote.open_remote`) and validate it.

    ``project``: the project whose files were loaded (a directory is found as every command finds it;
    the bundled dataset, found when nothing else is, is not taken for the store's)."""
    from ..remote import open_remote

    if not isinstance(project, Project):
        project = find_project(project)
        project = None if project.origin == ORIGIN_BUNDLED else project
    ds = open_remote(url, graphs, project, timeout=timeout, page_size=page_size)
    try:
        return validate_endpoint(ds, sources=sources, checks=checks, require_reasoner=require_reasoner,
                                 threads=threads)
    finally:
        ds.endpoint.close()
