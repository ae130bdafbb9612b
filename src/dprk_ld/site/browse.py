"""The reader's pages: the claim browser (search and facets) and the relations picture, static and live.

Implements the pages of issue 16 over the one page model: ``claims`` lists every claim by class (what a
reader without script sees) and carries the faceted browser that ``search.js`` switches on over the
search index (:mod:`.search`); ``relations`` shows the aggregated picture (:mod:`.relations`) with its
legend and filters beside it (``relations.js``). Both work from ``file://``, a static host and serve:
the scripts and the index are files of the site (:data:`ASSETS`), nothing comes from a CDN.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from markupsafe import Markup, escape

from . import relations, search
from .links import Links
from .model import D
from .render import link

#: files of the site besides the pages: name -> media type
ASSETS = {"search.js": "text/javascript", "relations.js": "text/javascript", "table.js": "text/javascript",
          "timeline.js": "text/javascript", "filterstate.js": "text/javascript", "zoom.js": "text/javascript",
          "search-index.js": "text/javascript"}


def asset(site: Any, name: str) -> bytes:
    """A file of the site besides its pages: one of our scripts, or a file of this dataset's search index."""
    if name in site.search_files:
        return str(site.search_files[name]).encode("utf-8")
    return resources.files("dprk_ld.site").joinpath("templates").joinpath(name).read_bytes()


def is_asset(site: Any, name: str) -> bool:
    return name in ASSETS or name in site.search_files


def asset_names(site: Any) -> list[str]:
    """Every such file (the search index's text parts depend on the dataset's size)."""
    return sorted(set(ASSETS) | set(site.search_files))


def href_pattern(links: Links) -> str:
    """The link from the page to an index key (``claim/a000-x`` in place of ``__ID__``), per link policy."""
    return links.iri(links.iris.id + "claim/__ID__").replace("claim/__ID__", "__ID__")


def claims_page(site: Any, links: Links) -> str:
    m = site.model
    groups: dict[str, list[list[Markup]]] = {}
    for c in m.claims():
        dates = ", ".join(v for _, v, _ in m.dates(c))
        groups.setdefault(m.claim_class(c), []).append([link(m, links, c), escape(dates)])
    page: str = site.render("claims.html", links, "Claims", groups=site._groups(groups),
                            href_pattern=href_pattern(links), total=len(m.claims()),
                            text_folder=links.file(search.TEXT_FOLDER))
    return page


def _states(site: Any, links: Links) -> list[tuple[str, str, str]]:
    m = site.model
    return [(search.short(s, m.id), m.label(s), links.iri(s)) for s in m.of_type(D + "State")]


def _label(site: Any) -> Any:
    labels = site.search_index["labels"]
    return lambda key: labels.get(key, [key])[0]


def relations_svg(site: Any, links: Links) -> str:
    return relations.relations_svg(site.search_index, _states(site, links), links.page("claims"), _label(site))


def relations_page(site: Any, links: Links) -> str:
    inline = relations_svg(site, links).replace(' xmlns="http://www.w3.org/2000/svg"', "", 1)
    index = site.search_index
    stances = sorted({s for c in index["claims"] for s in c["stance"]})
    years = sorted({y for c in index["claims"] for y in c.get("y", [])})
    page: str = site.render("relations.html", links, "Relations between states", svg=Markup(inline),
                            legend=relations.legend(index, _states(site, links), _label(site)),
                            stances=[(s, _label(site)(s)) for s in stances], years=years)
    return page


def timeline_filters(site: Any) -> dict[str, Any]:
    """What the timeline's filters need: each claim's class and stances (by IRI), and the choices."""
    index = site.search_index
    label = _label(site)
    ids = site.model.id
    facets = {ids + c["id"]: {"class": c["class"][0], "stance": ",".join(c["stance"])} for c in index["claims"]}
    classes = sorted({c["class"][0] for c in index["claims"] if c.get("y")}, key=label)
    stances = sorted({s for c in index["claims"] for s in c["stance"]}, key=label)
    return {"facets": facets, "classes": [(k, label(k)) for k in classes],
            "stances": [(k, label(k)) for k in stances]}
