"""The desk's content rooms (issue 19): the board, new drafts and the editor.

An adapter like the rest of the desk: each route reads the form, calls one use case of
:mod:`pipeline.commands.drafting` or :mod:`pipeline.commands.status`, and renders the
result. :func:`install` adds the routes to the desk's application with the helpers
:func:`pipeline.desk.app.create_app` already has (sessions, CSRF, rendering).
"""

from __future__ import annotations

import re
import secrets
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from pipeline.actor import Actor
from pipeline.commands import archive as archive_cases
from pipeline.commands import drafting
from pipeline.commands import keys as key_cases
from pipeline.commands import publish as publish_cases
from pipeline.commands import status as status_cases
from pipeline.commands import tokens as token_cases
from pipeline.commands.accounts import Session
from pipeline.commands.desk import Upload
from pipeline.config import Config
from pipeline.content import workflow
from pipeline.content.branches import EditConflict
from pipeline.desk import findings_text, messages
from pipeline.desk.jobs import JobProgress, Jobs
from pipeline.desk.texts import T
from pipeline.errors import (
    BuildError,
    ConfigError,
    ContentError,
    IntegrityError,
    NotFoundError,
    WartaError,
)

WITHDRAW_ROLES = ("web-admin", "redaktur", "penanggung-jawab", "ketua")
"""Who may ask for a published item to be withdrawn (the workflow rule decides)."""

CONTENT_ROLES = ("operator", "editor", "redaktur", "penanggung-jawab", "ketua", "web-admin")
"""Who sees the content rooms (the people of SOP 1)."""

