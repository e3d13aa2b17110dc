"""Render a Markdown body the way the site does: Python-Markdown with ``mkdocs.yml``'s extensions.

``warta review`` judges the HTML readers would get, not the Markdown as another parser
reads it: raw HTML, ``attr_list`` attributes and ``md_in_html`` blocks come out exactly
as mkdocs emits them, before the sanitiser.  mkdocs' own configuration loader reads
``mkdocs.yml`` (with its built-in extensions ``toc``, ``tables`` and ``fenced_code``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import markdown

from pipeline.errors import ConfigError, Problem

Renderer = Callable[[str], str]

_CACHE: dict[tuple[Path, float], tuple[list[Any], dict[str, Any]]] = {}


def _extensions(mkdocs_yml: Path) -> tuple[list[Any], dict[str, Any]]:
    """``markdown_extensions`` and their settings, as mkdocs resolves them."""
    key = (mkdocs_yml.resolve(), mkdocs_yml.stat().st_mtime if mkdocs_yml.exists() else 0.0)
    if key in _CACHE:
        return _CACHE[key]
    from mkdocs.config.base import load_config as load_mkdocs

    quiet = logging.getLogger("mkdocs")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        mk = load_mkdocs(str(mkdocs_yml))
    except Exception as error:  # mkdocs raises its own ConfigurationError and OSError
        raise ConfigError(
            "mkdocs.yml cannot be read for the review's rendering",
            [Problem(str(mkdocs_yml), str(error), "fix mkdocs.yml (mkdocs build says more)")],
        ) from None
    finally:
        quiet.setLevel(level)
    found = (list(mk.markdown_extensions), dict(mk.mdx_configs))
    _CACHE[key] = found
    return found


def site_renderer(mkdocs_yml: Path) -> Renderer:
    """A function Markdown → HTML with the site's extensions (one parser, reused)."""
    extensions, configs = _extensions(mkdocs_yml)
    md = markdown.Markdown(extensions=extensions, extension_configs=configs)

    def render(body: str) -> str:
        md.reset()
        return md.convert(body)

    return render
