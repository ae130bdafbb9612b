"""OWL 2 DL consistency of ontology + data: HermiT (as shipped in owlready2), and rules at scale.

Implements the consistency check of OWL 2 Direct Semantics. Up to ``full_max``
triples (:data:`FULL_MAX`, env ``DPRK_LD_OWL_FULL_MAX``) the ontology and all
data are written as N-Triples (owlready2 and HermiT do not read Turtle) and
handed to HermiT with ``--ignoreUnsupportedDatatypes`` (xsd:date, xsd:gYear and
xsd:gYearMonth are outside the OWL 2 datatype map; SHACL checks dates). HermiT
only says *that* the whole is inconsistent; the rules of :mod:`.owl_rules` then
name the individuals and axioms involved, and failing that, the data files that
are inconsistent with the ontology on their own.

Above ``full_max`` (HermiT's time and memory grow too fast, see docs/scale.md)
the strategy is "rules + sample": the rules run as SPARQL over *every* triple
(disjoint classes through asserted, inherited and domain/range-implied types;
functional data properties with two values; literals outside a property's data
range), and HermiT checks the ontology plus a deterministic stratified sample of
individuals (:func:`owl_rules.sample`) for everything else OWL 2 DL can say.
Which strategy ran is reported in the check's detail (:func:`check_owl_detailed`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from ..load import Dataset
from . import owl_rules
from .report import Finding

#: Above this many triples (ontology + data) HermiT sees a sample, and rules see everything:
#: HermiT stays under a minute and under owlready2's 2 GB heap up to here (docs/scale.md).
FULL_MAX = 200_000
ENV_FULL_MAX = "DPRK_LD_OWL_FULL_MAX"
#: Up to this many triples the JVM runs C1-only: half the CPU time at 5k and at 100k triples.
QUICK_JVM_MAX = 200_000
QUICK_JVM_FLAGS = ("-XX:TieredStopAtLevel=1",)
#: seconds all HermiT runs of one check may take together (``dprk-ld validate --timeout``)
DEFAULT_TIMEOUT = 300.0


class ReasonerUnavailable(Exception):
    """Java or HermiT cannot be run here: the check is skipped (or fails with --require-reasoner)."""


class ReasonerTimeout(ReasonerUnavailable):
    """HermiT did not finish within the check's time limit (``--timeout``)."""


#: JVM properties that send any HTTP(S) or SOCKS connection to a closed loopback port: HermiT is handed
#: no owl:imports (:mod:`.offline`), and should anything else try the network, it fails at once
NO_NETWORK_JVM_FLAGS = ("-Dhttp.proxyHost=127.0.0.1", "-Dhttp.proxyPort=9", "-Dhttps.proxyHost=127.0.0.1",
                        "-Dhttps.proxyPort=9", "-DsocksProxyHost=127.0.0.1", "-DsocksProxyPort=9",
                        "-Dhttp.nonProxyHosts=", "-Djava.net.useSystemProxies=false")
OWL_IMPORTS = "http://www.w3.org/2002/07/owl#imports"


def full_max() -> int:
    """The triple threshold for the full HermiT check (``$DPRK_LD_OWL_FULL_MAX`` overrides :data:`FULL_MAX`)."""
    value = os.environ.get(ENV_FULL_MAX, "")
    return int(value) if value.strip().isdigit() else FULL_MAX


def _hermit_command(path: Path, triples: int = 0) -> list[str]:
    try:
        import owlready2
        from owlready2 import reasoning
    except ImportError as exc:  # pragma: no cover - a dependency
        raise ReasonerUnavailable(f"owlready2 is not installed ({exc})") from exc
    java = shutil.which(owlready2.JAVA_EXE) or shutil.which("java")
    if java is None:
        raise ReasonerUnavailable("Java is not installed (HermiT runs on the JVM; install a JRE, e.g. "
                                  "`apt-get install default-jre-headless`)")
    flags = list(QUICK_JVM_FLAGS) if triples <= QUICK_JVM_MAX else []
    return [java, f"-Xmx{owlready2.JAVA_MEMORY}M", *flags, *NO_NETWORK_JVM_FLAGS, "-cp", reasoning._HERMIT_CLASSPATH,
            "org.semanticweb.HermiT.cli.CommandLine", "-k", "--ignoreUnsupportedDatatypes", path.as_uri()]


def _write_ntriples(dataset: Dataset, graphs: list[str], out: BinaryIO) -> None:
    """The graphs as N-Triples, without owl:imports triples (the project's ontology files are all loaded;
    an import HermiT saw would make it fetch the IRI)."""
    imports = ox.NamedNode(OWL_IMPORTS)
    for g in graphs:
        node = ox.NamedNode(g)
        if next(iter(dataset.store.quads_for_pattern(None, imports, None, node)), None) is None:
            dataset.store.dump(out, format=ox.RdfFormat.N_TRIPLES, from_graph=node)
        else:
            ox.serialize((ox.Triple(q.subject, q.predicate, q.object)
                          for q in dataset.store.quads_for_pattern(None, None, None, node) if q.predicate != imports),
                         output=out, format=ox.RdfFormat.N_TRIPLES)


