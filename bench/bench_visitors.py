"""Bench: `warta visitors analyze` (figures, panels and every rule) beside `goaccess`, same
log, same run: time and peak memory.

Generates combined-format logs of N lines (default 1,000,000): a realistic one (a few
thousand addresses) and the memory worst case (every line from its own address: a million
distinct hosts and visitors). On each it runs
- goaccess (Debian) producing its JSON report — the baseline;
- warta visitors analyze --format json.
Prints wall and CPU seconds, the peak resident memory of each command's whole process tree
(its own high-water mark, from GNU time when installed — a child started by this process
would count this process's memory too — or the sum of the proportional memory of all its
processes sampled every 20 ms if larger) and the ratios warta/goaccess (targets: time ≤ 1,
memory ≤ 1; the CPU ratio is the steadier one on a shared machine). ``--floor`` prints
instead the peak memory of each stage of a visitors run before its first log line (the
interpreter with and without this machine's site-packages start-up files, click and
warta's command line, the validated configuration, the analysis modules, a one-line
run) beside GoAccess's one-line run. Usage:
    python bench/bench_visitors.py [--lines 1000000] [--only realistic|distinct]
    python bench/bench_visitors.py --floor [--runs 5]
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


PF_FORKNOEXEC = 0x40
"""A process forked and not yet exec'ed: it shares its parent's memory (a vfork child shares
the very same pages until its exec), so counting it would count the parent twice."""


def _tree_pss(pid: int, *, skip_root: bool) -> int:
    """Proportional resident KiB (each shared page split among the processes that map it)
    of a process's descendants, and of the process itself unless ``skip_root``; processes
    forked and not yet exec'ed are left out (their pages are their parent's)."""
    total = 0
    todo = [(pid, skip_root)]
    while todo:
        current, skip = todo.pop()
        try:
            flags = int(Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()[6])
            if not skip and not flags & PF_FORKNOEXEC:
                rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
                total += next(
                    int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")
                )
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [(int(child), False) for child in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError, IndexError):
            continue  # (it ended meanwhile, or is a zombie without memory)
    return total


GNU_TIME = shutil.which("time", path="/usr/bin:/bin")
"""GNU time (Debian's ``time``) runs each command: a child's high-water mark counts the
memory of the process it was forked from (the kernel carries it over the exec), so the
command must be started by a small process, not by this one."""


def measured(args: list[str], cwd: Path) -> tuple[float, float, float]:
    """(seconds, CPU seconds, peak resident MiB) of one command and every process it
    starts: the peak is the larger of the command's own high-water mark (GNU time's,
    from wait4) and the proportional memory of its whole process tree sampled every 20 ms;
    CPU is user + system of the command and the children it waited for."""
    report = cwd / "time.out"
    launcher = [GNU_TIME, "-f", "%M %U %S", "-o", str(report)] if GNU_TIME else []
    start = time.perf_counter()
    process = subprocess.Popen(
        [*launcher, *args],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    tree = 0
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        tree = max(tree, _tree_pss(process.pid, skip_root=bool(GNU_TIME)))
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):  # warta exits 1 when it finds suspicious activity
        raise SystemExit(f"{args[0]} failed with exit {process.returncode}")
    if GNU_TIME:
        kib, user, system = report.read_text().split()[-3:]
        peak, cpu = int(kib), float(user) + float(system)
    else:  # (the peak may then include this process's memory)
        peak, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    return seconds, cpu, max(peak, tree) / 1024  # Linux: KiB


_CONFIG = "import pipeline.cli.visitors, pipeline.config as c; c.load_config('warta.yml')"
FLOOR_STAGES = [
    ("python -S (no site-packages start-up files)", ["-S", "-c", "pass"]),
    ("python (this machine's .pth files run)", ["-c", "pass"]),
    ("+ click, warta's root command, visitors area",
     ["-m", "pipeline", "visitors", "analyze", "--help"]),
    ("+ pydantic, PyYAML, warta.yml validated", ["-c", _CONFIG]),
    ("+ sqlite3 and the analysis modules",
     ["-c", f"{_CONFIG}; import pipeline.commands.visitors"]),
    ("warta visitors analyze, one line",
     ["-m", "pipeline", "visitors", "analyze", "one.log", "--format", "json", "-o", "w.json"]),
]  # fmt: skip
"""Each stage's command (``python`` = this interpreter) includes the stages above it."""


def floor(root: Path, goaccess: str, runs: int) -> None:
    """The peak memory of each stage of a visitors run before its first line, the best
    of ``runs`` runs each (start-up is short, so one slow run says little)."""
    (root / "one.log").write_text(
        '203.0.113.9 - - [01/Dec/2026:10:00:00 +0800] "GET / HTTP/1.1" 200 512 "-" "curl/8"\n'
    )
    # (the command sets PYDANTIC_DISABLE_PLUGINS itself; the bare imports get it here)
    env_note = os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    rows = [(name, [sys.executable, *args]) for name, args in FLOOR_STAGES]
    rows.append(("goaccess, the same line", [goaccess, "one.log", "--log-format=COMBINED",
                                             "-o", "goaccess.json", "--no-progress"]))  # fmt: skip
    print(f"{'stage':<48} {'peak MiB':>9} {'cpu s':>6}")
    for name, command in rows:
        mib, cpu = min(measured(command, root)[1:][::-1] for _ in range(runs))
        print(f"{name:<48} {mib:>9.1f} {cpu:>6.2f}")
    print(f"best of {runs} run(s); PYDANTIC_DISABLE_PLUGINS={env_note}; load average: "
          f"{os.getloadavg()[0]:.1f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--only", choices=["realistic", "distinct"])
    parser.add_argument("--floor", action="store_true", help="start-up stages only")
    parser.add_argument("--runs", type=int, default=5, help="with --floor: runs per stage")
    args = parser.parse_args()
    goaccess = shutil.which("goaccess")
    if goaccess is None:
        raise SystemExit("goaccess is not installed (apt-get install goaccess)")
    if args.floor:
        with tempfile.TemporaryDirectory(prefix="warta-bench-") as tmp:
            (Path(tmp) / "warta.yml").write_text(WARTA_YML)
            floor(Path(tmp), goaccess, args.runs)
        return
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
        f" {'cpu ratio':>10} {'goaccess MiB':>13} {'warta MiB':>10} {'memory ratio':>13}"
    )
    for kind, (t_theirs, c_theirs, m_theirs), (t_warta, c_warta, m_warta) in rows:
        print(
            f"{kind:>10} {args.lines:>9} {t_theirs:>8.2f}s {t_warta:>7.2f}s"
            f" {t_warta / t_theirs:>11.2f} {c_warta / c_theirs:>10.2f}"
            f" {m_theirs:>13.0f} {m_warta:>10.0f} {m_warta / m_theirs:>13.2f}"
        )
    how = "GNU time's high-water mark" if GNU_TIME else "wait4's high-water mark"
    print(
        "time: wall seconds; cpu: user+system seconds (steadier on a shared machine); MiB:"
        f" peak resident memory of the whole process tree ({how}, or the sum of the"
        " proportional memory of all its processes sampled every 20 ms if larger); load"
        f" average: {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