T.update(
    {
        "content": ("Konten", "Content"),
        "board": ("Papan konten", "Content board"),
        "new_draft": ("Draf baru", "New draft"),
        "stage_collect": ("Pengumpulan bahan", "Collecting material"),
        "stage_convert": ("Konversi dokumen", "Converting documents"),
        "stage_draft": ("Penyusunan draf", "Drafting"),
        "stage_review": ("Pemeriksaan editor", "Editor's review"),
        "stage_approval": ("Persetujuan", "Approval"),
        "stage_publish": ("Siap terbit", "Ready to publish"),
        "stage_embargo": ("Embargo", "Embargoed"),
        "stage_archive": ("Pengarsipan", "Archiving"),
        "stage_done": ("Selesai", "Done"),
        "all_categories": ("Semua kategori", "All categories"),
        "only_mine": ("Hanya yang saya pegang", "Only what I hold"),
        "filter": ("Saring", "Filter"),
        "late": ("terlambat", "late"),
        "age": ("umur", "age"),
        "held_by": ("dipegang", "held by"),
        "no_items": ("Tidak ada.", "None."),
        "category": ("Kategori", "Category"),
        "f_title": ("Judul", "Title"),
        "f_summary": ("Ringkasan", "Summary"),
        "f_tags": ("Tag (pisahkan dengan koma)", "Tags (separated by commas)"),
        "f_attention": ("Persetujuan oleh", "Approved by"),
        "f_routine": ("Rutin: penanggung jawab", "Routine: penanggung jawab"),
        "f_special": ("Perhatian khusus: ketua", "Special attention: ketua"),
        "f_embargo": ("Embargo: jangan terbit sebelum", "Embargo: not published before"),
        "f_case_type": ("Jenis perkara (jika terkait perkara)", "Case type (if case-related)"),
        "f_body": ("Isi (Markdown)", "Body (Markdown)"),
        "save_draft": ("Simpan draf", "Save draft"),
        "create_draft": ("Buat draf", "Create draft"),
        "preview": ("Pratinjau (seperti di situs)", "Preview (as on the site)"),
        "findings": ("Hasil pemeriksaan", "Review findings"),
        "no_findings": ("Tidak ada temuan.", "No findings."),
        "line": ("baris", "line"),
        "saved": ("Draf tersimpan.", "Draft saved."),
        "conflict": (
            "Draf ini diubah orang lain sejak Anda membukanya. Tulisan Anda belum disimpan "
            "dan masih ada di formulir; perbedaannya:",
            "Someone else changed this draft since you opened it. Your text was not saved "
            "and is still in the form; the difference:",
        ),
        "reload": ("Buka versi terbaru", "Open the latest version"),
        "invalid": ("Formulir belum benar:", "The form is not right yet:"),
        "branch": ("Cabang", "Branch"),
        "attachments": ("Lampiran", "Attachments"),
        "attach": ("Unggah dan konversi", "Upload and convert"),
        "attach_hint": (
            "Pindaian menjadi PDF/A yang dapat dicari, foto menjadi gambar web tanpa lokasi GPS.",
            "Scans become searchable PDF/A, photos web images without GPS location.",
        ),
        "attached": ("Lampiran diterima dan dikonversi.", "Attachment received and converted."),
        "refused_files": ("Berkas ditolak:", "Files refused:"),
        "submit_title": ("Ajukan untuk disetujui", "Submit for approval"),
        "submit_hint": (
            "Sebagai editor Anda memeriksa draf ini; pemeriksaan harus lulus.",
            "As the editor you review this draft; the review must pass.",
        ),
        "submit_button": ("Periksa dan ajukan", "Review and submit"),
        "passphrase": ("Frasa sandi kunci tanda tangan", "Signing key passphrase"),
        "approve_title": ("Setujui dan gabungkan", "Approve and merge"),
        "approve_hint": (
            "Persetujuan ditandatangani dengan kunci Anda dan dapat dibuktikan dari git.",
            "The approval is signed with your key and can be proven from git.",
        ),
        "approve_button": ("Setujui", "Approve"),
        "note": ("Catatan (tidak wajib)", "Note (optional)"),
        "submitted": ("Draf diajukan untuk disetujui.", "Draft submitted for approval."),
        "approved": ("Disetujui dan digabungkan ke cabang terbit.", "Approved and merged."),
        "status_label": ("Status", "Status"),
        "author_label": ("Penulis", "Author"),
        "key_title": ("Kunci tanda tangan", "Signing key"),
        "key_intro": (
            "Persetujuan dan pemeriksaan di meja layanan ditandatangani dengan kunci Anda "
            "sendiri. Kunci disimpan terenkripsi dengan frasa sandi yang hanya Anda ketahui.",
            "Approvals and reviews in the desk are signed with your own key. It is kept "
            "encrypted with a passphrase only you know.",
        ),
        "key_none": ("Anda belum punya kunci.", "You have no key yet."),
        "key_public": ("Kunci publik Anda", "Your public key"),
        "key_trusted": (
            "Tercatat di warta.yml: tanda tangan Anda sah.",
            "Listed in warta.yml: your signatures verify.",
        ),
        "key_untrusted": (
            "Belum tercatat di warta.yml: minta admin web menambahkannya (ssh_key) melalui "
            "perubahan yang disetujui.",
            "Not yet in warta.yml: ask the web admin to add it (ssh_key) through an approved "
            "change.",
        ),
        "key_make": ("Buat kunci baru", "Make a new key"),
        "passphrase_again": ("Ulangi frasa sandi", "Passphrase again"),
        "key_made": ("Kunci dibuat.", "Key made."),
        "mismatch": ("Frasa sandi tidak sama.", "The passphrases differ."),
        "publish_title": ("Terbitkan", "Publish"),
        "publish_hint": (
            "Menerbitkan semua draf yang sudah disetujui dan jatuh waktunya, lalu membangun "
            "situs (dengan pemeriksaan riwayat git bila penandatanganan aktif).",
            "Publishes every approved draft that is due and builds the site (verifying the "
            "git history when signing is on).",
        ),
        "publish_button": ("Terbitkan sekarang", "Publish now"),
        "published_items": ("Terbit", "Published"),
        "embargoed_items": ("Tertahan embargo sampai", "Embargoed until"),
        "refused_items": ("Ditolak", "Refused"),
        "built": ("Situs dibangun: {pages} halaman.", "Site built: {pages} pages."),
        "publish_result": ("Hasil penerbitan", "Publication result"),
        "job_title": ("Sedang dikerjakan", "Working"),
        "status_draft": ("draf", "draft"),
        "status_in-review": ("menunggu persetujuan", "waiting for approval"),
        "status_approved": ("disetujui", "approved"),
        "status_published": ("terbit", "published"),
        "status_withdrawn": ("ditarik", "withdrawn"),
        "page_preview": (
            "Pratinjau halaman dengan tampilan situs",
            "Page preview in the site's look",
        ),
        "page_preview_note": (
            "Tampilan dari situs yang terakhir dibangun; draf ini belum terbit.",
            "The look of the site as last built; this draft is not published.",
        ),
        "tokens_title": ("Token API", "API tokens"),
        "tokens_intro": (
            "Token untuk API konten (/api/v1). Token bertindak atas nama Anda, terbatas pada "
            "cakupannya, dan tidak pernah dapat menyetujui atau menerbitkan.",
            "Tokens for the content API (/api/v1). A token acts as you, limited to its "
            "scopes, and can never approve or publish.",
        ),
        "token_name": ("Nama token", "Token name"),
        "token_scopes": ("Cakupan", "Scopes"),
        "scope_read": ("membaca item dan draf", "read items and drafts"),
        "scope_drafts": ("membuat dan mengubah draf", "create and update drafts"),
        "scope_attach": ("melampirkan berkas", "attach files"),
        "scope_submit": ("mengajukan draf (editor)", "submit drafts (editor)"),
        "token_make": ("Buat token", "Make a token"),
        "token_secret": (
            "Salin token ini sekarang; token ini tidak akan ditampilkan lagi:",
            "Copy this token now; it will not be shown again:",
        ),
        "token_revoke": ("Cabut", "Revoke"),
        "token_revoked": ("dicabut", "revoked"),
        "token_expires": ("berlaku sampai", "valid until"),
        "token_used": ("terakhir dipakai", "last used"),
        "withdraw_title": ("Tarik dari situs", "Withdraw from the site"),
        "withdraw_hint": (
            "Penarikan disetujui seperti penerbitan: diperiksa editor, lalu disetujui sesuai "
            "jalurnya. Versi yang ditarik tetap tersimpan di arsip.",
            "A withdrawal is approved like a publication: reviewed by an editor, then "
            "approved by its route. The withdrawn version stays in the archive.",
        ),
        "withdraw_slug": ("Nama URL item yang terbit", "URL name of the published item"),
        "withdraw_button": ("Ajukan penarikan", "Ask for the withdrawal"),
        "withdrawals": ("Permintaan penarikan", "Withdrawals asked for"),
        "withdrawal_of": ("Penarikan: {title}", "Withdrawal: {title}"),
        "withdraw_reason": ("Alasan penarikan", "Reason for the withdrawal"),
        "reviewed_yes": ("Sudah diperiksa editor.", "Reviewed by an editor."),
        "bags": ("Arsip (BagIt) versi baru", "Archive (BagIt) of new versions"),
        "bags_unchanged": (
            "{n} versi sudah diarsipkan sebelumnya.",
            "{n} versions were archived before.",
        ),
        "job_attach": ("Lampiran sedang dikonversi", "Converting the attachments"),
        "job_publish": ("Situs sedang diterbitkan", "Publishing the site"),
        "job_wait": (
            "Halaman ini diperbarui sendiri setiap 2 detik.",
            "This page refreshes itself every 2 seconds.",
        ),
        "job_failed": (
            "Terjadi kesalahan. Sampaikan nomor kejadian ini kepada unit TI:",
            "Something went wrong. Give this incident number to the IT unit:",
        ),
        "reject_title": ("Kembalikan ke penulis", "Send back to the writer"),
        "reason": ("Alasan", "Reason"),
        "reject_button": ("Kembalikan", "Send back"),
        "sent_back": ("Draf dikembalikan ke penulisnya.", "Draft sent back to its writer."),
        "key_register": (
            "Atau daftarkan kunci publik dari komputer Anda sendiri",
            "Or register the public key of a key made on your own computer",
        ),
        "key_register_hint": (
            "Tempel satu baris berkas .pub Anda; Anda lalu menandatangani dengan baris perintah.",
            "Paste the one line of your .pub file; you then sign with the command line.",
        ),
        "key_register_button": ("Daftarkan", "Register"),
        "key_registered": ("Kunci publik didaftarkan.", "Public key registered."),
        "publish_refused_IntegrityError": (
            "Tidak ada yang diterbitkan: riwayat git tidak lolos pemeriksaan persetujuan "
            "(warta verify). Ada perubahan yang tidak disetujui dengan tanda tangan yang sah:",
            "Nothing was published: the git history did not pass the approval check "
            "(warta verify). A change was not approved with a valid signature:",
        ),
        "publish_refused_ConfigError": (
            "Tidak ada yang diterbitkan: pengaturan penerbitan belum benar:",
            "Nothing was published: the publishing setup is not right:",
        ),
        "publish_refused_BuildError": (
            "Tidak ada yang diterbitkan: situs gagal dibangun; situs yang lama tetap tampil:",
            "Nothing was published: the site did not build; the old site stays:",
        ),
    }
)


