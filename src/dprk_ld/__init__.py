"""dprk-ld: a cited linked-data record of North Korea's foreign relations, and its toolkit.

``dprk_ld.query(name, **params)`` runs a canned query (see :mod:`dprk_ld.query`);
submodules are imported lazily so the command line starts fast.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "query":
        import importlib

        # the module is callable: dprk_ld.query("name", param=value)
        return importlib.import_module(".query", __name__)
    raise AttributeError(f"module 'dprk_ld' has no attribute {name!r}")
