"""Bench: the staff desk under 50 concurrent sessions, beside the same pages' SQL alone.

Builds a site with --tickets tickets (nine in ten closed, the rest open at every step of
workflows B, C and D, a tenth of them incidents) and --days days of health history
(three endpoints checked every 5 minutes), serves it with ``warta desk`` (uvicorn, its
own process, real argon2 logins), and sends --requests requests to each page from
--sessions concurrent sessions, each its own logged-in person's cookie:

- ``/antrean``  the IT staff's queue (web-admin: steps B1, B3, B4, B9, C2, C4, ... D7);
- ``/dasbor``   the situation dashboard;
- ``/``         the requester's own requests.

The ``http`` rows are a closed loop: each session sends its next request as soon as the
last answer came (the desk serves a page it keeps while nothing it shows changed). The
``fresh`` rows are the same loop while a thread writes to the database every 20 ms, so
that nearly every page is made anew: the cost of a page without what the desk keeps.
Then times the use case of each page called directly, one at a time (``sql`` rows: the
database work and the Python around it, without HTTP, templates or sessions), so the
cost of the web layer reads as the difference. The ``think`` rows are an open model:
the same sessions, each waiting an exponential think time (``--think`` seconds on
average, 0 leaves them out) before each request. Prints requests per second, the p50 /
p95 latency in milliseconds and, for the closed loops, the CPU milliseconds per request
of the server's processes and of the bench's client (the same 2 cores). Goal on 2 cores:
p95 under 200 ms for the queue and the dashboard.

Usage:
    python bench/bench_desk.py [--tickets 10000] [--days 365] [--sessions 50]
        [--requests 1000] [--workers 2] [--think 2] [--no-fresh]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import opsdb  # noqa: E402
from pipeline.actor import actor_for  # noqa: E402
from pipeline.commands import accounts  # noqa: E402
from pipeline.commands import desk as rooms  # noqa: E402
from pipeline.config import load_config  # noqa: E402
from pipeline.health.store import database_path  # noqa: E402
from pipeline.tickets.workflows import DEFAULTS  # noqa: E402

PASSWORD = "kata-sandi-bench-yang-panjang"
WARTA_YML = """\
version: 1
site: {{name: Pengadilan Agama Bench, url: "https://bench.example/", timezone: Asia/Makassar}}
categories:
  - {{id: berita, label: {{id: Berita}}, section: berita, kind: post, max_age: 7d}}
  - {{id: profil, label: {{id: Profil}}, section: profil}}
people:
{people}
health:
  endpoints:
    - {{name: situs, url: "https://bench.example/"}}
    - {{name: sipp, url: "https://sipp.bench.example/"}}
    - {{name: ecourt, url: "https://ecourt.bench.example/"}}