# The drafting use cases' refusals in Indonesian (the same English messages the command
# line prints stay the rule's one text; see pipeline/desk/messages.py).
messages.MESSAGES.extend(
    [
        (r"the embargo is not a date and time", "embargo bukan tanggal dan jam yang sah"),
        (r"unknown category", "kategori tidak dikenal"),
        (r"duplicate slug", "judul ini sudah dipakai: nama URL-nya sama dengan item lain"),
        (r"the draft is not valid", "draf belum benar"),
        (r"String should have at least 1 character", "wajib diisi"),
        (r"not a draft slug", "nama URL draf tidak sah"),
        (
            r"(?P<who>.+) may not edit the draft of (?P<owner>\S+)",
            "{who} tidak dapat mengubah draf milik {owner}",
        ),
        (
            r"draft (?P<slug>\S+) is (?P<status>[a-z-]+): it is no longer edited",
            "draf {slug} sudah masuk tahap berikutnya dan tidak diubah lagi",
        ),
        (r"no draft '(?P<slug>[^']*)' in the desk", "tidak ada draf {slug} di meja layanan"),
        (r"wrong key passphrase", "frasa sandi kunci salah; tidak ada yang ditandatangani"),
        (r"the review found (?P<n>\d+) error\(s\)", "pemeriksaan menemukan {n} kesalahan"),
        (
            r"(?P<who>.+) wrote this item and may not review it",
            "{who} menulis item ini dan tidak dapat memeriksanya sendiri",
        ),
        (
            r"draft (?P<slug>\S+) changed since it was shown to you",
            "draf {slug} berubah sejak ditampilkan kepada Anda",
        ),
        (
            r"the desk holds no signing key of (?P<who>\S+)",
            "meja layanan belum menyimpan kunci tanda tangan {who}",
        ),
        (r"the key passphrase is too short", "frasa sandi kunci terlalu pendek"),
        (r"a reason is required", "alasan wajib diisi"),
        (r"token scopes are not valid", "pilih paling sedikit satu cakupan token"),
        (
            r"a withdrawal is approved with signing on",
            "penarikan disetujui dengan tanda tangan: aktifkan penandatanganan (signing)",
        ),
        (r"no published item '(?P<slug>[^']*)'", "tidak ada item terbit dengan nama URL {slug}"),
        (r"not an SSH public key", "ini bukan kunci publik SSH"),
        (
            r"(?P<who>.+) may not (?P<what>review content|approve [a-z]+ changes): needs the role "
            r"(?P<roles>.+)",
            "{who} tidak dapat melakukan langkah ini: memerlukan peran {roles}",
        ),
    ]
)
messages.HINTS.extend(
    [
        (r"use the date picker .*", "pilih tanggal dan jam dengan pemilih tanggal"),
        (r"choose another title", "pilih judul lain"),
        (r"correct the form", "perbaiki isian formulir"),
        (
            r"its author, an editor or the redaktur may edit it",
            "hanya penulisnya, editor atau redaktur yang dapat mengubahnya",
        ),
        (
            r"ask the editor to send it back .*",
            "minta editor mengembalikannya (tolak) untuk diubah",
        ),
        (r"open it from the board, .*", "buka dari papan konten, atau buat draf baru"),
    ]
)


