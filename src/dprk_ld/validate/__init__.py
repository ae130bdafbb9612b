"""``dprk-ld validate``: every check on a loaded dataset, in one report.

Checks (each in its own module, each returning findings): SHACL on data/
(:mod:`.shacl`), the shapes against shapes-for-shapes, OWL 2 DL consistency
with HermiT (:mod:`.owl`, run in parallel with the rest since it is a JVM
subprocess), vocabulary closure (:mod:`.vocabulary`), ontology QA
(:mod:`.ontology`), citations and quotes (:mod:`.citations`), and the
project's ``*-violation.rq`` queries (:mod:`.queries`), and with ``--sources`` the coverage of every
sentence of every article (:mod:`.coverage`).

Nothing is fetched from the network (:mod:`.offline`: owl:imports resolve to
project files, SERVICE is refused). Every check has a time limit
(``timeout`` seconds, each); a check that did not run — skipped, or out of
time — is a finding in the report, never silent: a warning, or a violation
when ``strict`` (CI) or ``require_reasoner`` asks for it and ``allow_skip``
does not excuse that check.
"""

from __future__ import annotations

import gc
import os
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..load import Dataset
from ..project import ORIGIN_TEXT
from . import citations, coverage, offline, ontology, owl, queries, shacl, vocabulary
from .report import CheckRun, Finding, Report

ALL_CHECKS = ("shacl", "shapes", "owl", "vocabulary", "ontology", "citations", "coverage", "queries")
#: seconds each check may run (``dprk-ld validate --timeout``)
DEFAULT_TIMEOUT = owl.DEFAULT_TIMEOUT


class _Outcome:
    """What a check's thread left: its value, or its exception, or nothing yet."""

    def __init__(self) -> None:
        self.value: Any = None
        self.error: BaseException | None = None
        self.done = threading.Event()


def _start(func: Callable[[], Any]) -> _Outcome:
    """Run ``func`` in a daemon thread: one that is out of time is abandoned, and never keeps the process."""
    outcome = _Outcome()

    def body() -> None:
        try:
            outcome.value = func()
        except BaseException as exc:  # handed to the caller's thread, which re-raises it
            traceback.clear_frames(exc.__traceback__)  # free the check's locals (query results) on this thread
            outcome.error = exc
        finally:
            # pyoxigraph's query results may only be freed by the thread that made them: collect the
            # check's garbage cycles here, not later on whichever thread the collector happens to run
            gc.collect()
            outcome.done.set()

    threading.Thread(target=body, name="dprk-ld-check", daemon=True).start()
    return outcome


def _wait(outcome: _Outcome, seconds: float) -> bool:
    """True when the check finished in time (its exception, if any, is raised here)."""
    if not outcome.done.wait(max(seconds, 0.0)):
        return False
    if outcome.error is not None:
        raise outcome.error
    return True


def _not_run(report: Report, name: str, status: str, seconds: float, reason: str, severe: bool) -> None:
    report.checks.append(CheckRun(name, status, seconds, reason))
    report.findings.append(Finding(
        "violation" if severe else "warning", name, f"the {name} check did not run ({status}): {reason}",
        hint=(f"fix the cause; on CI a check that did not run fails the gate unless --allow-skip {name}"
              if severe else f"the dataset was NOT checked for {name}; fix the cause to have it checked")))


