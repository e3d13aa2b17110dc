"""Bench: `warta health check` on N endpoints, total time beside the slowest single check.

Starts a local HTTP server whose endpoints answer after 0–300 ms (``/d/<ms>``), configures N
endpoints against it in a temporary project, runs the checks once and prints the total
wall time, the slowest single check and their ratio (close to 1 when the checks really
run concurrently; N × mean when they do not).  Usage:
    python bench/bench_health.py [--endpoints 200] [--concurrency 50]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

from pipeline.commands.health import run_checks
from pipeline.config import load_config


class Delayed(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        time.sleep(int(self.path.rsplit("/", 1)[-1]) / 1000)
        body = b"ok"
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # the default backlog of 5 drops connections under load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoints", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    server = Server(("127.0.0.1", 0), Delayed)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    rng = random.Random(1)
    endpoints = [
        {"name": f"e{i}", "url": f"http://127.0.0.1:{port}/d/{rng.randint(0, 300)}", "retries": 0}
        for i in range(args.endpoints)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        config = {
            "site": {"name": "Bench", "url": "https://bench.example/"},
            "categories": [{"id": "berita", "label": {"id": "Berita"}, "section": "berita"}],
            "health": {"endpoints": endpoints, "concurrency": args.concurrency},
        }
        (root / "warta.yml").write_text(yaml.safe_dump(config))
        started = time.perf_counter()
        report = run_checks(load_config(root / "warta.yml"))
        total = time.perf_counter() - started
        # Baseline: the slowest endpoint, checked alone, in the same run.
        slowest_endpoint = max(endpoints, key=lambda e: int(str(e["url"]).rsplit("/", 1)[1]))
        config["health"] = {"endpoints": [slowest_endpoint], "database": "alone.sqlite"}
        (root / "warta.yml").write_text(yaml.safe_dump(config))
        started = time.perf_counter()
        run_checks(load_config(root / "warta.yml"))
        alone = time.perf_counter() - started
    server.shutdown()
    failed = sum(not r.success for r in report.results)
    print(
        f"{'endpoints':>9} {'concurrency':>11} {'total':>8} {'slowest alone':>13}"
        f" {'total/slowest':>13} {'failed':>6}"
    )
    print(
        f"{args.endpoints:>9} {args.concurrency:>11} {total:>7.2f}s {alone:>12.2f}s"
        f" {total / alone:>13.2f} {failed:>6}"
    )


if __name__ == "__main__":
    main()