@dataclass(frozen=True)
class Kit:
    """What the content rooms borrow from the desk application."""

    config: Config
    render: Callable[..., HTMLResponse]
    signed_in: Callable[[Request], Awaitable[Session | Response]]
    read_form: Callable[[Request], Awaitable[FormData]]
    check_csrf: Callable[[FormData, str], None]
    field: Callable[[FormData, str], str]
    who: Callable[[Session, Request], Actor]
    clock: Callable[[], datetime]
    save_uploads: Callable[[FormData, Path], Awaitable[list[Upload]]]
    upload_root: Path
    language: Callable[[Request, Session | None], str]
    trust_file: Path | None = None


def _form(kit: Kit, form: FormData) -> drafting.DraftForm:
    return drafting.DraftForm(
        title=kit.field(form, "title")[:200],
        category=kit.field(form, "category"),
        summary=kit.field(form, "summary")[:1000],
        tags=[t for t in kit.field(form, "tags").split(",") if t.strip()][:20],
        attention="special" if kit.field(form, "attention") == "special" else "routine",
        publish_at=kit.field(form, "publish_at"),
        case_type=kit.field(form, "case_type")[:80],
        body=kit.field(form, "body"),
    )


ASSET_TYPES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
}

_STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)"')
_BODY = re.compile(r"<body([^>]*)>")
_ATTRIBUTE = re.compile(r'(data-md-color-[a-z]+)="([a-z-]+)"')