def validate(
    dataset: Dataset,
    *,
    sources: Path | None = None,
    require_reasoner: bool = False,
    engine: str = "auto",
    checks: tuple[str, ...] = ALL_CHECKS,
    timeout: float = DEFAULT_TIMEOUT,
    strict: bool | None = None,
    allow_skip: tuple[str, ...] = (),
) -> Report:
    """Run the selected checks and return one :class:`Report`.

    ``timeout``: seconds each check may take. ``strict``: a check that did not run is a violation, unless
    named in ``allow_skip`` (default: strict when ``$CI`` is true, as CI services set it);
    ``require_reasoner`` is ``strict`` for owl.
    """
    report = Report()
    if strict is None:
        strict = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")

    def severe(name: str) -> bool:
        return (strict or (require_reasoner and name == "owl")) and name not in allow_skip

    def run(name: str, func: Callable[[], tuple[list[Finding], str | None]]) -> None:
        start = time.perf_counter()
        outcome = _start(func)
        if _wait(outcome, timeout):
            found, detail = outcome.value
            report.findings.extend(found)
            report.checks.append(CheckRun(name, "ran", time.perf_counter() - start, detail))
        else:
            _not_run(report, name, "timed out", time.perf_counter() - start,
                     f"did not finish within {timeout:g} s (--timeout)", severe(name))

    owl_outcome, owl_start = None, time.perf_counter()
    if "owl" in checks:
        imports = offline.plan_imports(dataset)
        report.findings.extend(imports.findings)
        owl_outcome = _start(lambda: owl.check_owl_detailed(dataset, timeout=timeout))
    for where, what in dataset.lossy:
        report.findings.append(Finding(
            "warning", "load", f"{what}: queries, SHACL and dumps see xsd:integer, not what the file says",
            file=where.relpath, line=where.line,
            hint="write a plain integer (xsd:integer) and state the bounds in SHACL (sh:minInclusive 0)"))
    if "vocabulary" in checks:
        run("vocabulary", lambda: (vocabulary.check_vocabulary(dataset), None))
    if "ontology" in checks:
        run("ontology", lambda: (ontology.check_ontology(dataset), None))
    if "shapes" in checks or "shacl" in checks:  # SHACL-SPARQL that cannot run, or would go online
        report.findings.extend(offline.check_shacl_sparql(dataset))
    if "shapes" in checks:
        run("shapes", lambda: (shacl.check_shapes(dataset, engine), None))
    if "shacl" in checks:
        if any(f.check == "shapes" and f.severity == "violation" for f in report.findings):
            _not_run(report, "shacl", "skipped", 0.0, "the shapes themselves are invalid", severe("shacl"))
        else:
            run("shacl", lambda: shacl.check_data_detailed(dataset, engine))
    if "citations" in checks:
        def check_citations() -> tuple[list[Finding], str]:
            found, stats = citations.check_citations(dataset, sources)
            report.stats.update(claims=stats.claims, citations=stats.citations)
            if sources:
                report.stats["quotes_checked"] = stats.quotes_checked
                return found, f"{stats.citations} citations, {stats.quotes_checked} quotes checked against {sources}"
            return found, f"{stats.citations} citations, quotes not checked (no --sources)"
        run("citations", check_citations)
    if "coverage" in checks:
        def check_coverage() -> tuple[list[Finding], str]:
            if not sources:
                return [], "sentences not checked (no --sources)"
            found, cov = coverage.check_coverage(dataset, sources)
            return found, (f"{cov.sentences} sentences: {cov.count('cited')} cited, {cov.count('excluded')} set "
                           f"aside, {cov.count('uncovered')} uncovered")
        run("coverage", check_coverage)
    if "queries" in checks:
        run("queries", lambda: (queries.check_violation_queries(dataset), None))
    if owl_outcome is not None:
        try:
            if _wait(owl_outcome, owl_start + timeout + 5.0 - time.perf_counter()):
                owl_found, owl_detail = owl_outcome.value
                report.findings.extend(owl_found)
                report.checks.append(CheckRun("owl", "ran", time.perf_counter() - owl_start, owl_detail))
            else:
                raise owl.ReasonerTimeout(f"did not finish within {timeout:g} s (--timeout)")
        except owl.ReasonerUnavailable as exc:
            status = "timed out" if isinstance(exc, owl.ReasonerTimeout) else "skipped"
            reason = str(exc)
            if require_reasoner and "owl" not in allow_skip:
                reason = f"the OWL reasoner was required but could not run: {exc}"
            _not_run(report, "owl", status, time.perf_counter() - owl_start, reason, severe("owl"))
    report.stats["files"] = len(dataset.files)
    report.stats["triples"] = dataset.triples
    if dataset.quads is not None:  # None: data files loaded merged only, no file graph of theirs counted
        report.stats["quads"] = dataset.quads
    report.project = str(dataset.project.root.resolve())
    report.project_origin = ORIGIN_TEXT.get(dataset.project.origin, dataset.project.origin)
    order = {name: i for i, name in enumerate(ALL_CHECKS)}
    report.checks.sort(key=lambda c: order.get(c.name, 99))
    return report
