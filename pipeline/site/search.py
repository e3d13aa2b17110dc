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


#: The attribute of the element whose text Pagefind indexes. The court theme puts it on
#: a page's content, never on a list page, a tag page or the home page's cards.
BODY_MARK = b"data-pagefind-body"


def _marked(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            return BODY_MARK in handle.read()
    except OSError:
        return False


def _html_in(folder: str) -> tuple[bool, bool]:
    """(any HTML file under ``folder``, any of them with :data:`BODY_MARK`).

    ``scandir`` recursion, not ``os.walk``: at 5,000 posts the blog's folder holds one
    folder of images and PDFs per post, each looked into once per build."""
    found = False
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except OSError:
        return False, False
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            html, marked = _html_in(entry.path)
            if marked:
                return True, True
            found = found or html
        elif entry.name.endswith(".html"):
            found = True
            if _marked(entry.path):
                return True, True
    return found, False


def bundles(site_dir: Path, post_dirs: Iterable[str]) -> list[tuple[str, str]]:
    """``(glob, output folder)`` of each bundle: the site's pages, then each blog year.

    Folders without any HTML file (a post's images and PDFs) are left out of the globs:
    they add nothing to the index and each one costs Pagefind time per path matched.
    Once any page of the site's own bundle has :data:`BODY_MARK`, Pagefind leaves out
    every page without it, so the files and folders with no marked page (the blog's
    list pages, the tag pages, the feed and the sitemaps) are left out of that glob:
    the same index, without Pagefind reading a thousand list pages at 5,000 posts (and
    a new post, which changes the blog's index page, leaves the bundle as it was)."""
    blogs = {d.strip("/") for d in post_dirs}
    years: list[tuple[str, str]] = []
    rest: list[tuple[str, bool]] = []  # (glob, holds a marked page)

    def file(path: Path, glob: str) -> None:
        rest.append((glob, path.name.endswith(".html") and _marked(str(path))))

    def folder(path: Path, glob: str) -> None:
        html, marked = _html_in(str(path))
        if html:
            rest.append((glob + "/**/*.html", marked))

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
                    file(child, f"{name}/{child.name}")
                else:
                    folder(child, f"{name}/{child.name}")
        elif not entry.is_dir():
            file(entry, name)
        else:
            folder(entry, name)
    marked = [glob for glob, has in rest if has]
    # With no marked page at all, Pagefind indexes every page whole: all of them go in.
    kept = marked or [glob for glob, _has in rest]
    pages = "{" + ",".join(kept) + "}" if len(kept) > 1 else (kept[0] if kept else "*.html")
    return [(pages, OUTPUT), *years]


def year_bundles(site_dir: Path, post_dirs: Iterable[str]) -> list[tuple[str, str]]:
    """``(glob, output folder)`` of each blog year's bundle: :func:`bundles` but the
    first, from the blogs' folders alone (no page is read)."""
    years: list[tuple[str, str]] = []
    for name in sorted({d.strip("/") for d in post_dirs}):
        try:
            with os.scandir(site_dir / name) as listing:
                children = sorted(e.name for e in listing if e.is_dir())
        except OSError:  # (not a folder, or none)
            continue
        years += [
            (f"{name}/{child}/**/*.html", f"{OUTPUT}/{name}-{child}")
            for child in children
            if _YEAR.fullmatch(child)
        ]
    return years


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
    years = year_bundles(site_dir, post_dirs) if meanwhile is not None else []
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
