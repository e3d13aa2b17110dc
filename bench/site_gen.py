"""Generate a warta project with N news articles and M static pages (for benchmarks)."""

from __future__ import annotations

import hashlib
import os
import random
import subprocess
import textwrap
import time
from datetime import date
from pathlib import Path

import yaml

WARTA_YML = """\
version: 1
site: {name: Pengadilan Agama Bench, url: "https://bench.example/", language: id}
categories:
  - {id: profil, label: {id: Profil}, section: profil}
  - {id: layanan, label: {id: Layanan}, section: layanan}
  - {id: berita, label: {id: Berita}, section: berita, kind: post}
people:
  - {id: rina, name: Rina, email: rina@bench.example, roles: [operator]}
  - {id: hasan, name: Hasan, email: hasan@bench.example, roles: [penanggung-jawab]}
  - {id: sari, name: Sari, email: sari@bench.example, roles: [editor]}
review: {allowed_email_domains: [bench.example]}
"""

MKDOCS_YML = """\
site_name: Pengadilan Agama Bench
site_url: https://bench.example/
docs_dir: content
theme: {{name: material, language: id, features: [navigation.tabs, navigation.prune]}}
plugins:
{warta}  - search
  - blog: {{blog_dir: berita, categories: false, authors: false}}
validation:
  links: {{absolute_links: relative_to_docs}}
"""

WORDS = [
    "pengadilan",
    "agama",
    "sidang",
    "perkara",
    "layanan",
    "masyarakat",
    "hakim",
    "panitera",
    "mediasi",
    "putusan",
    "gugatan",
    "pemohon",
    "informasi",
    "publik",
    "kegiatan",
    "evaluasi",
    "kinerja",
]


def timed(args: list[str], cwd: Path) -> float:
    """Seconds a build command takes (its output discarded; a failure raises)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    subprocess.run(
        args, cwd=cwd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    return time.perf_counter() - start


def _paragraph(rng: random.Random, n: int = 60) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def generate(
    root: Path, articles: int, pages: int, *, warta_plugin: bool = True, seed: int = 1
) -> Path:
    """Write the project under ``root`` and return it."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    (root / "warta.yml").write_text(WARTA_YML)
    plugin = "  - warta\n" if warta_plugin else ""
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(warta=plugin))
    content = root / "content"
    (content / "berita").mkdir(parents=True, exist_ok=True)
    (content / "index.md").write_text("# Beranda\n\nSelamat datang.\n")
    (content / "berita" / "index.md").write_text("# Berita\n")
    (root / "drafts").mkdir(exist_ok=True)
    for number in range(pages):
        category = "profil" if number % 2 else "layanan"
        _item(content / category / f"halaman-{number:04d}", rng, number, category)
    for number in range(articles):
        _item(content / "berita" / "posts" / f"berita-{number:05d}", rng, number, "berita")
    return root


def add_article(root: Path, number: int, *, seed: int = 2) -> Path:
    """Add news article ``number``, dated after every generated one (the newest post)."""
    folder = root / "content" / "berita" / "posts" / f"berita-{number:05d}"
    _item(folder, random.Random(seed), number, "berita", when=date(2026, 12, 31))
    return folder


def _item(
    folder: Path, rng: random.Random, number: int, category: str, when: date | None = None
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    attachments = []
    links = ""
    if number % 10 == 0:
        data = b"%PDF-1.4\n% bench attachment " + str(number).encode() + b"\n%%EOF\n"
        (folder / "files").mkdir(exist_ok=True)
        (folder / "files" / "lampiran.pdf").write_bytes(data)
        attachments = [
            {
                "path": "files/lampiran.pdf",
                "sha256": hashlib.sha256(data).hexdigest(),
                "title": "Lampiran",
            }
        ]
        links = "\n[Unduh lampiran (PDF)](files/lampiran.pdf)\n"
    day = when.day if when else 1 + number % 28
    month = when.month if when else 1 + (number // 28) % 12
    front = {
        "title": f"Kegiatan pengadilan nomor {number} tahun ini",
        "slug": folder.name,
        "date": date(2026, month, day),  # a native date: the blog refuses a quoted one
        "category": category,
        "summary": "Ringkasan kegiatan pengadilan untuk uji kecepatan.",
        "author": "rina",
        "status": "published",
        "published_at": f"2026-{month:02d}-{day:02d}T10:00:00+08:00",
        "attachments": attachments,
        "review": {
            "by": "sari",
            "at": f"2026-{month:02d}-{day:02d}T09:00:00+08:00",
            "result": "passed",
        },
        "approval": {
            "by": "hasan",
            "role": "penanggung-jawab",
            "at": f"2026-{month:02d}-{day:02d}T09:30:00+08:00",
            "route": "routine",
        },
    }
    if not attachments:
        del front["attachments"]
    body = textwrap.dedent(f"""
        ## Ringkasan

        {_paragraph(rng)}

        ## Rincian

        {_paragraph(rng)}

        {_paragraph(rng)}
        {links}""")
    (folder / "index.md").write_text(
        "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True) + "---\n" + body
    )
