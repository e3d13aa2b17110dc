"""The one configuration loader: ``warta.yml``, validated against a typed schema.

Every field has a docstring (the schema doubles as the reference in
``docs/configuration.md``).  :func:`load_config` reports *all* problems at
once, each located as ``warta.yml:LINE: key.path``.
"""

from __future__ import annotations

import ipaddress
import weakref
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar, cast, get_args

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from pipeline.durations import parse_duration
from pipeline.errors import ConfigError, Problem
from pipeline.health.conditions import parse_condition
from pipeline.tickets.priority import DEFAULT_MATRIX, PRIORITIES, check_matrix
from pipeline.visitors.schema import THRESHOLDS, ParseError, compile_format
from pipeline.yamlpos import (
    HostileYamlError,
    dotted,
    line_map,
    nearest_line,
    safe_load,
    yaml_error_line,
)

if TYPE_CHECKING:
    from pipeline.tickets.workflows import Workflow

CONFIG_VERSION = 1
DEFAULT_CONFIG_NAME = "warta.yml"


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
Role = Literal[
    "operator",
    "editor",
    "web-admin",
    "redaktur",
    "penanggung-jawab",
    "ketua",
    # IT services, SOP 3 (issue 9)
    "pranata-komputer",
    "kasubbag-ti",
    "kabag-perencanaan",
    "sekretaris",
]
ROLES: tuple[str, ...] = get_args(Role)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Labels(_Model):
    """A text in the site's languages."""

    id: str
    """Indonesian text (the default language)."""
    en: str = ""
    """English text; falls back to Indonesian when empty."""

    def get(self, language: str) -> str:
        """The text in ``language``, falling back to Indonesian."""
        return (self.en or self.id) if language == "en" else self.id


class SiteSettings(_Model):
    """The public website."""

    name: str
    """The court's name as shown on the site."""
    url: str = Field(pattern=r"^https?://")
    """The canonical address of the public site (used in the feed, sitemap and API)."""
    language: Literal["id", "en"] = "id"
    """Language of the site and of the reports."""
    timezone: str = "Asia/Makassar"
    """IANA time zone of the court: dates without a zone are read in it."""


class QuickLink(_Model):
    """A link the home page shows among the court's services (SIPP, e-Court, SIWAS...)."""

    id: Slug
    """Identifier, referred to by the compliance checklist (``sipp``, ``e-court``...)."""
    label: str = Field(min_length=1)
    """The text of the link."""
    url: str = Field(pattern=r"^(https?://|/([^/]|$))")
    """An absolute ``http(s)://`` address, or a path on this site starting with ``/``."""


class CourtSettings(_Model):
    """What the site's header and contact page show about the court (issue 16)."""

    address: str = ""
    """Postal address, shown in the header of every page."""
    phone: str = ""
    """Telephone number shown in the header."""
    whatsapp: str = ""
    """WhatsApp service number shown in the header (linked to ``wa.me``)."""
    email: str = ""
    """Public e-mail address shown in the footer."""
    hours: str = ""
    """Opening hours shown in the footer, e.g. ``Senin–Jumat 08.00–16.00 WITA``."""
    links: list[QuickLink] = []
    """The quick links of the home page, in order."""

    @field_validator("links")
    @classmethod
    def _unique_links(cls, value: list[QuickLink]) -> list[QuickLink]:
        ids = [link.id for link in value]
        doubles = sorted({i for i in ids if ids.count(i) > 1})
        if doubles:
            raise ValueError(f"quick link id {doubles[0]!r} is listed twice")
        return value


class Paths(_Model):
    """Where things live, relative to the directory of ``warta.yml``."""

    content: str = "content"
    """Published Markdown: the mkdocs ``docs_dir``."""
    drafts: str = "drafts"
    """Drafts, one folder per item: ``drafts/<slug>/index.md`` with ``files/``."""
    site: str = "site"
    """The built website."""
    archive: str = "archive"
    """BagIt bags of every published version."""
    mkdocs: str = "mkdocs.yml"
    """The mkdocs configuration."""
    state: str = ".warta"
    """Operational state (SQLite database, caches)."""


class Category(_Model):
    """One entry of the category vocabulary."""

    id: Slug
    """Identifier used in front matter ``category:``."""
    label: Labels
    """Name shown to readers."""
    section: str = Field(pattern=r"^[a-z0-9][a-z0-9/-]*$")
    """Folder under ``content/`` where items of this category are published."""
    kind: Literal["page", "post"] = "page"
    """``post``: a dated blog post (news, announcements); ``page``: a standing page."""
    max_age: Duration | None = None
    """How old the newest item may get before the category counts as stale."""
    group: Labels | None = None
    """Navigation group: categories with the same group share one tab, in the order of
    their first category."""


class Person(_Model):
    """Someone who takes part in the workflow."""

    id: Slug
    """Short identifier used in front matter and on the command line."""
    name: str
    """Full name."""
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    """Work e-mail address."""
    roles: list[Role]
    """Roles held: operator, editor, web-admin, redaktur, penanggung-jawab, ketua; for
    IT services (SOP 3) also pranata-komputer, kasubbag-ti, kabag-perencanaan,
    sekretaris."""
    ssh_key: str = ""
    """Public SSH key used to sign commits (``ssh-ed25519 AAAA…``)."""


