"""The site: ONE page model and ONE template tree, rendered to files by ``build`` and live by ``serve``.

- :mod:`.iris`: where each minted IRI is described (document paths; the 303 targets; w3id rules)
- :mod:`.model`: the page model, indexed reads over a pyoxigraph store
- :mod:`.links`: the link policies, the only difference between the static and the live site
- :mod:`.render`: terms as HTML and the template environment (``templates/``)
- :mod:`.pages`: :class:`Site`, every page as a string; :mod:`.ontology` and :mod:`.queries` hold
  the ontology/shapes/dataset pages and the query pages
- :mod:`.static`: writes the whole site into a release folder
"""

from __future__ import annotations

from .documents import page
from .iris import DOCUMENTS, Iris
from .links import Links, StaticLinks
from .model import Model
from .pages import Site, SiteInfo
from .queries import queries_page, query_page, ready_to_run, results_page
from .static import StaticSite

__all__ = ["DOCUMENTS", "Iris", "Links", "Model", "Site", "SiteInfo", "StaticLinks", "StaticSite", "page",
           "queries_page", "query_page", "ready_to_run", "results_page"]
