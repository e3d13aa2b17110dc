"""The files of a new court's own site repository (``warta init``).

:func:`starter_files` returns every file as text, by path; it writes nothing. The site it
describes builds at once with ``mkdocs --strict``: every category has its section page,
every page the assessment's checklist asks for exists as a *stub* (a published page that
says it is still to be written, marked ``<!-- warta:stub -->``), so ``warta compliance``
lists what the court must still fill, and the home page links what the checklist wants
linked from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

import yaml

from pipeline import __version__
from pipeline.site.compliance import STUB_MARKER, Checklist

#: Indonesia's three time zones (the ``site.timezone`` a court may choose).
TIMEZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")

#: The category vocabulary of a court's site (the example court's): id, label, section,
#: group, kind, max_age.
CATEGORIES: list[dict[str, object]] = [
    {"id": "profil", "label": {"id": "Profil", "en": "Profile"}, "section": "profil"},
    {
        "id": "layanan",
        "label": {"id": "Layanan Perkara", "en": "Case Services"},
        "section": "layanan",
        "group": {"id": "Layanan", "en": "Services"},
    },
    {
        "id": "biaya-perkara",
        "label": {"id": "Biaya Perkara", "en": "Case Fees"},
        "section": "biaya-perkara",
        "group": {"id": "Layanan", "en": "Services"},
        "max_age": "365d",
    },
    {
        "id": "jadwal-sidang",
        "label": {"id": "Jadwal Sidang", "en": "Hearing Agenda"},
        "section": "jadwal-sidang",
        "group": {"id": "Layanan", "en": "Services"},
    },
    {
        "id": "hak-para-pihak",
        "label": {"id": "Hak Para Pihak", "en": "Rights of the Parties"},
        "section": "hak-para-pihak",
        "group": {"id": "Layanan", "en": "Services"},
    },
    {
        "id": "pengaduan",
        "label": {"id": "Pengaduan", "en": "Complaints"},
        "section": "pengaduan",
        "group": {"id": "Layanan", "en": "Services"},
    },
    {
        "id": "informasi-publik",
        "label": {"id": "Informasi Publik", "en": "Public Information"},
        "section": "informasi-publik",
        "group": {"id": "Transparansi", "en": "Transparency"},
        "max_age": "183d",
    },
    {
        "id": "transparansi",
        "label": {"id": "Program Kerja dan Anggaran", "en": "Work Programme and Budget"},
        "section": "transparansi",
        "group": {"id": "Transparansi", "en": "Transparency"},
        "max_age": "183d",
    },
    {
        "id": "laporan-keuangan",
        "label": {"id": "Laporan Keuangan", "en": "Finance Reports"},
        "section": "laporan-keuangan",
        "group": {"id": "Transparansi", "en": "Transparency"},
        "max_age": "92d",
    },
    {
        "id": "statistik-perkara",
        "label": {"id": "Statistik Perkara", "en": "Case Statistics"},
        "section": "statistik-perkara",
        "group": {"id": "Transparansi", "en": "Transparency"},
        "max_age": "31d",
    },
    {
        "id": "berita",
        "label": {"id": "Berita", "en": "News"},
        "section": "berita",
        "kind": "post",
        "max_age": "7d",
    },
    {
        "id": "pengumuman",
        "label": {"id": "Pengumuman", "en": "Announcements"},
        "section": "pengumuman",
        "kind": "post",
        "max_age": "30d",
    },
]

#: Quick links every court shares (the Supreme Court's services). SIPP is the court's
#: own address, given with ``--sipp-url``.
SHARED_LINKS = [
    {"id": "e-court", "label": "e-Court", "url": "https://ecourt.mahkamahagung.go.id/"},
    {"id": "siwas", "label": "SIWAS (Pengaduan)", "url": "https://siwas.mahkamahagung.go.id/"},
    {
        "id": "direktori-putusan",
        "label": "Direktori Putusan",
        "url": "https://putusan3.mahkamahagung.go.id/",
    },
    {"id": "survei", "label": "Survei Kepuasan", "url": "/layanan/survei-kepuasan-masyarakat/"},
]

#: Stubs for checklist items that live in a category rather than at a fixed page.
_CATEGORY_STUBS = {
    "layanan": "prosedur-berperkara",
    "jadwal-sidang": "agenda-sidang",
    "laporan-keuangan": "laporan-keuangan-{year}",
    "statistik-perkara": "statistik-perkara-{year}",
    "berita": "situs-baru",
    "pengumuman": "pengumuman-pertama",
}


@dataclass(frozen=True)
class NewPerson:
    """A person of the new site (``--person id:Name:email:role,role``)."""

    id: str
    name: str
    email: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class NewSite:
    """What ``warta init`` is told about the court."""

    name: str
    url: str
    timezone: str = "Asia/Makassar"
    people: tuple[NewPerson, ...] = ()
    sipp_url: str = ""


def starter_files(site: NewSite, checklist: Checklist, *, now: datetime) -> dict[str, str]:
    """Every file of the new site repository, by relative path."""
    url = site.url if site.url.endswith("/") else site.url + "/"
    domain = (urlsplit(url).hostname or "").removeprefix("www.")
    today = now.date()
    author = site.people[0].id if site.people else ""
    files: dict[str, str] = {
        "warta.yml": _warta_yml(site, url, domain),
        "mkdocs.yml": _mkdocs_yml(site, url),
        ".gitignore": "/site/\n/.site.*\n/.warta/\n/archive/*\n!/archive/README.md\n",
        "archive/README.md": "Tas BagIt setiap versi yang terbit (`warta archive`).\n",
        "drafts/.gitkeep": "",
        "README.md": _readme(site),
        ".github/workflows/review.yml": _REVIEW_WORKFLOW.replace("VERSION", __version__),
        ".github/workflows/publish.yml": _PUBLISH_WORKFLOW.replace("VERSION", __version__),
        "content/index.md": _home(checklist),
        "content/tags.md": "---\ntitle: Tag\nsearch:\n  exclude: true\n---\n# Tag\n\n"
        "<!-- material/tags -->\n",
    }
    for entry_category in CATEGORIES:
        label = entry_category["label"]["id"]  # type: ignore[index]
        files[f"content/{entry_category['section']}/index.md"] = f"# {label}\n"
    for entry in checklist.items:
        where = entry.where
        if where.page:
            folder, category = where.page, where.page.split("/", 1)[0]
            slug = where.page.rsplit("/", 1)[1]
        elif where.category:
            category = where.category
            slug = (where.prefix.rstrip("-") + f"-{today.year}") if where.prefix else ""
            slug = slug or _CATEGORY_STUBS[category].format(year=today.year)
            kind = next((c.get("kind") for c in CATEGORIES if c["id"] == category), None)
            folder = f"{category}/posts/{slug}" if kind == "post" else f"{category}/{slug}"
        else:
            continue
        path = f"content/{folder}/index.md"
        if path not in files:
            files[path] = _stub(entry.title, slug, category, today, author, now)
    return files


def _warta_yml(site: NewSite, url: str, domain: str) -> str:
    links = (
        [{"id": "sipp", "label": "SIPP (Penelusuran Perkara)", "url": site.sipp_url}]
        if site.sipp_url
        else []
    ) + SHARED_LINKS
    data = {
        "version": 1,
        "site": {"name": site.name, "url": url, "language": "id", "timezone": site.timezone},
        "court": {
            "address": "",
            "phone": "",
            "whatsapp": "",
            "email": "",
            "hours": "",
            "links": links,
        },
        "categories": CATEGORIES,
        "people": [
            {"id": p.id, "name": p.name, "email": p.email, "roles": list(p.roles)}
            for p in site.people
        ],
        "review": {"allowed_email_domains": sorted({domain, "mahkamahagung.go.id"} - {""})},
    }
    head = (
        f"# warta configuration of {site.name} (docs/configuration.md of warta).\n"
        "# Fill court: (address, telephone, WhatsApp, e-mail, hours) and run\n"
        "# `warta compliance` to see which pages are still to be written.\n"
    )
    return head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def _mkdocs_yml(site: NewSite, url: str) -> str:
    return f"""\