class ReviewSettings(_Model):
    """The editor's check (``warta review``)."""

    title_min: int = 10
    """Shortest title accepted, in characters."""
    title_max: int = 100
    """Longest title accepted, in characters."""
    summary_max: int = 300
    """Longest summary accepted, in characters."""
    allowed_email_domains: list[str] = ["mahkamahagung.go.id"]
    """Domains of e-mail addresses that may be published (the court's own)."""
    allowed_phone_numbers: list[str] = []
    """Phone numbers that may be published (the court's switchboard, hotline)."""
    anonymise_case_types: list[str] = [
        "perceraian",
        "cerai-gugat",
        "cerai-talak",
        "perkawinan",
        "waris",
        "hak-asuh-anak",
        "pengangkatan-anak",
        "perkara-anak",
        "kesusilaan",
        "kdrt",
    ]
    """Case types whose party names must be replaced by their role before publication."""
    max_attachment_mb: float = 20
    """Largest attachment accepted, in megabytes."""


#: Elements the HTML allowlist may never contain: they run code, load other documents,
#: change the page's base or submit data (``docs/security.md``).
FORBIDDEN_TAGS: frozenset[str] = frozenset(
    {
        "script", "noscript", "style", "object", "embed", "applet", "base", "meta", "link",
        "frame", "frameset", "form", "button", "template", "svg", "math", "portal",
    }
)  # fmt: skip
#: Attributes the allowlist may never contain (besides every ``on*`` event handler).
FORBIDDEN_ATTRIBUTES: frozenset[str] = frozenset(
    {"srcdoc", "formaction", "action", "xlink:href", "http-equiv", "is", "srcset", "ping"}
)
#: URL schemes that run code or carry inline documents.
FORBIDDEN_SCHEMES: frozenset[str] = frozenset(
    {"javascript", "vbscript", "data", "file", "blob", "filesystem"}
)
#: The only attributes an ``<iframe>`` may carry (never ``srcdoc``).
IFRAME_ATTRIBUTES: frozenset[str] = frozenset(
    {"src", "width", "height", "title", "allow", "allowfullscreen", "loading", "referrerpolicy",
     "frameborder"}
)  # fmt: skip

_DEFAULT_TAGS = [
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd",
    "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "iframe", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre",
    "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr",
]  # fmt: skip
_DEFAULT_ATTRIBUTES = {
    "*": ["id", "class", "title", "lang", "dir"],
    "a": ["href", "hreflang"],
    "img": ["src", "alt", "width", "height", "loading"],
    "iframe": ["src", "width", "height", "title", "allow", "allowfullscreen", "loading",
               "referrerpolicy", "frameborder"],
    "td": ["colspan", "rowspan", "style"],
    "th": ["colspan", "rowspan", "scope", "style"],
    "ol": ["start", "type", "reversed"],
    "li": ["value"],
    "details": ["open"],
    "time": ["datetime"],
    "del": ["datetime", "cite"],
    "ins": ["datetime", "cite"],
    "blockquote": ["cite"],
    "q": ["cite"],
    "col": ["span"],
    "colgroup": ["span"],
    "abbr": ["title"],
}  # fmt: skip


