"""Workflow transitions of one item: submit, approve, reject, publish, withdraw.

Pure functions: each takes the current front matter and returns the new one,
or raises :class:`WorkflowError` saying which rule refused the step.  SOP 1
step 5: routine items are approved by the penanggung jawab (or a redaktur
acting for them, when configured), special-attention items by the ketua;
nobody approves their own item.
"""

from __future__ import annotations

from datetime import datetime

from pipeline.actor import actor_for
from pipeline.config import Config, Person
from pipeline.content.model import (
    TRANSITIONS,
    ApprovalRecord,
    Attention,
    FrontMatter,
    HistoryEntry,
    ReviewRecord,
    Status,
)
from pipeline.errors import WorkflowError


def _move(
    front: FrontMatter,
    to: Status,
    *,
    by: str,
    at: datetime,
    note: str = "",
    where: str = "",
    **changes: object,
) -> FrontMatter:
    if to not in TRANSITIONS[front.status]:
        raise WorkflowError(
            f"cannot go from '{front.status}' to '{to}'",
            where=where,
            hint=_next_step_hint(front.status),
        )
    history = [*front.history, HistoryEntry(status=to, at=at, by=by, note=note)]
    return front.model_copy(update={"status": to, "history": history, **changes})


def _next_step_hint(status: Status) -> str:
    return {
        Status.DRAFT: "submit it first: warta submit SLUG",
        Status.IN_REVIEW: "it must be approved: warta approve SLUG",
        Status.APPROVED: "publish it: warta publish",
        Status.PUBLISHED: "a published item can only be withdrawn: warta withdraw SLUG",
        Status.WITHDRAWN: "a withdrawn item stays in the archive; write a new item instead",
    }[status]


def require_role(config: Config, person_id: str, roles: tuple[str, ...], action: str) -> Person:
    """The configured person, if they hold one of ``roles``; else :class:`WorkflowError`.

    Who the person is comes from :func:`pipeline.actor.actor_for`, the one lookup.
    """
    person = config.person(actor_for(config, person_id).person)
    assert person is not None  # actor_for refused anyone not listed
    if not set(person.roles) & set(roles):
        raise WorkflowError(
            f"{person.name} may not {action}: needs the role {' or '.join(roles)}",
            where=f"{config.source}: people[{person.id}].roles",
            hint="ask someone with that role",
        )
    return person


def submit(
    config: Config,
    front: FrontMatter,
    *,
    by: str,
    at: datetime,
    errors: int,
    warnings: int,
    where: str = "",
) -> FrontMatter:
    """Record a passed editor's review and move the item to in-review."""
    editor = require_role(config, by, ("editor", "redaktur"), "review content")
    check_not_own_review(config, front, editor, where=where)
    if errors:
        raise WorkflowError(
            f"the review found {errors} error(s)",
            where=where,
            hint="fix them (warta review PATH) and submit again",
        )
    record = ReviewRecord(by=editor.id, at=at, result="passed", errors=0, warnings=warnings)
    return _move(front, Status.IN_REVIEW, by=editor.id, at=at, where=where, review=record)


def approver_roles(config: Config, attention: Attention) -> tuple[str, ...]:
    """Roles that may approve an item of this attention level."""
    if attention is Attention.SPECIAL:
        return ("ketua",)
    if config.workflow.redaktur_approves_routine:
        return ("penanggung-jawab", "redaktur")
    return ("penanggung-jawab",)


def approve(
    config: Config,
    front: FrontMatter,
    *,
    by: str,
    at: datetime,
    digest: str,
    note: str = "",
    where: str = "",
) -> FrontMatter:
    """Approve an in-review item (SOP 1 step 5); ``digest`` is its content digest."""
    roles = approver_roles(config, front.attention)
    action = f"approve {front.attention.value} items"
    person = require_role(config, by, roles, action)
    check_not_own(config, front, person, where=where)
    if front.review is None or front.review.result != "passed":
        raise WorkflowError(
            "the item has no passed editor's review",
            where=where,
            hint="an editor runs: warta submit SLUG",
        )
    role = next(r for r in roles if r in person.roles)
    record = ApprovalRecord(
        by=person.id,
        role=role,  # type: ignore[arg-type]  # one of the approver roles, checked above
        at=at,
        route=front.attention,
        digest=digest,
        note=note,
    )
    return _move(
        front, Status.APPROVED, by=person.id, at=at, note=note, where=where, approval=record
    )