# Built by `warta publish`. The warta plugin builds the navigation from the categories of
# warta.yml, gives the site its court look and indexes it with Pagefind (Indonesian search).
site_name: {_yaml_str(site.name)}
site_url: {url}
site_description: {_yaml_str("Situs resmi " + site.name)}
docs_dir: content
site_dir: site
copyright: {_yaml_str(site.name)}

theme:
  name: material
  language: id
  features:
    - navigation.tabs
    - navigation.sections
    - navigation.indexes
    - navigation.top
    - navigation.prune

plugins:
  - warta:
      config_file: warta.yml
  - tags
  - blog:
      blog_dir: berita
      blog_toc: true
      post_date_format: long
      post_url_format: "{{date}}/{{slug}}"
      archive_name: Arsip
      categories: false
      authors: false
      pagination_per_page: 10
  - blog:
      blog_dir: pengumuman
      blog_toc: true
      post_date_format: long
      post_url_format: "{{date}}/{{slug}}"
      archive_name: Arsip
      categories: false
      authors: false
      pagination_per_page: 10

markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - def_list
  - toc:
      permalink: true
  - pymdownx.details
  - pymdownx.superfences

validation:
  links:
    absolute_links: relative_to_docs
    not_found: warn
    anchors: warn
    unrecognized_links: warn