class HtmlSettings(_Model):
    """The one HTML allowlist (nh3): applied to every built page, the API and the feeds,
    and by ``warta review`` to the rendered draft (``docs/security.md``)."""

    allowed_tags: list[str] = _DEFAULT_TAGS
    """Elements kept in rendered content; every other element is removed (``script`` and
    ``style`` with their content)."""
    allowed_attributes: dict[str, list[str]] = _DEFAULT_ATTRIBUTES
    """Attributes kept, per element (``"*"``: on every element)."""
    url_schemes: list[str] = ["https", "http", "mailto", "tel"]
    """Schemes a link or image URL may have; relative URLs are always allowed."""
    iframe_hosts: list[str] = ["www.youtube-nocookie.com", "www.youtube.com"]
    """Hosts an ``<iframe>`` may load from (over https); other iframes lose their source."""
    image_hosts: list[str] = []
    """Hosts images may load from besides the site itself (``site.url``)."""
    style_properties: list[str] = ["text-align", "vertical-align", "width", "height"]
    """CSS properties kept in ``style`` attributes; a value with ``url(`` is always removed."""

    @field_validator("allowed_tags")
    @classmethod
    def _safe_tags(cls, value: list[str]) -> list[str]:
        tags = {t.strip().lower() for t in value}
        bad = sorted(tags & FORBIDDEN_TAGS)
        if bad:
            raise ValueError(
                f"{', '.join(bad)} may never be allowed: they run code, load other documents "
                "or submit data; remove them from html.allowed_tags"
            )
        return sorted(tags)

    @field_validator("allowed_attributes")
    @classmethod
    def _safe_attributes(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        bad: list[str] = []
        out: dict[str, list[str]] = {}
        for tag, names in value.items():
            lowered = sorted({n.strip().lower() for n in names})
            for name in lowered:
                if (
                    name.startswith("on")
                    or name in FORBIDDEN_ATTRIBUTES
                    or (tag.lower() == "iframe" and name not in IFRAME_ATTRIBUTES)
                ):
                    bad.append(f"{tag}.{name}")
            out[tag.strip().lower()] = lowered
        if bad:
            raise ValueError(
                f"{', '.join(bad)} may never be allowed (event handlers, srcdoc, form actions "
                "and SVG links run code; an iframe keeps only "
                f"{', '.join(sorted(IFRAME_ATTRIBUTES))}); remove them from html.allowed_attributes"
            )
        return out

    @field_validator("url_schemes")
    @classmethod
    def _safe_schemes(cls, value: list[str]) -> list[str]:
        schemes = {s.strip().lower().rstrip(":") for s in value}
        bad = sorted(schemes & FORBIDDEN_SCHEMES)
        if bad:
            raise ValueError(
                f"{', '.join(bad)} URLs run code or carry whole documents; "
                "remove them from html.url_schemes"
            )
        return sorted(schemes)


class WorkflowTargets(_Model):
    """SOP target time of each content step (SOP 1, *mutu baku*)."""

    collect: Duration = timedelta(hours=3)
    convert: Duration = timedelta(hours=1)
    draft: Duration = timedelta(hours=1)
    review: Duration = timedelta(minutes=30)
    approval: Duration = timedelta(minutes=30)
    publish: Duration = timedelta(minutes=30)
    archive: Duration = timedelta(minutes=15)


class WorkflowSettings(_Model):
    """Who may approve what."""

    targets: WorkflowTargets = WorkflowTargets()
    """Target time of each step."""
    redaktur_approves_routine: bool = True
    """A redaktur may approve routine items on behalf of the penanggung jawab."""


# -- settings of the other areas: each issue adds its models below its own line --
# collect and convert (issue 3)


class ConvertSettings(_Model):
    """Collecting and converting source material (``warta collect``, ``warta convert``)."""

    max_source_mb: float = Field(default=200, gt=0)
    """Largest source file ``warta collect`` accepts, in megabytes."""
    max_pixels: int = Field(default=100_000_000, ge=1)
    """Largest image accepted, in pixels (an A4 page at 600 dpi is 35 million): larger
    ones are refused as decompression bombs."""
    photo_widths: list[int] = Field(default=[1600, 800], min_length=1)
    """Widths, in pixels, of the web variants made from each photo (never enlarged)."""
    photo_quality: int = Field(default=85, ge=30, le=95)
    """JPEG quality of the web variants."""
    ocr: Literal["auto", "off"] = "auto"
    """``auto``: scans become searchable when ocrmypdf and tesseract with the language's
    data are installed; ``off``: never run OCR."""
    transcode: Literal["auto", "off"] = "auto"
    """``auto``: audio and video get a web copy (AAC ``.m4a``, H.264 ``.mp4``) beside the
    original when ffmpeg is installed; ``off``: store them as they are."""
    ocr_language: str = Field(default="ind", pattern=r"^[a-z_]+(\+[a-z_]+)*$")
    """Tesseract language(s) of the scans (``ind``, ``ind+eng``)."""
    check_all_attachments: bool = False
    """Also validate the attachments of drafts that were not collected with
    ``warta collect`` (by default only drafts with a sources manifest are checked)."""


# roles and signed approval (issue 4)


class PathRule(_Model):
    """Who must approve a change to some paths of the repository (``docs/approval.md``)."""

    name: Slug
    """Named in the ``Route`` trailer of an approval merge and in refusals."""
    paths: list[str] = Field(min_length=1)
    """Patterns relative to warta.yml's folder: ``mkdocs.yml``, ``overrides/**`` (``*``
    stays inside one folder, ``**`` crosses folders). The first rule that matches wins."""
    items: bool = False
    """Content items: the editor's signed review plus the item's own route (routine: the
    penanggung jawab; special: the ketua). A file here that is not inside an item takes
    the strictest rule."""
    roles: list[Role] = Field(default=[], max_length=2)
    """Roles that must approve, each held by a different signer: the first by the
    approver (the merge's signer), the second by the reviewer (the branch tip's signer);
    either order. At most two."""

    @model_validator(mode="after")
    def _one_kind(self) -> PathRule:
        if self.items == bool(self.roles):
            raise ValueError(f"rule {self.name!r}: set either items: true or roles, not both")
        return self


#: Every path of the repository has an owner; see ``docs/approval.md``.
DEFAULT_PATH_RULES: tuple[dict[str, Any], ...] = (
    {
        "name": "policy",
        "paths": ["warta.yml", ".github/allowed_signers", ".github/CODEOWNERS"],
        "roles": ["ketua"],
    },
    {"name": "content", "paths": ["content/**", "drafts/**"], "items": True},
    {
        "name": "site",
        "paths": ["mkdocs.yml", "overrides/**", "hooks/**", "theme/**"],
        "roles": ["web-admin", "penanggung-jawab"],
    },
    {
        "name": "package",
        "paths": ["pipeline/**", "pyproject.toml", ".github/workflows/**", ".ci/**"],
        "roles": ["web-admin", "kasubbag-ti"],
    },
)

#: The rule that judges a path no other rule names (and non-items under ``content/``).
STRICTEST_RULE = "policy"


class SigningSettings(_Model):
    """Approval that can be proven from git: signed commits and merges, ``warta verify``."""

    enabled: bool = False
    """``warta submit`` and ``warta approve`` record each step in a commit signed with the
    person's SSH key (``approve``: a ``--no-ff`` merge into ``branch``); off: they only
    change the front matter (the embedded default, no git needed)."""
    branch: str = "main"
    """The branch the site is published from."""
    branch_prefix: str = "konten/"
    """Draft branches are named prefix + slug (``warta approve SLUG`` merges ``konten/SLUG``)."""
    trusted_base: str = ""
    """Not read by ``warta verify``: a root of trust written in the tree it verifies could
    be moved by the change it should refuse.  The base is pinned outside the repository
    (``warta verify --base``, ``WARTA_TRUSTED_BASE`` or ``--trust-file``)."""
    allowed_signers: str = ".github/allowed_signers"
    """File written by ``warta roles sync`` for git's ``gpg.ssh.allowedSignersFile``
    (relative to warta.yml)."""
    codeowners: str = ".github/CODEOWNERS"
    """CODEOWNERS file written by ``warta roles sync`` (relative to warta.yml)."""
    rules: list[PathRule] = Field(
        default_factory=lambda: [PathRule.model_validate(r) for r in DEFAULT_PATH_RULES]
    )
    """Owners of every path (first match wins); a path no rule names takes the rule
    ``policy``, which must exist."""

    @field_validator("rules")
    @classmethod
    def _policy_rule(cls, value: list[PathRule]) -> list[PathRule]:
        names = [r.name for r in value]
        if len(names) != len(set(names)):
            raise ValueError("two rules share a name")
        if STRICTEST_RULE not in names:
            raise ValueError(
                f"a rule named {STRICTEST_RULE!r} is required: it judges every path "
                "no other rule names"
            )
        if sum(r.items for r in value) > 1:
            raise ValueError("only one rule may have items: true")
        return value

    def rule(self, name: str) -> PathRule:
        """The rule called ``name`` (``policy`` always exists)."""
        return next(r for r in self.rules if r.name == name)


# deploy (issue 5)


class DeploySettings(_Model):
    """Where ``warta deploy`` and ``warta archive push`` put the site and the archive."""

    bucket: str = ""
    """Bucket name; empty: the site is only built locally (the embedded default)."""
    endpoint_url: str = ""
    """S3 endpoint (empty: AWS). Credentials come from the standard AWS chain."""
    region: str = "us-east-1"
    """Region of the bucket."""
    prefix: str = Field(default="", pattern=r"^([^/].*/)?$")
    """Key prefix of the site (empty or ending with ``/``)."""
    archive_prefix: str = Field(default="archive/", pattern=r"^[^/].*/$")
    """Key prefix of the archive bags; ``warta deploy`` never touches it."""
    cache_html: str = "public, max-age=300"
    """Cache-Control of pages, the API, the feed and the sitemap."""
    cache_assets: str = "public, max-age=31536000, immutable"
    """Cache-Control of fingerprinted assets (``main.1a2b3c4d.min.js``)."""
    cache_other: str = "public, max-age=86400"
    """Cache-Control of everything else (images, PDFs)."""
    index_document: str = "index.html"
    """Index document of the bucket's website configuration."""
    error_document: str = "404.html"
    """Error document of the bucket's website configuration."""


# health (issue 6)


def _check_condition(text: str) -> str:
    parse_condition(text)  # raises ValueError with the reason
    return text


Condition = Annotated[str, AfterValidator(_check_condition)]


class Endpoint(_Model):
    """One health check (in the spirit of Gatus)."""

    name: Slug
    """Identifier shown in tables, alerts and the status page."""
    url: str = Field(pattern=r"^https?://")
    """Address probed."""
    method: Literal["GET", "HEAD"] = "GET"
    """HTTP method."""
    conditions: list[Condition] = ["[STATUS] == 200"]
    """Gatus-style conditions that must all hold, e.g. ``[RESPONSE_TIME] < 800``."""
    timeout: Duration = timedelta(seconds=10)
    """Time allowed for one attempt."""
    retries: int = Field(default=1, ge=0, le=10)
    """Extra attempts within one run before a check counts as failed."""
    retry_delay: Duration = timedelta(seconds=2)
    """Pause between attempts."""
    failure_threshold: int = Field(default=2, ge=1)
    """Consecutive failed checks before the endpoint is declared down."""
    success_threshold: int = Field(default=1, ge=1)
    """Consecutive successful checks before a down endpoint is declared up."""
    ca_bundle: str = ""
    """Extra CA certificates (PEM) trusted for this endpoint, relative to warta.yml."""
    domain: str = ""
    """Registered domain read by ``[DOMAIN_EXPIRATION]`` (default: the URL's host without
    ``www.``)."""


class MaintenanceWindow(_Model):
    """A recurring window of planned work: checks run, nobody is alerted."""

    start: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    """Local start time ``HH:MM`` in ``site.timezone``."""
    duration: Duration
    """Length of the window."""
    days: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] = [
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
    ]
    """Weekdays on which the window starts."""


