"""The relations picture: states as nodes, one edge per pair of states and claim class, with its count.

Implements SVG 1.1 (W3C Recommendation), drawn at build time (and live) as a plain string, readable
without script: the most connected state sits in the middle and the others on a circle around it (a star
where the data is a star, rather than ~130 curves into one node), each edge aggregates the claims of
one class between one pair of states (stroke width and a number give the count; the tooltip lists the
stances), and links to the claim list filtered to that pair and class (``claims.html?party=…&party=…&class=…``).
The legend is HTML beside the picture (:func:`legend`), where ``relations.js`` adds filters by class,
stance and period that hide edges, recount them and carry the filter into the edge links.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import urlencode

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
           "#bcbd22", "#7f7f7f", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173")


@dataclass
class Edge:
    pair: tuple[str, str]
    kind: str
    claims: list[dict[str, Any]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.claims)


def edges_of(index: dict[str, Any], states: set[str]) -> list[Edge]:
    """Aggregate the claims of a search index (:func:`.search.search_index`) per pair of states and class."""
    edges: dict[tuple[tuple[str, str], str], Edge] = {}
    for claim in index["claims"]:
        parties = sorted(p for p in claim["party"] if p in states)
        for i, a in enumerate(parties):
            for b in parties[i + 1:]:
                key = ((a, b), claim["class"][0])
                edges.setdefault(key, Edge((a, b), claim["class"][0])).claims.append(claim)
    return sorted(edges.values(), key=lambda e: (e.pair, e.kind))


def colours(kinds: list[str]) -> dict[str, str]:
    return {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(sorted(set(kinds)))}


def _f(x: float) -> str:
    return f"{x:.1f}"


def width(count: int) -> float:
    return round(1.5 + 1.6 * math.log2(count), 1) if count > 0 else 0.0


def claims_link(claims_page: str, edge: Edge) -> str:
    return claims_page + "?" + urlencode([("party", edge.pair[0]), ("party", edge.pair[1]), ("class", edge.kind)])


def relations_svg(index: dict[str, Any], states: list[tuple[str, str, str]], claims_page: str,
                  label: Callable[[str], str], size: int = 720) -> str:
    """The SVG for ``states`` (key, label, href) and the claims of ``index``; deterministic."""
    keys = {k for k, _, _ in states}
    edges = edges_of(index, keys)
    degree: Counter[str] = Counter()
    for e in edges:
        degree[e.pair[0]] += e.count
        degree[e.pair[1]] += e.count
    linked = [s for s in states if degree[s[0]]]
    if not linked:
        return f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} 60" class="relations"><text x="10" ' \
               'y="30">No claim names two states.</text></svg>\n'
    centre = max(linked, key=lambda s: (degree[s[0]], s[1]))
    ring = sorted((s for s in linked if s != centre), key=lambda s: (s[1], s[0]))
    c = size / 2
    radius = size / 2 - 70
    pos: dict[str, tuple[float, float, float]] = {centre[0]: (c, c, 0.0)}
    for i, (key, _, _) in enumerate(ring):
        angle = 2 * math.pi * i / max(len(ring), 1) - math.pi / 2
        pos[key] = (c + radius * math.cos(angle), c + radius * math.sin(angle), angle)
    palette = colours([e.kind for e in edges])
    pad = 110
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{-pad} 0 {size + 2 * pad} {size}" '
           f'width="{size + 2 * pad}" height="{size}" role="img" aria-labelledby="relations-title" class="relations">',
           '<title id="relations-title">Relations between states: one edge per pair of states and class of claim, '
           'with the number of claims</title>',
           '<g class="edges" fill="none" stroke-linecap="round">']
    per_pair: dict[tuple[str, str], list[Edge]] = defaultdict(list)
    for e in edges:
        per_pair[e.pair].append(e)
    for pair, group in sorted(per_pair.items()):
        x1, y1, _ = pos[pair[0]]
        x2, y2, _ = pos[pair[1]]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy) or 1
        for k, e in enumerate(group):
            offset = (k - (len(group) - 1) / 2) * min(22.0, 0.5 * length / max(len(group), 1))
            qx, qy = (x1 + x2) / 2 - dy / length * offset * 2, (y1 + y2) / 2 + dx / length * offset * 2
            lx, ly = (x1 + 2 * qx + x2) / 4, (y1 + 2 * qy + y2) / 4  # the curve's midpoint
            stances = Counter(s for claim in e.claims for s in claim["stance"])
            tip = (f"{label(e.kind)}: {e.count} claim{'s' if e.count != 1 else ''} between {label(pair[0])} and "
                   f"{label(pair[1])}")
            if stances:
                tip += " (" + ", ".join(f"{label(s)} {n}" for s, n in sorted(stances.items())) + ")"
            items = ";".join(",".join(claim["stance"]) + "|" + "|".join(str(y) for y in claim.get("y", []))
                             for claim in e.claims)
            out.append(
                f'<a class="edge" href="{escape(claims_link(claims_page, e))}" data-class="{escape(e.kind)}" '
                f'data-items="{escape(items)}" data-filter-href="{escape(claims_link(claims_page, e))}">'
                f'<path d="M{_f(x1)},{_f(y1)} Q{_f(qx)},{_f(qy)} {_f(x2)},{_f(y2)}" stroke="{palette[e.kind]}" '
                f'stroke-width="{width(e.count)}" stroke-opacity="0.75"/>'
                f'<text x="{_f(lx)}" y="{_f(ly + 4)}" text-anchor="middle" font-size="12" font-family="sans-serif" '
                f'paint-order="stroke" stroke="#fff" stroke-width="3" fill="{palette[e.kind]}">{e.count}</text>'
                f"<title>{escape(tip)}</title></a>")
    out.append("</g>")
    out.append('<g class="nodes" font-family="sans-serif" font-size="15">')
    for key, name, href in [centre, *ring]:
        x, y, angle = pos[key]
        if key == centre[0]:
            lx, ly, anchor = x, y - 20, "middle"
        else:
            lx, ly = x + 22 * math.cos(angle), y + 22 * math.sin(angle) + 4
            anchor = "start" if math.cos(angle) > 0.2 else "end" if math.cos(angle) < -0.2 else "middle"
        out.append(f'<a href="{escape(href)}"><circle cx="{_f(x)}" cy="{_f(y)}" r="{14 if key == centre[0] else 9}" '
                   f'fill="#fff" stroke="#333" stroke-width="2"><title>{escape(name)}: {degree[key]} claims with '
                   f'other states</title></circle><text x="{_f(lx)}" y="{_f(ly)}" text-anchor="{anchor}" '
                   f'paint-order="stroke" stroke="#fff" stroke-width="3">{escape(name)}</text></a>')
    out.append("</g></svg>")
    return "\n".join(out) + "\n"


def legend(index: dict[str, Any], states: list[tuple[str, str, str]],
           label: Callable[[str], str]) -> list[dict[str, Any]]:
    """The legend's rows (class, colour, edges, claims) for the template beside the picture."""
    edges = edges_of(index, {k for k, _, _ in states})
    palette = colours([e.kind for e in edges])
    rows = []
    for kind, colour in sorted(palette.items(), key=lambda kv: label(kv[0])):
        mine = [e for e in edges if e.kind == kind]
        rows.append({"key": kind, "label": label(kind), "colour": colour, "edges": len(mine),
                     "claims": len({c["id"] for e in mine for c in e.claims})})
    return rows
