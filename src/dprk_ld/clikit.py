"""Habits every ``dprk-ld`` command shares: verbosity, colour, ``-o FILE``, completion, checked ports.

- ``-q/--quiet`` and ``-v/--verbose`` (repeatable) on the group: :func:`note` prints progress on stderr
  unless quiet; ``-v`` turns on the ``dprk_ld`` loggers at INFO, ``-vv`` at DEBUG.
- Colour follows click (only on a terminal) and the ``NO_COLOR`` convention (https://no-color.org/):
  set to anything non-empty, it turns colour off; ``--color/--no-color`` overrides both.
  :func:`colour_report` colours the severities of a text validation report.
- ``-o FILE`` (:data:`output_option`, :func:`emit`): write the result to FILE instead of stdout (never
  in colour); the exit code is the same.
- :func:`complete_query_names`: shell completion of canned-query names (click's ``shell_complete``).
- :data:`PORT`: a TCP port, 1-65535.
- :data:`project_option` (``--project``), :func:`resolve_project` (names the project used on stderr) and
  :func:`user_errors` (a :class:`~dprk_ld.errors.DprkError` becomes a message and its exit code, never
  a traceback): shared by every command of :mod:`dprk_ld.cli`.
- :func:`serve_limit_options`: the limits of ``dprk-ld serve`` (docs/serve.md).
"""

from __future__ import annotations

import functools
import itertools
import logging
import os
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click
from click.shell_completion import CompletionItem

from .errors import DprkError

PORT = click.IntRange(1, 65535)
SEVERITY_COLOURS = {"VIOLATION": "red", "WARNING": "yellow", "INFO": "cyan"}
_SEVERITY_LINE = re.compile(r"^(  )(VIOLATION|WARNING|INFO)(\b.*)$")


def setup(ctx: click.Context, quiet: bool, verbose: int, color: bool | None) -> None:
    """Record the global options on the context and configure logging."""
    if color is None and os.environ.get("NO_COLOR"):
        color = False
    ctx.color = color
    ctx.ensure_object(dict)
    ctx.obj.update(quiet=quiet, verbose=verbose)
    if verbose:
        logging.basicConfig(format="%(levelname)s %(name)s: %(message)s")
        logging.getLogger("dprk_ld").setLevel(logging.DEBUG if verbose > 1 else logging.INFO)


def _obj() -> dict[str, Any]:
    ctx = click.get_current_context(silent=True)
    return (ctx.find_root().obj or {}) if ctx else {}


def quiet() -> bool:
    return bool(_obj().get("quiet"))


def verbosity() -> int:
    return int(_obj().get("verbose") or 0)


def note(message: str, *, level: int = 0) -> None:
    """Progress or context on stderr: shown unless ``-q``; ``level=1`` only with ``-v``."""
    if quiet() or verbosity() < level:
        return
    click.echo(message, err=True)


def colour_report(text: str) -> str:
    """A text validation report with its severities and verdict coloured (stripped again off a terminal)."""
    out = []
    for line in text.splitlines(keepends=True):
        match = _SEVERITY_LINE.match(line.rstrip("\n"))
        if match:
            out.append(match.group(1) + click.style(match.group(2), fg=SEVERITY_COLOURS[match.group(2)], bold=True)
                       + match.group(3) + ("\n" if line.endswith("\n") else ""))
        elif line.startswith("DOES NOT CONFORM"):
            out.append(click.style(line.rstrip("\n"), fg="red", bold=True) + "\n")
        elif line.startswith("CONFORMS"):
            out.append(click.style(line.rstrip("\n"), fg="green", bold=True) + "\n")
        else:
            out.append(line)
    return "".join(out)


output_option = click.option(
    "-o", "--output", "output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the result to FILE instead of standard output.")


def emit(text: str | bytes, output: Path | None) -> None:
    """The command's result: to ``output`` if given, else to stdout."""
    if output is not None:
        if isinstance(text, bytes):
            output.write_bytes(text)
        else:
            output.write_text(text, encoding="utf-8")
        note(f"wrote {output}")
    elif isinstance(text, bytes):
        click.echo(text, nl=not text.endswith(b"\n"))
    else:
        click.echo(text, nl=not text.endswith("\n"))


