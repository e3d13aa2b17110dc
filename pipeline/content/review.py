"""The editor's check (SOP 1 step 4): ``warta review``.

Each rule has a dotted id (``writing.title-length``, ``links.internal``, …)
listed in ``docs/review-rules.md``.  Rules never stop at the first problem:
every finding of every file is reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pipeline.config import Config
from pipeline.content import privacy
from pipeline.content.attachment_check import active_content, attachment_problems
from pipeline.content.attachment_text import attachment_text
from pipeline.content.findings import Finding, Severity
from pipeline.content.limits import markdown_limits
from pipeline.content.links import unsafe_files
from pipeline.content.markdown_scan import MarkdownOutline, outline
from pipeline.content.render import Renderer, site_renderer
from pipeline.content.sanitise import Removal, Sanitiser
from pipeline.content.store import Item, Scan, target_folder
from pipeline.errors import Problem
from pipeline.fsutil import sha256_file

ERROR, WARNING = Severity.ERROR, Severity.WARNING

#: Every rule id with a one-line description (``docs/review-rules.md`` is checked against it).
RULES: dict[str, str] = {
    "schema": "Front matter follows the schema; the file is UTF-8 and readable.",
    "slug.duplicate": "No two items share a slug.",
    "markdown.limits": "The body is not nested too deeply or too large to render.",
    "writing.title-length": "The title is review.title_min to review.title_max characters long.",
    "writing.summary-missing": "A summary is present.",
    "writing.summary-length": "The summary is at most review.summary_max characters.",
    "writing.heading-h1": "The body has no H1: the title comes from the front matter.",
    "writing.heading-order": "Heading levels do not skip (## then ###, never ## then ####).",
    "writing.empty-link": "Every link has a text and a target.",
    "writing.image-alt": "Every image has alternative text.",
    "attachments.missing": "Every listed attachment exists.",
    "attachments.checksum": "Every attachment matches its recorded sha256.",
    "attachments.unreferenced": "Every listed attachment is linked from the body.",
    "files.link": "No symbolic link, device file or hard link in the item's folder.",
    "attachments.unlisted": "Every file in files/ is listed in the front matter (warning).",
    "attachments.too-large": "No attachment is larger than review.max_attachment_mb.",
    "attachments.active-content": "No PDF attachment carries scripts, actions or embedded files.",
    "attachments.document": "Attachments of collected drafts are valid electronic documents.",
    "links.internal": "Internal links point at pages and files that exist.",
    "html.element": "The rendered body has no element outside html.allowed_tags.",
    "html.event-handler": "No on* event handler attributes (raw HTML or attr_list).",
    "html.url": "Links and sources use only html.url_schemes or relative URLs.",
    "html.iframe-host": "Iframes load only from html.iframe_hosts, over https.",
    "html.external-image": "Images load only from the site itself or html.image_hosts.",
    "html.style": "No style outside html.style_properties, never url(...).",
    "html.attribute": "No attribute outside html.allowed_attributes.",
    "html.front-matter": "Front matter text (title, summary, tags …) carries no HTML markup.",
    "privacy.nik": "No NIK (Indonesian identity number).",
    "privacy.nik-like": "No 16-digit number labelled as a NIK (warning).",
    "privacy.phone": "No phone numbers other than review.allowed_phone_numbers.",
    "privacy.email": "No e-mail addresses outside review.allowed_email_domains.",
    "privacy.party-name": "Cases that must be anonymised name parties only by their role.",
    "privacy.attachment-unreadable": "The text of every PDF attachment can be read (warning).",
}

# Links with these schemes are not looked up as files (the sanitiser refuses them).
_UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:")

#: Rule of each kind of :class:`~pipeline.content.sanitise.Removal`.
_REMOVAL_RULES = {
    "element": "html.element",
    "event-handler": "html.event-handler",
    "url": "html.url",
    "iframe-host": "html.iframe-host",
    "image-host": "html.external-image",
    "style": "html.style",
    "attribute": "html.attribute",
}
_REMOVAL_HINTS = {
    "element": "remove it: only the elements of html.allowed_tags reach readers",
    "event-handler": "remove the attribute: pages run no script of the editors'",
    "url": "link to a page, a file or an https:// address",
    "iframe-host": "embed only from html.iframe_hosts, or ask the web admin to add the host",
    "image-host": "put the image in the item's files/ and link it from there",
    "style": "remove the style; the theme decides the look",
    "attribute": "remove the attribute",
}
# Front matter values that are not text a reader sees (digests, record times).
_NOT_TEXT = {("sha256",), ("digest",), ("at",), ("date",), ("published_at",), ("publish_at",)}
_FILE_NAME_SEPARATORS = re.compile(r"[-_./]+")
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z!?]|&#?\w+;")


@dataclass
class FileReport:
    """Findings of one file."""

    shown: str
    slug: str = ""
    findings: list[Finding] = field(default_factory=list)

    def add(self, where: str, rule: str, severity: Severity, message: str, hint: str = "") -> None:
        self.findings.append(Finding(where, rule, severity, message, hint))


@dataclass
class ReviewReport:
    """Findings of every file reviewed."""

    files: list[FileReport] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [f for report in self.files for f in report.findings]

    @property
    def errors(self) -> int:
        return sum(f.severity is ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity is WARNING for f in self.findings)

    @property
    def ok(self) -> bool:
        return self.errors == 0

    def for_slug(self, slug: str) -> FileReport | None:
        return next((r for r in self.files if r.slug == slug), None)

    def as_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "errors": self.errors,
            "warnings": self.warnings,
            "files": [
                {"path": r.shown, "slug": r.slug, "findings": [f.as_dict() for f in r.findings]}
                for r in self.files
            ],
        }


_WEB_VARIANT = re.compile(r"(.+)-\d{3,4}\.jpe?g")


def review(config: Config, scan: Scan, *, only: Iterable[Path] | None = None) -> ReviewReport:
    """Review the items of ``scan`` (or only those at ``only``) against every rule.

    ``scan`` should hold every item of the site, so that duplicate slugs and
    internal links are checked against the whole site.
    """
    wanted = {p.resolve() for p in only} if only is not None else None
    report = ReviewReport()
    html = HtmlCheck(config)
    by_file: dict[str, FileReport] = {}
    for problem in scan.problems:
        path = problem.where.split(":", 1)[0]
        if wanted is not None and (config.root / path).resolve() not in wanted:
            continue
        file_report = by_file.setdefault(path, FileReport(path))
        rule = "slug.duplicate" if problem.message.startswith("slug: duplicate") else "schema"
        file_report.add(problem.where, rule, ERROR, problem.message, problem.hint)
    for item in scan.items:
        if wanted is not None and item.path.resolve() not in wanted:
            continue
        file_report = by_file.setdefault(item.shown, FileReport(item.shown))
        file_report.slug = item.slug
        file_report.findings.extend(review_item(config, item, html))
    report.files = [by_file[key] for key in sorted(by_file)]
    return report


@dataclass
class HtmlCheck:
    """The site's rendering and the site's sanitiser, made once per review."""

    config: Config
    render: Renderer = field(init=False)
    sanitiser: Sanitiser = field(init=False)

    def __post_init__(self) -> None:
        self.render = site_renderer(self.config.path("mkdocs"))
        self.sanitiser = Sanitiser(self.config.html, site_url=self.config.site.url)

    def removals(self, body: str) -> list[Removal]:
        return self.sanitiser.removals(self.render(body))

    def located(self, body: str) -> list[tuple[int, Removal]]:
        """Every removal of the rendered body with the body line that causes it.

        Python-Markdown keeps no source positions: the line is the shortest prefix of
        the body whose rendering already has that removal (as many times as before).
        """
        found = self.removals(body)
        if not found:
            return []
        lines = body.splitlines()
        cache: dict[int, list[Removal]] = {}

        def upto(count: int) -> list[Removal]:
            if count not in cache:
                cache[count] = self.removals("\n".join(lines[:count]))
            return cache[count]

        out = []
        for index, removal in enumerate(found):
            need = found[: index + 1].count(removal)
            low, high = 1, max(1, len(lines))
            while low < high:
                middle = (low + high) // 2
                if upto(middle).count(removal) >= need:
                    high = middle
                else:
                    low = middle + 1
            out.append((low, removal))
        return out


def review_item(config: Config, item: Item, html: HtmlCheck | None = None) -> list[Finding]:
    """Every finding for one parsed item (schema problems are found when parsing)."""
    out = FileReport(item.shown, item.slug)
    _writing(config, item, out)
    if _limits(item, out):
        return out.findings  # a hostile body is not parsed any further
    body_outline = outline(item.body)
    _headings(item, body_outline, out)
    _links(config, item, body_outline, out)
    _attachments(config, item, body_outline, out)
    _html(item, html or HtmlCheck(config), out)
    _privacy(config, item, out)
    return out.findings


def _limits(item: Item, out: FileReport) -> bool:
    """``markdown.limits``: nesting and size bounds (the renderer would hang on more)."""
    hits = markdown_limits(item.body)
    for hit in hits:
        out.add(
            item.body_where(hit.line),
            "markdown.limits",
            ERROR,
            hit.message,
            "flatten the structure: a page needs only a few levels of lists or quotes",
        )
    return bool(hits)


def _writing(config: Config, item: Item, out: FileReport) -> None:
    settings, front = config.review, item.front
    length = len(front.title.strip())
    if not settings.title_min <= length <= settings.title_max:
        out.add(
            item.where(("title",)),
            "writing.title-length",
            ERROR,
            f"title is {length} characters long",
            f"keep it between {settings.title_min} and {settings.title_max}",
        )
    if not front.summary.strip():
        out.add(
            item.where(("summary",)),
            "writing.summary-missing",
            ERROR,
            "summary is missing",
            "add a 'summary:' of one or two sentences",
        )
    elif len(front.summary) > settings.summary_max:
        out.add(
            item.where(("summary",)),
            "writing.summary-length",
            WARNING,
            f"summary is {len(front.summary)} characters long",
            f"shorten it to {settings.summary_max} or fewer",
        )


def _headings(item: Item, body: MarkdownOutline, out: FileReport) -> None:
    previous = 1  # the page title is the H1
    for heading in body.headings:
        where = item.body_where(heading.line)
        if heading.level == 1:
            out.add(
                where,
                "writing.heading-h1",
                ERROR,
                f"H1 heading '{heading.text}' in the body",
                "the title comes from front matter; start sections at ##",
            )
        elif heading.level > previous + 1:
            out.add(
                where,
                "writing.heading-order",
                ERROR,
                f"heading level jumps from {previous} to {heading.level}",
                f"use {'#' * (previous + 1)} here",
            )
        previous = heading.level


def _is_external(href: str) -> bool:
    parts = urlsplit(href)
    return bool(parts.scheme or parts.netloc)


def _links(config: Config, item: Item, body: MarkdownOutline, out: FileReport) -> None:
    content = config.path("content")
    published_folder = (
        item.folder if item.location == "content" else target_folder(config, item.front)
    )
    for link in body.links:
        where = item.body_where(link.line)
        if link.image and not link.text:
            out.add(
                where,
                "writing.image-alt",
                ERROR,
                f"image '{link.href}' has no alt text",
                "describe the image: ![what it shows](path)",
            )
        if not link.image and (not link.text or not link.href.strip()):
            out.add(
                where,
                "writing.empty-link",
                ERROR,
                "link without text or target",
                "write [text](target)",
            )
        href = link.href.strip()
        if href.lower().startswith(_UNSAFE_SCHEMES):
            continue  # html.url says so, from the rendered HTML
        if not href or href.startswith("#") or _is_external(href):
            continue
        path = unquote(urlsplit(href).path)
        if not path:
            continue
        if path.startswith("/"):
            target = content / path.lstrip("/")
        else:
            own = (item.folder / path).resolve()
            # Files next to the item move with it; other relative links are read
            # from where the item will be published.
            target = own if own.is_relative_to(item.folder.resolve()) else (published_folder / path)
        if not _resolves(target.resolve(), content):
            out.add(
                where,
                "links.internal",
                ERROR,
                f"link target '{href}' does not exist",
                "link to an existing page, e.g. /profil/visi-misi/index.md",
            )


def _resolves(target: Path, content: Path) -> bool:
    if target.is_file():
        return True
    if target.is_dir():
        return (target / "index.md").is_file()
    # A directory URL written without index.md, e.g. /profil/visi-misi/
    return target.suffix == "" and (target / "index.md").is_file()


def _attachments(config: Config, item: Item, body: MarkdownOutline, out: FileReport) -> None:
    unsafe = unsafe_files(item.folder)
    for path, reason in unsafe:
        out.add(
            item.where(),
            "files.link",
            ERROR,
            f"'{path.relative_to(item.folder).as_posix() or '.'}' is {reason}: warta follows "
            "no link",
            "replace it with the file itself",
        )
    if unsafe:
        return  # nothing behind a link is read, not even to check its checksum
    linked = {unquote(urlsplit(link.href).path).removeprefix("./") for link in body.links}
    # The site shows a linked photo with every web variant warta convert made of it
    # (<name>-<width>.jpg, in its srcset): the variants are linked through it.
    linked |= {
        attachment.path
        for attachment in item.front.attachments
        if (variant := _WEB_VARIANT.fullmatch(attachment.path))
        and any(
            (other := _WEB_VARIANT.fullmatch(target)) and other.group(1) == variant.group(1)
            for target in linked
        )
    }
    limit = config.review.max_attachment_mb * 1024 * 1024
    listed: set[str] = set()
    for index, attachment in enumerate(item.front.attachments):
        where = item.where(("attachments", index))
        listed.add(attachment.path)
        path = item.folder / attachment.path
        if not path.is_file():
            out.add(
                where,
                "attachments.missing",
                ERROR,
                f"attachment '{attachment.path}' does not exist",
                f"put the file in {item.folder.name}/files/ or remove the entry",
            )
            continue
        if path.stat().st_size > limit:
            out.add(
                where,
                "attachments.too-large",
                ERROR,
                f"attachment '{attachment.path}' is {path.stat().st_size / 1e6:.1f} MB",
                f"keep attachments under {config.review.max_attachment_mb:g} MB",
            )
        actual = sha256_file(path)
        if actual != attachment.sha256:
            out.add(
                where,
                "attachments.checksum",
                ERROR,
                f"attachment '{attachment.path}' does not match its sha256",
                f"if the new file is right, record sha256: {actual}",
            )
        if attachment.path not in linked:
            out.add(
                where,
                "attachments.unreferenced",
                ERROR,
                f"attachment '{attachment.path}' is not linked from the text",
                f"add a link such as [Unduh]({attachment.path})",
            )
    for index, problem in active_content(item):
        out.add(
            item.where(("attachments", index)),
            "attachments.active-content",
            ERROR,
            f"'{problem.where}': {problem.message}",
            problem.hint,
        )
    for index, problem in attachment_problems(config, item):
        out.add(
            item.where(("attachments", index)) if index >= 0 else item.where(),
            "attachments.document",
            ERROR,
            f"'{problem.where}': {problem.message}",
            problem.hint,
        )
    files = item.folder / "files"
    if files.is_dir():
        for path in sorted(files.rglob("*")):
            rel = path.relative_to(item.folder).as_posix()
            if path.is_file() and not path.name.startswith(".") and rel not in listed:
                out.add(
                    item.where(("attachments",)),
                    "attachments.unlisted",
                    WARNING,
                    f"'{rel}' is in files/ but not listed in attachments",
                    "list it with its sha256, or remove it",
                )


def _html(item: Item, check: HtmlCheck, out: FileReport) -> None:
    """What the site's sanitiser would remove from the rendered body, and markup in the
    front matter (shown as text by the site, so never what the editor meant)."""
    for line, removal in check.located(item.body):
        out.add(
            item.body_where(line),
            _REMOVAL_RULES[removal.kind],
            ERROR,
            removal.message,
            _REMOVAL_HINTS[removal.kind],
        )
    for key, value in _front_texts(item.front.model_dump(mode="json")):
        if _MARKUP.search(value):
            out.add(
                item.where(key),
                "html.front-matter",
                ERROR,
                f"'{_dotted(key)}' carries HTML markup; it is shown as text",
                "write plain text: front matter is never read as HTML",
            )


def _dotted(key: tuple[str | int, ...]) -> str:
    return ".".join(str(k) for k in key)


def _front_texts(
    value: object, key: tuple[str | int, ...] = ()
) -> list[tuple[tuple[str | int, ...], str]]:
    """Every string of the front matter with its key path."""
    if isinstance(value, str):
        return [(key, value)]
    if isinstance(value, dict):
        return [pair for k, v in value.items() for pair in _front_texts(v, (*key, k))]
    if isinstance(value, list):
        return [pair for i, v in enumerate(value) for pair in _front_texts(v, (*key, i))]
    return []


def _privacy(config: Config, item: Item, out: FileReport) -> None:
    """Personal data wherever the item is published: the body (every Markdown construct,
    code included), every front matter text, the file names, and the attachments' text."""
    settings = config.review
    front = item.front.model_dump(mode="json")
    texts = [(key, value) for key, value in _front_texts(front) if key[-1:] not in _NOT_TEXT]
    published = "\n".join([item.body, *(value for _key, value in texts)])
    reason = privacy.anonymisation_reason(
        case_type=item.front.case_type, text=published, case_types=settings.anonymise_case_types
    )
    for hit in privacy.personal_data_hits(item.body, settings, reason=reason):
        out.add(item.body_where(hit.line), hit.rule, hit.severity, hit.message, hit.hint)
    for key, value in texts:
        for hit in privacy.personal_data_hits(value, settings, reason=reason):
            out.add(item.where(key), hit.rule, hit.severity, hit.message, hit.hint)
    # File names are published in the URLs: the folder (slug) and every file in files/.
    names: list[tuple[tuple[str | int, ...], str]] = [(("slug",), item.folder.name)]
    listed = {a.path: index for index, a in enumerate(item.front.attachments)}
    files = item.folder / "files"
    if files.is_dir():
        for path in sorted(p for p in files.rglob("*") if p.is_file()):
            rel = path.relative_to(item.folder).as_posix()
            index = listed.get(rel)
            names.append(((("attachments", index) if index is not None else ("attachments",)), rel))
    for key, name in names:
        readable = _FILE_NAME_SEPARATORS.sub(" ", name)
        for hit in privacy.personal_data_hits(readable, settings, reason=reason):
            message = f"file name '{name}': {hit.message}"
            out.add(item.where(key), hit.rule, hit.severity, message, hit.hint)
    for index, attachment in enumerate(item.front.attachments):
        path = item.folder / attachment.path
        if not path.is_file():
            continue  # attachments.missing says so
        where = item.where(("attachments", index))
        found = attachment_text(path)
        if found.problem is not None:
            out.add(
                where,
                "privacy.attachment-unreadable",
                WARNING,
                f"'{attachment.path}': {found.problem}",
                "check the document by eye, or convert it with OCR (warta convert)",
            )
        for page_number, page in enumerate(found.pages, 1):
            for hit in privacy.personal_data_hits(page, settings, reason=reason):
                shown = f"page {page_number}, " if len(found.pages) > 1 else ""
                message = f"'{attachment.path}' ({shown}line {hit.line}): {hit.message}"
                out.add(where, hit.rule, hit.severity, message, hit.hint)


def problems_of(report: ReviewReport) -> list[Problem]:
    """The errors of a report as :class:`Problem` values (for refusals)."""
    return [
        Problem(f.where, f"[{f.rule}] {f.message}", f.hint)
        for f in report.findings
        if f.severity is ERROR
    ]