class EmailAlerts(_Model):
    """Alerts by e-mail."""

    to: list[str] = Field(min_length=1)
    """Recipients (the web admin, the penanggung jawab)."""
    sender: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    """From address."""
    host: str = "127.0.0.1"
    """SMTP server."""
    port: int = 25
    """SMTP port."""
    starttls: bool = False
    """Upgrade the connection with STARTTLS."""
    username: str = ""
    """SMTP login, if the server needs one."""
    password_env: str = "WARTA_SMTP_PASSWORD"
    """Environment variable holding the SMTP password (never written in warta.yml)."""


class AlertSettings(_Model):
    """Where state changes are announced."""

    email: EmailAlerts | None = None
    """E-mail alerts."""
    webhooks: list[str] = []
    """URLs receiving a JSON POST per state change (e.g. a Telegram or WhatsApp gateway)."""
    apprise: list[str] = []
    """Apprise URLs (``mailto://``, ``tgram://``, ``whatsapp://``, ``workflows://`` for
    Microsoft Teams, ``json://``…); ``${NAME}`` is replaced by the environment variable
    ``NAME`` when sending, so tokens stay out of ``warta.yml``."""

    @field_validator("apprise")
    @classmethod
    def _known_services(cls, urls: list[str]) -> list[str]:
        from apprise.manager_plugins import NotificationManager

        known = NotificationManager().schemas()
        for url in urls:
            scheme = url.split("://", 1)[0].lower() if "://" in url else ""
            if scheme not in known:
                raise ValueError(
                    f"{url.split('?', 1)[0][:40]!r} is not an apprise URL (scheme://...); "
                    "see apprise's list of services"
                )
        return urls


