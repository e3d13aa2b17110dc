"""Small SVG charts for the situation report, written out directly.

Hand-written rather than drawn by a plotting library on purpose: the output must be
byte-for-byte reproducible (the report has golden files), self-contained (no script, no
font or stylesheet fetched: the page opens offline and prints through Chromium), and
small. pygal's SVG carries a random id per chart and links its tooltip script from a
web address; matplotlib's SVG backend needs numpy and draws text as paths whose shape
changes with the installed fonts and version. A bar and a line chart over a few dozen
points are a few lines of SVG each.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

PALETTE = ("#2e7d32", "#1565c0", "#ef6c00", "#6a1b9a", "#00838f", "#ad1457")
WIDTH, HEIGHT = 640, 200
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 12, 28


def _frame(title: str, body: list[str], *, height: int = HEIGHT) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" class="chart">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def _axis(top_value: float, unit: str, *, height: int = HEIGHT, top: int = TOP) -> list[str]:
    """Horizontal grid lines at 0, ½ and the top, labelled on the left."""
    parts = []
    bottom = height - BOTTOM
    for share in (0.0, 0.5, 1.0):
        y = bottom - share * (bottom - top)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            'stroke="#ddd" stroke-width="1"/>'
            f'<text x="{LEFT - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end" '
            f'fill="#555">{_num(top_value * share)}{escape(unit)}</text>'
        )
    return parts


def _num(value: float) -> str:
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def _x_labels(labels: list[str], step: float, *, height: int = HEIGHT) -> list[str]:
    every = max(1, round(len(labels) / 16))  # at most ~16 labels under the axis
    return [
        f'<text x="{LEFT + (i + 0.5) * step:.1f}" y="{height - BOTTOM + 14}" font-size="10" '
        f'text-anchor="middle" fill="#555">{escape(label)}</text>'
        for i, label in enumerate(labels)
        if i % every == 0
    ]


SHORTFALL = "#c62828"
"""The red of the part of a bar that falls short of the top (downtime)."""


def columns(
    title: str,
    labels: list[str],
    values: list[float | None],
    *,
    unit: str = "",
    top: float = 0,
    shortfall: bool = False,
) -> str:
    """Vertical bars, one per label (None: no bar, "no data"); ``top`` fixes the scale
    (else the max). With ``shortfall``, the rest of each bar up to ``top`` is drawn in red,
    so 0 % availability is a full red bar, never an empty one that reads as "no data"."""
    scale = top or max((v for v in values if v is not None), default=0) or 1
    step = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    bottom = HEIGHT - BOTTOM
    body = _axis(scale, unit)
    for i, value in enumerate(values):
        if value is None:
            continue
        h = value / scale * (bottom - TOP)
        if shortfall and value < scale:
            body.append(
                f'<rect x="{LEFT + i * step + step * 0.15:.1f}" y="{TOP:.1f}" '
                f'width="{step * 0.7:.1f}" height="{bottom - TOP - h:.1f}" fill="{SHORTFALL}" '
                f'class="shortfall"><title>{escape(labels[i])}: {_num(value)}{escape(unit)}'
                "</title></rect>"
            )
        body.append(
            f'<rect x="{LEFT + i * step + step * 0.15:.1f}" y="{bottom - h:.1f}" '
            f'width="{step * 0.7:.1f}" height="{h:.1f}" fill="{PALETTE[0]}">'
            f"<title>{escape(labels[i])}: {_num(value)}{escape(unit)}</title></rect>"
        )
    return _frame(title, body + _x_labels(labels, step))


def lines(
    title: str, labels: list[str], series: list[tuple[str, list[float | None]]], *, unit: str = ""
) -> str:
    """One polyline per series over the labels; gaps (None) break the line. The legend
    sits above the plot."""
    scale = max((v for _n, vs in series for v in vs if v is not None), default=0) or 1
    step = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    bottom = HEIGHT - BOTTOM
    top = TOP + 16
    body = _axis(scale, unit, top=top)
    for n, (name, values) in enumerate(series):
        colour = PALETTE[n % len(PALETTE)]
        runs: list[list[str]] = [[]]
        for i, value in enumerate(values):
            if value is None:
                runs.append([])
                continue
            x = LEFT + (i + 0.5) * step
            y = bottom - value / scale * (bottom - top)
            runs[-1].append(f"{x:.1f},{y:.1f}")
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}"/>')
        body += [
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{" ".join(r)}"/>'
            for r in runs
            if len(r) > 1
        ]
        body.append(
            f'<text x="{LEFT + 150 * n}" y="{TOP}" font-size="11" fill="{colour}">'
            f"■ {escape(name)}</text>"
        )
    return _frame(title, body + _x_labels(labels, step))


def bars(title: str, rows: Sequence[tuple[str, float]], *, unit: str = "") -> str:
    """Horizontal bars with their label on the left and their value on the right."""
    row_height = 22
    height = TOP + row_height * max(len(rows), 1) + 8
    label_width = 180
    scale = max((v for _l, v in rows), default=0) or 1
    span = WIDTH - label_width - 60
    body = []
    for i, (label, value) in enumerate(rows):
        y = TOP + i * row_height
        w = value / scale * span
        body.append(
            f'<text x="{label_width - 6}" y="{y + 14}" font-size="11" text-anchor="end" '
            f'fill="#333">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{w:.1f}" height="{row_height - 6}" '
            f'fill="{PALETTE[1]}"/>'
            f'<text x="{label_width + w + 4:.1f}" y="{y + 14}" font-size="11" '
            f'fill="#333">{_num(value)}{escape(unit)}</text>'
        )
    return _frame(title, body, height=height)
