"""Walk a Markdown body with markdown-it-py, which keeps source line numbers.

python-markdown (what mkdocs renders with) has no line information; the
CommonMark token stream of markdown-it-py does, so the review can say
``file:line`` for every heading, link and image.  Raw HTML is *not* judged here:
markdown-it and Python-Markdown disagree about it, so the review judges the HTML the
site itself renders (:mod:`pipeline.content.render`, :mod:`pipeline.content.sanitise`).
"""

from __future__ import annotations

from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

_MD = MarkdownIt("commonmark", {"html": True}).enable("table")
# markdown-it drops javascript:/data: links as text, but Python-Markdown (what mkdocs
# renders with) keeps them: let every link through so the review can refuse it.
_MD.validateLink = lambda url: True  # type: ignore[method-assign]


@dataclass(frozen=True)
class Heading:
    line: int
    level: int
    text: str


@dataclass(frozen=True)
class Link:
    line: int
    href: str
    text: str
    image: bool


@dataclass
class MarkdownOutline:
    """What the review needs to know about a body."""

    headings: list[Heading]
    links: list[Link]


def outline(body: str) -> MarkdownOutline:
    """Headings and links/images of ``body`` with 1-based lines."""
    tokens = _MD.parse(body)
    result = MarkdownOutline([], [])
    for index, token in enumerate(tokens):
        start = (token.map[0] + 1) if token.map else 1
        if token.type == "heading_open":
            inline = tokens[index + 1]
            result.headings.append(Heading(start, int(token.tag[1]), inline.content.strip()))
        elif token.type == "inline" and token.children:
            result.links += _inline_links(token.children, start)
    return result


def _inline_links(children: list[Token], start: int) -> list[Link]:
    links: list[Link] = []
    line = start
    open_link: tuple[int, str] | None = None
    text_parts: list[str] = []
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "link_open":
            open_link = (line, str(child.attrGet("href") or ""))
            text_parts = []
        elif child.type == "link_close" and open_link is not None:
            links.append(Link(open_link[0], open_link[1], "".join(text_parts).strip(), False))
            open_link = None
        elif child.type == "image":
            links.append(Link(line, str(child.attrGet("src") or ""), child.content.strip(), True))
            if open_link is not None:
                text_parts.append(child.content or "[image]")
        elif open_link is not None and child.type in ("text", "code_inline"):
            text_parts.append(child.content)
        line += child.content.count("\n") if child.type == "text" else 0
    return links
