"""Bounded work on hostile Markdown: nesting depth and size limits, checked in one pass.

Python-Markdown (what mkdocs renders with) is far from linear on deep nesting: a list
nested 1,000 levels by indentation takes minutes, and 1,000 nested ``<div markdown>``
blocks, emphasis markers or inline lists end in a ``RecursionError``. A court's page
never nests more than a few levels, so anything deeper is refused, naming the line,
before any renderer sees it. The check is a single linear pass over the lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BYTES = 1 << 20
"""Largest Markdown body (1 MiB): a long decision summary is ~50 KB."""
MAX_LINE = 20_000
"""Longest line, in characters."""
MAX_DEPTH = 16
"""Deepest nesting of lists, block quotes and HTML blocks together."""
MAX_BRACKETS = 16
"""Deepest nesting of ``[`` / ``(`` within a line (links inside links)."""
MAX_RUN = 128
"""Longest run of one emphasis character (``*`` or ``_``) outside code."""

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_MARKER = re.compile(r" {0,3}(?:>|[-*+](?=\s|$)|\d{1,9}[.)](?=\s|$))\s*")
_BLOCK_TAGS = (
    "div|details|section|article|aside|blockquote|table|tbody|thead|tr|td|th|ul|ol|li|dl|"
    "dd|dt|figure|main|nav|header|footer|form|fieldset|summary|span|p"
)
_OPEN = re.compile(rf"<({_BLOCK_TAGS})\b[^>]*?(?<!/)>", re.IGNORECASE)
_CLOSE = re.compile(rf"</({_BLOCK_TAGS})\s*>", re.IGNORECASE)
_RUN = re.compile(rf"\*{{{MAX_RUN + 1},}}|_{{{MAX_RUN + 1},}}")


@dataclass(frozen=True)
class LimitHit:
    """One limit exceeded: ``line`` is 1-based within the body."""

    line: int
    message: str


def _bracket_depth(line: str) -> int:
    depth = deepest = 0
    for char in line:
        if char in "[(":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "])" and depth:
            depth -= 1
    return deepest


def markdown_limits(body: str) -> list[LimitHit]:
    """Every limit ``body`` exceeds (at most one finding per kind), with its line."""
    hits: dict[str, LimitHit] = {}
    size = len(body.encode("utf-8"))
    if size > MAX_BYTES:
        hits["size"] = LimitHit(
            1, f"the body is {size // 1024} KiB, more than {MAX_BYTES // 1024} KiB"
        )
    html_depth = 0
    fence: str | None = None
    for number, line in enumerate(body.split("\n"), start=1):
        if len(line) > MAX_LINE and "line" not in hits:
            hits["line"] = LimitHit(number, f"line of {len(line)} characters (limit {MAX_LINE})")
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        # Container depth: indentation (Python-Markdown nests by 4 spaces) plus the
        # block quote and list markers that open the line.
        stripped = line.expandtabs(4)
        indent = len(stripped) - len(stripped.lstrip(" "))
        rest = stripped[indent:]
        markers = 0
        while rest and (found := _MARKER.match(rest)) and found.end() > 0:
            markers += 1
            rest = rest[found.end() :]
            if markers > MAX_DEPTH:
                break
        html_depth += len(_OPEN.findall(line)) - len(_CLOSE.findall(line))
        html_depth = max(html_depth, 0)
        depth = indent // 4 + markers + html_depth
        if depth > MAX_DEPTH and "depth" not in hits:
            hits["depth"] = LimitHit(
                number, f"lists, quotes or HTML blocks nested {depth} deep (limit {MAX_DEPTH})"
            )
        if "brackets" not in hits and line.count("[") + line.count("(") > MAX_BRACKETS:
            brackets = _bracket_depth(line)
            if brackets > MAX_BRACKETS:
                hits["brackets"] = LimitHit(
                    number, f"brackets nested {brackets} deep (limit {MAX_BRACKETS})"
                )
        if "run" not in hits and (run := _RUN.search(line)):
            hits["run"] = LimitHit(
                number,
                f"a run of {len(run.group())} '{run.group()[0]}' characters (limit {MAX_RUN})",
            )
    return sorted(hits.values(), key=lambda h: h.line)