extra:
  generator: false
"""


def _yaml_str(text: str) -> str:
    return (
        yaml.safe_dump(text, allow_unicode=True, default_style='"')
        .strip()
        .removesuffix("...")
        .strip()
    )


def _home(checklist: Checklist) -> str:
    links = []
    for entry in checklist.items:
        if entry.home and entry.where.page:
            links.append(f"- [{entry.title}](/{entry.where.page}/index.md)")
    return (
        "---\ntitle: Beranda\nhide: [navigation, toc]\n---\n"
        f"{STUB_MARKER}\n\n"
        "Selamat datang di situs resmi kami. Tulis di sini sambutan singkat dan layanan utama "
        "pengadilan.\n\n## Informasi penting\n\n" + "\n".join(links) + "\n"
    )


def _stub(title: str, slug: str, category: str, day: date, author: str, now: datetime) -> str:
    front = {
        "title": title[:1].upper() + title[1:],
        "slug": slug,
        "date": day,
        "category": category,
        "summary": f"{title[:1].upper() + title[1:]} (halaman ini masih harus diisi).",
        "author": author,
        "attention": "routine",
        "status": "published",
        "published_at": now.replace(microsecond=0),
    }
    if not author:
        front.pop("author")
    body = (
        f"\n{STUB_MARKER}\n\n"
        "Halaman ini dibuat oleh `warta init` dan **belum diisi**. Tulis isinya, hapus baris "
        "penanda `warta:stub` di atas, lalu ajukan untuk ditinjau dan disetujui.\n"
    )
    return "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n" + body


def _readme(site: NewSite) -> str:
    return f"""\
# {site.name}

The public website of {site.name}, published with warta.

```sh
python3 -m pip install "warta=={__version__}"
warta compliance        # what the assessment still misses (the stubs to fill)
warta new "Judul berita" --category berita --as <person>
warta publish           # build site/ (strict)
```
"""


_REVIEW_WORKFLOW = """\
# Pull request: the editor's check on every draft and every published item, and the
# assessment's checklist.
name: review

on:
  pull_request:
    paths: ["drafts/**", "content/**", "warta.yml", "mkdocs.yml"]

permissions:
  contents: read

jobs:
  review:
    runs-on: ubuntu-latest
    timeout-minutes: 15
    steps:
      - uses: actions/checkout@v5
      - uses: actions/setup-python@v6
        with:
          python-version: "3.11"
      - name: Install warta
        run: python -m pip install "warta==VERSION"
      - name: Review the drafts and the published content
        run: warta review --all
      - name: The assessment's checklist
        run: warta compliance >> "$GITHUB_STEP_SUMMARY"
      - name: The site builds strictly
        run: warta publish
"""

_PUBLISH_WORKFLOW = """\
# main: publish the approved drafts and build the site; the built site is kept as an
# artifact (deploy it with `warta deploy` once deploy: is configured in warta.yml).
name: publish

on:
  push:
    branches: [main]

permissions:
  contents: read

jobs:
  publish:
    runs-on: ubuntu-latest
    timeout-minutes: 30
    steps:
      - uses: actions/checkout@v5
      - uses: actions/setup-python@v6
        with:
          python-version: "3.11"
      - name: Install warta
        run: python -m pip install "warta==VERSION"
      - name: Build the site
        run: warta publish
      - name: Keep the site
        uses: actions/upload-artifact@v6
        with:
          name: site
          path: site/
"""


def parse_person(text: str) -> NewPerson:
    """``id:Name:email:role[,role]`` → :class:`NewPerson` (``ValueError`` names the part)."""
    parts = text.split(":")
    if len(parts) != 4:
        raise ValueError("expected id:Name:email:role[,role]")
    person_id, name, email, roles = (p.strip() for p in parts)
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", person_id):
        raise ValueError(f"{person_id!r} is not an id (lowercase letters, digits, hyphens)")
    if not re.fullmatch(r"[^@\s]+@[^@\s]+", email):
        raise ValueError(f"{email!r} is not an e-mail address")
    return NewPerson(person_id, name, email, tuple(r for r in roles.split(",") if r))
