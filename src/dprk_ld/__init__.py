"""dprk-ld: a cited linked-data record of North Korea's foreign relations, and its toolkit.

The pipeline, one package or module per stage::

    project → load → validate → query → publish / serve

The public Python API (submodules are imported lazily, so the command line starts fast):

- :func:`find_project` (:mod:`dprk_ld.project`), :func:`load_project` (:mod:`dprk_ld.load`)
- :func:`validate` (:mod:`dprk_ld.validate`): one report of every check
- :func:`canned` (:mod:`dprk_ld.query`): ``dprk_ld.canned("transfers", supplier="state:PRK")``
- :func:`create_app` (:mod:`dprk_ld.serve`), :func:`build_release` (:mod:`dprk_ld.publish`)
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["build_release", "canned", "create_app", "find_project", "load_project", "validate"]

_WHERE = {
    "find_project": "dprk_ld.project",
    "load_project": "dprk_ld.load",
    "validate": "dprk_ld.validate",
    "canned": "dprk_ld.query.engine",
    "create_app": "dprk_ld.serve.app",
    "build_release": "dprk_ld.publish",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'dprk_ld' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
