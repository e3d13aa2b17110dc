"""Bench: `warta review --all` and `warta publish` beside a plain `mkdocs build`.

Generates sites of 100 and 1,000 articles (plus 20 static pages), and in the
same run times, on the same content:

- plain mkdocs-material (`mkdocs build`, no warta plugin) — the baseline;
- `warta review --all` (every rule on every item);
- `warta publish` (strict build with the warta plugin, API, feed, atomic swap).

Prints seconds and the ratio to the baseline.  Usage:
    python bench/bench_publish.py [--sizes 100,1000]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from site_gen import generate, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000")
    parser.add_argument("--pages", type=int, default=20)
    args = parser.parse_args()
    py = sys.executable
    print(
        f"{'articles':>8} {'plain mkdocs':>13} {'warta review':>13} {'warta publish':>14}"
        f" {'review/plain':>13} {'publish/plain':>14}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix="warta-bench-") as tmp:
            plain = generate(Path(tmp) / "plain", size, args.pages, warta_plugin=False)
            ours = generate(Path(tmp) / "warta", size, args.pages, warta_plugin=True)
            t_plain = timed([py, "-m", "mkdocs", "build", "-q", "-d", "out"], plain)
            t_review = timed([py, "-m", "pipeline", "review", "--all", "--format", "json"], ours)
            t_publish = timed([py, "-m", "pipeline", "publish"], ours)
            shutil.rmtree(ours / "site", ignore_errors=True)
            print(
                f"{size:>8} {t_plain:>12.2f}s {t_review:>12.2f}s {t_publish:>13.2f}s"
                f" {t_review / t_plain:>13.2f} {t_publish / t_plain:>14.2f}"
            )


if __name__ == "__main__":
    main()
