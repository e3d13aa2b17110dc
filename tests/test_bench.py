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
