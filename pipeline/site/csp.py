"""The site's Content-Security-Policy: defence in depth behind the sanitiser.

Should a payload ever get past :mod:`pipeline.content.sanitise`, the browser still
refuses to run it: scripts come only from the site itself (the theme has no inline
script: mkdocs-material's are served as files, see ``pipeline/site/theme/``), with
``'wasm-unsafe-eval'`` for Pagefind's WebAssembly; frames only from ``html.iframe_hosts``;
images only from the site and ``html.image_hosts``; nothing is ever sent to another
site by a form or a ``fetch``.

The same policy is delivered twice (``docs/security.md``): as a ``<meta>`` tag by the
theme override (so a site served by any static host has it), and as response headers
in the documented nginx configuration, which add what a ``<meta>`` tag cannot carry
(``frame-ancestors``).
"""

from __future__ import annotations

from pipeline.config import Config


def _sources(hosts: list[str]) -> list[str]:
    return [f"https://{host}" for host in hosts]


def directives(config: Config) -> dict[str, list[str]]:
    """The policy of the site, directive → sources (``<meta>`` form)."""
    html = config.html
    return {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'wasm-unsafe-eval'"],
        # Inline style attributes (the theme, Pagefind's UI, table alignment) cannot run
        # code; the sanitiser already removes any style that loads a URL.
        "style-src": ["'self'", "'unsafe-inline'"],
        # mkdocs-material draws its icons with data: SVGs in CSS.
        "img-src": ["'self'", "data:", *_sources(html.image_hosts)],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "media-src": ["'self'"],
        "worker-src": ["'self'"],
        "frame-src": _sources(html.iframe_hosts) or ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }


def _join(policy: dict[str, list[str]]) -> str:
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in policy.items())


def meta_policy(config: Config) -> str:
    """The policy for the ``<meta http-equiv="Content-Security-Policy">`` tag."""
    return _join(directives(config))


def header_policy(config: Config) -> str:
    """The policy for the ``Content-Security-Policy`` header: the meta policy, and the
    directives a ``<meta>`` tag cannot carry."""
    return _join({**directives(config), "frame-ancestors": ["'none'"]})


#: The other headers the documented nginx configuration sends with every page.
EXTRA_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


def nginx_headers(config: Config) -> str:
    """The ``add_header`` lines of the documented nginx configuration."""
    lines = [f'add_header Content-Security-Policy "{header_policy(config)}" always;']
    lines += [f'add_header {name} "{value}" always;' for name, value in EXTRA_HEADERS.items()]
    return "\n".join(lines)