class RenewalSettings(_Model):
    """The renewals register (SOP 2 step 4)."""

    reminders: list[int] = [60, 30, 14, 7]
    """Days before a due date at which a reminder is sent (once each)."""
    invoices: str = ""
    """Folder of stored invoices (default: ``<paths.state>/invoices``)."""


class HealthSettings(_Model):
    """Availability checks (SOP 2 step 1)."""

    endpoints: list[Endpoint] = []
    """What to check."""
    maintenance: list[MaintenanceWindow] = []
    """Planned maintenance windows."""
    concurrency: int = Field(default=20, ge=1, le=500)
    """Checks running at the same time."""
    database: str = ""
    """SQLite database of the history (default: ``<paths.state>/warta.sqlite``)."""
    live_url: str = ""
    """Base address of the live site for freshness from the live API (default: ``site.url``)."""
    alerts: AlertSettings = AlertSettings()
    """Alerts sent when an endpoint goes down or comes back up."""
    history_url: str = Field(default="", pattern=r"^(s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.+)?$")
    """Keep the operational database in S3-compatible storage (``s3://bucket/key``) so that
    ephemeral runners share it; empty: only the local file."""
    s3_endpoint: str = ""
    """S3 endpoint URL for ``history_url`` (empty: AWS). Credentials come from the standard
    AWS chain (environment, profile, instance role), never from warta.yml."""
    s3_region: str = "us-east-1"
    """Region for ``history_url``."""
    status_page: bool = True
    """Write the public status page (``site/status/``) after each check and each build."""
    domain_cache: Duration = timedelta(hours=12)
    """How long a domain's expiry date is reused before the registry is asked again."""
    rdap_bootstrap: str = ""
    """RDAP bootstrap file (default: the copy made by ``warta health rdap-refresh`` in the
    state folder, else the subset bundled with warta)."""
    whois_servers: dict[str, str] = {}
    """WHOIS server (``host`` or ``host:port``) per top-level domain, added to the built-in
    ones (``id``: whois.pandi.or.id)."""


# backups (issue 8)


class BackupSettings(_Model):
    """Backups of the whole site system (``warta backup``, SOP 2 step 2)."""

    repository: str = Field(default=".warta/backup", min_length=1)
    """Where snapshots go: a folder (relative to warta.yml; point it at an external disk,
    e.g. ``/media/backup/warta``) or ``s3://bucket/prefix`` on S3-compatible storage."""
    s3_endpoint: str = ""
    """S3 endpoint URL for an ``s3://`` repository (empty: AWS). Credentials come from the
    standard AWS chain (environment, profile, instance role), never from warta.yml."""
    s3_region: str = "us-east-1"
    """Region of an ``s3://`` repository's bucket."""
    password_file: str = ""
    """A file whose first line is the repository's password (relative to ``warta.yml``;
    ``chmod 600``). With it, or ``WARTA_BACKUP_PASSWORD``, a new repository is encrypted
    (format version 2, AES-256-GCM, scrypt); an encrypted one needs it to be read."""
    extra_paths: list[str] = []
    """More files or folders to back up besides content, drafts, archive, the built site,
    the configuration and the operational database (relative to warta.yml)."""
    keep_daily: int = Field(default=7, ge=0)
    """``warta backup prune`` keeps the newest snapshot of each of this many last days."""
    keep_weekly: int = Field(default=4, ge=0)
    """… of each of this many last weeks (ISO weeks)."""
    keep_monthly: int = Field(default=12, ge=0)
    """… of each of this many last months."""
    lock_stale_after: Duration = timedelta(minutes=30)
    """A repository lock not refreshed for this long is stale and taken over (a running
    warta refreshes its lock every third of this); a lock of a dead process on the same
    host is stale at once."""
    lock_wait: Duration = timedelta(0)
    """How long a command waits for another one's lock before it refuses (exit 9)."""


# tickets (issue 9)

Level = Literal["high", "medium", "low"]
Priority = Literal["P1", "P2", "P3", "P4"]


class StepOverride(_Model):
    """A site's change to one step of an SOP 3 workflow (unset: the SOP's value)."""

    roles: list[Role] | None = Field(default=None, min_length=1)
    """Roles that may do the step (any one of them)."""
    day: int | None = Field(default=None, ge=1)
    """Working day on which the step is due."""
    input: Labels | None = None
    """Input document."""
    output: Labels | None = None
    """Output document."""


class HolidaySettings(_Model):
    """The working-day calendar of due dates."""

    add: list[date] = []
    """Days off added to the official calendar (a regional holiday, a date of next year's
    SKB that the ``holidays`` package does not have yet)."""
    remove: list[date] = []
    """Official days off that are working days at this court after all."""
    weekend: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] = ["sat", "sun"]
    """Days of the week that are never working days."""


class IncidentLevel(_Model):
    """Impact and urgency of the incidents opened by one module."""

    impact: Level
    """high, medium or low."""
    urgency: Level
    """high, medium or low."""


