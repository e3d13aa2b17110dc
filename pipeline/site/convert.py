"""Markdown conversion of pages with one Markdown instance per build and process.

mkdocs' ``Page.render`` makes a new ``Markdown()`` (its extensions and processors built
again) for every page: about a third of a short page's conversion. The build engine
(``engine.py``) and the cache between builds (``incremental.py``) convert through
:func:`convert` instead, which gives the same HTML (``tests/test_scale.py``).
"""

from __future__ import annotations

import logging
from typing import Any

import markdown
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import (
    Page,
    _ExtractAnchorsTreeprocessor,
    _ExtractTitleTreeprocessor,
    _RawHTMLPreprocessor,
    _RelativePathTreeprocessor,
)
from mkdocs.structure.pages import log as pages_log
from mkdocs.structure.toc import get_toc


class _Converter:
    """``Page.render`` (mkdocs 1.6.1) with one Markdown instance for every page a
    process converts in a build, ``reset()`` between pages as Python-Markdown provides
    for reuse, instead of a new instance (its extensions and processors built again,
    about a third of a short page's conversion) for each page. mkdocs' four per-page
    processors are made for each page and registered under their names, which replaces
    the previous page's."""

    def __init__(self, config: MkDocsConfig) -> None:
        self.config = config
        self.md = markdown.Markdown(
            extensions=config["markdown_extensions"],
            extension_configs=config["mdx_configs"] or {},
        )

    def render(self, page: Page, config: MkDocsConfig, files: Any) -> Any:
        if page.markdown is None:
            raise RuntimeError("`markdown` field hasn't been set (via `read_source`)")
        md = self.md.reset()
        raw_html_ext = _RawHTMLPreprocessor()
        raw_html_ext._register(md)
        extract_anchors_ext = _ExtractAnchorsTreeprocessor(page.file, files, config)
        extract_anchors_ext._register(md)
        relative_path_ext = _RelativePathTreeprocessor(page.file, files, config)
        relative_path_ext._register(md)
        extract_title_ext = _ExtractTitleTreeprocessor()
        extract_title_ext._register(md)
        page.content = md.convert(page.markdown)
        page.toc = get_toc(getattr(md, "toc_tokens", []))
        page._title_from_render = extract_title_ext.title
        page.present_anchor_ids = (
            extract_anchors_ext.present_anchor_ids | raw_html_ext.present_anchor_ids
        )
        if pages_log.getEffectiveLevel() > logging.DEBUG:
            page.links_to_anchors = relative_path_ext.links_to_anchors
        return getattr(md, "toc_tokens", [])


_CONVERTER: list[_Converter] = []


def convert(page: Page, config: MkDocsConfig, files: Any) -> Any:
    """``Page.render`` (mkdocs 1.6.1) with the one Markdown instance of this build and
    process; returns the toc extension's tokens. ``files`` is what mkdocs' link steps
    look targets up in (the build's ``Files`` or a stand-in that records the lookups)."""
    # One converter per build (its configuration) and process.
    if not _CONVERTER or _CONVERTER[0].config is not config:
        _CONVERTER[:] = [_Converter(config)]
    return _CONVERTER[0].render(page, config, files)
