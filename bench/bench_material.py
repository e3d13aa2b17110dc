"""CPU seconds inside mkdocs-material's blog and tags hooks, with and without warta's
shortcuts (``pipeline/site/material_fast.py``, docs/scale.md "mkdocs-material's hot
spots").

    python bench/bench_material.py [--articles 5000] [--pages 50] [--runs 3]

Generates a site (``site_gen``), then in fresh processes, alternately with the shortcuts
and with the libraries' own code, runs a build's first steps (the plugins' ``on_files``,
the navigation, every page's source and ``on_page_markdown``, the listing pages'
conversion) and measures the CPU time of the blog's ``on_files``, the tags plugin's
``on_env`` and its ``on_page_context`` over every page. Prints each hook's median per
variant and their ratio (baseline: the libraries' own code, same run).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
HOOKS = ("blog on_files", "tags on_env", "tags on_page_context")


def measure(site: Path, fast: bool) -> dict[str, float]:
    """One variant's CPU seconds per hook (run in a child process)."""
    os.chdir(site)
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files
    from mkdocs.structure.nav import get_navigation

    from pipeline.site import material_fast

    if not fast:
        material_fast.install = lambda config: []
    config = load_config(str(site / "mkdocs.yml"), site_dir=str(site / "site-bench"))
    config.plugins.on_startup(command="build", dirty=False)
    config = config.plugins.on_config(config)
    files = get_files(config)
    blog = config.plugins["material/blog"]
    tags = config.plugins["material/tags"]
    out: dict[str, float] = {}
    events = config.plugins.events["files"]
    hook = blog.on_files

    def timed(files: object, *, config: object) -> object:
        start = time.process_time()
        try:
            return hook(files, config=config)
        finally:
            out["blog on_files"] = time.process_time() - start

    events[events.index(hook)] = timed
    files = config.plugins.on_files(files, config=config)
    nav = get_navigation(files, config)
    config.plugins.on_nav(nav, config=config, files=files)
    pages = [f.page for f in files.documentation_pages() if f.page is not None]
    for page in pages:
        page.read_source(config)
        page.markdown = config.plugins.on_page_markdown(
            page.markdown, page=page, config=config, files=files
        )
        page.content = ""
    for listing in tags.listings:
        listing.page.render(config, files)
    env = config.theme.get_env()
    start = time.process_time()
    tags.on_env(env, config=config)
    out["tags on_env"] = time.process_time() - start
    start = time.process_time()
    for page in pages:
        tags.on_page_context({}, page=page)
    out["tags on_page_context"] = time.process_time() - start
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("SITE", "VARIANT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(Path(args.child[0]), args.child[1] == "fast")))
        return
    sys.path.insert(0, str(HERE))
    from site_gen import generate

    with tempfile.TemporaryDirectory(prefix="bench-material-") as tmp:
        site = Path(tmp) / "site"
        generate(site, args.articles, args.pages, warta_plugin=True)
        figures: dict[str, dict[str, list[float]]] = {"plain": {}, "fast": {}}
        env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
        for _ in range(args.runs):
            for variant in ("plain", "fast"):  # alternately: the machine's load is shared
                done = subprocess.run(
                    [sys.executable, __file__, "--child", str(site), variant],
                    capture_output=True,
                    text=True,
                    check=True,
                    env=env,
                )
                for hook, seconds in json.loads(done.stdout.splitlines()[-1]).items():
                    figures[variant].setdefault(hook, []).append(seconds)
    print(f"{'CPU s at ' + str(args.articles) + ' articles':34s} {'plain':>8s} {'warta':>8s} ratio")
    for hook in HOOKS:
        plain = statistics.median(figures["plain"][hook])
        fast = statistics.median(figures["fast"][hook])
        print(f"{hook:34s} {plain:8.3f} {fast:8.3f} {fast / plain if plain else 0:5.2f}")
    print(f"median of {args.runs} runs each, load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
