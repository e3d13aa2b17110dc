"""The one Jinja2 environment of every HTML output a person reads.

Reports, the status page, the ticket reports, the visitor report and the desk are all built
from templates under ``pipeline/templates/`` that extend ``base.html`` (the site's colours,
print rules for A4 PDFs), so they look like one product and like the site.

Usage::

    from pipeline import templating
    from pipeline.i18n import Locale

    html = templating.render("status.html", Locale("id", "Asia/Makassar"), data=data)

Inside a template the locale is ``loc`` and these are available:

- ``t("key", name=value)`` (also ``_``): a text from the catalogue (:mod:`pipeline.i18n`);
- filters ``date``, ``date_short``, ``datetime``, ``datetime_short``, ``time``, ``number``
  (``value|number(1)`` for one decimal), ``percent``, ``size``, ``duration``, ``ms``:
  formatted in ``loc``'s language and time zone (``WITA`` label on every time).

Autoescape is on for every template: a value is escaped unless it is a
:class:`markupsafe.Markup`. Only HTML built by our own code (the SVG charts) is passed as
``Markup``; never wrap input from a person, a log or a remote server in it. Undefined
variables are errors (``StrictUndefined``), so a template cannot silently show nothing.

Other callers may take :func:`environment` ``(extra_dirs=...)``: their templates can still
extend ``base.html``. The desk has its own environment (its own ``t``, no strict undefined)
whose templates extend this ``base.html`` as ``warta/base.html``, and it serves
``look.css`` (the colours, fonts and header band, inlined here by ``base.html``) as a file,
since its Content-Security-Policy allows no inline style: one look for both.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from pipeline.i18n import Locale

TEMPLATES = Path(__file__).parent / "templates"
"""The package's template folder (shipped as package data)."""

__all__ = ["TEMPLATES", "Markup", "environment", "render"]


def _with_locale(method: str) -> Callable[..., str]:
    @jinja2.pass_context
    def apply(context: jinja2.runtime.Context, value: Any, *args: Any, **kwargs: Any) -> str:
        return str(getattr(_locale(context), method)(value, *args, **kwargs))

    apply.__name__ = method
    return apply


def _locale(context: jinja2.runtime.Context) -> Locale:
    loc = context.get("loc")
    if not isinstance(loc, Locale):
        raise RuntimeError("templates are rendered through templating.render (no `loc`)")
    return loc


@jinja2.pass_context
def _t(context: jinja2.runtime.Context, key: str, /, **values: Any) -> str:
    return _locale(context).t(key, **values)


@jinja2.pass_context
def _datetime_short(context: jinja2.runtime.Context, value: Any) -> str:
    return _locale(context).datetime(value, short=True)


@jinja2.pass_context
def _date_short(context: jinja2.runtime.Context, value: Any) -> str:
    return _locale(context).date(value, short=True)


def _build(extra_dirs: Sequence[Path]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*map(str, extra_dirs), str(TEMPLATES)]),
        autoescape=True,  # every template, whatever its name: all of them are HTML
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    for name in ("date", "datetime", "time", "number", "percent", "size", "duration", "ms"):
        env.filters[name] = _with_locale(name)
    env.filters["datetime_short"] = _datetime_short
    env.filters["date_short"] = _date_short
    env.globals["t"] = _t
    env.globals["_"] = _t
    return env


@lru_cache(maxsize=8)
def _cached(extra_dirs: tuple[Path, ...]) -> jinja2.Environment:
    return _build(extra_dirs)


def environment(extra_dirs: Sequence[Path] = ()) -> jinja2.Environment:
    """The shared environment; ``extra_dirs`` are searched before the package's templates."""
    return _cached(tuple(Path(d) for d in extra_dirs))


def render(name: str, loc: Locale, /, **context: Any) -> str:
    """Render template ``name`` for ``loc`` (available in the template as ``loc``)."""
    return environment().get_template(name).render(loc=loc, lang=loc.language, **context)