def site_look(config: Config) -> tuple[list[str], dict[str, str]]:
    """The built home page's stylesheets (as desk addresses) and the body's colour
    attributes, so a preview page looks like the site; empty before the first build."""
    home = config.path("site") / "index.html"
    if not home.is_file():
        return [], {}
    text = home.read_text(encoding="utf-8", errors="replace")
    sheets = [
        "/situs/" + href.lstrip("./")
        for href in _STYLESHEET.findall(text)
        if "://" not in href and not href.startswith("//")
    ]
    body = _BODY.search(text)
    attributes = dict(_ATTRIBUTE.findall(body.group(1))) if body else {}
    return sheets, attributes


def _values(draft: drafting.DeskDraft) -> drafting.DraftForm:
    front = draft.item.front
    return drafting.DraftForm(
        title=front.title,
        category=front.category,
        summary=front.summary,
        tags=list(front.tags),
        attention=front.attention.value,
        publish_at=front.publish_at.strftime("%Y-%m-%dT%H:%M") if front.publish_at else "",
        case_type=front.case_type,
        body=draft.item.body.lstrip("\n"),
    )


def install(app: FastAPI, kit: Kit) -> Jobs:
    """Add the content rooms' routes to the desk; the background jobs are returned."""
    config = kit.config
    jobs = Jobs()

    async def member(request: Request) -> Session | Response:
        session = await kit.signed_in(request)
        if isinstance(session, Session) and not session.has_role(*CONTENT_ROLES):
            raise NotFoundError("no content rooms for this account", where="desk")
        return session

    def categories() -> list[tuple[str, str]]:
        return [(c.id, c.label.id) for c in config.categories]

    @app.get("/konten")
    async def board(request: Request, kategori: str = "", saya: str = "") -> Response:
        session = await member(request)
        if isinstance(session, Response):
            return session
        columns = await run_in_threadpool(
            lambda: status_cases.board(
                config,
                now=kit.clock(),
                category=kategori or None,
                person=session.person if saya else None,
                branches=drafting.branches(config),
            )
        )
        return kit.render(
            request,
            "content_board.html",
            {
                "columns": {k: v for k, v in columns.items() if k != "done"},
                "categories": categories(),
                "labels": dict(categories()),
                "chosen": kategori,
                "mine": bool(saya),
                "notice": request.query_params.get("pesan", ""),
                "may_publish": session.has_role(*publish_cases.PUBLISH_ROLES),
                "may_withdraw": session.has_role(*WITHDRAW_ROLES),
                "withdrawals": sorted(
                    name.removeprefix(drafting.WITHDRAWAL)
                    for name in await run_in_threadpool(
                        lambda: drafting.branches(config).unmerged()
                    )
                    if name.startswith(drafting.WITHDRAWAL)
                ),
            },
            session=session,
        )

    def editor(
        request: Request,
        session: Session,
        *,
        draft: drafting.DeskDraft | None,
        values: drafting.DraftForm,
        expected: str = "",
        status: int = 200,
        error: WartaError | None = None,
        **extra: Any,
    ) -> HTMLResponse:
        if error is not None:
            told = messages.shown(error, kit.language(request, session), lambda step: step)
            extra.update(refusal=told.message, refusal_hints=told.hints)
        return kit.render(
            request,
            "content_edit.html",
            {
                "draft": draft,
                "values": values,
                "expected": expected or (draft.head if draft else ""),
                "categories": categories(),
                "labels": dict(categories()),
                "signing": config.signing.enabled,
                "finding": lambda f: findings_text.shown(f, kit.language(request, session)),
                "may_review": session.has_role("editor", "redaktur"),
                "may_approve": draft is not None
                and session.has_role(*workflow.approver_roles(config, draft.item.front.attention)),
                **extra,
            },
            session=session,
            status=status,
        )

    @app.get("/konten/baru")
    async def new_form(request: Request) -> Response:
        session = await member(request)
        if isinstance(session, Response):
            return session
        first = config.categories[0].id if config.categories else ""
        return editor(request, session, draft=None, values=drafting.DraftForm("", first))

    @app.post("/konten/baru")
    async def create(request: Request) -> Response:
        session = await member(request)
        if isinstance(session, Response):
            return session
        form = await kit.read_form(request)
        kit.check_csrf(form, session.csrf)
        values = _form(kit, form)
        try:
            saved = await run_in_threadpool(
                lambda: drafting.start(
                    config, by=kit.who(session, request), form=values, now=kit.clock()
                )
            )
        except ContentError as error:
            return editor(request, session, draft=None, values=values, status=422, error=error)
        slug = saved.branch.removeprefix(config.signing.branch_prefix)
        return RedirectResponse(f"/konten/{slug}?pesan=tersimpan", status_code=303)

    @app.post("/konten/{slug}/lampiran")
    async def attach(request: Request, slug: str) -> Response:
        session = await member(request)
        if isinstance(session, Response):
            return session
        form = await kit.read_form(request)
        kit.check_csrf(form, session.csrf)
        expected = kit.field(form, "expected")
        folder = kit.upload_root / secrets.token_hex(8)
        try:
            uploads = await kit.save_uploads(form, folder)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        if not uploads:
            shutil.rmtree(folder, ignore_errors=True)
            return RedirectResponse(f"/konten/{slug}", status_code=303)
        who = kit.who(session, request)
        moment = kit.clock()

        def work(progress: JobProgress) -> drafting.AttachResult:
            try:
                return drafting.attach(
                    config,
                    by=who,
                    slug=slug,
                    uploads=[(u.path, u.shown) for u in uploads],
                    expected=expected,
                    now=moment,
                    progress=progress,
                )
            finally:
                shutil.rmtree(folder, ignore_errors=True)

        job = jobs.start(session.person, f"attach:{slug}", work)
        return RedirectResponse(f"/konten/tugas/{job.id}", status_code=303)

    @app.get("/konten/tugas/{job_id}")
    async def job_page(request: Request, job_id: str) -> Response:
        session = await member(request)
        if isinstance(session, Response):
            return session
        job = jobs.get(job_id, session.person)
        if job is None:
            raise NotFoundError(f"no job {job_id[:20]!r}", where="desk")
        kind, _, slug = job.kind.partition(":")
        if job.state == "running":
            return kit.render(request, "content_job.html", {"job": job}, session=session)
        if job.error is not None:
            if kind == "publish" and isinstance(
                job.error, IntegrityError | ConfigError | BuildError
            ):
                return kit.render(
                    request,
                    "content_published.html",
                    {"refusal": job.error, "kind": type(job.error).__name__},
                    session=session,
                    status=409 if isinstance(job.error, IntegrityError) else 500,
                )
            raise job.error
        if job.incident:
            return kit.render(
                request, "content_job.html", {"job": job}, session=session, status=500
            )
        if kind == "publish":
            result, archived = job.result
            return kit.render(
                request,
                "content_published.html",
                {
                    "result": result,
                    "pages": result.build.pages if result.build else 0,
                    "bags": archived.created,
                    "unchanged": archived.unchanged,
                },
                session=session,
            )
        done: drafting.AttachResult = job.result
        if done.saved is None or done.refused:
            draft = await run_in_threadpool(drafting.load, config, slug)
            return editor(
                request,
                session,
                draft=draft,
                values=_values(draft),
                status=422 if done.saved is None else 200,
                refused=[f"{p.where}: {p.message}" for p in done.refused],
            )
        return RedirectResponse(f"/konten/{slug}?pesan=lampiran", status_code=303)

    @app.post("/konten/{slug}/ajukan")
    async def submit(request: Request, slug: str) -> Response:
        session = await member(request)
        if isinstance(session, Response):
            return session
        form = await kit.read_form(request)
        kit.check_csrf(form, session.csrf)
        await run_in_threadpool(
            lambda: drafting.submit(
                config,
                by=kit.who(session, request),
                slug=slug,
                expected=kit.field(form, "expected"),
                passphrase=kit.field(form, "passphrase"),
                now=kit.clock(),
            )
        )
        return RedirectResponse(f"/konten/{slug}?pesan=diajukan", status_code=303)

    @app.post("/konten/{slug}/setujui")
    async def approve(request: Request, slug: str) -> Response:
        session = await member(request)
        if isinstance(session, Response):
            return session
        form = await kit.read_form(request)
        kit.check_csrf(form, session.csrf)
        await run_in_threadpool(
            lambda: drafting.approve(
                config,
                by=kit.who(session, request),
                slug=slug,
                expected=kit.field(form, "expected"),
                passphrase=kit.field(form, "passphrase"),
                note=kit.field(form, "note")[:500],
                now=kit.clock(),
            )
        )
        return RedirectResponse("/konten?pesan=disetujui", status_code=303)

    @app.post("/konten/terbitkan")
    async def publish_now(request: Request) -> Response:
        session = await member(request)
        if isinstance(session, Response):
            return session
        form = await kit.read_form(request)
        kit.check_csrf(form, session.csrf)
        who = kit.who(session, request)
        # The role is checked now, so that a person who may not publish is told at once.
        workflow.require_role(config, who.person, publish_cases.PUBLISH_ROLES, "publish")
        moment = kit.clock()

        def work(progress: JobProgress) -> tuple[Any, Any]:
            # SOP 1: publish, then archive every new version (the bags are listed).
            published = publish_cases.publish(
                config, by=who.person, now=moment, trust_file=kit.trust_file, progress=progress
            )
            return published, archive_cases.run_archive(config, now=moment, progress=progress)

        job = jobs.start(session.person, "publish", work)
        return RedirectResponse(f"/konten/tugas/{job.id}", status_code=303)

    @app.post("/konten/{slug}/kembalikan")
    async def send_back(request: Request, slug: str) -> Response:
        session = await member(request)
        if isinstance(session, Response):
            return session
        form = await kit.read_form(request)
        kit.check_csrf(form, session.csrf)
        await run_in_threadpool(
            lambda: drafting.reject(
                config,
                by=kit.who(session, request),
                slug=slug,
                expected=kit.field(form, "expected"),
                reason=kit.field(form, "reason")[:1000],
                now=kit.clock(),
            )
        )
        return RedirectResponse(f"/konten/{slug}?pesan=dikembalikan", status_code=303)

    @app.post("/konten/{slug}/pratinjau")
    async def live_preview(request: Request, slug: str) -> Response:
        session = await member(request)
        if isinstance(session, Response):
            return session
        form = await kit.read_form(request)
        kit.check_csrf(form, session.csrf)
        body = kit.field(form, "body")[:200_000]
        html = await run_in_threadpool(drafting.preview, config, body)
        return HTMLResponse(html)

    @app.post("/akun/kunci/publik")
    async def register_key(request: Request) -> Response:
        session = await member(request)
        if isinstance(session, Response):
            return session
        form = await kit.read_form(request)
        kit.check_csrf(form, session.csrf)
        await run_in_threadpool(
            lambda: key_cases.register(
                config,
                by=kit.who(session, request),
                public=kit.field(form, "public"),
                now=kit.clock(),
            )
        )
        return RedirectResponse("/akun/kunci?pesan=didaftarkan", status_code=303)

    @app.get("/konten/{slug}/halaman")
    async def page_preview(request: Request, slug: str) -> Response:
        """The draft on a page in the site's own look (its built stylesheets)."""
        session = await member(request)
        if isinstance(session, Response):
            return session
        draft = await run_in_threadpool(drafting.load, config, slug)
        look = await run_in_threadpool(site_look, config)
        return kit.render(
            request,
            "content_page_preview.html",
            {"draft": draft, "stylesheets": look[0], "body_attributes": look[1]},
            session=session,
        )

    @app.get("/situs/{rel:path}")
    async def site_asset(request: Request, rel: str) -> Response:
        """A stylesheet, font or image of the built site, for the page preview only."""
        session = await member(request)
        if isinstance(session, Response):
            return session
        root = config.path("site").resolve()
        target = (root / rel).resolve()
        kind = ASSET_TYPES.get(target.suffix.lower())
        if kind is None or not target.is_relative_to(root) or not target.is_file():
            raise NotFoundError(f"no site file {rel[:80]!r}", where="site/")
        return Response(target.read_bytes(), media_type=kind)

    @app.get("/akun/token")
    async def token_page(request: Request) -> Response:
        session = await member(request)
        if isinstance(session, Response):
            return session
        listed = await run_in_threadpool(
            lambda: token_cases.listing(config, by=kit.who(session, request))
        )
        return kit.render(
            request,
            "content_tokens.html",
            {"tokens": listed, "scopes": token_cases.SCOPES, "secret": ""},
            session=session,
        )

    @app.post("/akun/token")
    async def make_token(request: Request) -> Response:
        session = await member(request)
        if isinstance(session, Response):
            return session
        form = await kit.read_form(request)
        kit.check_csrf(form, session.csrf)
        who = kit.who(session, request)
        chosen = [s for s in token_cases.SCOPES if kit.field(form, f"scope-{s}") == "1"]
        made = await run_in_threadpool(
            lambda: token_cases.issue(
                config,
                by=who,
                name=kit.field(form, "name")[:80] or "token",
                scopes=chosen,
                now=kit.clock(),
            )
        )
        listed = await run_in_threadpool(lambda: token_cases.listing(config, by=who))
        # The secret is shown once, on this answer only (never stored, never in a URL).
        return kit.render(
            request,
            "content_tokens.html",
            {"tokens": listed, "scopes": token_cases.SCOPES, "secret": made.secret},
            session=session,
        )

    @app.post("/akun/token/{token_id}/cabut")
    async def revoke_token(request: Request, token_id: str) -> Response:
        session = await member(request)
        if isinstance(session, Response):
            return session
        form = await kit.read_form(request)
        kit.check_csrf(form, session.csrf)
        await run_in_threadpool(
            lambda: token_cases.revoke(
                config, by=kit.who(session, request), token_id=token_id[:16], now=kit.clock()
            )
        )
        return RedirectResponse("/akun/token", status_code=303)

    @app.get("/akun/kunci")
    async def key_page(request: Request) -> Response:
        session = await member(request)
        if isinstance(session, Response):
            return session
        shown = await run_in_threadpool(
            lambda: key_cases.status(config, by=kit.who(session, request))
        )
        notice = request.query_params.get("pesan", "")
        return kit.render(
            request, "content_key.html", {"key": shown, "notice": notice}, session=session
        )

    @app.post("/akun/kunci")
    async def make_key(request: Request) -> Response:
        session = await member(request)
        if isinstance(session, Response):
            return session
        form = await kit.read_form(request)
        kit.check_csrf(form, session.csrf)
        phrase = kit.field(form, "passphrase")
        if phrase != kit.field(form, "passphrase2"):
            return RedirectResponse("/akun/kunci?pesan=beda", status_code=303)
        await run_in_threadpool(
            lambda: key_cases.make(
                config, by=kit.who(session, request), passphrase=phrase, now=kit.clock()
            )
        )
        return RedirectResponse("/akun/kunci?pesan=dibuat", status_code=303)

    @app.post("/konten/tarik")
    async def withdraw(request: Request) -> Response:
        session = await member(request)
        if isinstance(session, Response):
            return session
        form = await kit.read_form(request)
        kit.check_csrf(form, session.csrf)
        saved = await run_in_threadpool(
            lambda: drafting.request_withdrawal(
                config,
                by=kit.who(session, request),
                slug=kit.field(form, "slug").strip()[:80],
                reason=kit.field(form, "reason")[:1000],
                now=kit.clock(),
            )
        )
        name = saved.branch.removeprefix(config.signing.branch_prefix)
        return RedirectResponse(f"/konten/{name}", status_code=303)

    @app.get("/konten/{slug}")
    async def edit(request: Request, slug: str) -> Response:
        session = await member(request)
        if isinstance(session, Response):
            return session
        if slug.startswith(drafting.WITHDRAWAL):
            found = await run_in_threadpool(drafting.withdrawal_of, config, slug)
            if found is None:
                raise NotFoundError(f"no draft {slug!r} in the desk", where=f"konten/{slug}")
            item, head = found
            reviewed = await run_in_threadpool(
                lambda: drafting.branches(config).git.message(head).startswith("Review ")
            )
            return kit.render(
                request,
                "content_withdrawal.html",
                {
                    "name": slug,
                    "item": item,
                    "expected": head,
                    "reviewed": reviewed,
                    "signing": config.signing.enabled,
                    "may_review": session.has_role("editor", "redaktur"),
                    "may_approve": session.has_role(
                        *workflow.approver_roles(config, item.front.attention)
                    ),
                    "notice": request.query_params.get("pesan", ""),
                },
                session=session,
            )
        draft = await run_in_threadpool(drafting.load, config, slug)
        values = _values(draft)
        notice = request.query_params.get("pesan", "")
        return editor(request, session, draft=draft, values=values, notice=notice)

    @app.post("/konten/{slug}")
    async def save(request: Request, slug: str) -> Response:
        session = await member(request)
        if isinstance(session, Response):
            return session
        form = await kit.read_form(request)
        kit.check_csrf(form, session.csrf)
        values = _form(kit, form)
        expected = kit.field(form, "expected")
        try:
            await run_in_threadpool(
                lambda: drafting.save(
                    config,
                    by=kit.who(session, request),
                    slug=slug,
                    form=values,
                    expected=expected,
                    now=kit.clock(),
                )
            )
        except EditConflict as conflict:
            # Nothing is lost: the person's text comes back in the form, with the diff.
            draft = await run_in_threadpool(drafting.load, config, slug)
            return editor(
                request,
                session,
                draft=draft,
                values=values,
                expected=expected,
                status=409,
                diff=conflict.diff,
            )
        except ContentError as error:
            draft = await run_in_threadpool(drafting.load, config, slug)
            return editor(
                request,
                session,
                draft=draft,
                values=values,
                expected=expected,
                status=422,
                error=error,
            )
        return RedirectResponse(f"/konten/{slug}?pesan=tersimpan", status_code=303)

    return jobs
