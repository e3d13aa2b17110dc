"""Generate a warta project with N news articles and M static pages (for benchmarks).

The articles look like a court's news: a title and a summary of real length, a body
of four to six hundred words in sections (a table in some, links to static pages and
to older articles), tags drawn from a fixed vocabulary, a photo in a third of them
and a PDF attachment in a fifth, dated evenly over ten years. ``clone_from`` takes the
posts of an existing project (the example site) instead and copies them N times with
their tags, summaries, bodies and files, renamed and redated.

The same posts can be written as a Hugo site (``hugo_site``) to compare with Hugo.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import struct
import subprocess
import time
import zlib
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

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

# As the example site (mkdocs.yml at the project root): tags, a blog with its archive.
MKDOCS_YML = """\
site_name: Pengadilan Agama Bench
site_url: https://bench.example/
docs_dir: content
theme: {{name: material, language: id, features: [navigation.tabs, navigation.prune]}}
plugins:
{warta}  - tags
  - blog:
      blog_dir: berita
      post_date_format: long
      post_url_format: "{{date}}/{{slug}}"
      archive_name: Arsip
      categories: false
      authors: false
markdown_extensions:
  - admonition
  - attr_list
  - tables
  - toc: {{permalink: true}}
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
    "termohon",
    "informasi",
    "publik",
    "kegiatan",
    "evaluasi",
    "kinerja",
    "pelayanan",
    "terpadu",
    "satu",
    "pintu",
    "pendaftaran",
    "elektronik",
    "persidangan",
    "keliling",
    "pos",
    "bantuan",
    "hukum",
    "penyelesaian",
    "dispensasi",
    "kawin",
    "isbat",
    "nikah",
    "cerai",
    "gugat",
    "talak",
    "harta",
    "bersama",
    "kewarisan",
    "wasiat",
    "hibah",
    "wakaf",
    "ekonomi",
    "syariah",
    "zona",
    "integritas",
    "wilayah",
    "bebas",
    "korupsi",
    "birokrasi",
    "bersih",
    "melayani",
    "survei",
    "kepuasan",
    "indeks",
    "persepsi",
    "anti",
    "korupsi",
    "pengaduan",
    "tindak",
    "lanjut",
    "sosialisasi",
    "desa",
    "sekolah",
    "kecamatan",
    "kabupaten",
    "provinsi",
    "mahkamah",
    "agung",
    "badan",
    "peradilan",
    "direktorat",
    "jenderal",
    "rapat",
    "koordinasi",
    "pembinaan",
    "pengawasan",
    "pimpinan",
    "pegawai",
    "aparatur",
    "sipil",
    "negara",
    "pelatihan",
]

TAGS = [
    "kinerja",
    "statistik",
    "pelayanan",
    "e-court",
    "mediasi",
    "zona-integritas",
    "pengawasan",
    "pelatihan",
    "sosialisasi",
    "sidang-keliling",
    "posbakum",
    "dispensasi-kawin",
    "isbat-nikah",
    "ekonomi-syariah",
    "kewarisan",
    "survei",
    "pengaduan",
    "rapat",
    "pelantikan",
    "kunjungan",
    "kerja-sama",
    "penghargaan",
    "anggaran",
    "aset",
    "kepegawaian",
    "teknologi",
    "keamanan",
    "disabilitas",
    "perempuan-dan-anak",
    "hari-besar",
    "bakti-sosial",
    "donor-darah",
    "olahraga",
    "ibadah",
    "kesehatan",
    "lingkungan",
]

PAGES_LINKED = 6  # static pages an article may link to


