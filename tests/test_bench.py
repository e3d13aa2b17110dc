"""The benches stay runnable (their figures are read by people, not asserted)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def run_bench(script: str, *args: str, timeout: float = 120) -> list[str]:
    """Run a bench script; its output lines (the header, then the figures)."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()


def test_publish_bench_runs_on_a_tiny_site() -> None:
    header, row = run_bench("bench_publish.py", "--sizes", "3", "--pages", "2", timeout=300)
    assert "publish/plain" in header and row.split()[0] == "3"


def test_health_bench_runs_on_a_few_endpoints() -> None:
    row = run_bench("bench_health.py", "--endpoints", "5")[1].split()
    assert row[0] == "5" and row[-1] == "0"  # five endpoints, none failed


def test_visitors_bench_runs_on_a_small_log() -> None:
    lines = run_bench("bench_visitors.py", "--lines", "2000")
    assert "memory ratio" in lines[0]
    assert [row.split()[:2] for row in lines[1:3]] == [["realistic", "2000"], ["distinct", "2000"]]
    assert "load average" in lines[3]  # how the figures were measured


def test_visitors_floor_prints_every_start_up_stage() -> None:
    lines = run_bench("bench_visitors.py", "--floor", "--runs", "1")
    stages = [line.rsplit(None, 2)[0] for line in lines[1:-1]]
    assert stages[0].startswith("python -S") and stages[-1].startswith("goaccess")
    assert len(stages) == 7 and all(float(line.split()[-2]) > 0 for line in lines[1:-1])


def test_convert_bench_runs_on_a_few_small_scans() -> None:
    row = run_bench("bench_convert.py", "--scans", "3", "--dpi", "30")[1].split()
    assert row[0] == "3" and 0.99 < float(row[-1]) < 1.2  # output/input size ratio


def test_scale_bench_runs_on_a_tiny_site() -> None:
    lines = run_bench(
        "bench_scale.py", "--articles", "12", "--pages", "2", "--no-hugo", timeout=300
    )
    assert lines[1].split()[:3] == ["figure", "plain", "warta"]
    share = next(line for line in lines if line.startswith("changed share"))
    assert len(share.split()) == 6  # label (3 words), plain, warta, ratio
    changes = lines[lines.index(next(line for line in lines if line.startswith("warta change"))) :]
    rows = [line for line in changes[1:] if not line.startswith("  ")]
    reports = [line.strip() for line in changes[1:] if line.startswith("  ")]
    # Every kind of change is published, and its output is the full build's, byte for byte.
    assert [line.rsplit(None, 3)[0] for line in rows] == [
        "no change",
        "add an article",
        "edit an article",
        "withdraw an article",
        "release from embargo",
    ]
    assert all(line.split()[-1] == "yes" for line in rows)
    # Each publish was incremental (the cache between builds), and says what it rendered.
    assert reports[0].startswith("no change: incremental build: 0 pages rendered")
    assert all(": incremental build: " in line for line in reports), reports


def test_scale_bench_curve_prints_time_cpu_and_memory_per_size() -> None:
    lines = run_bench(
        "bench_scale.py",
        "--curve",
        "6,12",
        "--pages",
        "2",
        "--no-plain",
        "--no-hugo",
        timeout=300,
    )
    header = next(i for i, line in enumerate(lines) if line.split()[:1] == ["articles"])
    assert lines[header].split() == [
        "articles",
        "warta",
        "(s)",
        "cpu",
        "(s)",
        "MiB",
        "load",
        "after",
    ]
    rows = [line.split() for line in lines[header + 1 :]]
    assert [row[0] for row in rows] == ["6", "12"]
    assert all(float(row[1]) > 0 and float(row[2]) > 0 and int(row[3]) > 30 for row in rows)


def test_backup_bench_runs_beside_restic_on_a_tiny_tree() -> None:
    lines = run_bench("bench_backup.py", "--mb", "3")
    steps = [line.split()[0] for line in lines[2:]]
    assert steps == ["first-backup", "no-change", "changed-10", "verify-data", "restore"]
    assert all(float(line.split()[-1]) > 0 for line in lines[2:])


def test_privacy_bench_prints_every_category() -> None:
    lines = run_bench("bench_privacy.py")
    rows = {line.split()[0]: line.split() for line in lines[1:]}
    assert {"nik", "phone", "email", "party-name", "all"} <= set(rows)
    assert rows["all"][-2].endswith("%") and rows["all"][-1].endswith("%")


def test_verify_bench_runs_on_a_short_history() -> None:
    lines = run_bench("bench_verify.py", "--merges", "12", "--window", "4")
    assert "s/1000 merges" in lines[0] and len(lines) == 5  # three windows and the summary
    assert [row.split()[0] for row in lines[1:4]] == ["0", "4", "8"]


def test_desk_bench_runs_on_a_small_site() -> None:
    lines = run_bench(
        "bench_desk.py",
        "--tickets",
        "200",
        "--days",
        "2",
        "--sessions",
        "3",
        "--requests",
        "12",
        "--think",
        "0.05",
        timeout=300,
    )
    assert "closed loop" in lines[1] and "open model" in lines[1]  # said plainly
    assert "client: raw asyncio" in lines[2]  # which client measured the figures
    assert lines[3].split() == [
        *("page", "kind", "requests", "rps", "p50_ms", "p95_ms", "srv_cpu", "cli_cpu")
    ]
    assert [line.split()[:2] for line in lines[4:]] == [
        [page, kind]
        for page in ("queue", "dashboard", "mine")
        for kind in ("http", "fresh", "sql", "think")
    ]
    http = [line.split() for line in lines[4:] if line.split()[1] in ("http", "fresh")]
    # CPU per request. The server's is read from /proc in clock ticks (10 ms): a fast
    # page over a dozen requests may take none, so it is asked of one row at least.
    assert all(float(row[7]) > 0 and float(row[6]) >= 0 for row in http)
    assert any(float(row[6]) > 0 for row in http)


def test_material_bench_prints_each_hook_both_ways() -> None:
    lines = run_bench("bench_material.py", "--articles", "20", "--pages", "2", "--runs", "1")
    assert lines[0].split()[-3:] == ["plain", "warta", "ratio"]
    assert [line.rsplit(None, 3)[0] for line in lines[1:4]] == [
        "blog on_files",
        "tags on_env",
        "tags on_page_context",
    ]