def hermit(write: Callable[[BinaryIO], None], triples: int = 0, timeout: float = 300) -> tuple[bool, str]:
    """(consistent?, HermiT's message) for what ``write`` writes as N-Triples."""
    with tempfile.TemporaryDirectory(prefix="dprk-ld-owl-") as tmp:
        path = Path(tmp) / "ontology-and-data.nt"
        with path.open("wb") as out:
            write(out)
        command = _hermit_command(path, triples)
        try:
            proc = subprocess.run(command, capture_output=True, timeout=timeout, text=True)
        except FileNotFoundError as exc:
            raise ReasonerUnavailable(f"cannot start Java: {exc}") from exc
        except subprocess.TimeoutExpired as exc:
            raise ReasonerTimeout(f"HermiT did not finish within the time limit ({timeout:.0f} s left of "
                                  "--timeout)") from exc
    output = (proc.stdout or "") + (proc.stderr or "")
    if proc.returncode == 0 and "is satisfiable" in output:
        return True, output.strip()
    if "InconsistentOntologyException" in output or "Inconsistent ontology" in output:
        return False, "inconsistent"
    first = next((ln for ln in output.splitlines() if "Exception" in ln), output.strip()[:300])
    raise ReasonerUnavailable(f"HermiT failed: {first}")


def run_hermit(dataset: Dataset, graphs: list[str], timeout: float = 300) -> tuple[bool, str]:
    """(consistent?, HermiT's message) for the union of the given named graphs."""
    return hermit(lambda out: _write_ntriples(dataset, graphs, out), dataset.triples, timeout)


class _Deadline:
    """What is left of the check's time limit, for each HermiT run in turn."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise ReasonerTimeout("HermiT did not finish within the time limit (--timeout)")
        return left


def check_owl_detailed(dataset: Dataset, *, threshold: int | None = None,
                       timeout: float = DEFAULT_TIMEOUT) -> tuple[list[Finding], str]:
    """(findings, which strategy ran) — full HermiT up to ``threshold`` triples, rules + sample above.

    Raises :class:`ReasonerTimeout` when the HermiT runs together take longer than ``timeout`` seconds."""
    limit = full_max() if threshold is None else threshold
    deadline = _Deadline(timeout)
    if dataset.triples > limit:
        return _check_at_scale(dataset, limit, deadline)
    return _check_full(dataset, deadline), f"HermiT on ontology + all data ({dataset.triples:,} triples)"


def _check_full(dataset: Dataset, deadline: _Deadline) -> list[Finding]:
    onto_graphs = dataset.graphs_of("ontology")
    data_graphs = dataset.graphs_of("data")
    consistent, _ = run_hermit(dataset, onto_graphs + data_graphs, deadline.left())
    if consistent:
        return []
    tbox = owl_rules.TBox.of(dataset)
    findings = owl_rules.all_clashes(dataset, tbox)
    if findings:
        return findings
    if not run_hermit(dataset, onto_graphs, deadline.left())[0]:
        return [Finding("violation", "owl", "the ontology itself is inconsistent (HermiT)",
                        file=dataset.files[onto_graphs[0]].relpath if onto_graphs else None,
                        hint="check disjointness and cardinality axioms in ontology/")]
    for g in data_graphs:
        if not run_hermit(dataset, onto_graphs + [g], deadline.left())[0]:
            findings.append(Finding("violation", "owl",
                                    "ontology + this file is inconsistent (HermiT); no disjoint-class clash "
                                    "found, so look at cardinalities, functional properties and owl:sameAs",
                                    file=dataset.files[g].relpath, line=1))
    return findings or [Finding("violation", "owl", "ontology + data is inconsistent (HermiT), but no single "
                                "data file is: the clash spans files")]


def _check_at_scale(dataset: Dataset, limit: int, deadline: _Deadline) -> tuple[list[Finding], str]:
    """Rules over every triple, then HermiT on the ontology + a sample of the individuals the rules passed."""
    tbox = owl_rules.TBox.of(dataset)
    findings = owl_rules.all_clashes(dataset, tbox)
    flagged = {f.focus for f in findings if f.focus}
    individuals, sample = owl_rules.sample(dataset, exclude=flagged)
    onto_graphs = dataset.graphs_of("ontology")

    def write(out: BinaryIO) -> None:
        _write_ntriples(dataset, onto_graphs, out)
        ox.serialize(sample, output=out, format=ox.RdfFormat.N_TRIPLES)

    consistent, _ = hermit(write, len(sample), deadline.left())
    if not consistent:
        findings.append(Finding(
            "violation", "owl",
            f"the ontology + a sample of {individuals:,} individuals is inconsistent (HermiT), and the "
            "rules that run on all data found no clash there: the cause is an axiom the rules do not cover",
            hint=f"run the full check on a smaller copy: {ENV_FULL_MAX}={dataset.triples + 1} dprk-ld validate "
                 "--check owl (see docs/scale.md)"))
    uncovered = tbox.uncovered()
    detail = (f"rules + sample: {dataset.triples:,} triples > {limit:,}; rules (disjoint classes, functional "
              f"data properties, data ranges) on all data, HermiT on ontology + {individuals:,} sampled "
              f"individuals ({len(sample):,} triples)")
    if uncovered:
        detail += f"; only the sample checks {', '.join(uncovered)}"
    return findings, detail
