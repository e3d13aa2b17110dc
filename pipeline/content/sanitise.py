"""The one HTML allowlist of warta: nh3 (the ammonia sanitiser) configured from ``warta.yml``.

Everything readers get passes through :class:`Sanitiser`: the rendered HTML of every
page and blog excerpt (the warta mkdocs plugin), the ``html`` of the JSON API; front
matter text reaching HTML, the API or the feed goes through :func:`text`.  ``warta
review`` renders a draft the way the site does and asks :meth:`Sanitiser.removals` what
would be taken out, so that review and site can never disagree (``docs/security.md``).

Policy, beyond the element and attribute allowlist of :class:`~pipeline.config.HtmlSettings`:

* URLs in ``href``/``src`` need an allowed scheme or no scheme (relative); ammonia reads
  them the way a browser does (``java&#x09;script:`` is ``javascript:``);
* an ``<iframe>`` keeps its ``src`` only over https to an allowed host, and never has
  ``srcdoc``;
* an ``<img>`` loads only from the site itself or an allowed host (no tracking pixels);
* ``style`` keeps only the listed properties, and never a value with ``url(`` (tracking)
  or ``expression(``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3

from pipeline.config import HtmlSettings

#: Removed with everything inside them (the text of a script is not content).
_CLEAN_CONTENT = frozenset({"script", "style", "noscript", "template"})

_STYLE_DANGER = re.compile(r"url\s*\(|expression\s*\(|\\|@import|image-set\s*\(", re.IGNORECASE)

# Table parts are dropped by an HTML parser outside their table: give each its context
# when it is checked on its own.
_CONTEXT = {
    "td": ("<table><tbody><tr>", "</tr></tbody></table>"),
    "th": ("<table><tbody><tr>", "</tr></tbody></table>"),
    "tr": ("<table><tbody>", "</tbody></table>"),
    "tbody": ("<table>", "</table>"),
    "thead": ("<table>", "</table>"),
    "tfoot": ("<table>", "</table>"),
    "caption": ("<table>", "</table>"),
    "colgroup": ("<table>", "</table>"),
    "col": ("<table><colgroup>", "</colgroup></table>"),
}
# Attributes whose values the policy looks at (URLs, styles): checked by the cleaner itself.
_CHECKED = frozenset({"href", "src", "cite", "style", "action", "formaction", "data", "poster"})
_VOID = frozenset({"br", "hr", "img", "col", "wbr", "area", "input", "source", "embed"})


def text(value: object) -> str:
    """Plain text (a title, a tag, a summary) made safe to place in HTML: escaped."""
    return html.escape(str(value), quote=True)


@dataclass(frozen=True)
class Removal:
    """Something the sanitiser takes out of rendered HTML."""

    kind: str
    """``element``, ``event-handler``, ``url``, ``iframe-host``, ``image-host``,
    ``style`` or ``attribute``."""
    tag: str
    attribute: str = ""
    value: str = ""

    @property
    def message(self) -> str:
        shown = self.value if len(self.value) <= 60 else self.value[:57] + "…"
        if self.kind == "element":
            return f"<{self.tag}> is not allowed and would be removed"
        if self.kind == "event-handler":
            return f"event handler '{self.attribute}' on <{self.tag}> would be removed"
        if self.kind == "url":
            return f"URL '{shown}' in <{self.tag} {self.attribute}> is not allowed"
        if self.kind == "iframe-host":
            return f"<iframe> source '{shown}' is not an allowed host"
        if self.kind == "image-host":
            return f"image '{shown}' loads from another site"
        if self.kind == "style":
            return f"style '{shown}' on <{self.tag}> would be removed"
        return f"attribute '{self.attribute}' on <{self.tag}> is not allowed"


class Sanitiser:
    """nh3 configured by ``html`` of ``warta.yml``; ``site_url`` is the site's own address."""

    def __init__(self, settings: HtmlSettings, *, site_url: str) -> None:
        self.settings = settings
        self.site_host = (urlsplit(site_url).hostname or "").lower()
        self.tags = frozenset(settings.allowed_tags)
        self.iframe_hosts = frozenset(h.lower() for h in settings.iframe_hosts)
        self.image_hosts = frozenset(h.lower() for h in settings.image_hosts) | {self.site_host}
        attributes = {tag: set(names) for tag, names in settings.allowed_attributes.items()}
        self._allowed_everywhere = frozenset(attributes.get("*", set()))
        self._allowed = {
            tag: frozenset(names) | self._allowed_everywhere for tag, names in attributes.items()
        }
        self._cleaner = nh3.Cleaner(
            tags=set(self.tags),
            clean_content_tags=set(_CLEAN_CONTENT - self.tags),
            attributes=attributes,
            attribute_filter=self._filter,
            url_schemes=set(settings.url_schemes),
            link_rel=None,
            strip_comments=True,
            filter_style_properties=set(settings.style_properties),
        )

    # -- policy beyond the allowlist -----------------------------------------------

    def _filter(self, tag: str, attribute: str, value: str) -> str | None:
        if attribute == "style":
            return None if _STYLE_DANGER.search(value) else value
        if attribute == "src" and tag == "iframe":
            return value if self._iframe_allowed(value) else None
        if attribute == "src" and tag == "img":
            return value if self._image_allowed(value) else None
        return value

    def _iframe_allowed(self, url: str) -> bool:
        parts = urlsplit(url.strip())
        return parts.scheme.lower() == "https" and (parts.hostname or "") in self.iframe_hosts

    def _image_allowed(self, url: str) -> bool:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
        return not host or host in self.image_hosts

    # -- use ------------------------------------------------------------------------

    def clean(self, fragment: str) -> str:
        """``fragment`` with everything outside the allowlist removed."""
        return self._cleaner.clean(fragment)

    def removals(self, fragment: str) -> list[Removal]:
        """What :meth:`clean` takes out of ``fragment``, element by element, in order.

        Each element is sanitised on its own (with its table context) by the same
        cleaner, and what it loses is named; text is never removed except inside
        ``script``/``style``, which are reported as elements.
        """
        found: list[Removal] = []
        for tag, attrs in _elements(fragment):
            if tag not in self.tags:
                found.append(Removal("element", tag))
                continue
            allowed = self._allowed.get(tag, self._allowed_everywhere)
            if all(n in allowed and n not in _CHECKED for n, _v in attrs):
                continue  # allowed names whose values ammonia never changes
            before, after = _CONTEXT.get(tag, ("", ""))
            written = "".join(f' {name}="{html.escape(value)}"' for name, value in attrs)
            closing = "" if tag in _VOID else f"x</{tag}>"
            cleaned = self.clean(f"{before}<{tag}{written}>{closing}{after}")
            kept = next((a for t, a in _elements(cleaned) if t == tag), None)
            kept_attrs = dict(kept) if kept is not None else {}
            for name, value in attrs:
                if name in kept_attrs and kept_attrs[name] == value:
                    continue
                if name == "style" and _declarations(value) <= _declarations(kept_attrs.get(name)):
                    continue  # the same declarations, written the canonical way
                found.append(self._why(tag, name, value, kept_attrs.get(name)))
        return found

    def _why(self, tag: str, name: str, value: str, kept: str | None) -> Removal:
        allowed = name in self.settings.allowed_attributes.get(tag, []) or (
            name in self.settings.allowed_attributes.get("*", [])
        )
        if name.startswith("on"):
            return Removal("event-handler", tag, name, value)
        if name == "style":
            return Removal("style", tag, name, value)
        if allowed and tag == "iframe" and name == "src":
            return Removal("iframe-host", tag, name, value)
        if allowed and tag == "img" and name == "src" and _scheme_ok(value, self.settings):
            return Removal("image-host", tag, name, value)
        if allowed and name in ("href", "src", "cite"):
            return Removal("url", tag, name, value)
        if name in ("formaction", "action", "xlink:href"):
            return Removal("url", tag, name, value)
        return Removal("attribute", tag, name, value)


def _declarations(style: str | None) -> set[tuple[str, str]]:
    """The declarations of a ``style`` value, spaces and case of the names normalised."""
    out = set()
    for part in (style or "").split(";"):
        name, colon, value = part.partition(":")
        if colon:
            out.add((name.strip().lower(), " ".join(value.split())))
    return out


def _scheme_ok(url: str, settings: HtmlSettings) -> bool:
    scheme = urlsplit(re.sub(r"[\x00-\x20]", "", url)).scheme.lower()
    return not scheme or scheme in settings.url_schemes


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag.lower(), [(k.lower(), v or "") for k, v in attrs]))

    handle_startendtag = handle_starttag


def _elements(fragment: str) -> list[tuple[str, list[tuple[str, str]]]]:
    collector = _Collector()
    collector.feed(fragment)
    collector.close()
    return collector.found
