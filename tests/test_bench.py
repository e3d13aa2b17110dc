"""The benches stay runnable (their figures are read by people, not asserted)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_publish_bench_runs_on_a_tiny_site() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench/bench_publish.py"), "--sizes", "3", "--pages", "2"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    header, row = done.stdout.strip().splitlines()
    assert "publish/plain" in header and row.split()[0] == "3"


def test_health_bench_runs_on_a_few_endpoints() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench/bench_health.py"), "--endpoints", "5"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    row = done.stdout.strip().splitlines()[1].split()
    assert row[0] == "5" and row[-1] == "0"  # five endpoints, none failed


def test_visitors_bench_runs_on_a_small_log() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench/bench_visitors.py"), "--lines", "2000"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[1].split()[0] == "2000"