tickets: {{receiver: admin0}}
desk: {{url: "http://127.0.0.1:{port}"}}
"""


def people(staff: int, requesters: int) -> str:
    lines = [
        f"  - {{id: admin{n}, name: Admin {n}, email: admin{n}@bench.example, roles: [web-admin]}}"
        for n in range(staff)
    ]
    lines += [
        f"  - {{id: staf{n}, name: Staf {n}, email: staf{n}@bench.example, roles: [operator]}}"
        for n in range(requesters)
    ]
    lines.append(
        "  - {id: pj, name: Penanggung Jawab, email: pj@bench.example, roles: [kasubbag-ti]}"
    )
    return "\n".join(lines)


def fill(db_path: Path, tickets: int, days: int, requesters: int, now: datetime) -> None:
    """Tickets and health history written straight into the tables (documented formats)."""
    rng = random.Random(18)
    db = opsdb.connect(db_path)
    steps = {letter: [s.id for s in DEFAULTS[letter].steps] for letter in "BCD"}
    rows, events = [], []
    for number in range(1, tickets + 1):
        letter = rng.choices("BCD", weights=(8, 1, 1))[0]
        opened = now - timedelta(minutes=rng.randrange(days * 24 * 60 + 1))
        closed = rng.random() < 0.9
        step = steps[letter][-1] if closed else rng.choice(steps[letter])
        kind = "incident" if letter == "B" and rng.random() < 0.1 else "request"
        requester = f"Staf {rng.randrange(requesters)}"
        due = None if closed else (opened + timedelta(days=rng.randrange(1, 8))).isoformat()
        rows.append(
            (
                number,
                letter,
                kind,
                f"Permintaan {number}",
                "closed" if closed else "open",
                step,
                rng.choice(["P1", "P2", "P3", "P4", ""]),
                requester,
                opened.isoformat(),
                due,
                (opened + timedelta(days=2)).isoformat() if closed else None,
                "",
                "Uraian permintaan",
                "Subbagian Umum",
                "",
                "",
                "",
                "admin0",
                opened.isoformat(),
                "",
                "",
            )
        )
        events.append((number, opened.isoformat(), "staf0", "", "open", steps[letter][0], "", ""))
    with opsdb.transaction(db):
        db.executemany(f"INSERT INTO tickets VALUES ({', '.join('?' * 21)})", rows)
        db.executemany(
            "INSERT INTO ticket_events (ticket_id, at, actor, role, action, step, note, "
            "attachment) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            events,
        )
    checks = []
    for endpoint in ("situs", "sipp", "ecourt"):
        for minutes in range(0, days * 24 * 60, 5):
            moment = now - timedelta(minutes=minutes)
            # an HTTPS check records the certificate's expiry (renewed every 90 days)
            expires = (moment + timedelta(days=90 - (minutes // 1440) % 90)).isoformat()
            checks.append(
                (
                    endpoint,
                    moment.isoformat(),
                    int(rng.random() > 0.01),
                    200,
                    rng.uniform(80, 400),
                    expires,
                )
            )
    with opsdb.transaction(db):
        db.executemany(
            "INSERT INTO health_results (endpoint, at, success, status, response_ms, "
            "certificate_expires) VALUES (?, ?, ?, ?, ?, ?)",
            checks,
        )
        for endpoint in ("situs", "sipp", "ecourt"):
            db.execute(
                "INSERT INTO health_state VALUES (?, 'up', 0, 5, ?)", (endpoint, now.isoformat())
            )
    db.execute("ANALYZE")
    db.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"the desk did not start on port {port}")


async def login(client: httpx.AsyncClient, person: str) -> str:
    """A real login (argon2) through the login form; the session cookie's value."""
    page = await client.get("/masuk")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token
    answer = await client.post(
        "/masuk", data={"csrf": token.group(1), "person": person, "password": PASSWORD}
    )
    assert answer.status_code == 303, answer.text[:300]
    return str(client.cookies["desk"])


CLIENT = "raw asyncio HTTP/1.1, one keep-alive connection per session"
"""What the http and think rows are measured with (printed with the figures)."""


