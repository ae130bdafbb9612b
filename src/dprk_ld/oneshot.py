"""A one-shot command leaves its large stores to the operating system at exit.

Freeing an in-memory pyoxigraph store of 1.3M quads costs 0.4-0.6 s: millions of small allocations are
released one by one. A process that exits right afterwards does not need to pay this, because the kernel
reclaims the whole address space at once. clang's ``-disable-free`` does the same for its ASTs.

The ``dprk-ld`` console command runs through :func:`run`. It keeps what :func:`keep` is handed. When the
command ends, it flushes standard output and error and leaves with :func:`os._exit`. Everywhere else (the
library, a test's ``CliRunner``, the server) :func:`keep` does nothing, and stores are freed as usual.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from typing import NoReturn

#: what the running one-shot command keeps until it exits (None: this process is not one)
_kept: list[object] | None = None


def keep(value: object) -> None:
    """Hold ``value`` until the one-shot command exits, so it is never freed. Outside :func:`run`, nothing."""
    if _kept is not None:
        _kept.append(value)


def run(main: Callable[[], object]) -> NoReturn:
    """Run a console command's ``main`` (a click group in standalone mode, which ends in :class:`SystemExit`).

    If nothing was kept, the command exits as usual. Otherwise the exit status is the same as
    ``SystemExit`` gives (None: 0, an int: itself, anything else: printed to stderr, then 1). Output is
    flushed, and the process ends at once, without the interpreter's teardown. Any exception other than
    SystemExit propagates unchanged.
    """
    global _kept
    _kept = []
    try:
        main()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    if not _kept:
        raise SystemExit(code)
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        print(code, file=sys.stderr)
        status = 1
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: nothing more can be written to it
            pass
    os._exit(status)
