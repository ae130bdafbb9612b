"""A Reconciliation Service (W3C Entity Reconciliation Community Group, Reconciliation Service API v0.2).

Lets OpenRefine (or any client of the API) match a spreadsheet's names of states, persons,
organisations and claims against the entities of a dataset project, and pull in their QIDs, ISO
codes and relations. Not to be confused with :mod:`dprk_ld.wikidata.reconcile`, which compares
*our* statements with Wikidata's.

- :mod:`.names`: normalising and scoring names (English and Indonesian spellings, aliases)
- :mod:`.index`: the entities, types and properties of a loaded dataset, read once
- :mod:`.service`: the API's documents as pure functions (manifest, reconcile, suggest, extend, preview)
- :mod:`.http`: the Starlette routes ``serve`` mounts at ``/reconcile``

It sits between ``query`` and ``serve`` in the pipeline: it reads a loaded dataset and is used by serve.
See docs/reconcile.md.
"""

from __future__ import annotations

from .index import EntityIndex, build_index
from .service import extend, manifest, preview, reconcile

__all__ = ["EntityIndex", "build_index", "extend", "manifest", "preview", "reconcile"]
