"""The ``dprk-ld`` command: thin click wrappers around the library.

Each command parses options, calls one library function and renders its
result. Errors of the :mod:`dprk_ld.errors` hierarchy become a message on
stderr and an exit code: 0 conforms / success, 1 violations, 2 cannot load.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from . import cli_store, clikit, curate, oneshot
from .clikit import project_option, resolve_project, user_errors
from .errors import SourceError

ALL_CHECKS = ("shacl", "shapes", "owl", "vocabulary", "ontology", "citations", "coverage", "queries")

@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="dprk-ld")
@click.option("-q", "--quiet", is_flag=True, help="Print results and errors only, no progress.")
@click.option("-v", "--verbose", count=True, help="More detail (-vv: debug logging).")
@click.option("--color/--no-color", default=None, help="Colour on or off [default: on a terminal, unless NO_COLOR].")
@click.pass_context
def main(ctx: click.Context, quiet: bool, verbose: int, color: bool | None) -> None:
    """dprk-ld: validate, query, publish and serve a cited linked-data dataset.

    Shell completion (commands, options, canned-query names): see docs/cli.md.
    """
    clikit.setup(ctx, quiet, verbose, color)


def run() -> None:
    """The ``dprk-ld`` console command: :func:`main`, leaving large stores to the OS at exit (:mod:`.oneshot`)."""
    oneshot.run(main)


@main.command()
@project_option
@click.option("--sources", type=click.Path(file_okay=False, path_type=Path),
              help="Folder with the source article texts: check hashes, quotes and offsets against them.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "turtle", "github"]), default="text",
              show_default=True, help="Report format.")
@click.option("--fail-on", type=click.Choice(["violation", "warning"]), default="violation", show_default=True,
              help="Exit 1 on violations only, or on warnings too.")
@click.option("--require-reasoner", is_flag=True,
              help="Fail when the OWL reasoner cannot run (instead of reporting it skipped).")
@click.option("--engine", type=click.Choice(["auto", "fast", "pyshacl"]), default="auto", show_default=True,
              help="SHACL engine: compiled SPARQL on the embedded store, or pyshacl (the reference).")
@click.option("--check", "checks", multiple=True, type=click.Choice(list(ALL_CHECKS)),
              help="Run only these checks (repeatable; default: all).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=300.0, show_default=True,
              help="Seconds each check may run; one that does not finish is reported as not run.")
@click.option("--allow-skip", "allow_skip", multiple=True, type=click.Choice(list(ALL_CHECKS)),
              help="With CI=true (or --require-reasoner for owl), a check that did not run fails the gate; "
                   "this excuses it (a warning instead). Repeatable.")
@clikit.output_option
@user_errors
@cli_store.endpoint_options
def validate(project_dir: Path | None, sources: Path | None, fmt: str, fail_on: str, require_reasoner: bool,
             engine: str, checks: tuple[str, ...], timeout: float, allow_skip: tuple[str, ...],
             output: Path | None) -> None:
    """Validate the dataset: SHACL, shapes, OWL consistency, vocabulary, ontology QA, citations.

    Exit codes: 0 conforms (warnings allowed), 1 violations (or warnings with --fail-on warning),
    2 the project cannot be loaded. A check that did not run is a warning, and a violation with
    CI=true unless --allow-skip names it.
    """
    from .load import load_project
    from .project import find_project
    from .validate import validate as run_validation
    from .validate.report import STREAMS

    # the SHACL engine validates the data files merged into one graph: loaded beside the files' graphs on a second
    # core, or instead of them when no other check reads them
    shacl = engine != "pyshacl" and (not checks or "shacl" in checks)
    data = "merged" if shacl and set(checks) == {"shacl"} else "both" if shacl else "files"
    dataset = load_project(find_project(project_dir), data=data)
    report = run_validation(dataset, sources=sources, require_reasoner=require_reasoner, engine=engine,
                            checks=checks or ALL_CHECKS, timeout=timeout, allow_skip=allow_skip)
    clikit.emit_stream(STREAMS[fmt](report, fail_on), output, style=clikit.colour_report if fmt == "text" else None)
    sys.exit(0 if report.conforms(fail_on) else 1)


@main.command("coverage")
@project_option
@click.option("--sources", required=True, type=click.Path(file_okay=False, path_type=Path), help="Article texts.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@clikit.output_option
@user_errors
def coverage_command(project_dir: Path | None, sources: Path, fmt: str, output: Path | None) -> None:
    """Sentences of each article: cited by a claim, set aside with a reason, or neither (then exit 1)."""
    from .load import load_project
    from .validate.coverage import coverage

    report = coverage(load_project(resolve_project(project_dir)), sources)
    clikit.emit(report.render(fmt), output)
    sys.exit(0 if report.complete else 1)


@main.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", help="The dataset's title (default: the folder's name).")
@click.option("--base", metavar="IRI", help="Base IRI of the new dataset's entities and terms "
              "(default: https://example.org/<folder>/).")
@click.option("--creator", help="Your name, for dataset.toml (CITATION.cff, VoID/DCAT).")
@user_errors
def init_command(directory: Path, title: str | None, base: str | None, creator: str | None) -> None:
    """Start a new dataset project in DIRECTORY that validates green on its first run."""
    from .scaffold import init_project

    result = init_project(directory, title=title, base=base, creator=creator)
    click.echo(f"created the dataset project {result.title!r} in {result.root} ({len(result.files)} files; "
               f"entities under {result.base}id/)")
    click.echo(f"next: dprk-ld validate --project {result.root} --sources {result.root / 'sources'}")


@main.group()
def source() -> None:
    """Describe source articles."""


@source.command("describe")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--title", help="The article's headline, as printed.")
@click.option("--publisher", help="The publisher's IRI or prefixed name, e.g. agency:bloomberg-technoz.")
@click.option("--date", help="Publication date: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--url", help="The article's URL, only when known.")
@user_errors
def source_describe(file: Path, title: str | None, publisher: str | None, date: str | None,
                    url: str | None) -> None:
    """Print the Turtle for a source article, with its sha256 and language."""
    click.echo(curate.source_turtle(file, title=title, publisher=publisher, date=date, url=url), nl=False)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("quote")
@click.option("--id", "citation_id", default="CHANGE-ME-c1", show_default=True, help="Citation slug.")
@click.option("--stance", default="Asserted", show_default=True,
              type=click.Choice(["Asserted", "Alleged", "Confirmed", "Disputed", "Denied"]))
@click.option("--attributed-to", help="Who the article attributes the claim to (prefixed name).")
@click.option("--occurrence", type=int, help="Which occurrence to cite when the quote occurs more than once.")
@user_errors
def cite(file: Path, quote: str, citation_id: str, stance: str, attributed_to: str | None,
         occurrence: int | None) -> None:
    """Find QUOTE in the article FILE and print a citation node with its exact offsets."""
    text = curate.read_article(file)
    result = curate.find_quote(text, quote)
    if not result.occurrences:
        raise SourceError(
            f"the quote does not occur in the article; closest passage at {result.closest_start}: "
            f"{result.closest!r}",
            str(file),
            "copy the words exactly as the article has them (punctuation and spaces included)",
        )
    if len(result.occurrences) > 1 and occurrence is None:
        listing = "\n".join(
            f"  {i}: offsets {o.start}-{o.end}  {o.context}" for i, o in enumerate(result.occurrences, 1)
        )
        raise SourceError(
            f"the quote occurs {len(result.occurrences)} times:\n{listing}",
            str(file),
            "quote more words so it is unique, or pick one with --occurrence N",
        )
    chosen = result.occurrences[(occurrence or 1) - 1]
    click.echo(curate.citation_turtle(file, chosen, quote, citation_id=citation_id, stance=stance,
                                      attributed_to=attributed_to), nl=False)


RESULT_FORMAT_NAMES = ("table", "json", "xml", "csv", "tsv", "markdown")
GRAPH_FORMAT_NAMES = ("turtle", "ntriples", "jsonld", "rdfxml")
endpoint_option = click.option("--endpoint", metavar="URL",
                               help="Run on this SPARQL 1.1 endpoint instead of the embedded store.")
timeout_option = click.option("--timeout", type=float, default=30, show_default=True,
                              help="Seconds to wait for a remote endpoint.")


@main.command("query")
@click.argument("name", required=False, shell_complete=clikit.complete_query_names)
@click.option("--list", "list_queries", is_flag=True, help="List the canned queries.")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="A parameter value (repeatable), e.g. --param a=state:RUS.")
@click.option("--format", "fmt", type=click.Choice(RESULT_FORMAT_NAMES), default="table", show_default=True,
              help="Output format (--list: table or json).")
@endpoint_option
@timeout_option
@project_option
@clikit.output_option
@user_errors
def query_command(name: str | None, list_queries: bool, params: tuple[str, ...], fmt: str,
                  endpoint: str | None, timeout: float, project_dir: Path | None, output: Path | None) -> None:
    """Run the canned query NAME (see --list), locally or on --endpoint."""
    import json

    from . import query as q
    from .errors import QueryError
    from .query.catalog import load_catalog

    if list_queries or not name:
        if not list_queries:
            raise QueryError("give a query NAME, or --list to see them")
        catalog = load_catalog(resolve_project(project_dir))
        if fmt == "json":
            click.echo(json.dumps([c.as_dict() for c in catalog.values()], ensure_ascii=False, indent=1))
        else:
            width = max((len(n) for n in catalog), default=0)
            for cq in catalog.values():
                params_text = " ".join(f"{p.name}={'?' if p.required else p.default}" for p in cq.params)
                suffix = f"  [{params_text}]" if params_text else ""
                click.echo(f"{cq.name.ljust(width)}  {cq.title}{suffix}")
        return
    values = q.parse_param_pairs(params)
    project = resolve_project(project_dir)
    if endpoint:
        from .query.holds import check_endpoint

        check_endpoint(endpoint, project, timeout)  # 0 rows from the wrong default graph is an error, not an answer
        results = q.run_canned_remote(endpoint, load_catalog(project), name, values, timeout)
    else:
        results = q.run_canned(q.dataset_for(project), name, values)
    clikit.emit(q.render(results, fmt), output)


@main.command()
@click.argument("query_text", metavar="QUERY", required=False)
@click.option("-f", "--file", "query_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Read the query from a file ('-' for stdin).")
@click.option("--format", "fmt", type=click.Choice(RESULT_FORMAT_NAMES + GRAPH_FORMAT_NAMES), default=None,
              help="Output format [default: table for SELECT/ASK, turtle for CONSTRUCT/DESCRIBE].")
@endpoint_option
@timeout_option
@project_option
@clikit.output_option
@user_errors
def sparql(query_text: str | None, query_file: Path | None, fmt: str | None, endpoint: str | None,
           timeout: float, project_dir: Path | None, output: Path | None) -> None:
    """Run an ad-hoc SPARQL QUERY (or -f FILE) on the dataset or on --endpoint."""
    from . import query as q

    text, where = q.read_query_text(query_text, query_file)
    if endpoint:
        results = q.run_remote(endpoint, text, timeout)
    else:
        results = q.run_sparql(q.dataset_for(resolve_project(project_dir)), text, where=where)
    clikit.emit(q.render(results, fmt or ("turtle" if results.kind == "graph" else "table")), output)


@main.command()
@project_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=clikit.PORT, help="TCP port (1-65535).")
@click.option("--max-results", default=10_000, show_default=True, type=int,
              help="Rows (or triples) returned at most; more are cut off and the response says so.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="uvicorn worker processes; each loads the dataset (memory: one dataset per worker).")
@click.option("--wikidata-view/--no-wikidata-view", default=True, show_default=True,
              help="Also serve the Wikidata-style view as the named graph .../graph/wikidata-view.")
@click.option("--store", metavar="URL", help="Serve the dataset in this SPARQL 1.1 store (read-only) instead.")
@clikit.serve_limit_options
@user_errors
def serve(project_dir: Path | None, host: str, port: int, max_results: int, workers: int, wikidata_view: bool,
          store: str | None, **limits: Any) -> None:
    """Serve the dataset: a read-only SPARQL endpoint, canned queries and linked-data pages."""
    from .serve.app import serve_project

    project_dir = resolve_project(project_dir).root  # a wrong --project fails before anything is announced
    clikit.note(f"serving on http://{host}:{port}/ (SPARQL at /sparql, {workers} worker(s))")
    serve_project(project_dir, host=host, port=port, workers=workers, max_results=max_results,
                  wikidata_view=wikidata_view, store=store, **limits)


@main.command("load")
@project_option
@click.option("--endpoint", required=True, help="The store's SPARQL query endpoint URL.")
@click.option("--graph-store", help="The store's Graph Store Protocol URL (default: guessed from --endpoint).")
@click.option("--timeout", default=60.0, show_default=True, type=float, help="Seconds per HTTP request.")
@click.option("--layout", type=click.Choice(["auto", "union", "named"]), default="auto", show_default=True,
              help="Named graphs only, or also the union of all files as the default graph (what canned queries "
                   "read); auto writes it unless the store's default graph already is the union (docs/stores.md).")
@user_errors
def load_command(project_dir: Path | None, endpoint: str, graph_store: str | None, timeout: float,
                 layout: str) -> None:
    """Load the dataset into a SPARQL store: one named graph per file (Graph Store Protocol PUT), and the
    default graph as --layout says, so that canned queries work on the store as it is configured."""
    from . import gsp
    from .load import load_project

    dataset = load_project(resolve_project(project_dir))
    url = graph_store or gsp.graph_store_for(endpoint)

    def progress(index: int, total: int, pushed: gsp.GraphPush) -> None:
        click.echo(f"[{index}/{total}] PUT <{pushed.graph}> {pushed.triples} triples: HTTP {pushed.status}",
                   err=True)

    result = gsp.load(dataset, endpoint, url, layout=layout, timeout=timeout, progress=progress)
    named = [p for p in result.pushes if p.graph != gsp.DEFAULT_GRAPH]
    click.echo(f"loaded {len(named)} named graphs ({result.quads:,} quads, {dataset.triples:,} distinct triples) "
               f"into {url}; default graph {result.default_graph}")


@main.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("dist"),
              show_default=True, help="Folder to write the release into (an earlier release there is replaced).")
@click.option("--sources", type=click.Path(file_okay=False, path_type=Path), help="Article texts: add coverage.html.")
@click.option("--diff", "previous", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="A previous release folder: print the claims added, removed and changed since.")
@project_option
@user_errors
def build(out_dir: Path, sources: Path | None, previous: Path | None, project_dir: Path | None) -> None:
    """Build a versioned release: dumps, VoID/DCAT, CITATION.cff, ontology docs and a static site."""
    from .load import load_project
    from .publish import build_release, release_claims
    from .publish.diff import compare

    def progress(message: str) -> None:
        clikit.note(f"  {message}")

    clikit.note("loading the dataset ...")
    dataset = load_project(resolve_project(project_dir))
    before = release_claims(previous) if previous else None  # read first: --out may be the same folder
    summary = build_release(dataset, out_dir, progress=progress, sources=sources)
    click.echo(f"wrote release {summary.version} (issued {summary.issued}) to {summary.out_dir}: "
               f"{len(summary.files)} files, {summary.total_bytes:,} bytes, {summary.triples:,} triples, "
               f"{summary.claims} claims, {summary.pages} pages")
    for rel, size in summary.files:
        if rel.startswith("dumps/") or "/" not in rel and not rel.endswith(".html"):
            click.echo(f"  {rel:<28} {size:>12,} bytes")
    index = summary.out_dir / "index.html"
    click.echo(f"open {index.as_uri()} in a browser, or serve the folder: "
               f"python -m http.server -d {summary.out_dir} 8000  (then http://localhost:8000/)")
    if before is not None:
        diff = compare(before, release_claims(summary.out_dir))
        click.echo(f"changes since {previous}:")
        click.echo(diff.summary())


@main.group("export")
def export_group() -> None:
    """Export the dataset in other systems' formats."""