class Connection:
    """One session's keep-alive HTTP/1.1 connection: a GET is one write and the reads of
    its head and its ``content-length`` body. Lighter than a general client, so that on
    2 cores the figures are the server's rather than the bench's own parsing."""

    def __init__(self, port: int, cookie: str) -> None:
        self.port = port
        self.cookie = cookie
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> int:
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        self.writer.write(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
            f"Cookie: desk={self.cookie}\r\n\r\n".encode()
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        length = re.search(rb"\r\ncontent-length: *(\d+)", head, re.IGNORECASE)
        if length is None:
            raise SystemExit(f"GET {path}: an answer without content-length: {head[:200]!r}")
        await self.reader.readexactly(int(length.group(1)))
        if re.search(rb"\r\nconnection: *close", head, re.IGNORECASE):
            self.writer.close()
        return int(head[9:12])

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def sessions(base: str, persons: list[str]) -> list[str]:
    """One logged-in session per entry of ``persons`` (a person may have several)."""
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        cookies = []
        for person in persons:
            client.cookies.clear()
            cookies.append(await login(client, person))
        return cookies


async def hammer(
    port: int, cookies: list[str], path: str, requests: int, think: float = 0.0
) -> list[float]:
    """Latencies of ``requests`` GETs of ``path`` from the logged-in sessions of
    ``cookies``, all at once; each session sends back to back (closed loop), or with
    ``think`` > 0 waits an exponential think time of that mean (seconds) before each
    request (an open model of people reading the page before the next click). The last
    element is the wall time, negated."""
    rng = random.Random(18)
    connections = [Connection(port, cookie) for cookie in cookies]
    try:
        for connection in connections:  # warm: first page of each session
            assert await connection.get(path) == 200
        latencies: list[float] = []
        per = max(1, requests // len(connections))

        async def one(connection: Connection) -> None:
            for _ in range(per):
                if think > 0:
                    await asyncio.sleep(rng.expovariate(1 / think))
                started = time.perf_counter()
                status = await connection.get(path)
                latencies.append(time.perf_counter() - started)
                assert status == 200, status

        started = time.perf_counter()
        await asyncio.gather(*(one(c) for c in connections))
        latencies.append(-(time.perf_counter() - started))  # the wall time, marked
        return latencies
    finally:
        for connection in connections:
            connection.close()


class Writer:
    """With ``active``, a thread that writes to the database every ``every`` seconds
    (an update of an endpoint's state that changes nothing, but is a write like a
    health check's), so that the desk's kept pages and sessions are nearly never
    served: each request makes its page anew (the ``fresh`` rows)."""

    def __init__(self, path: Path, *, active: bool, every: float = 0.02) -> None:
        self.path, self.active, self.every = path, active, every
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            while not self.stop.wait(self.every):
                db.execute("UPDATE health_state SET failures = failures WHERE endpoint = 'situs'")
        finally:
            db.close()

    def __enter__(self) -> Writer:
        if self.active:
            self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        if self.active:
            self.thread.join()


def tree_cpu(pid: int) -> float:
    """CPU seconds (user and system) of process ``pid`` and its children (the uvicorn
    workers), from /proc; 0 where /proc is not there."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for one in pids:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def figures(times: list[float]) -> tuple[float, float, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return len(times), statistics.median(ordered) * 1000, p95 * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument(
        "--no-fresh",
        dest="fresh",
        action="store_false",
        help="leave out the fresh rows (the closed loop with a write every 20 ms)",
    )
    parser.add_argument(
        "--think",
        type=float,
        default=2.0,
        help="mean think time in seconds of the open-model rows (0: closed loop only)",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="warta-bench-desk-") as folder:
        root = Path(folder)
        port = free_port()
        # sessions share persons (a person may have several): 10 accounts of each kind
        staff, requesters = min(10, args.sessions), min(10, args.sessions)
        (root / "warta.yml").write_text(
            WARTA_YML.format(people=people(staff, requesters), port=port)
        )
        (root / "content" / "berita").mkdir(parents=True)
        config = load_config(root / "warta.yml")
        now = datetime.now(UTC)
        started = time.perf_counter()
        fill(database_path(config), args.tickets, args.days, requesters, now)
        for person in (
            [f"admin{n}" for n in range(staff)] + [f"staf{n}" for n in range(requesters)] + ["pj"]
        ):
            link = accounts.invite(config, person, by="pj").link
            accounts.accept(config, link.rsplit("/", 1)[1], PASSWORD, PASSWORD)
        built = time.perf_counter() - started
        print(
            f"# {args.tickets} tickets, {args.days} days of health history (3 endpoints), "
            f"{args.sessions} concurrent sessions, {args.workers} workers; built in {built:.1f} s"
        )
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        log = root / "desk.log"
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pipeline",
                "--config",
                str(root / "warta.yml"),
                "desk",
                "--port",
                str(port),
                "--workers",
                str(args.workers),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log.open("wb"),  # a file, not a pipe nobody reads (a full pipe blocks)
        )
        try:
            wait_for(port)
            base = f"http://127.0.0.1:{port}"
            print(
                f"# http: {args.sessions} sessions sending back to back (closed loop); "
                f"fresh: the same while another process writes every 20 ms (each page made "
                f"anew, not served kept); sql: the page's use case alone, one call at a time"
                + (
                    f"; think: the same sessions each waiting an exponential think time "
                    f"(mean {args.think:g} s) before each request (open model)"
                    if args.think > 0
                    else ""
                )
            )
            print(
                f"# client: {CLIENT}; server: uvicorn, {args.workers} worker process(es); "
                "srv_cpu / cli_cpu: CPU ms per request of the server's processes / the client"
            )
            print(
                f"{'page':<10} {'kind':<5} {'requests':>8} {'rps':>8} {'p50_ms':>8} {'p95_ms':>8}"
                f" {'srv_cpu':>8} {'cli_cpu':>8}"
            )
            staff_people = [f"admin{n % staff}" for n in range(args.sessions)]
            requester_people = [f"staf{n % requesters}" for n in range(args.sessions)]
            # each person's sessions log in once (real argon2 logins) and serve every row
            staff_cookies = asyncio.run(sessions(base, staff_people))
            requester_cookies = asyncio.run(sessions(base, requester_people))
            pages = [
                ("/antrean", staff_cookies, "queue"),
                ("/dasbor", staff_cookies, "dashboard"),
                ("/", requester_cookies, "mine"),
            ]

            def closed(kind: str, path: str, cookies: list[str], writes: bool) -> None:
                server_cpu, client_cpu = tree_cpu(server.pid), time.process_time()
                with Writer(database_path(config), active=writes):
                    times = asyncio.run(hammer(port, cookies, path, args.requests))
                server_cpu = tree_cpu(server.pid) - server_cpu
                client_cpu = time.process_time() - client_cpu
                wall = -times.pop()
                count, p50, p95 = figures(times)
                rps = count / wall
                # CPU per request (ms) of the server's processes and of this client
                cpu = 1000 / (count + len(cookies))
                print(
                    f"{name:<10} {kind:<5} {count:>8} {rps:>8.1f} {p50:>8.1f} {p95:>8.1f} "
                    f"{server_cpu * cpu:>8.2f} {client_cpu * cpu:>8.2f}"
                )

            for path, cookies, name in pages:
                closed("http", path, cookies, writes=False)
                if args.fresh:
                    closed("fresh", path, cookies, writes=True)
                direct = sql_alone(config, name, max(20, min(200, args.requests // 5)))
                count, p50, p95 = figures(direct)
                print(
                    f"{name:<10} {'sql':<5} {count:>8} {count / sum(direct):>8.1f} "
                    f"{p50:>8.1f} {p95:>8.1f}"
                )
                if args.think > 0:
                    times = asyncio.run(hammer(port, cookies, path, args.requests, args.think))
                    wall = -times.pop()
                    count, p50, p95 = figures(times)
                    print(
                        f"{name:<10} {'think':<5} {count:>8} {count / wall:>8.1f} "
                        f"{p50:>8.1f} {p95:>8.1f}"
                    )
        except BaseException:
            sys.stderr.write("the desk's log (last lines):\n")
            sys.stderr.write("\n".join(log.read_text(errors="replace").splitlines()[-40:]))
            raise
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()


def sql_alone(config, name: str, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    """The page's use case called directly, one call at a time (after the desk's own
    start, which checks the database once)."""
    rooms.start(config)
    staff = actor_for(config, "admin0", how="session")
    requester = actor_for(config, "staf0", how="session")
    call = {
        "queue": lambda: rooms.my_queue(config, staff),
        "dashboard": lambda: rooms.dashboard(config, staff),
        "mine": lambda: rooms.my_requests(config, requester),
    }[name]
    call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return times


if __name__ == "__main__":
    main()
