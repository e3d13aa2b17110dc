"""Shared fixtures: a small warta project in a temporary folder."""

from __future__ import annotations

import gc
import hashlib
import textwrap
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.config import Config, load_config
from pipeline.content.store import content_digest, read_item

# Real servers on loopback (nginx, a switchable HTTP server) as fixtures.
pytest_plugins = ["tests.servers", "tests.browser"]

WARTA_YML = """\
version: 1
site:
  name: Pengadilan Agama Uji
  url: https://pa-uji.example/
  language: id
  timezone: Asia/Makassar
categories:
  - id: profil
    label: {id: Profil, en: Profile}
    section: profil
  - id: layanan
    label: {id: Layanan, en: Services}
    section: layanan
  - id: berita
    label: {id: Berita, en: News}
    section: berita
    kind: post
    max_age: 7d
people:
  - {id: rina, name: Rina Operator, email: rina@pa-uji.example, roles: [operator]}
  - {id: sari, name: Sari Editor, email: sari@pa-uji.example, roles: [editor]}
  - {id: bayu, name: Bayu Redaktur, email: bayu@pa-uji.example, roles: [editor, redaktur]}
  - {id: hasan, name: Hasan PJ, email: hasan@pa-uji.example, roles: [penanggung-jawab]}
  - {id: ratna, name: Ratna Ketua, email: ratna@pa-uji.example, roles: [ketua]}
  - {id: dimas, name: Dimas Admin, email: dimas@pa-uji.example, roles: [web-admin]}
review:
  allowed_email_domains: [pa-uji.example]
  allowed_phone_numbers: ["(0411) 555-0100"]
"""

MKDOCS_YML = """\
site_name: Pengadilan Agama Uji
site_url: https://pa-uji.example/
docs_dir: content
site_dir: site
theme:
  name: material
  language: id
  features: [navigation.tabs]
plugins:
  - warta
  - search
  - blog:
      blog_dir: berita
      categories: false
      authors: false
validation:
  links:
    absolute_links: relative_to_docs
    not_found: warn
    unrecognized_links: warn
"""

APPROVED = {
    "status": "approved",
    "review": {"by": "sari", "at": "2026-11-20T09:00:00+08:00", "result": "passed"},
    "approval": {
        "by": "hasan",
        "role": "penanggung-jawab",
        "at": "2026-11-20T09:30:00+08:00",
        "route": "routine",
    },
    "history": [
        {"status": "draft", "at": "2026-11-20T08:00:00+08:00", "by": "rina"},
        {"status": "in-review", "at": "2026-11-20T08:50:00+08:00", "by": "sari"},
        {"status": "approved", "at": "2026-11-20T09:30:00+08:00", "by": "hasan"},
    ],
}


def front(slug: str, category: str = "berita", **extra: Any) -> dict[str, Any]:
    """A valid front matter mapping for tests."""
    data: dict[str, Any] = {
        "title": f"Judul yang cukup panjang untuk {slug}",
        "slug": slug,
        "date": date(2026, 11, 20),
        "category": category,
        "summary": "Ringkasan singkat tentang kegiatan pengadilan.",
        "author": "rina",
        "attention": "routine",
        "status": "draft",
    }
    data.update(extra)
    return data


BODY = "\n## Kegiatan\n\nIsi berita yang baik dan benar.\n"


class Project:
    """A warta project on disk, with helpers to add items."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def config(self) -> Config:
        return load_config(self.root / "warta.yml")

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(
                textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8"
            )
        return path

    def item(
        self,
        rel_folder: str,
        fm: dict[str, Any],
        body: str = BODY,
        files: dict[str, bytes] | None = None,
    ) -> Path:
        """Write ``<rel_folder>/index.md`` (and files), adding attachment entries with sha256."""
        fm = dict(fm)
        for name, data in (files or {}).items():
            self.write(f"{rel_folder}/files/{name}", data)
            fm.setdefault("attachments", []).append(
                {"path": f"files/{name}", "sha256": hashlib.sha256(data).hexdigest(), "title": name}
            )
        text = "---\n" + yaml.safe_dump(fm, allow_unicode=True, sort_keys=False) + "---\n" + body
        return self.write(f"{rel_folder}/index.md", text)

    def draft(self, folder: str, **extra: Any) -> Path:
        """``drafts/<folder>/index.md``; the slug defaults to the folder name.

        An approval without a digest gets the item's real content digest, as
        ``warta approve`` records it.
        """
        files = extra.pop("files", None)
        body = extra.pop("body", BODY)
        fm = front(extra.pop("slug", folder), **extra)
        path = self.item(f"drafts/{folder}", fm, body, files)
        approval = fm.get("approval")
        if isinstance(approval, dict) and "digest" not in approval:
            item = read_item(path, self.config, "draft")
            digest = content_digest(item)
            fm["approval"] = {**approval, "digest": digest}
            fm.pop("attachments", None)
            path = self.item(f"drafts/{folder}", fm, body, files)
        return path

    def published(self, slug: str, category: str = "berita", **extra: Any) -> Path:
        folder = (
            f"content/{category}/posts/{slug}"
            if category == "berita"
            else (f"content/{category}/{slug}")
        )
        files = extra.pop("files", None)
        body = extra.pop("body", BODY)
        fm = front(
            slug,
            category,
            **{
                **APPROVED,
                "status": "published",
                "published_at": "2026-11-20T10:00:00+08:00",
                **extra,
            },
        )
        return self.item(folder, fm, body, files)


@pytest.fixture
def quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 with small costs, so that the many logins of the desk's tests stay quick; the
    production parameters are checked by test_password_hash_uses_argon2id_defaults."""
    from argon2 import PasswordHasher

    from pipeline.accounts import store

    monkeypatch.setattr(store, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024))
    monkeypatch.setattr(store, "_DUMMY", store._HASHER.hash("dummy"))


@pytest.fixture(autouse=True)
def _collectable_builds() -> Any:
    """``warta publish`` leaves its build out of the cyclic collector (a command ends
    with it: ``engine.build(unfreeze=False)``); the test process goes on, so what a
    test's CLI publish froze is given back to the collector after the test."""
    yield
    if gc.get_freeze_count():
        gc.unfreeze()


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A minimal valid project: config, mkdocs.yml, home, one page, one post."""
    p = Project(tmp_path)
    p.write("warta.yml", WARTA_YML)
    p.write("mkdocs.yml", MKDOCS_YML)
    p.write("content/index.md", "---\ntitle: Beranda\n---\n# Beranda\n\nSelamat datang.\n")
    p.write("content/berita/index.md", "# Berita\n")
    p.published("visi-misi", "profil", title="Visi dan Misi Pengadilan")
    p.published(
        "kegiatan-pertama",
        files={"surat.pdf": b"%PDF-1.4 test\n"},
        body="\n## Isi\n\nLihat [surat](files/surat.pdf) dan [visi](/profil/visi-misi/index.md).\n",
    )
    (tmp_path / "drafts").mkdir()
    return p


@pytest.fixture
def make_project(tmp_path_factory: pytest.TempPathFactory) -> Callable[[], Project]:
    """Factory for extra independent projects."""

    def make() -> Project:
        root = tmp_path_factory.mktemp("project")
        p = Project(root)
        p.write("warta.yml", WARTA_YML)
        p.write("mkdocs.yml", MKDOCS_YML)
        return p

    return make