@export_group.command("quickstatements")
@project_option
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the lines to FILE (default: stdout; the report goes to stderr then).")
@user_errors
def export_quickstatements_command(project_dir: Path | None, out_file: Path | None) -> None:
    """QuickStatements V1 lines for the claims that map to Wikidata, and a report of the rest."""
    from .load import load_project
    from .wikidata.quickstatements import export_quickstatements

    result = export_quickstatements(load_project(resolve_project(project_dir)))
    if out_file is None:
        click.echo(result.text(), nl=False)
        click.echo(result.report(), err=True, nl=False)
    else:
        out_file.write_text(result.text(), encoding="utf-8")
        click.echo(result.report(), nl=False)


@main.command()
@project_option
@click.option("--endpoint", required=True, help="A Wikidata-shaped SPARQL endpoint, e.g. https://query.wikidata.org/sparql.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--timeout", type=float, default=60, show_default=True, help="Seconds per request.")
@user_errors
def reconcile(project_dir: Path | None, endpoint: str, fmt: str, timeout: float) -> None:
    """Compare our state-state relations and Wikidata links with a Wikidata-shaped endpoint."""
    import json

    from .load import load_project
    from .wikidata.reconcile import reconcile as run_reconcile

    dataset = load_project(resolve_project(project_dir))
    report = run_reconcile(dataset, endpoint, timeout)
    if fmt == "json":
        click.echo(json.dumps({"project": str(dataset.project.root.resolve()), **report.to_json()},
                              ensure_ascii=False, indent=2))
    else:
        click.echo(report.table(), nl=False)


if __name__ == "__main__":  # pragma: no cover
    main()