def emit_stream(chunks: Iterable[str], output: Path | None, *, style: Callable[[str], str] | None = None,
                batch: int = 1 << 16) -> None:
    """As :func:`emit`, for a result made in chunks (:data:`dprk_ld.validate.report.STREAMS`): written as they come,
    about ``batch`` characters at a time, so a large report is never held whole. ``style`` colours each batch
    for a terminal (batches hold whole lines when the chunks do).

    A regular ``output`` file (or a new one) is written beside it and renamed into place at the end, so a failure
    half-way leaves it as it was. Anything else (a symlink, ``/dev/stdout``, a pipe) is written in place."""
    atomic = output is not None and not output.is_symlink() and (output.is_file() or not output.exists())
    target = output.with_name(f".{output.name}.{os.getpid()}.tmp") if output is not None and atomic else output
    try:
        out = target.open("w", encoding="utf-8") if target is not None else None
    except OSError as exc:  # named as the user gave it, not as the file beside it
        raise OSError(exc.errno, exc.strerror, str(output)) from exc
    done = False
    try:
        pending: list[str] = []
        size = 0
        for chunk in itertools.chain(chunks, [None]):
            if chunk is not None:
                pending.append(chunk)
                size += len(chunk)
                if size < batch:
                    continue
            text, pending, size = "".join(pending), [], 0
            if out is not None:
                out.write(text)
            elif text:
                click.echo(style(text) if style is not None else text, nl=False)
        if out is not None:
            out.close()
            if target != output:
                os.replace(target, output)  # type: ignore[arg-type]
            note(f"wrote {output}")
        done = True
    finally:
        if out is not None:
            out.close()
            if not done and target != output:
                target.unlink(missing_ok=True)  # type: ignore[union-attr]


def complete_query_names(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Canned-query names of the project (``--project`` if already typed, else the default), for completion."""
    from .errors import DprkError
    from .query.catalog import load_catalog

    try:
        catalog = load_catalog(ctx.params.get("project_dir"))
    except DprkError:
        return []
    return [CompletionItem(name, help=query.title) for name, query in catalog.items()
            if name.startswith(incomplete)]


project_option = click.option(
    "--project",
    "project_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Dataset project directory. Without it: $DPRK_LD_PROJECT, else the nearest folder at or above the "
         "working directory with ontology/, shapes/ and data/ (like git), else the bundled DPRK dataset.",
)


def resolve_project(project_dir: Path | None) -> Any:
    """The project a command works on (see dprk_ld.project), named on stderr so no run is ambiguous."""
    from .project import find_project

    project = find_project(project_dir)
    note(f"project: {project.describe()}")
    return project


def user_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a DprkError into a message on stderr and its exit code; never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DprkError as exc:
            click.secho(f"error: {exc}", fg="red", err=True)
            sys.exit(exc.exit_code)
        except OSError as exc:  # a path the user gave cannot be read or written
            where = f"{exc.filename}: " if exc.filename else ""
            click.secho(f"error: {where}{exc.strerror or exc}", fg="red", err=True)
            click.secho("  hint: check that the folder exists and is writable", fg="red", err=True)
            sys.exit(2)

    return wrapper


def serve_limit_options(func: Any) -> Any:
    """The ``dprk-ld serve`` limits: query time, workers, memory, queue, connections, head timeout."""
    for option in reversed([
        click.option("--timeout", "timeout_s", default=10.0, show_default=True, type=float,
                     help="Seconds a query may run before the client gets 503 (its worker is stopped)."),
        click.option("--query-workers", "max_concurrent", default=4, show_default=True, type=click.IntRange(1, 256),
                     help="Query worker processes (per uvicorn worker): queries running at once."),
        click.option("--memory", "memory_mb", default=1024, show_default=True, type=click.IntRange(64),
                     help="MiB a query worker may use; a query past it is stopped with 503."),
        click.option("--queue", default=32, show_default=True, type=click.IntRange(0),
                     help="Queries that may wait for a free worker; more get 503 with Retry-After."),
        click.option("--max-connections", default=256, show_default=True, type=click.IntRange(1),
                     help="Open connections at most; more get 503."),
        click.option("--header-timeout", "header_timeout_s", default=10.0, show_default=True, type=float,
                     help="Seconds a client has to send a request head (slow clients get 408)."),
    ]):
        func = option(func)
    return func
