"""Full-text search of the built site with Pagefind (Indonesian stemming).

Pagefind reads the built HTML (only what the theme marks ``data-pagefind-body``: the
content of pages and posts, not the menus nor the list pages that repeat excerpts),
stems words by the page's ``<html lang>`` (Indonesian: "bercerai" finds "cerai" and
"perceraian") and writes its index into ``pagefind/`` as many small content-addressed
fragment files, so a new article adds a few files instead of rewriting one big index.
The binary ships in the ``pagefind[bin]`` Python package.

One index would still change in most of its chunks with every new article (its words are
spread over the whole vocabulary), so posts are indexed by year: one bundle per blog and
year (``pagefind/berita-2026/``) beside the bundle of everything else (``pagefind/``). A
new article changes only its year's bundle; the search page merges them all
(``pagefind/warta-bundles.json`` lists them for ``assets/warta/warta.js``).

The bundles are indexed by separate Pagefind runs writing separate folders, so they run
side by side, one per CPU. Each run is given only the folders that hold HTML: a blog's
folder also holds one folder of images and PDFs per post, and a glob listing thousands
of them made Pagefind take half a minute matching paths at 5,000 posts.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Protocol

from pipeline.errors import BuildError
from pipeline.fsutil import atomic_write_bytes

#: Where the index and Pagefind's UI are written, inside the site.
OUTPUT = "pagefind"
#: How long Pagefind may take (5,000 articles take well under a minute).
TIMEOUT = 900


_YEAR = re.compile(r"\d{4}")
#: Lists the per-year bundles for the search page.
BUNDLES = "warta-bundles.json"


def _has_html(folder: Path) -> bool:
    return next(folder.rglob("*.html"), None) is not None


def bundles(site_dir: Path, post_dirs: Iterable[str]) -> list[tuple[str, str]]:
    """``(glob, output folder)`` of each bundle: the site's pages, then each blog year.

    Folders without any HTML file (a post's images and PDFs) are left out of the globs:
    they add nothing to the index and each one costs Pagefind time per path matched."""
    blogs = {d.strip("/") for d in post_dirs}
    years: list[tuple[str, str]] = []
    rest: list[str] = []
    for entry in sorted(site_dir.iterdir()):
        name = entry.name
        if name == OUTPUT or name.startswith("."):
            continue
        if name in blogs and entry.is_dir():
            for child in sorted(entry.iterdir()):
                if child.is_dir() and _YEAR.fullmatch(child.name):
                    years.append(
                        (f"{name}/{child.name}/**/*.html", f"{OUTPUT}/{name}-{child.name}")
                    )
                elif not child.is_dir():
                    rest.append(f"{name}/{child.name}")
                elif _has_html(child):
                    rest.append(f"{name}/{child.name}/**/*.html")
        elif not entry.is_dir():
            rest.append(name)
        elif _has_html(entry):
            rest.append(name + "/**/*.html")
    pages = "{" + ",".join(rest) + "}" if len(rest) > 1 else (rest[0] if rest else "*.html")
    return [(pages, OUTPUT), *years]


class Kept(Protocol):
    """Keeps a bundle of the previous build when it would read the same files."""

    def keep_bundle(self, site_dir: Path, glob: str, output: str, others: list[str]) -> bool:
        """Put the previous bundle in place; ``False`` when it must be indexed again."""
        ...


def index_site(
    site_dir: Path,
    post_dirs: Iterable[str] = (),
    *,
    kept: Kept | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> None:
    """Index ``site_dir`` into ``site_dir/pagefind`` (and its per-year bundles).

    ``kept`` (the cache between builds) may put a bundle of the previous build in place
    instead, when the HTML files it reads are the same. ``meanwhile`` is called while
    the years' bundles are indexed (they read only their year's posts, final once the
    pages are written): the build writes its other files then, on the core Pagefind
    leaves. The site's own bundle is indexed after it, since it reads those files.
    """
    years = bundles(site_dir, post_dirs)[1:] if meanwhile is not None else []
    outputs = [OUTPUT, *(output for _glob, output in years)]
    # Each run writes its own folder (the years' folders are inside the pages' one, which
    # Pagefind does not empty): side by side, one per CPU. The first failure is raised.
    with ThreadPoolExecutor(max_workers=max(1, os.cpu_count() or 1)) as pool:
        runs = [
            pool.submit(_run, site_dir, glob, output)
            for glob, output in years
            if kept is None or not kept.keep_bundle(site_dir, glob, output, outputs)
        ]
        if meanwhile is not None:
            meanwhile()
        found = bundles(site_dir, post_dirs)
        done = {output for _glob, output in years}
        outputs = [output for _glob, output in found]
        runs += [
            pool.submit(_run, site_dir, glob, output)
            for glob, output in found
            if output not in done
            and (kept is None or not kept.keep_bundle(site_dir, glob, output, outputs))
        ]
    for run in runs:
        run.result()
    names = [output.removeprefix(OUTPUT + "/") for _glob, output in found[1:]]
    # Replaced by a rename, never written in place: a kept bundle's files are links.
    atomic_write_bytes(
        site_dir / OUTPUT / BUNDLES, json.dumps({"bundles": names}).encode(), durable=False
    )


def _run(site_dir: Path, glob: str, output: str) -> None:
    command = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(site_dir),
        "--glob",
        glob,
        "--output-subdir",
        output,
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
