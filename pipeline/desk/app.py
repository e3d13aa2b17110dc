"""The desk's web application: routes, sessions, CSRF, security headers, error pages.

An adapter only: each route reads its input, calls one use case of
:mod:`pipeline.commands.accounts` or :mod:`pipeline.commands.desk`, and renders the
result or the refusal (``pipeline.errors``) as a page with the right HTTP status. No
page ever shows a traceback: an unexpected error is logged with an id that the page
shows.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import shutil
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException as StarletteHTTPException

from pipeline import templating
from pipeline.actor import Actor, actor_for
from pipeline.commands import accounts
from pipeline.commands import desk as rooms
from pipeline.commands import tickets as ticket_cases
from pipeline.config import Config
from pipeline.desk import api as content_api
from pipeline.desk import content as content_rooms
from pipeline.desk import messages
from pipeline.desk.pages import Kept
from pipeline.desk.rows import row, rows
from pipeline.desk.texts import known, role_name, text
from pipeline.desk.uploads import receive
from pipeline.errors import (
    AuthError,
    ContentError,
    NotFoundError,
    WartaError,
    WorkflowError,
)
from pipeline.site.live import now_utc

HERE = Path(__file__).parent
LOOK = templating.TEMPLATES / "look.css"
LOG = logging.getLogger("warta.desk")
SESSION_COOKIE = "desk"
SECURE_SESSION_COOKIE = "__Host-desk"
FORM_COOKIE = "desk_form"
LANG_COOKIE = "desk_lang"
MB = 1024 * 1024
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; connect-src 'self'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class Guard:
    """ASGI middleware: refuses bodies over the limit before reading them (413, or 411
    without a length) and adds the security headers to every response."""

    def __init__(self, app: ASGIApp, *, max_body: int, trusted_proxies: list[str]) -> None:
        self.app = app
        self.max_body = max_body
        self.trusted = set(trusted_proxies)

    def _https(self, scope: Scope, headers: dict[bytes, bytes]) -> bool:
        peer = (scope.get("client") or ("",))[0]
        if peer in self.trusted:
            return headers.get(b"x-forwarded-proto") == b"https"
        return scope.get("scheme") == "https"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        if scope["method"] in ("POST", "PUT", "PATCH"):
            length = headers.get(b"content-length")
            refusal = None
            if length is None or not length.isdigit():
                refusal = (411, "Panjang kiriman harus disebutkan (Content-Length).")
            elif int(length) > self.max_body:
                refusal = (413, "Kiriman terlalu besar.")
            if refusal is not None:
                await _plain(send, *refusal)
                return
        path = scope.get("path", "")
        https = self._https(scope, headers)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = list(HEADERS)
                if not path.startswith("/static/"):
                    extra.append((b"cache-control", b"no-store"))
                if https:
                    extra.append((b"strict-transport-security", b"max-age=31536000"))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)


async def _plain(send: Send, status: int, body: str) -> None:
    data = f"<!doctype html><html lang=id><title>{status}</title><p>{body}</p>".encode()
    headers = [(b"content-type", b"text/html; charset=utf-8"), *HEADERS]
    headers.append((b"content-length", str(len(data)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


class Refused(Exception):
    """A refusal decided by the adapter itself (CSRF, size), shown as a page."""

    def __init__(self, status: int, key: str, **values: object) -> None:
        self.status = status
        self.key = key
        self.values = values
        super().__init__(key)


def create_app(
    config: Config,
    *,
    smtp_password: str = "",
    clock: Callable[[], datetime] = now_utc,
    trust_file: Path | None = None,
) -> Guard:
    """The desk for the site of ``config`` as an ASGI application (the FastAPI app inside
    the guard that adds the security headers, even to the last-resort error page);
    ``clock`` gives the time (tests move it)."""
    rooms.start(config)  # the database is checked once here, not at every request
    settings = config.desk
    tz = ZoneInfo(config.site.timezone)
    titles = messages.step_titles(ticket_cases.rules(config).workflows)
    env = Environment(
        # the desk's templates, on the project's one base (``warta/base.html``)
        loader=ChoiceLoader(
            [
                FileSystemLoader(HERE / "templates"),
                PrefixLoader({"warta": FileSystemLoader(templating.TEMPLATES)}),
            ]
        ),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates are package files: no stat of each one per page
    )
    upload_root = config.path("state") / "desk-uploads"
    sessions = accounts.Sessions(config)
    kept = Kept()
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/static/look.css")
    async def look() -> Response:
        # the shared look of every page warta makes, the same file the reports inline
        return FileResponse(LOOK, media_type="text/css; charset=utf-8")

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    # -- helpers --------------------------------------------------------------------

    def address(request: Request) -> str:
        peer = request.client.host if request.client else ""
        if peer in settings.trusted_proxies:
            forwarded = request.headers.get("x-forwarded-for", "")
            last = forwarded.split(",")[-1].strip()
            if last:
                return last[:64]
        return peer

    def https(request: Request) -> bool:
        peer = request.client.host if request.client else ""
        if peer in settings.trusted_proxies:
            return request.headers.get("x-forwarded-proto", "") == "https"
        return request.url.scheme == "https"

    def cookie_name(request: Request) -> str:
        return SECURE_SESSION_COOKIE if https(request) else SESSION_COOKIE

    def token_of(request: Request) -> str:
        return request.cookies.get(cookie_name(request), "")

    def language(request: Request, session: accounts.Session | None = None) -> str:
        chosen = (session.language if session else "") or request.cookies.get(LANG_COOKIE, "")
        return chosen if chosen in ("id", "en") else config.site.language

    def when(moment: datetime | None, lang: str) -> str:
        if moment is None:
            return "—"
        local = moment.astimezone(tz)
        zone = format_datetime(local, "zzz", tzinfo=tz, locale="id")
        pattern = "d MMM y, HH.mm" if lang == "id" else "d MMM y, HH:mm"
        return f"{format_datetime(local, pattern, tzinfo=tz, locale=lang)} {zone}"

    zones: dict[object, str] = {}

    def zone_name() -> str:
        # the zone's short name ("WITA") changes only with its offset: babel once per offset
        moment = clock()
        offset = moment.astimezone(tz).utcoffset()
        if offset not in zones:
            zones[offset] = format_datetime(moment, "zzz", tzinfo=tz, locale="id")
        return zones[offset]

    def render(
        request: Request,
        name: str,
        context: dict[str, Any],
        *,
        status: int = 200,
        session: accounts.Session | None = None,
        form_token: str = "",
    ) -> HTMLResponse:
        lang = language(request, session)

        def t(key: str, **values: object) -> str:
            return text(key, lang, **values)

        def code(prefix: str, value: str) -> str:
            # a code from the database (an audit action, a renewal kind) in words
            return t(f"{prefix}_{value}") if known(f"{prefix}_{value}") else value

        html = env.get_template(name).render(
            t=t,
            code=code,
            lang=lang,
            when=lambda m: when(m, lang),
            day=lambda d: format_date(d, "d MMM y", locale=lang) if d else "—",
            role=lambda r: role_name(r, lang),
            roles=lambda rs: (" atau " if lang == "id" else " or ").join(
                role_name(r, lang) for r in rs
            ),
            user=session,
            csrf=session.csrf if session else form_token,
            site=config.site.name,
            zone=zone_name(),
            path=request.url.path,
            may_dashboard=bool(session and session.has_role(*rooms.DASHBOARD_ROLES)),
            may_content=bool(session and session.has_role(*content_rooms.CONTENT_ROLES)),
            may_queue=bool(session and rooms.steps_for(config, _who(session, request))),
            **context,
        )
        response = HTMLResponse(html, status_code=status)
        if form_token and session is None:
            response.set_cookie(
                FORM_COOKIE,
                form_token,
                httponly=True,
                samesite="strict",
                secure=https(request),
                path="/",
            )
        return response

    def _who(session: accounts.Session, request: Request) -> Actor:
        return actor_for(config, session.person, how="session", address=address(request))

    async def current(
        request: Request, version: tuple[int, int] | None = None
    ) -> accounts.Session | None:
        token, moment = token_of(request), clock()
        known, found = sessions.kept(token, moment, version)
        if known:  # read since the last commit anywhere: no database read
            return found
        return await run_in_threadpool(sessions.session, token, now=moment)

    def to_login(request: Request) -> RedirectResponse:
        target = request.url.path
        return RedirectResponse(f"/masuk?lanjut={quote(target)}", status_code=303)

    async def signed_in(
        request: Request, version: tuple[int, int] | None = None
    ) -> accounts.Session | RedirectResponse:
        session = await current(request, version)
        if session is None:
            return to_login(request)
        if session.stage == "totp":
            return RedirectResponse("/kode", status_code=303)
        if session.stage == "enrol":
            return RedirectResponse("/kode/aktifkan", status_code=303)
        return session

    async def read_form(request: Request) -> FormData:
        return await request.form(max_files=rooms.MAX_FILES + 1, max_fields=80, max_part_size=MB)

    def check_csrf(form: FormData, expected: str) -> None:
        given = form.get("csrf")
        if not isinstance(given, str) or not expected or not hmac.compare_digest(given, expected):
            raise Refused(403, "csrf")

    def field(form: FormData, name: str) -> str:
        value = form.get(name)
        return value if isinstance(value, str) else ""

    async def save_uploads(form: FormData, folder: Path) -> list[rooms.Upload]:
        return await receive(
            form.getlist("lampiran"),
            folder,
            limit=int(settings.max_upload_mb * MB),
            too_big=lambda _name: Refused(413, "too_big", mb=f"{settings.max_upload_mb:g}"),
        )

    def ticket_id(raw: str) -> int:
        if not raw.isdigit() or len(raw) > 12:
            raise NotFoundError(f"no ticket #{raw[:20]}", where="ticket")
        return int(raw)

    async def keeping(
        request: Request,
        make: Callable[[accounts.Session, datetime], Awaitable[HTMLResponse]],
        *,
        files: Callable[[], object] | None = None,
    ) -> Response:
        """The page ``make`` renders for the signed-in session, kept per session, path
        and language and served again while its state is the same: the database's
        version, the minute, and ``files`` (what the page reads from disk) when given
        (pipeline/desk/pages.py). A page with a notice (``?pesan=``) is never kept."""
        version = sessions.version()  # first: nothing kept is older than its version
        session = await signed_in(request, version)
        if isinstance(session, Response):
            return session
        moment = clock()
        if version is None or request.url.query:
            return await make(session, moment)
        read = await run_in_threadpool(files) if files is not None else None
        state = (version, moment.replace(second=0, microsecond=0), read)
        lang = language(request, session)
        key = (accounts.session_key(token_of(request)), request.url.path, lang)
        body = kept.get(key, state)
        if body is not None:
            return HTMLResponse(body)
        response = await make(session, moment)
        if response.status_code == 200:
            kept.put(key, state, bytes(response.body))
        return response

    # -- errors ---------------------------------------------------------------------

    def status_of(error: WartaError) -> int:
        if isinstance(error, AuthError):
            if error.retry_after:
                return 429
            return 410 if error.where == "invitation" else 401
        if isinstance(error, NotFoundError):
            return 404
        if isinstance(error, ContentError):
            big = any("over the limit" in p.message for p in error.problems)
            return 413 if big else 422
        if isinstance(error, WorkflowError):
            role = any(
                phrase in error.message
                for phrase in ("may not", "not yours", "cannot do step", "is not listed")
            )
            return 403 if role else 409
        return 500

    async def error_page(request: Request, status: int, body: dict[str, Any]) -> HTMLResponse:
        try:
            session = await current(request)
        except Exception:  # the page must render even when the database does not
            session = None
        session = session if session and session.stage == "ok" else None
        return render(request, "error.html", body, status=status, session=session)

    @app.exception_handler(WartaError)
    async def on_warta_error(request: Request, error: WartaError) -> Response:
        status = status_of(error)
        if status == 500:
            return await on_crash(request, error)
        lang = language(request)
        shown = messages.shown(error, lang, titles)
        if not shown.known:
            LOG.warning("untranslated desk message: %s", error)
        response = await error_page(
            request, status, {"message": shown.message, "hints": shown.hints}
        )
        if isinstance(error, AuthError) and error.retry_after:
            response.headers["retry-after"] = str(error.retry_after)
        return response

    @app.exception_handler(Refused)
    async def on_refused(request: Request, error: Refused) -> Response:
        lang = language(request)
        message = text(error.key, lang, **error.values)
        return await error_page(request, error.status, {"message": message, "hints": []})

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, error: StarletteHTTPException) -> Response:
        lang = language(request)
        key = "not_found" if error.status_code == 404 else "error_title"
        return await error_page(
            request, error.status_code, {"message": text(key, lang), "hints": []}
        )

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, error: RequestValidationError) -> Response:
        lang = language(request)
        return await error_page(request, 404, {"message": text("not_found", lang), "hints": []})

    @app.exception_handler(Exception)
    async def on_crash(request: Request, error: Exception) -> Response:
        incident = secrets.token_hex(4).upper()
        LOG.error(
            "desk error %s on %s %s", incident, request.method, request.url.path, exc_info=error
        )
        lang = language(request)
        body = {
            "message": text("error_internal", lang),
            "hints": [text("error_id", lang, id=incident)],
            "incident": incident,
        }
        return render(request, "error.html", body, status=500)

    # -- accounts -------------------------------------------------------------------

    def safe_next(raw: str) -> str:
        # only a path of this desk: no scheme, no host, no "//" or "\" tricks
        if raw.startswith("/") and not raw.startswith(("//", "/\\")) and "\\" not in raw:
            return raw[:300]
        return "/"

    @app.get("/masuk")
    async def login_page(request: Request, lanjut: str = "/") -> Response:
        token = secrets.token_urlsafe(32)
        return render(
            request,
            "login.html",
            {"next": safe_next(lanjut), "notice": request.query_params.get("pesan", "")},
            form_token=token,
        )

    @app.post("/masuk")
    async def login(request: Request) -> Response:
        form = await read_form(request)
        check_csrf(form, request.cookies.get(FORM_COOKIE, ""))
        made = await run_in_threadpool(
            accounts.login,
            config,
            field(form, "person"),
            field(form, "password"),
            address=address(request),
            language=request.cookies.get(LANG_COOKIE, ""),
            now=clock(),
        )
        target = {"ok": safe_next(field(form, "next")), "totp": "/kode", "enrol": "/kode/aktifkan"}
        response = RedirectResponse(target[made.stage], status_code=303)
        response.set_cookie(
            cookie_name(request),
            made.token,
            httponly=True,
            samesite="lax",
            secure=https(request),
            path="/",
        )
        response.delete_cookie(FORM_COOKIE, path="/")
        return response

    async def pending(request: Request, stage: str) -> accounts.Session:
        session = await current(request)
        if session is None or session.stage != stage:
            raise AuthError("log in first", where="session", hint="log in")
        return session

    @app.get("/kode")
    async def code_page(request: Request) -> Response:
        session = await current(request)
        if session is None or session.stage != "totp":
            return to_login(request)
        return render(request, "code.html", {"csrf_value": session.csrf}, form_token=session.csrf)

    @app.post("/kode")
    async def code(request: Request) -> Response:
        session = await pending(request, "totp")
        form = await read_form(request)
        check_csrf(form, session.csrf)
        await run_in_threadpool(
            accounts.verify_code,
            config,
            token_of(request),
            field(form, "code"),
            address=address(request),
            now=clock(),
        )
        return RedirectResponse("/", status_code=303)

    @app.get("/kode/aktifkan")
    async def enrol_page(request: Request) -> Response:
        session = await current(request)
        if session is None or session.stage not in ("enrol", "ok"):
            return to_login(request)
        enrolment = await run_in_threadpool(accounts.begin_enrolment, config, token_of(request))
        secret = " ".join(enrolment.secret[i : i + 4] for i in range(0, len(enrolment.secret), 4))
        return render(
            request,
            "enrol.html",
            {"secret": secret, "uri": enrolment.uri, "required": session.needs_totp},
            session=session if session.stage == "ok" else None,
            form_token=session.csrf,
        )

    @app.post("/kode/aktifkan")
    async def enrol(request: Request) -> Response:
        session = await current(request)
        if session is None or session.stage not in ("enrol", "ok"):
            raise AuthError("log in first", where="session", hint="log in")
        form = await read_form(request)
        check_csrf(form, session.csrf)
        await run_in_threadpool(
            accounts.confirm_enrolment,
            config,
            token_of(request),
            field(form, "code"),
            address=address(request),
            now=clock(),
        )
        return RedirectResponse("/akun", status_code=303)

    @app.post("/keluar")
    async def logout(request: Request) -> Response:
        session = await current(request)
        if session is not None:
            form = await read_form(request)
            check_csrf(form, session.csrf)
            await run_in_threadpool(
                accounts.logout, config, token_of(request), address=address(request), now=clock()
            )
            sessions.forget(token_of(request))
            kept.forget(accounts.session_key(token_of(request)))
        response = RedirectResponse("/masuk?pesan=keluar", status_code=303)
        response.delete_cookie(cookie_name(request), path="/")
        return response

    @app.get("/undangan/{token}")
    async def invitation_page(request: Request, token: str) -> Response:
        person = await run_in_threadpool(
            accounts.invitation_person, config, token[:100], now=clock()
        )
        form_token = secrets.token_urlsafe(32)
        return render(
            request, "invite.html", {"name": person.name, "token": token}, form_token=form_token
        )

    @app.post("/undangan/{token}")
    async def invitation(request: Request, token: str) -> Response:
        form = await read_form(request)
        check_csrf(form, request.cookies.get(FORM_COOKIE, ""))
        await run_in_threadpool(
            accounts.accept,
            config,
            token[:100],
            field(form, "password"),
            field(form, "password2"),
            address=address(request),
            now=clock(),
        )
        response = RedirectResponse("/masuk?pesan=sandi", status_code=303)
        response.delete_cookie(FORM_COOKIE, path="/")
        return response

    @app.get("/bahasa/{choice}")
    async def choose_language(request: Request, choice: str, lanjut: str = "/") -> Response:
        chosen = choice if choice in ("id", "en") else config.site.language
        session = await current(request)
        if session is not None:
            await run_in_threadpool(accounts.set_language, config, token_of(request), chosen)
        response = RedirectResponse(safe_next(lanjut), status_code=303)
        response.set_cookie(
            LANG_COOKIE, chosen, samesite="lax", secure=https(request), path="/", httponly=True
        )
        return response

    @app.get("/akun")
    async def account(request: Request) -> Response:
        session = await signed_in(request)
        if isinstance(session, Response):
            return session
        trail = await run_in_threadpool(accounts.audit_trail, config, person=session.person)
        return render(request, "account.html", {"trail": trail[:50]}, session=session)

    # -- the request room -----------------------------------------------------------

    @app.get("/")
    async def home(request: Request) -> Response:
        async def make(session: accounts.Session, moment: datetime) -> HTMLResponse:
            mine = await run_in_threadpool(
                rooms.my_requests, config, _who(session, request), now=moment
            )
            return render(
                request,
                "home.html",
                {
                    "mine": mine,
                    "rows": rows(mine.items, language(request, session)),
                    "notice": request.query_params.get("pesan", ""),
                },
                session=session,
            )

        return await keeping(request, make)

    @app.get("/permintaan/baru")
    async def request_form(request: Request) -> Response:
        session = await signed_in(request)
        if isinstance(session, Response):
            return session
        return render(request, "new.html", {"mb": f"{settings.max_upload_mb:g}"}, session=session)

    @app.post("/permintaan/baru")
    async def file_request(request: Request) -> Response:
        session = await signed_in(request)
        if isinstance(session, Response):
            return session
        form = await read_form(request)
        check_csrf(form, session.csrf)
        folder = upload_root / secrets.token_hex(8)
        try:
            uploads = await save_uploads(form, folder)
            filed = await run_in_threadpool(
                lambda: rooms.file_request(
                    config,
                    _who(session, request),
                    title=field(form, "title"),
                    unit=field(form, "unit"),
                    description=field(form, "description"),
                    since=field(form, "since"),
                    hindrance=field(form, "hindrance"),
                    contact=field(form, "contact"),
                    uploads=uploads,
                    smtp_password=smtp_password,
                    now=clock(),
                )
            )
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        notice = "diajukan" if filed.told is None or filed.told.ok else "diajukan-surel"
        return RedirectResponse(f"/tiket/{filed.ticket.id}?pesan={notice}", status_code=303)

    @app.get("/antrean")
    async def work_queue(request: Request) -> Response:
        async def make(session: accounts.Session, moment: datetime) -> HTMLResponse:
            who = _who(session, request)
            found = await run_in_threadpool(rooms.my_queue, config, who, now=moment)
            return render(
                request,
                "queue.html",
                {
                    "queue": found,
                    "rows": rows(found.items, language(request, session)),
                    "may_rounds": who.has_role(*rooms.ROUND_ROLES),
                    "may_recap": who.has_role(*rooms.RECAP_ROLES),
                    "month": moment.astimezone(tz).strftime("%Y-%m"),
                    "notice": request.query_params.get("pesan", ""),
                },
                session=session,
            )

        return await keeping(request, make)

    @app.get("/tiket/{raw}")
    async def ticket(request: Request, raw: str) -> Response:
        session = await signed_in(request)
        if isinstance(session, Response):
            return session
        page = await run_in_threadpool(
            rooms.ticket_page, config, _who(session, request), ticket_id(raw), now=clock()
        )
        return render(
            request,
            "ticket.html",
            {
                "page": page,
                "r": row(page.standing, language(request, session)),
                "levels": ("high", "medium", "low"),
                "classes": rooms.CLASSIFICATIONS,
                "notice": request.query_params.get("pesan", ""),
                "mb": f"{settings.max_upload_mb:g}",
            },
            session=session,
        )

    @app.post("/tiket/{raw}/langkah")
    async def do_step(request: Request, raw: str) -> Response:
        session = await signed_in(request)
        if isinstance(session, Response):
            return session
        number = ticket_id(raw)
        form = await read_form(request)
        check_csrf(form, session.csrf)
        step = field(form, "step")
        checks = [
            (key.removeprefix("check-"), value, field(form, f"note-{key}"))
            for key, value in form.multi_items()
            if key.startswith("check-") and isinstance(value, str) and value
        ]
        folder = upload_root / secrets.token_hex(8)
        try:
            uploads = await save_uploads(form, folder)
            moved = await run_in_threadpool(
                lambda: rooms.act(
                    config,
                    _who(session, request),
                    number,
                    step=step,
                    decision="no" if field(form, "decision") == "no" else "yes",
                    note=field(form, "note"),
                    impact=field(form, "impact"),
                    urgency=field(form, "urgency"),
                    classification=field(form, "classification"),
                    checks=checks,
                    uploads=uploads,
                    smtp_password=smtp_password,
                    now=clock(),
                )
            )
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        notice = "langkah" if moved.told is None or moved.told.ok else "langkah-surel"
        return RedirectResponse(f"/tiket/{number}?pesan={notice}", status_code=303)

    @app.post("/tiket/{raw}/komentar")
    async def add_comment(request: Request, raw: str) -> Response:
        session = await signed_in(request)
        if isinstance(session, Response):
            return session
        number = ticket_id(raw)
        form = await read_form(request)
        check_csrf(form, session.csrf)
        folder = upload_root / secrets.token_hex(8)
        try:
            uploads = await save_uploads(form, folder)
            await run_in_threadpool(
                lambda: rooms.comment(
                    config,
                    _who(session, request),
                    number,
                    note=field(form, "note"),
                    uploads=uploads,
                    now=clock(),
                )
            )
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return RedirectResponse(f"/tiket/{number}?pesan=komentar", status_code=303)

    @app.post("/tiket/{raw}/tugaskan")
    async def assign(request: Request, raw: str) -> Response:
        session = await signed_in(request)
        if isinstance(session, Response):
            return session
        number = ticket_id(raw)
        form = await read_form(request)
        check_csrf(form, session.csrf)
        await run_in_threadpool(
            lambda: rooms.assign(
                config,
                _who(session, request),
                number,
                assignee=field(form, "assignee"),
                now=clock(),
            )
        )
        return RedirectResponse(f"/tiket/{number}?pesan=tugas", status_code=303)

    @app.get("/tiket/{raw}/formulir.pdf")
    async def form_pdf(request: Request, raw: str) -> Response:
        session = await signed_in(request)
        if isinstance(session, Response):
            return session
        data = await run_in_threadpool(
            rooms.form_pdf, config, _who(session, request), ticket_id(raw)
        )
        return Response(
            data,
            media_type="application/pdf",
            headers={"content-disposition": f'inline; filename="formulir-{int(raw)}.pdf"'},
        )

    @app.get("/lampiran/{name}")
    async def attachment(request: Request, name: str) -> Response:
        session = await signed_in(request)
        if isinstance(session, Response):
            return session
        path, media = await run_in_threadpool(
            rooms.attachment_file, config, _who(session, request), name
        )
        disposition = "inline" if media.startswith("image/") else "attachment"
        return Response(
            path.read_bytes(),
            media_type=media,
            headers={"content-disposition": f'{disposition}; filename="{name}"'},
        )

    @app.post("/putaran")
    async def rounds(request: Request) -> Response:
        session = await signed_in(request)
        if isinstance(session, Response):
            return session
        form = await read_form(request)
        check_csrf(form, session.csrf)
        opened = await run_in_threadpool(
            rooms.open_rounds, config, _who(session, request), now=clock()
        )
        return RedirectResponse(
            f"/antrean?pesan={'putaran' if opened else 'putaran-ada'}", status_code=303
        )

    @app.get("/rekap")
    async def recap(request: Request, bulan: str = "", format: str = "html") -> Response:
        session = await signed_in(request)
        if isinstance(session, Response):
            return session
        fmt = "pdf" if format == "pdf" else "html"
        data = await run_in_threadpool(
            lambda: rooms.recap(
                config,
                _who(session, request),
                month=bulan or clock().astimezone(tz).strftime("%Y-%m"),
                fmt=fmt,
                language=language(request, session),
            )
        )
        if fmt == "pdf":
            return Response(data, media_type="application/pdf")
        # the recap is a standalone page with its own inline style: served in a sandbox
        return Response(
            data,
            media_type="text/html; charset=utf-8",
            headers={
                "content-security-policy": "sandbox; default-src 'none'; "
                "style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
            },
        )

    # -- the situation dashboard ----------------------------------------------------

    @app.get("/dasbor")
    async def dashboard(request: Request) -> Response:
        async def make(session: accounts.Session, moment: datetime) -> HTMLResponse:
            found = await run_in_threadpool(
                rooms.dashboard, config, _who(session, request), now=moment
            )
            return render(request, "dashboard.html", {"d": found}, session=session)

        return await keeping(request, make, files=lambda: rooms.dashboard_files(config))

    @app.get("/laporan/{raw}")
    async def situation_report(request: Request, raw: str) -> Response:
        session = await signed_in(request)
        if isinstance(session, Response):
            return session
        number, _, kind = raw.partition(".")
        if not number.isdigit() or kind not in ("html", "pdf", "md"):
            raise NotFoundError(f"no report #{raw[:20]}", where="report")
        kept = await run_in_threadpool(
            rooms.situation_report, config, _who(session, request), int(number)
        )
        if kind == "pdf":
            if kept.pdf is None:
                raise NotFoundError(f"no report #{raw[:20]}", where="report")
            return Response(kept.pdf, media_type="application/pdf")
        if kind == "md":
            return Response(kept.markdown, media_type="text/markdown; charset=utf-8")
        return Response(
            kept.html,
            media_type="text/html; charset=utf-8",
            headers={
                "content-security-policy": "sandbox; default-src 'none'; "
                "style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
            },
        )

    # The headless content API (issue 19): bearer tokens, JSON, its own OpenAPI document.
    app.mount("/api/v1", content_api.build_api(config, clock=clock))

    # The content rooms (issue 19) live in their own module, on the same helpers.
    content_rooms.install(
        app,
        content_rooms.Kit(
            config=config,
            render=render,
            signed_in=signed_in,
            read_form=read_form,
            check_csrf=check_csrf,
            field=field,
            who=_who,
            clock=clock,
            save_uploads=save_uploads,
            upload_root=upload_root,
            language=language,
            trust_file=trust_file,
        ),
    )

    return Guard(
        app,
        max_body=int((rooms.MAX_FILES * settings.max_upload_mb + 1) * MB),
        trusted_proxies=settings.trusted_proxies,
    )
