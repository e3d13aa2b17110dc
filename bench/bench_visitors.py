"""Bench: `warta visitors analyze` (figures and every rule) beside `goaccess`, same log, same run.

Generates a combined-format log of N lines (default 1,000,000), then times:
- goaccess (Debian) producing its JSON report — the baseline;
- warta visitors analyze --format json, computing GoAccess' figures and all rules.
Prints seconds, lines per second and the ratio warta/goaccess (target: ≤ 1).  Usage:
    python bench/bench_visitors.py [--lines 1000000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from log_gen import generate

WARTA_YML = """\
site: {name: Bench, url: "https://bench.example/"}
categories: [{id: berita, label: {id: Berita}, section: berita}]
"""


def timed(args: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        args,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    if done.returncode not in (0, 1):  # warta exits 1 when it finds suspicious activity
        raise SystemExit(done.stderr.decode())
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    args = parser.parse_args()
    goaccess = shutil.which("goaccess")
    with tempfile.TemporaryDirectory(prefix="warta-bench-") as tmp:
        root = Path(tmp)
        log = generate(root / "access.log", args.lines)
        (root / "warta.yml").write_text(WARTA_YML)
        t_warta = timed(
            [
                sys.executable,
                "-m",
                "pipeline",
                "visitors",
                "analyze",
                str(log),
                "--format",
                "json",
                "-o",
                str(root / "warta.json"),
            ],
            root,
        )
        t_goaccess = (
            timed(
                [
                    goaccess,
                    str(log),
                    "--log-format=COMBINED",
                    "-o",
                    str(root / "goaccess.json"),
                    "--no-progress",
                ],
                root,
            )
            if goaccess
            else float("nan")
        )
    print(f"{'lines':>9} {'goaccess':>9} {'warta':>8} {'warta lines/s':>14} {'warta/goaccess':>15}")
    print(
        f"{args.lines:>9} {t_goaccess:>8.2f}s {t_warta:>7.2f}s {args.lines / t_warta:>14,.0f}"
        f" {t_warta / t_goaccess:>15.2f}"
    )


if __name__ == "__main__":
    main()