class TicketSettings(_Model):
    """IT service tickets (SOP 3): workflow changes, calendar, priorities, incidents."""

    workflows: dict[Literal["A", "B", "C", "D"], dict[str, StepOverride]] = {}
    """Changes to the SOP's steps, by workflow and step id (``B: {B2: {day: 2}}``)."""
    holidays: HolidaySettings = HolidaySettings()
    """Weekend and public holidays: due dates count working days only."""
    priority_matrix: dict[Level, dict[Level, Priority]] = Field(
        default_factory=lambda: cast(Any, {k: dict(v) for k, v in DEFAULT_MATRIX.items()})
    )
    """Priority of each impact (outer key) × urgency (inner key)."""
    incident_targets: dict[Priority, Duration] = {
        "P1": timedelta(hours=1),
        "P2": timedelta(hours=4),
        "P3": timedelta(days=1),
        "P4": timedelta(days=3),
    }
    """Time allowed to solve an incident, by priority (SOP 2 step 7: 1 hour to 3 days)."""
    incident_levels: dict[
        Literal["health", "tls", "domain", "backup", "visitors"], IncidentLevel
    ] = {
        "health": IncidentLevel(impact="high", urgency="high"),
        "tls": IncidentLevel(impact="high", urgency="medium"),
        "domain": IncidentLevel(impact="high", urgency="medium"),
        "backup": IncidentLevel(impact="medium", urgency="high"),
        "visitors": IncidentLevel(impact="medium", urgency="medium"),
    }
    """Impact and urgency of the incidents each module opens."""
    receiver: str = ""
    """Person id to whom new tickets are assigned (the IT unit's desk); empty: nobody."""
    tls_warning: Duration = timedelta(days=14)
    """Open an incident when a certificate expires within this time (used for endpoints
    without a ``[CERTIFICATE_EXPIRATION]`` condition, whose threshold wins)."""
    domain_warning: Duration = timedelta(days=30)
    """Open an incident when a domain expires within this time (used for endpoints
    without a ``[DOMAIN_EXPIRATION]`` condition, whose threshold wins)."""
    visitors_window: Duration = timedelta(days=7)
    """An IP stays suspicious (its incident open) this long after its last finding."""
    attachments: str = ""
    """Folder of stored attachments (default: ``<paths.state>/ticket-files``)."""

    @field_validator("priority_matrix")
    @classmethod
    def _full_matrix(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        check_matrix(value)
        return value

    @field_validator("incident_targets")
    @classmethod
    def _every_priority(cls, value: dict[str, timedelta]) -> dict[str, timedelta]:
        missing = [p for p in PRIORITIES if p not in value]
        if missing:
            raise ValueError(f"a target is needed for {', '.join(missing)}")
        return value

    @field_validator("workflows")
    @classmethod
    def _known_steps(cls, value: dict[str, dict[str, StepOverride]]) -> dict[str, Any]:
        from pipeline.tickets.workflows import merge  # (the SOP's tables: only when changed)

        merge(_overrides(value))  # raises ValueError naming the workflow and step
        return value

    def workflow_set(self) -> dict[str, Workflow]:
        """The SOP's workflows with this site's changes."""
        from pipeline.tickets.workflows import merge

        return merge(_overrides(self.workflows))


def _overrides(
    value: Mapping[Any, dict[str, StepOverride]],
) -> dict[str, dict[str, dict[str, Any]]]:
    return {
        letter: {step: o.model_dump(exclude_none=True) for step, o in steps.items()}
        for letter, steps in value.items()
    }


# visitor activity (issue 20)


class RuleSettings(_Model):
    """Thresholds of one suspicious-activity rule (see ``docs/visitors.md``)."""

    capacity: int | None = Field(default=None, ge=0)
    """Requests the rule's bucket holds before the address is reported (0: the first)."""
    leak: float | None = Field(default=None, ge=0)
    """Requests per second that drain from the bucket."""
    enabled: bool = True
    """false: the rule is not applied."""


class VisitorSettings(_Model):
    """Access-log analysis and suspicious-activity detection (``warta visitors analyze``)."""

    log_format: str = "combined"
    """A preset (combined, vhost_combined, common, nginx_timed, json) or a GoAccess
    ``log-format`` string such as ``%h %^[%d:%t %^] "%r" %s %b "%R" "%u"``."""
    date_format: str = "%d/%b/%Y"
    """How ``%d`` is written (strptime syntax), as GoAccess's ``date-format``."""
    allow: list[str] = []
    """Addresses and networks never reported nor denied (the court's own networks, its
    monitoring); loopback is always allowed."""
    verify_crawlers: bool = False
    """Allow search engines' crawlers whose address is verified by reverse and forward
    DNS (asked only for an address about to be reported)."""
    rules: dict[str, RuleSettings] = {}
    """Thresholds per rule id (``aggressive-crawling: {capacity: 600, leak: 10}``)."""
    deny_for: Duration = timedelta(days=7)
    """How long an address stays on the deny list after its last finding."""

    @field_validator("log_format")
    @classmethod
    def _format_compiles(cls, value: str) -> str:
        try:
            compile_format(value)
        except ParseError as error:
            raise ValueError(str(error)) from None
        return value

    @field_validator("allow")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for entry in value:
            try:
                ipaddress.ip_network(entry.strip(), strict=False)
            except ValueError:
                raise ValueError(f"{entry!r} is not an address or a network (CIDR)") from None
        return value

    @field_validator("rules")
    @classmethod
    def _known_rules(cls, value: dict[str, RuleSettings]) -> dict[str, RuleSettings]:
        unknown = sorted(set(value) - THRESHOLDS.keys())
        if unknown:
            raise ValueError(
                f"unknown rule {', '.join(unknown)}; known: {', '.join(sorted(THRESHOLDS))}"
            )
        for rule_id, settings in value.items():
            default_capacity, default_leak = THRESHOLDS[rule_id]
            capacity = default_capacity if settings.capacity is None else settings.capacity
            leak = default_leak if settings.leak is None else settings.leak
            if capacity > 0 and leak <= 0:
                raise ValueError(f"{rule_id}: a rule with a capacity needs a leak above 0")
        return value

    def thresholds(self) -> dict[str, tuple[int | None, float | None, bool]]:
        """Rule id → (capacity, leak, enabled), for :func:`pipeline.visitors.rules.configured`."""
        return {k: (v.capacity, v.leak, v.enabled) for k, v in self.rules.items()}


# situation report (issue 10)


class ReportSettings(_Model):
    """The situation report to the penanggung jawab (SOP 2 step 5, ``warta report``)."""

    recipients: list[Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+$")]] = []
    """E-mail addresses ``warta report situation --send`` delivers to; empty: every person
    with the role ``penanggung-jawab`` in ``people``. The SMTP server and sender are those
    of ``health.alerts.email``."""
    attach: list[Literal["pdf", "html", "csv"]] = ["pdf", "html", "csv"]
    """Files attached to the e-mail (the Markdown text is always its body); ``csv`` is the
    annex with every item of every section."""
    uptime_target: float = Field(default=0.99, gt=0, le=1)
    """Share of successful checks below which an endpoint is listed as a problem."""
    renewal_horizon_days: int = Field(default=60, ge=0)
    """Contracts due within this many days after the period are listed."""
    warn_days: int = Field(default=30, ge=0)
    """A contract, certificate or domain due within this many days is listed as a problem."""
    backup_max_age: Duration = timedelta(days=2)
    """A last successful backup older than this (at the end of the period) is a problem."""
    restore_max_age: Duration = timedelta(days=35)
    """A last proven restore (restore drill) older than this is a problem (SOP 3 D7: a
    monthly backup and restore)."""
    chromium: str = ""
    """Chromium executable used to print the PDF (default: the first one on PATH)."""


# the staff desk (issue 18)

DEFAULT_TOTP_ROLES: list[Role] = ["ketua", "penanggung-jawab", "sekretaris"]


class DeskSettings(_Model):
    """The staff desk (``warta desk``): the web interface for the people of the SOPs."""

    url: str = Field(default="http://127.0.0.1:8765", pattern=r"^https?://[^/?#]+$")
    """Address people open (scheme and host, no path): invitation links start with it.
    Behind nginx with TLS this is the ``https://`` address."""
    idle_timeout: Duration = timedelta(minutes=30)
    """A session unused for this long ends; the person logs in again."""
    session_max: Duration = timedelta(hours=12)
    """A session ends this long after its login, however busy."""
    invitation_valid: Duration = timedelta(hours=72)
    """How long an invitation link (``warta desk invite``) can be used, once."""
    totp_roles: list[Role] = Field(default_factory=lambda: list(DEFAULT_TOTP_ROLES))
    """Roles that must log in with a one-time code (TOTP) as well as the password: those
    that approve. Optional for everyone else."""
    max_failures_account: int = Field(default=5, ge=1)
    """Failed logins of one account within ``throttle_window`` before it is refused."""
    max_failures_address: int = Field(default=20, ge=1)
    """Failed logins from one address within ``throttle_window`` before it is refused."""
    throttle_window: Duration = timedelta(minutes=15)
    """The window in which failed logins are counted."""
    max_upload_mb: float = Field(default=10, gt=0)
    """Largest photo or PDF accepted with a request or a step, in megabytes."""
    trusted_proxies: list[str] = []
    """Addresses of the reverse proxies (nginx) whose ``X-Forwarded-For`` and
    ``X-Forwarded-Proto`` are believed; empty: the desk is reached directly."""


class Config(_Model):
    """The whole of ``warta.yml``."""

    version: Literal[1] = 1
    """Format version of this file."""
    site: SiteSettings
    """The public website."""
    court: CourtSettings = CourtSettings()
    """The court's contact details and the home page's quick links (issue 16)."""
    paths: Paths = Paths()
    """Folder layout."""
    categories: list[Category] = Field(min_length=1)
    """The category vocabulary."""
    people: list[Person] = []
    """People and their roles."""
    review: ReviewSettings = ReviewSettings()
    """Settings of the editor's check."""
    html: HtmlSettings = HtmlSettings()
    """The HTML allowlist of the site, the API and the feeds (and of the review)."""
    workflow: WorkflowSettings = WorkflowSettings()
    """Workflow targets and approval rules."""
    # collect and convert (issue 3)
    convert: ConvertSettings = ConvertSettings()
    """Collecting source material and converting it to standard electronic documents."""
    # roles and signed approval (issue 4)
    signing: SigningSettings = SigningSettings()
    """Signed approval in git and its verification."""
    # deploy (issue 5)
    deploy: DeploySettings = DeploySettings()
    """S3-compatible storage for the site and the archive."""
    health: HealthSettings = HealthSettings()
    """Availability checks and their history (issue 6)."""
    renewals: RenewalSettings = RenewalSettings()
    """Connection, hosting and domain contracts and their reminders."""
    # backups (issue 8)
    backup: BackupSettings = BackupSettings()
    """Backups of the whole site system to local media or S3-compatible storage."""
    # tickets (issue 9)
    tickets: TicketSettings = TicketSettings()
    """IT service tickets (SOP 3)."""
    # situation report (issue 10)
    report: ReportSettings = ReportSettings()
    """The situation report to the penanggung jawab."""
    # visitor activity (issue 20)
    visitors: VisitorSettings = VisitorSettings()
    """Access-log formats, suspicious-activity thresholds, allow-list and deny list."""
    # the staff desk (issue 18)
    desk: DeskSettings = DeskSettings()
    """The staff desk: accounts, sessions and uploads of the web interface."""

    # Set by the loader, not by the file.
    root: Path = Field(default=Path("."), exclude=True)
    source: str = Field(default=DEFAULT_CONFIG_NAME, exclude=True)

    @field_validator("categories")
    @classmethod
    def _unique_categories(cls, value: list[Category]) -> list[Category]:
        seen: set[str] = set()
        for category in value:
            if category.id in seen:
                raise ValueError(f"category id {category.id!r} is listed twice")
            seen.add(category.id)
        return value

    @field_validator("people")
    @classmethod
    def _unique_people(cls, value: list[Person]) -> list[Person]:
        seen: set[str] = set()
        for person in value:
            if person.id in seen:
                raise ValueError(f"person id {person.id!r} is listed twice")
            seen.add(person.id)
        return value

    @model_validator(mode="after")
    def _ticket_receiver_known(self) -> Config:
        receiver = self.tickets.receiver
        if receiver and self.person(receiver) is None:
            raise ValueError(f"tickets.receiver: {receiver!r} is not listed in people")
        return self

    @model_validator(mode="after")
    def _sections_distinct(self) -> Config:
        sections = [c.section for c in self.categories if c.kind == "post"]
        if len(sections) != len(set(sections)):
            raise ValueError("two post categories share a section folder")
        return self

    # -- lookups -------------------------------------------------------------

    def path(self, name: str) -> Path:
        """Absolute path of one of :class:`Paths`' entries.

        The last component is not resolved: ``site`` is a symlink to the live build
        folder, and the swap must replace the link, not the folder it points to.
        """
        path = self.root / getattr(self.paths, name)
        if path.name in ("", "..") or not path.is_symlink():
            return path.resolve()
        return path.parent.resolve() / path.name

    def category(self, category_id: str) -> Category | None:
        """The category with this id, if any."""
        return next((c for c in self.categories if c.id == category_id), None)

    def person(self, person_id: str) -> Person | None:
        """The person with this id (or exact name), if any."""
        return next((p for p in self.people if person_id in (p.id, p.name)), None)


def load_config(path: Path | str | None = None) -> Config:
    """Load and validate ``warta.yml``; raise :class:`ConfigError` with every problem."""
    config_path = Path(path) if path else Path(DEFAULT_CONFIG_NAME)
    shown = str(config_path)
    try:
        raw = config_path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            "configuration not found",
            [Problem(shown, "no such file", "run warta in the site's folder or pass --config")],
        ) from None
    except OSError as error:
        raise ConfigError(
            "configuration unreadable", [Problem(shown, error.strerror or str(error))]
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(
            "configuration unreadable",
            [Problem(shown, f"not UTF-8 (byte {error.start})", "save the file as UTF-8")],
        ) from None
    return parse_config(text, source=shown, root=config_path.resolve().parent)


def _yaml_hint(error: yaml.YAMLError, default: str) -> str:
    # A refused bomb or duplicate key says what to do in its own message.
    return "" if isinstance(error, HostileYamlError) else default


def parse_config(text: str, *, source: str = DEFAULT_CONFIG_NAME, root: Path) -> Config:
    """Validate configuration text; see :func:`load_config`."""
    try:
        data = safe_load(text)
    except yaml.YAMLError as error:
        line = yaml_error_line(error)
        where = f"{source}:{line}" if line else source
        problem = getattr(error, "problem", None) or str(error)
        raise ConfigError(
            "configuration is not valid YAML",
            [Problem(where, str(problem), _yaml_hint(error, "fix the YAML syntax"))],
        ) from None
    if not isinstance(data, dict):
        raise ConfigError(
            "configuration is invalid",
            [Problem(source, "expected a mapping of settings at the top level")],
        )
    try:
        config = Config.model_validate(data)
    except ValidationError as error:
        lines = line_map(text)
        problems = []
        for item in error.errors():
            loc = tuple(item["loc"])
            line = nearest_line(lines, loc)
            where = f"{source}:{line}" if line else source
            key = dotted(loc)
            message = item["msg"].removeprefix("Value error, ")
            if item["type"] == "extra_forbidden":
                message = "unknown setting (check the spelling in docs/configuration.md)"
            problems.append(Problem(where, f"{key}: {message}" if key else message))
        raise ConfigError(
            f"configuration is invalid ({len(problems)} problem(s))", problems
        ) from None
    return config.model_copy(update={"root": root, "source": source})


_T = TypeVar("_T")
_DERIVED: dict[tuple[int, str], tuple[weakref.ref[Config], Any]] = {}


def derived(config: Config, key: str, make: Callable[[], _T]) -> _T:
    """``make()``, made once per loaded configuration object and kept while it lives.

    For what a long-running process (the desk) would otherwise rebuild at every request
    from the same ``Config`` (the ticket rules and their holiday calendar, the database
    path). A ``Config`` is frozen, and a changed one (``model_copy``) is a new object, so
    a derived value never outlives the configuration it came from."""
    slot = (id(config), key)
    held = _DERIVED.get(slot)
    if held is not None and held[0]() is config:
        return cast(_T, held[1])
    made = make()
    _DERIVED[slot] = (weakref.ref(config, lambda _gone: _DERIVED.pop(slot, None)), made)
    return made