def timed(args: list[str], cwd: Path) -> float:
    """Seconds a build command takes (its output discarded; a failure raises)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    done = subprocess.run(
        args, cwd=cwd, check=False, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    if done.returncode:
        raise RuntimeError(f"{' '.join(args)} failed in {cwd}:\n{done.stderr.decode()[-3000:]}")
    return time.perf_counter() - start


def _sentence(rng: random.Random, low: int = 8, high: int = 22) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random, sentences: int = 4) -> str:
    return " ".join(_sentence(rng) for _ in range(sentences))


def _png(width: int, height: int, seed: int) -> bytes:
    """A small valid PNG (a photo stand-in a few kilobytes long)."""
    rng = random.Random(seed)
    rows = b"".join(
        b"\0" + bytes(rng.randrange(256) for _ in range(width * 3)) for _ in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def post_date(number: int, articles: int, *, years: int = 10, end: date = date(2026, 11, 30)):
    """Article ``number`` of ``articles``, dated evenly over ``years`` up to ``end``."""
    span = years * 365
    offset = span - (span * (articles - 1 - number)) // max(articles, 1)
    return end - timedelta(days=span - offset)


def generate(
    root: Path,
    articles: int,
    pages: int,
    *,
    warta_plugin: bool = True,
    seed: int = 1,
    clone_from: Path | None = None,
) -> Path:
    """Write the project under ``root`` and return it."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    (root / "warta.yml").write_text(WARTA_YML)
    # warta indexes with Pagefind (its plugin runs it); plain mkdocs-material keeps lunr.
    plugin = "  - warta\n" if warta_plugin else "  - search\n"
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(warta=plugin))
    content = root / "content"
    (content / "berita").mkdir(parents=True, exist_ok=True)
    (content / "index.md").write_text("# Beranda\n\nSelamat datang.\n")
    (content / "berita" / "index.md").write_text("# Berita\n")
    (content / "tags.md").write_text("# Tag\n\n<!-- material/tags -->\n")
    (root / "drafts").mkdir(exist_ok=True)
    for number in range(pages):
        category = "profil" if number % 2 else "layanan"
        _page(content / category / f"halaman-{number:04d}", rng, number, category)
    sources = _clone_sources(clone_from) if clone_from else []
    for number in range(articles):
        folder = content / "berita" / "posts" / f"berita-{number:05d}"
        when = post_date(number, articles)
        if sources:
            _clone(folder, sources[number % len(sources)], number, when)
        else:
            _article(folder, rng, number, when, pages)
    return root


def add_article(root: Path, number: int, *, seed: int = 2) -> Path:
    """Add news article ``number``, dated after every generated one (the newest post)."""
    folder = root / "content" / "berita" / "posts" / f"berita-{number:05d}"
    pages = len(list((root / "content").glob("*/halaman-*/index.md")))
    _article(folder, random.Random(seed), number, date(2026, 12, 31), pages)
    return folder


def _front(
    folder: Path, number: int, when: date, category: str, title: str, summary: str
) -> dict[str, Any]:
    at = f"{when.isoformat()}T10:00:00+08:00"
    return {
        "title": title,
        "slug": folder.name,
        "date": when,  # a native date: the blog refuses a quoted one
        "category": category,
        "summary": summary,
        "author": "rina",
        "status": "published",
        "published_at": at,
        "review": {"by": "sari", "at": at.replace("T10", "T09"), "result": "passed"},
        "approval": {
            "by": "hasan",
            "role": "penanggung-jawab",
            "at": at.replace("T10:00", "T09:30"),
            "route": "routine",
        },
    }


def _write(folder: Path, front: dict[str, Any], body: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.md").write_text(
        "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True) + "---\n" + body
    )


def _attach(folder: Path, front: dict[str, Any], name: str, data: bytes, title: str) -> str:
    (folder / "files").mkdir(parents=True, exist_ok=True)
    (folder / "files" / name).write_bytes(data)
    front.setdefault("attachments", []).append(
        {"path": f"files/{name}", "sha256": hashlib.sha256(data).hexdigest(), "title": title}
    )
    return f"files/{name}"


def _page(folder: Path, rng: random.Random, number: int, category: str) -> None:
    title = f"Halaman layanan nomor {number} untuk masyarakat"
    front = _front(folder, number, date(2026, 1, 1 + number % 28), category, title, "")
    front["summary"] = _sentence(rng, 14, 24)
    body = "".join(f"\n## {_sentence(rng, 2, 4)[:-1]}\n\n{_paragraph(rng)}\n" for _ in range(3))
    _write(folder, front, body)


def _article(folder: Path, rng: random.Random, number: int, when: date, pages: int) -> None:
    title = f"{_sentence(rng, 6, 10)[:-1]} ({number})"[:100]
    summary = " ".join(_sentence(rng, 10, 16) for _ in range(2))[:290]
    front = _front(folder, number, when, "berita", title, summary)
    front["tags"] = sorted(set(rng.sample(TAGS, rng.randint(1, 4))))
    sections = [f"{_paragraph(rng, 5)}\n\n{_paragraph(rng, 4)}"]
    for _ in range(rng.randint(2, 4)):
        sections.append(f"## {_sentence(rng, 2, 5)[:-1]}\n\n{_paragraph(rng, 5)}")
    if number % 4 == 0:
        rows = "\n".join(
            f"| {rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} | {rng.randint(1, 700)} "
            f"| {rng.randint(1, 700)} |"
            for _ in range(5)
        )
        sections.append(f"| Jenis perkara | Diterima | Diputus |\n|---|---|---|\n{rows}")
    if number % 3 == 0:
        path = _attach(folder, front, "foto.png", _png(24, 16, number), "Foto kegiatan")
        sections.insert(1, f"![Foto kegiatan {number}]({path})")
    if number % 5 == 0:
        pdf = b"%PDF-1.4\n% bench attachment " + str(number).encode() + b"\n%%EOF\n"
        path = _attach(folder, front, "lampiran.pdf", pdf, "Lampiran")
        sections.append(f"[Unduh lampiran (PDF)]({path})")
    links = []
    if pages and number % 2 == 0:
        page = rng.randrange(min(pages, PAGES_LINKED))
        category = "profil" if page % 2 else "layanan"
        links.append(f"[halaman layanan](/{category}/halaman-{page:04d}/index.md)")
    if number >= 10 and number % 7 == 0:
        links.append(f"[berita sebelumnya](../berita-{number - rng.randint(1, 9):05d}/index.md)")
    if links:
        sections.append("Informasi lebih lanjut: " + ", ".join(links) + ".")
    _write(folder, front, "\n" + "\n\n".join(sections) + "\n")


