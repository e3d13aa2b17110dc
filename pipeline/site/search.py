"""Full-text search of the built site with Pagefind (Indonesian stemming).

Pagefind reads the built HTML (only what the theme marks ``data-pagefind-body``: the
content of pages and posts, not the menus nor the list pages that repeat excerpts),
stems words by the page's ``<html lang>`` (Indonesian: "bercerai" finds "cerai" and
"perceraian") and writes its index into ``pagefind/`` as many small content-addressed
fragment files, so a new article adds a few files instead of rewriting one big index.
The binary ships in the ``pagefind[bin]`` Python package.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pipeline.errors import BuildError

#: Where the index and Pagefind's UI are written, inside the site.
OUTPUT = "pagefind"
#: How long Pagefind may take (5,000 articles take well under a minute).
TIMEOUT = 900


def index_site(site_dir: Path) -> None:
    """Index ``site_dir`` into ``site_dir/pagefind``; raise :class:`BuildError` on failure."""
    command = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(site_dir),
        "--output-subdir",
        OUTPUT,
        "--exclude-selectors",
        ".headerlink",  # the heading's permalink sign, not a word
        "--silent",
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise BuildError(
            f"Pagefind could not index the site: {error}",
            where=str(site_dir),
            hint="install it with: python3 -m pip install 'pagefind[bin]'",
        ) from None
    if done.returncode != 0:
        details = (done.stderr or done.stdout).strip().splitlines()
        raise BuildError(
            "Pagefind could not index the site: " + (details[-1] if details else "no output"),
            where=str(site_dir),
            hint="install it with: python3 -m pip install 'pagefind[bin]' and publish again",
        )
