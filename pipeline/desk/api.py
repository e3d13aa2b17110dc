"""The headless content API, ``/api/v1`` (issue 19): JSON over the same use cases.

Per-person tokens with scopes (:mod:`pipeline.commands.tokens`) in
``Authorization: Bearer warta_…``. The OpenAPI document is served at
``/api/v1/openapi.json``. Approval, publishing and withdrawal are not in this API: no
token can do them.

Errors are JSON: ``{"error": {"message", "where", "hint"}}`` with the status the desk
uses for the same refusal (401 token, 403 role or scope, 404, 409 conflict, 422 invalid).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from pipeline.actor import Actor
from pipeline.commands import drafting, tokens
from pipeline.commands import status as status_cases
from pipeline.config import Config
from pipeline.content.branches import EditConflict
from pipeline.content.store import scan
from pipeline.desk.uploads import receive
from pipeline.errors import (
    AuthError,
    ContentError,
    NotFoundError,
    Problem,
    WartaError,
    WorkflowError,
)

VERSION = "1"


class DraftIn(BaseModel):
    """A draft's fields, as the desk's form has them."""

    title: str = Field(max_length=200)
    category: str
    summary: str = Field(default="", max_length=1000)
    tags: list[str] = Field(default_factory=list, max_length=20)
    attention: str = Field(default="routine", pattern="^(routine|special)$")
    publish_at: str = Field(default="", description="YYYY-MM-DDTHH:MM in the court's time zone")
    case_type: str = Field(default="", max_length=80)
    body: str = ""


class DraftUpdate(DraftIn):
    """A save: the fields and the branch commit the edit started from."""

    expected: str = Field(description="the 'head' of the draft as it was read")


def _draft_json(draft: drafting.DeskDraft) -> dict[str, Any]:
    front = draft.item.front
    return {
        "slug": draft.slug,
        "head": draft.head,
        "front_matter": front.model_dump(mode="json", exclude_defaults=False),
        "body": draft.item.body,
        "preview_html": draft.preview,
        "findings": [f.as_dict() for f in draft.findings],
    }


def build_api(config: Config, *, clock: Callable[[], datetime]) -> FastAPI:
    """The API application, mounted by the desk at ``/api/v1``."""
    api = FastAPI(
        title="warta content API",
        version=VERSION,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )

    def status_of(error: WartaError) -> int:
        if isinstance(error, AuthError):
            return 403 if "may not" in error.message else 401
        if isinstance(error, NotFoundError):
            return 404
        if isinstance(error, ContentError):
            return 422
        if isinstance(error, EditConflict):
            return 409
        if isinstance(error, WorkflowError):
            return 403 if "may not" in error.message else 409
        return 400

    @api.exception_handler(WartaError)
    async def on_error(request: Request, error: WartaError) -> JSONResponse:
        body: dict[str, Any] = {
            "message": error.message,
            "where": error.where,
            "hint": error.hint,
        }
        if isinstance(error, EditConflict):
            body["diff"] = error.diff
        problems = list(error.problems)
        if len(problems) > 1 or (problems and problems[0].message != error.message):
            body["problems"] = [
                {"where": p.where, "message": p.message, "hint": p.hint} for p in problems
            ]
        return JSONResponse({"error": body}, status_code=status_of(error))

    async def actor(authorization: str, scope: str) -> Actor:
        secret = authorization.removeprefix("Bearer ").strip() if authorization else ""
        return await run_in_threadpool(
            lambda: tokens.authenticate(config, secret, scope=scope, now=clock())
        )

    @api.get("/drafts")
    async def list_drafts(authorization: str = Header(default="")) -> dict[str, Any]:
        """Every item still in the workflow, by stage (the board)."""
        await actor(authorization, "read")
        columns = await run_in_threadpool(
            lambda: status_cases.board(config, now=clock(), branches=drafting.branches(config))
        )
        return {
            "stages": {
                stage: [{**card.row.as_dict(), "category": card.category} for card in cards]
                for stage, cards in columns.items()
                if stage != "done"
            }
        }

    @api.get("/items")
    async def list_items(authorization: str = Header(default="")) -> dict[str, Any]:
        """Every item of the published branch (published, withdrawn and drafts on it)."""
        await actor(authorization, "read")
        found = await run_in_threadpool(lambda: scan(config))
        return {
            "items": [
                {
                    "slug": i.slug,
                    "title": i.front.title,
                    "category": i.front.category,
                    "status": i.front.status.value,
                    "location": i.location,
                    "path": i.shown,
                    "published_at": i.front.published_at.isoformat()
                    if i.front.published_at
                    else None,
                }
                for i in found.items
            ]
        }

    @api.get("/drafts/{slug}")
    async def read_draft(slug: str, authorization: str = Header(default="")) -> dict[str, Any]:
        """One draft of the desk: fields, body, preview and review findings."""
        await actor(authorization, "read")
        draft = await run_in_threadpool(drafting.load, config, slug)
        return _draft_json(draft)

    @api.post("/drafts", status_code=201)
    async def create_draft(
        draft: DraftIn, authorization: str = Header(default="")
    ) -> dict[str, Any]:
        """A new draft on its branch, authored by the token's person."""
        who = await actor(authorization, "drafts")
        form = drafting.DraftForm(**draft.model_dump())
        saved = await run_in_threadpool(
            lambda: drafting.start(config, by=who, form=form, now=clock())
        )
        slug = saved.branch.removeprefix(config.signing.branch_prefix)
        return {"slug": slug, "head": saved.commit, "branch": saved.branch}

    @api.put("/drafts/{slug}")
    async def update_draft(
        slug: str, draft: DraftUpdate, authorization: str = Header(default="")
    ) -> dict[str, Any]:
        """Save over the draft as read at ``expected`` (409 with the diff when it moved)."""
        who = await actor(authorization, "drafts")
        values = draft.model_dump()
        expected = values.pop("expected")
        form = drafting.DraftForm(**values)
        saved = await run_in_threadpool(
            lambda: drafting.save(
                config, by=who, slug=slug, form=form, expected=expected, now=clock()
            )
        )
        return {"slug": slug, "head": saved.commit, "branch": saved.branch}

    @api.post("/drafts/{slug}/files")
    async def attach_files(
        slug: str,
        request: Request,
        expected: str,
        authorization: str = Header(default=""),
    ) -> dict[str, Any]:
        """Attach files (multipart ``files``): collected and converted onto the branch."""
        who = await actor(authorization, "attach")
        form = await request.form(max_files=10, max_fields=5, max_part_size=1024 * 1024)
        folder = Path(tempfile.mkdtemp(prefix="warta-api-"))
        try:
            received = await receive(
                form.getlist("files"),
                folder,
                limit=int(config.desk.max_upload_mb * 1024 * 1024),
                too_big=lambda name: ContentError(
                    "a file is over the limit",
                    [Problem(name[:120], "over the limit", "send a smaller file")],
                ),
            )
            uploads = [(u.path, u.shown) for u in received]
            done = await run_in_threadpool(
                lambda: drafting.attach(
                    config, by=who, slug=slug, uploads=uploads, expected=expected, now=clock()
                )
            )
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        if done.saved is None:
            raise ContentError("every file was refused; nothing was saved", done.refused)
        return {
            "slug": slug,
            "head": done.saved.commit,
            "made": done.made,
            "refused": [{"where": p.where, "message": p.message} for p in done.refused],
            "notes": done.notes,
        }

    @api.post("/drafts/{slug}/submit")
    async def submit_draft(
        slug: str, expected: str, authorization: str = Header(default="")
    ) -> dict[str, Any]:
        """The editor's review of the draft as read at ``expected`` (not with signing on:
        a token cannot sign; the editor submits in the desk with their key)."""
        who = await actor(authorization, "submit")
        saved = await run_in_threadpool(
            lambda: drafting.submit(config, by=who, slug=slug, expected=expected, now=clock())
        )
        return {"slug": slug, "head": saved.commit, "branch": saved.branch}

    return api
