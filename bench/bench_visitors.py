"""Bench: `warta visitors analyze` (figures, panels and every rule) beside `goaccess`, same
log, same run: time and peak memory.

Generates combined-format logs of N lines (default 1,000,000): a realistic one (a few
thousand addresses) and the memory worst case (every line from its own address: a million
distinct hosts and visitors). On each it runs
- goaccess (Debian) producing its JSON report — the baseline;
- warta visitors analyze --format json.
Prints seconds, peak resident memory of each process (from wait4's rusage) and the ratios
warta/goaccess (targets: time ≤ 1, memory ≤ 1). Usage:
    python bench/bench_visitors.py [--lines 1000000] [--only realistic|distinct]
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


def measured(args: list[str], cwd: Path) -> tuple[float, float]:
    """(seconds, peak resident MiB) of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(
        args,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):  # warta exits 1 when it finds suspicious activity
        raise SystemExit(f"{args[0]} failed with exit {code}")
    return seconds, usage.ru_maxrss / 1024  # Linux: KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--only", choices=["realistic", "distinct"])
    args = parser.parse_args()
    goaccess = shutil.which("goaccess")
    if goaccess is None:
        raise SystemExit("goaccess is not installed (apt-get install goaccess)")
    rows = []
    with tempfile.TemporaryDirectory(prefix="warta-bench-") as tmp:
        root = Path(tmp)
        (root / "warta.yml").write_text(WARTA_YML)
        for kind in ("realistic", "distinct"):
            if args.only and kind != args.only:
                continue
            log = generate(root / f"{kind}.log", args.lines, distinct_ips=kind == "distinct")
            warta = measured(
                [sys.executable, "-m", "pipeline", "visitors", "analyze", str(log),
                 "--format", "json", "-o", str(root / "warta.json")],
                root,
            )  # fmt: skip
            theirs = measured(
                [goaccess, str(log), "--log-format=COMBINED", "-o", str(root / "goaccess.json"),
                 "--no-progress"],
                root,
            )  # fmt: skip
            log.unlink()
            rows.append((kind, theirs, warta))
    print(
        f"{'log':>10} {'lines':>9} {'goaccess':>9} {'warta':>8} {'time ratio':>11}"
        f" {'goaccess MiB':>13} {'warta MiB':>10} {'memory ratio':>13}"
    )
    for kind, (t_theirs, m_theirs), (t_warta, m_warta) in rows:
        print(
            f"{kind:>10} {args.lines:>9} {t_theirs:>8.2f}s {t_warta:>7.2f}s"
            f" {t_warta / t_theirs:>11.2f} {m_theirs:>13.0f} {m_warta:>10.0f}"
            f" {m_warta / m_theirs:>13.2f}"
        )


if __name__ == "__main__":
    main()
