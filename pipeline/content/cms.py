"""A Decap CMS / Sveltia CMS ``admin/config.yml`` derived from warta's own schema.

For courts whose site repository lives on a forge, editors may draft in Decap CMS or
Sveltia CMS (both read the same ``config.yml``). The configuration is generated, never
written by hand, so the CMS cannot drift from ``warta.yml``:

- one collection per category of the vocabulary, all in ``drafts/`` (filtered by
  ``category``), each entry a page bundle ``drafts/<slug>/index.md`` with its media in
  ``files/`` beside it — exactly the layout ``warta new`` makes;
- the fields and widgets from the front matter schema (:mod:`pipeline.content.model`):
  title, slug (with warta's slug pattern), date, summary, author (the people of
  ``warta.yml``), tags, attention (the approval route), embargo, case type, the body;
  the workflow keys (``status``, ``warta``) are hidden and start as a draft;
- the editorial workflow on, so every save is a branch and a pull request on which
  ``warta review`` runs in CI.

Approval stays warta's: a merge made with the CMS's "publish" button is the forge's, not
a signed approval, so ``warta verify`` refuses it (docs/cms.md).
"""

from __future__ import annotations

from typing import Any, Literal

from pipeline import i18n
from pipeline.config import Config
from pipeline.content.model import FRONT_MATTER_VERSION, SLUG_PATTERN, Attention

Backend = Literal["github", "gitlab", "gitea", "git-gateway"]
BACKENDS: tuple[str, ...] = ("github", "gitlab", "gitea", "git-gateway")

i18n.register(
    {
        "id": {
            "cms.title": "Judul",
            "cms.slug": "Nama URL",
            "cms.slug_hint": "huruf kecil, angka dan tanda hubung, misalnya sidang-keliling",
            "cms.date": "Tanggal",
            "cms.summary": "Ringkasan",
            "cms.author": "Penulis",
            "cms.tags": "Tag",
            "cms.attention": "Persetujuan oleh",
            "cms.routine": "Rutin: penanggung jawab",
            "cms.special": "Perhatian khusus: ketua",
            "cms.publish_at": "Embargo: jangan terbit sebelum",
            "cms.case_type": "Jenis perkara (jika terkait perkara)",
            "cms.order": "Urutan di menu",
            "cms.body": "Isi",
        },
        "en": {
            "cms.title": "Title",
            "cms.slug": "URL name",
            "cms.slug_hint": "lowercase letters, digits and hyphens, e.g. mobile-court",
            "cms.date": "Date",
            "cms.summary": "Summary",
            "cms.author": "Author",
            "cms.tags": "Tags",
            "cms.attention": "Approved by",
            "cms.routine": "Routine: penanggung jawab",
            "cms.special": "Special attention: ketua",
            "cms.publish_at": "Embargo: not published before",
            "cms.case_type": "Case type (for case-related items)",
            "cms.order": "Order in the menu",
            "cms.body": "Body",
        },
    }
)


def cms_config(
    config: Config,
    *,
    backend: Backend = "github",
    repo: str = "",
    branch: str = "main",
    local_backend: str | bool = False,
) -> dict[str, Any]:
    """The ``config.yml`` mapping for Decap CMS and Sveltia CMS.

    ``local_backend`` is ``True`` for Decap's local proxy on its default address, or the
    proxy's API URL (``http://127.0.0.1:8081/api/v1``).
    """
    language = config.site.language
    loc = i18n.Locale(language, config.site.timezone)
    drafts = config.paths.drafts.strip("/") or "drafts"
    document: dict[str, Any] = {
        "backend": {"name": backend, "branch": branch, **({"repo": repo} if repo else {})},
        "publish_mode": "editorial_workflow",
        "locale": language,
        "site_url": config.site.url,
        # Decap requires a global media folder; every collection overrides it with the
        # entry's own files/ folder.
        "media_folder": f"{drafts}/media",
        "public_folder": "files",
        "collections": [
            _collection(config, category, drafts, loc) for category in config.categories
        ],
    }
    if local_backend is True:
        document["local_backend"] = True
    elif local_backend:
        document["local_backend"] = {"url": str(local_backend)}
    return document


def _collection(config: Config, category: Any, drafts: str, loc: i18n.Locale) -> dict[str, Any]:
    label = category.label.get(loc.language)
    fields: list[dict[str, Any]] = [
        {"label": loc.t("cms.title"), "name": "title", "widget": "string"},
        {
            "label": loc.t("cms.slug"),
            "name": "slug",
            "widget": "string",
            "pattern": [SLUG_PATTERN, loc.t("cms.slug_hint")],
        },
        {
            "label": loc.t("cms.date"),
            "name": "date",
            "widget": "datetime",
            "format": "YYYY-MM-DD",
            "date_format": "DD-MM-YYYY",
            "time_format": False,
        },
        {"label": "category", "name": "category", "widget": "hidden", "default": category.id},
        {"label": loc.t("cms.summary"), "name": "summary", "widget": "text"},
        {
            "label": loc.t("cms.author"),
            "name": "author",
            "widget": "select",
            "options": [{"label": p.name, "value": p.id} for p in config.people],
        },
        {
            "label": loc.t("cms.tags"),
            "name": "tags",
            "widget": "list",
            "required": False,
            "default": [],
        },
        {
            "label": loc.t("cms.attention"),
            "name": "attention",
            "widget": "select",
            "default": Attention.ROUTINE.value,
            "options": [
                {"label": loc.t("cms.routine"), "value": Attention.ROUTINE.value},
                {"label": loc.t("cms.special"), "value": Attention.SPECIAL.value},
            ],
        },
        {
            "label": loc.t("cms.publish_at"),
            "name": "publish_at",
            "widget": "datetime",
            "required": False,
        },
        {
            "label": loc.t("cms.case_type"),
            "name": "case_type",
            "widget": "string",
            "required": False,
        },
    ]
    if category.kind != "post":
        fields.append(
            {
                "label": loc.t("cms.order"),
                "name": "order",
                "widget": "number",
                "value_type": "int",
                "required": False,
            }
        )
    fields += [
        {"label": "status", "name": "status", "widget": "hidden", "default": "draft"},
        {"label": "warta", "name": "warta", "widget": "hidden", "default": FRONT_MATTER_VERSION},
        {"label": loc.t("cms.body"), "name": "body", "widget": "markdown"},
    ]
    return {
        "name": category.id,
        "label": label,
        "folder": drafts,
        "path": "{{slug}}/index",
        "filter": {"field": "category", "value": category.id},
        "create": True,
        "slug": "{{fields.slug}}",
        "extension": "md",
        "format": "frontmatter",
        "media_folder": "files",
        "public_folder": "files",
        "summary": "{{title}}",
        "fields": fields,
    }