def _clone_sources(project: Path) -> list[tuple[dict[str, Any], str, Path]]:
    """The posts of a project: (front matter, body, folder), in a stable order."""
    out = []
    for index in sorted((project / "content").glob("*/posts/*/index.md")):
        text = index.read_text(encoding="utf-8")
        _, fm, body = text.split("---\n", 2)
        out.append((yaml.safe_load(fm), body, index.parent))
    if not out:
        raise SystemExit(f"no posts under {project}/content/*/posts/")
    return out


_ABSOLUTE = re.compile(r"\]\(/[^)]*\)")


def _clone(folder: Path, source: tuple[dict[str, Any], str, Path], number: int, when: date):
    front, body, origin = source
    front = {**front, "slug": folder.name, "date": when, "category": "berita"}
    front["title"] = f"{front['title'][:90]} ({number})"
    at = datetime.combine(when, datetime.min.time()).isoformat() + "+08:00"
    front["published_at"] = at
    for key in ("review", "approval"):
        if isinstance(front.get(key), dict):
            front[key] = {**front[key], "at": at}
    front.pop("history", None)
    # Links to the example's static pages do not exist in the bench site.
    body = _ABSOLUTE.sub("](/index.md)", body)
    if (origin / "files").is_dir():
        shutil.copytree(origin / "files", folder / "files")
    _write(folder, front, body)


# -- Hugo -----------------------------------------------------------------------------------


def hugo_site(project: Path, out: Path, theme: Path) -> Path:
    """The posts and pages of a generated project as a Hugo site using ``theme``."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "hugo.toml").write_text(
        'baseURL = "https://bench.example/"\nlanguageCode = "id"\n'
        'title = "Pengadilan Agama Bench"\ntheme = "minimal"\n'
        "paginate = 10\nbuildFuture = true\n"
        "[markup.goldmark.renderer]\nunsafe = true\n"
    )
    themes = out / "themes"
    themes.mkdir(exist_ok=True)
    if not (themes / "minimal").exists():
        shutil.copytree(theme, themes / "minimal")
    copy_into_hugo(project, out)
    return out


def copy_into_hugo(project: Path, out: Path) -> None:
    """Write (again) every item of ``project`` as Hugo content (page bundles)."""
    content = out / "content"
    for index in sorted((project / "content").glob("**/index.md")):
        rel = index.parent.relative_to(project / "content")
        parts = [p for p in rel.parts if p != "posts"]
        target = content.joinpath(*parts) / ("_index.md" if len(parts) <= 1 else "index.md")
        if target.exists():
            continue
        text = index.read_text(encoding="utf-8")
        if text.startswith("---\n"):
            _, fm, body = text.split("---\n", 2)
            meta = yaml.safe_load(fm) or {}
        else:
            meta, body = {"title": text.splitlines()[0].lstrip("# ")}, text
        front = {k: meta[k] for k in ("title", "date", "summary", "tags") if k in meta}
        body = re.sub(r"\]\(([^)]*?)index\.md\)", r"](\1)", body)  # Hugo links to folders
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + body)
        if (index.parent / "files").is_dir():
            shutil.copytree(index.parent / "files", target.parent / "files", dirs_exist_ok=True)


def edit_article(root: Path, number: int) -> Path:
    """Change one sentence of article ``number``'s body (an editor's correction)."""
    index = root / "content" / "berita" / "posts" / f"berita-{number:05d}" / "index.md"
    text = index.read_text(encoding="utf-8")
    index.write_text(text + "\nRalat: jadwal sidang keliling diundur satu pekan.\n")
    return index


def embargo_article(root: Path, number: int, publish_at: str) -> Path:
    """Add article ``number``, published but under embargo until ``publish_at``."""
    folder = add_article(root, number, seed=4)
    index = folder / "index.md"
    text = index.read_text(encoding="utf-8")
    index.write_text(
        text.replace("\nstatus: published\n", f"\nstatus: published\npublish_at: {publish_at}\n", 1)
    )
    return folder
