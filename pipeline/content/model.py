"""The front matter schema of a content item (format version 1).

Documented in ``docs/front-matter.md``; the tests keep the two in step.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

FRONT_MATTER_VERSION = 1
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SLUG_RE = re.compile(SLUG_PATTERN)
# An attachment path: ``files/`` then safe path segments; never absolute, never ``..``.
ATTACHMENT_RE = re.compile(r"^files/(?:[A-Za-z0-9][A-Za-z0-9._-]*/)*[A-Za-z0-9][A-Za-z0-9._-]*$")


class Status(StrEnum):
    """Where an item is in the workflow."""

    DRAFT = "draft"
    IN_REVIEW = "in-review"
    APPROVED = "approved"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


#: The transitions the workflow allows.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.DRAFT: frozenset({Status.IN_REVIEW}),
    Status.IN_REVIEW: frozenset({Status.DRAFT, Status.APPROVED}),
    Status.APPROVED: frozenset({Status.DRAFT, Status.PUBLISHED}),
    Status.PUBLISHED: frozenset({Status.WITHDRAWN}),
    Status.WITHDRAWN: frozenset(),
}


class Attention(StrEnum):
    """SOP 1 step 5: who approves — the penanggung jawab (routine) or the ketua (special)."""

    ROUTINE = "routine"
    SPECIAL = "special"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Attachment(_Model):
    """A supporting electronic document, stored in the item's ``files/`` folder."""

    path: str = Field(pattern=ATTACHMENT_RE.pattern)
    """Relative path, always under ``files/``."""
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    """Hex SHA-256 of the file's bytes."""
    title: str = ""
    """Caption shown to readers."""


class ReviewRecord(_Model):
    """The editor's check (SOP 1 step 4)."""

    by: str
    """Person id of the editor."""
    at: datetime
    """When the review was recorded."""
    result: Literal["passed", "failed"]
    """Outcome of ``warta review`` at that time."""
    errors: int = 0
    warnings: int = 0
    note: str = ""


class ApprovalRecord(_Model):
    """The approval (SOP 1 step 5)."""

    by: str
    """Person id of the approver."""
    role: Literal["penanggung-jawab", "ketua", "redaktur"]
    """Role in which they approved."""
    at: datetime
    """When."""
    route: Attention
    """Route taken: routine (penanggung jawab) or special (ketua)."""
    digest: str = Field(default="", pattern=r"^([0-9a-f]{64})?$")
    """Content digest of what was approved (see ``docs/front-matter.md``): an item
    edited after its approval no longer matches and is not published."""
    note: str = ""


class HistoryEntry(_Model):
    """One recorded step of the workflow."""

    status: Status | Literal["collected", "converted", "archived"]
    at: datetime
    by: str = ""
    note: str = ""


class FrontMatter(_Model):
    """Front matter of one content item."""

    title: str = Field(min_length=1)
    """Headline or page title."""
    slug: str = Field(pattern=SLUG_PATTERN, max_length=80)
    """URL name, unique across the site: lowercase letters, digits and hyphens."""
    date: date
    """Date of the item (of the event, for news)."""
    category: str
    """One id from the configured vocabulary (``categories`` in ``warta.yml``)."""
    summary: str = ""
    """One or two sentences: shown in listings, the feed and the API."""
    author: str = ""
    """Person id (or name) of the writer."""
    tags: list[str] = []
    """Free tags, shown by the tags plugin."""
    attention: Attention = Attention.ROUTINE
    """``routine`` (penanggung jawab approves) or ``special`` (ketua approves)."""
    status: Status = Status.DRAFT
    """draft → in-review → approved → published → withdrawn."""
    publish_at: datetime | None = None
    """Embargo: not published before this moment."""
    published_at: datetime | None = None
    """Set by ``warta publish``."""
    withdrawn_at: datetime | None = None
    """Set by ``warta withdraw``."""
    withdrawn_reason: str = ""
    case_type: str = ""
    """For case-related items: the case type (decides whether anonymisation is required)."""
    attachments: list[Attachment] = []
    """Supporting documents with their SHA-256."""
    review: ReviewRecord | None = None
    """The editor's review record."""
    approval: ApprovalRecord | None = None
    """The approval record."""
    history: list[HistoryEntry] = []
    """Every workflow step, oldest first."""
    order: int | None = None
    """Position among the pages of its section in the navigation (smaller first)."""
    warta: int = Field(default=FRONT_MATTER_VERSION, ge=1, le=FRONT_MATTER_VERSION)
    """Front matter format version."""

    @field_validator("tags")
    @classmethod
    def _tags_not_blank(cls, value: list[str]) -> list[str]:
        if any(not tag.strip() for tag in value):
            raise ValueError("tags must not be blank")
        return value


#: Keys that belong to mkdocs / mkdocs-material: kept as written, not validated here.
MKDOCS_KEYS = frozenset(
    {
        "hide",
        "icon",
        "description",
        "template",
        "subtitle",
        "search",
        "social",
        "comments",
        "pin",
        "links",
        "readtime",
        "authors",
        "categories",
        "draft",
    }
)

#: Workflow keys: left out of the content digest, since approving changes them.
WORKFLOW_KEYS = frozenset(
    {"status", "published_at", "withdrawn_at", "withdrawn_reason", "review", "approval", "history"}
)

#: Order in which keys are written back, so that diffs stay small and readable.
KEY_ORDER = list(FrontMatter.model_fields)
