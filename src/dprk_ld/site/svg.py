"""An SVG picture of the relations between states, drawn at build time as a plain string.

Implements SVG 1.1 (W3C Recommendation) with no script: states are nodes on a circle, each
claim linking two states is an edge coloured by its claim class (arrowed when the claim has a
direction, e.g. supplier → recipient), parallel edges bend apart, every edge links to its claim
page and carries a ``<title>`` tooltip, and a legend names the classes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
           "#bcbd22", "#7f7f7f", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173")


@dataclass(frozen=True)
class Node:
    key: str
    label: str
    href: str


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: str       # claim class label, e.g. "Transfer"
    label: str      # claim label
    href: str
    directed: bool


def colours(kinds: list[str]) -> dict[str, str]:
    return {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(sorted(set(kinds)))}


def _fmt(x: float) -> str:
    return f"{x:.1f}"


def relations_svg(nodes: list[Node], edges: list[Edge], size: int = 720) -> str:
    """The SVG document (a string) for the given states and claim edges; deterministic."""
    nodes = sorted(nodes, key=lambda n: (n.label, n.key))
    palette = colours([e.kind for e in edges])
    legend_h = 22 * len(palette) + 20
    height = size + legend_h
    cx = cy = size / 2
    radius = size / 2 - 90
    pos = {}
    for i, node in enumerate(nodes):
        angle = 2 * math.pi * i / max(len(nodes), 1) - math.pi / 2
        pos[node.key] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle), angle)
    pad = 160  # room for labels left and right of the circle
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{-pad} 0 {size + 2 * pad} {height}" '
           f'width="{size + 2 * pad}" height="{height}" role="img" aria-labelledby="relations-title" '
           'class="relations">',
           '<title id="relations-title">Relations between states: one edge per claim</title>', "<defs>"]
    for i, (_kind, colour) in enumerate(sorted(palette.items())):
        out.append(f'<marker id="arrow-{i}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
                   f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
                   f'fill="{colour}"/></marker>')
    out.append("</defs>")
    marker = {kind: i for i, kind in enumerate(sorted(palette))}
    seen: dict[tuple[str, str], int] = {}
    totals: dict[tuple[str, str], int] = {}
    for edge in edges:
        key = (min(edge.source, edge.target), max(edge.source, edge.target))
        totals[key] = totals.get(key, 0) + 1
    out.append('<g class="edges" fill="none" stroke-width="2">')
    for edge in sorted(edges, key=lambda e: (e.source, e.target, e.kind, e.href)):
        if edge.source not in pos or edge.target not in pos or edge.source == edge.target:
            continue
        pair = tuple(sorted((edge.source, edge.target)))
        k = seen.get(pair, 0)  # type: ignore[call-overload]
        seen[pair] = k + 1  # type: ignore[index]
        x1, y1, _ = pos[edge.source]
        x2, y2, _ = pos[edge.target]
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy) or 1
        sign = 1 if (edge.source, edge.target) == pair else -1
        # parallel edges fan out on both sides, within a bound so that many claims stay inside the picture
        step = min(16.0, 0.3 * length / max(totals.get(pair, 1), 1))  # type: ignore[arg-type]
        bend = sign * (12 + step * (k // 2)) * (1 if k % 2 == 0 else -1)
        qx, qy = mx - dy / length * bend, my + dx / length * bend
        # stop short of the node circle so the arrow head stays visible
        tx, ty = x2 - (x2 - qx) / (math.hypot(x2 - qx, y2 - qy) or 1) * 14, \
            y2 - (y2 - qy) / (math.hypot(x2 - qx, y2 - qy) or 1) * 14
        colour = palette[edge.kind]
        arrow = f' marker-end="url(#arrow-{marker[edge.kind]})"' if edge.directed else ""
        out.append(f'<a href="{escape(edge.href)}"><path d="M{_fmt(x1)},{_fmt(y1)} Q{_fmt(qx)},{_fmt(qy)} '
                   f'{_fmt(tx)},{_fmt(ty)}" stroke="{colour}"{arrow}>'
                   f'<title>{escape(edge.kind)}: {escape(edge.label)}</title></path></a>')
    out.append("</g>")
    out.append('<g class="nodes" font-family="sans-serif" font-size="13">')
    for node in nodes:
        x, y, angle = pos[node.key]
        lx, ly = x + 26 * math.cos(angle), y + 26 * math.sin(angle)
        anchor = "start" if math.cos(angle) > 0.2 else "end" if math.cos(angle) < -0.2 else "middle"
        out.append(f'<a href="{escape(node.href)}"><circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="11" fill="#fff" '
                   f'stroke="#333" stroke-width="2"><title>{escape(node.label)}</title></circle>'
                   f'<text x="{_fmt(lx)}" y="{_fmt(ly + 4)}" text-anchor="{anchor}">{escape(node.label)}</text></a>')
    out.append("</g>")
    out.append(f'<g class="legend" font-family="sans-serif" font-size="13" transform="translate(20,{size})">')
    for i, (kind, colour) in enumerate(sorted(palette.items())):
        out.append(f'<line x1="0" y1="{i * 22 + 8}" x2="30" y2="{i * 22 + 8}" stroke="{colour}" stroke-width="3"/>'
                   f'<text x="40" y="{i * 22 + 12}">{escape(kind)}</text>')
    out.append("</g></svg>")
    return "\n".join(out) + "\n"
