"""The ``dprk-ld`` command: thin click wrappers around the library.

Each command parses options, calls one library function and renders its
result. Errors of the :mod:`dprk_ld.errors` hierarchy become a message on
stderr and an exit code: 0 conforms / success, 1 violations, 2 cannot load.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from . import curate
from .errors import DprkError, SourceError

project_option = click.option(
    "--project",
    "project_dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="DPRK_LD_PROJECT",
    help="Dataset project directory (default: the bundled DPRK dataset; env DPRK_LD_PROJECT).",
)


def user_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a DprkError into a message on stderr and its exit code; never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DprkError as exc:
            click.secho(f"error: {exc}", fg="red", err=True)
            sys.exit(exc.exit_code)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="dprk-ld")
def main() -> None:
    """dprk-ld: validate, query, publish and serve a cited linked-data dataset."""


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


if __name__ == "__main__":  # pragma: no cover
    main()