def check_not_own(config: Config, front: FrontMatter, person: Person, *, where: str = "") -> None:
    """Refuse a self-approval: the approver wrote the item."""
    author = config.person(front.author) if front.author else None
    if front.author in (person.id, person.name) or (author is not None and author.id == person.id):
        raise WorkflowError(
            f"{person.name} wrote this item and may not approve it",
            where=where,
            hint="another approver with the right role must approve it",
        )


def check_not_own_review(
    config: Config, front: FrontMatter, editor: Person, *, where: str = ""
) -> None:
    """Refuse a self-review: the editor wrote the item."""
    author = config.person(front.author) if front.author else None
    if front.author in (editor.id, editor.name) or (author is not None and author.id == editor.id):
        raise WorkflowError(
            f"{editor.name} wrote this item and may not review it",
            where=where,
            hint="another editor or redaktur reviews it",
        )


def check_approval(config: Config, front: FrontMatter, *, digest: str, where: str = "") -> None:
    """Check that an approved item's approval record satisfies the rules and that
    its content (``digest``) is what was approved."""
    record = front.approval
    if record is None:
        raise WorkflowError(
            "approved but has no approval record",
            where=where,
            hint="approve it with: warta approve SLUG",
        )
    if record.digest != digest:
        raise WorkflowError(
            "the item was changed after it was approved"
            if record.digest
            else "the approval does not record what was approved (no digest)",
            where=where,
            hint="send it back for review and approval: warta reject SLUG",
        )
    roles = approver_roles(config, front.attention)
    if record.route is not front.attention:
        raise WorkflowError(
            f"approved on the {record.route.value} route but marked {front.attention.value}",
            where=where,
            hint="approve it again on the right route",
        )
    person = require_role(config, record.by, roles, f"approve {front.attention.value} items")
    if record.role not in person.roles or record.role not in roles:
        raise WorkflowError(
            f"approval role '{record.role}' is not valid for {person.name}",
            where=where,
            hint="approve it again",
        )
    check_not_own(config, front, person, where=where)


def reject(
    config: Config, front: FrontMatter, *, by: str, at: datetime, note: str, where: str = ""
) -> FrontMatter:
    """Send an item back to its writer with a reason."""
    roles = ("penanggung-jawab", "ketua", "editor", "redaktur")
    person = require_role(config, by, roles, "send items back")
    if not note.strip():
        raise WorkflowError("a reason is required", where=where, hint="pass --reason TEXT")
    return _move(
        front, Status.DRAFT, by=person.id, at=at, note=note, where=where, review=None, approval=None
    )


def publish(front: FrontMatter, *, by: str, at: datetime, where: str = "") -> FrontMatter:
    """Mark an approved item published."""
    return _move(front, Status.PUBLISHED, by=by, at=at, where=where, published_at=at)


def withdraw(
    config: Config, front: FrontMatter, *, by: str, at: datetime, reason: str, where: str = ""
) -> FrontMatter:
    """Take a published item off the site (it stays in the archive)."""
    require_role(
        config, by, ("web-admin", "redaktur", "penanggung-jawab", "ketua"), "withdraw items"
    )
    if not reason.strip():
        raise WorkflowError("a reason is required", where=where, hint="pass --reason TEXT")
    return _move(
        front,
        Status.WITHDRAWN,
        by=by,
        at=at,
        note=reason,
        where=where,
        withdrawn_at=at,
        withdrawn_reason=reason,
    )
