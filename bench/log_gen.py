"""Generate a realistic combined-format access log of N lines (deterministic)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/119.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
]
PAGES = [
    "/",
    "/berita/",
    "/pengumuman/",
    "/layanan/cerai-gugat/",
    "/biaya-perkara/",
    "/jadwal-sidang/agenda-sidang/",
    "/profil/visi-misi/",
    "/assets/main.css",
    "/assets/app.js",
    "/search/search_index.json",
] + [f"/berita/2026/{m:02d}/{d:02d}/kegiatan-{m}-{d}/" for m in range(1, 12) for d in (3, 17)]
ATTACKS = [
    "/.env",
    "/wp-login.php",
    "/phpmyadmin/",
    "/cari?q=1%27%20OR%201%3D1--",
    "/x?u=%3Cscript%3Ealert(1)%3C/script%3E",
    "/files/..%2f..%2fetc/passwd",
]


def generate(path: Path, count: int, seed: int = 7, *, distinct_ips: bool = False) -> Path:
    """Write the log; with ``distinct_ips`` every line comes from its own address (the
    memory worst case: a million distinct hosts and visitors)."""
    rng = random.Random(seed)
    start = datetime(2026, 11, 1, tzinfo=UTC)
    step = timedelta(days=24) / count
    ips = [
        f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        for _ in range(5000)
    ]
    with path.open("w") as out:
        for i in range(count):
            moment = (start + step * i).astimezone()
            stamp = moment.strftime("%d/%b/%Y:%H:%M:%S %z")
            if distinct_ips:
                ip = f"{1 + (i >> 24) % 223}.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"
            else:
                ip = ips[int(rng.paretovariate(1.2)) % len(ips)]
            if rng.random() < 0.002:
                page, status, agent = rng.choice(ATTACKS), 404, "Mozilla/5.0 zgrab/0.x"
            else:
                page = rng.choice(PAGES)
                status = rng.choices((200, 304, 404, 500), (90, 6, 3, 1))[0]
                agent = rng.choice(AGENTS)
            size = 0 if status == 304 else rng.randint(200, 60_000)
            referer = rng.choice(("-", "-", "https://www.google.com/", f"https://x.example{page}"))
            out.write(
                f'{ip} - - [{stamp}] "GET {page} HTTP/1.1" {status} {size} "{referer}" "{agent}"\n'
            )
    return path
