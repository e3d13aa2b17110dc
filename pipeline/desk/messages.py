"""Refusals in the person's language.

Use cases raise the same English messages the command line prints (a rule is written
once); the desk shows them in Indonesian by default. Each known message shape has its
Indonesian form here; step titles come from the workflow's own Indonesian text. An
unknown message is never shown half-translated: the page gives a general sentence and
the log keeps the original.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pipeline.errors import Problem, WartaError

Lookup = Callable[[str], str]
"""Step id → the step's title in Indonesian."""

_STATUS = {"closed": "ditutup", "rejected": "ditolak", "open": "terbuka"}
_ACCOUNT = {"account": "akun ini", "address": "alamat ini"}


def _roles(text: str) -> str:
    return text.replace(" or ", " atau ")


def _people(text: str) -> str:
    return "belum ada yang memegangnya" if "nobody" in text else text


# (pattern, Indonesian template); templates are format strings over the named groups,
# with {title} filled from the step id in {step} and {roles}/{people} adjusted.
MESSAGES: list[tuple[str, str]] = [
    (
        r"(?P<who>\S+) may not (?:do|decide) step (?P<step>\w+) \(.*\) of ticket #(?P<id>\d+): "
        r"it needs the role (?P<roles>.+)",
        "{who} tidak dapat mengerjakan langkah {step} ({title}) tiket #{id}: langkah ini "
        "memerlukan peran {roles}",
    ),
    (
        r"ticket #(?P<id>\d+) is at step (?P<at>\w+): (?P<step>\w+) cannot be done before it "
        r"\(no step is skipped\)",
        "tiket #{id} berada pada langkah {at}: langkah {step} ({title}) belum dapat dikerjakan "
        "(tidak ada langkah yang dilewati)",
    ),
    (
        r"step (?P<step>\w+) of ticket #(?P<id>\d+) is already done",
        "langkah {step} ({title}) tiket #{id} sudah dikerjakan",
    ),
    (
        r"ticket #(?P<id>\d+) is (?P<status>closed|rejected) \(since (?P<since>[^)]*)\) and "
        r"cannot change",
        "tiket #{id} sudah {status_id} (sejak {since}) dan tidak dapat diubah",
    ),
    (r"no ticket #(?P<id>\d+)", "tidak ada tiket #{id}"),
    (
        r"step (?P<step>\w+) of ticket #(?P<id>\d+) needs a note: .*",
        "langkah {step} ({title}) tiket #{id} memerlukan catatan",
    ),
    (
        r"step (?P<step>\w+) of ticket #(?P<id>\d+) sets the priority: impact and urgency are "
        r"needed",
        "langkah {step} ({title}) tiket #{id} menetapkan prioritas: dampak dan urgensi harus diisi",
    ),
    (
        r"the checklist of step (?P<step>\w+) of ticket #(?P<id>\d+) is not complete: "
        r"(?P<items>.+) not answered",
        "daftar periksa langkah {step} tiket #{id} belum lengkap: {items} belum dijawab",
    ),
    (
        r"step (?P<step>\w+) of ticket #(?P<id>\d+) cannot be approved with failed checklist "
        r"items: (?P<items>.+)",
        "langkah {step} tiket #{id} tidak dapat disetujui dengan butir yang gagal: {items}",
    ),
    (
        r"rejecting ticket #(?P<id>\d+) needs the reason",
        "penolakan tiket #{id} memerlukan alasan",
    ),
    (
        r"ticket #(?P<id>\d+) is at step (?P<step>\w+) \(.*\), which is not a yes/no decision",
        "tiket #{id} berada pada langkah {step} ({title}), yang bukan keputusan ya/tidak",
    ),
    (
        r"ticket #(?P<id>\d+) changed while you were acting on it",
        "tiket #{id} berubah ketika Anda sedang mengerjakannya",
    ),
    (r"a comment needs a note or an attachment", "komentar memerlukan catatan atau lampiran"),
    (
        r"(?P<who>\S+) may not assign ticket #(?P<id>\d+): it needs the role (?P<roles>.+) of "
        r"step (?P<step>\w+), or kasubbag-ti",
        "{who} tidak dapat menugaskan tiket #{id}: memerlukan peran {roles} dari langkah "
        "{step}, atau kasubbag-ti",
    ),
    (
        r"(?P<who>\S+) cannot do step (?P<step>\w+) \(.*\) of ticket #(?P<id>\d+): it needs the "
        r"role (?P<roles>.+)",
        "{who} tidak dapat mengerjakan langkah {step} ({title}) tiket #{id}: memerlukan peran "
        "{roles}",
    ),
    (r"no person '(?P<who>[^']*)'", "tidak ada orang '{who}'"),
    (
        r"ticket #(?P<id>\d+) is not yours: only its requester and the roles (?P<roles>.+) see "
        r"it",
        "tiket #{id} bukan milik Anda: hanya pemohonnya dan peran {roles} yang dapat melihatnya",
    ),
    (
        r"(?P<who>\S+) may not (?P<what>see the situation dashboard|open the monthly rounds|"
        r"read the monthly recap): it needs the role (?P<roles>.+)",
        "{who} tidak dapat {what_id}: memerlukan peran {roles}",
    ),
    (r"unknown classification '(?P<c>[^']*)'", "klasifikasi '{c}' tidak dikenal"),
    (r"'(?P<m>[^']*)' is not a month", "'{m}' bukan bulan (TTTT-BB)"),
    (r"'(?P<who>[^']*)' is not listed in people", "'{who}' tidak terdaftar di people"),
    # accounts
    (r"wrong id or password", "ID atau kata sandi salah"),
    (
        r"too many failed logins for this (?P<whom>account|address)",
        "terlalu banyak percobaan masuk yang gagal untuk {whom_id}",
    ),
    (r"this invitation link is not valid", "tautan undangan ini tidak sah"),
    (r"this invitation link was already used", "tautan undangan ini sudah dipakai"),
    (
        r"this invitation link expired at (?P<at>\S+)",
        "tautan undangan ini sudah kedaluwarsa ({at})",
    ),
    (r"wrong or already used one-time code", "kode sekali pakai salah atau sudah dipakai"),
    (r"the two passwords differ", "kedua kata sandi berbeda"),
    (
        r"the password is shorter than (?P<n>\d+) characters",
        "kata sandi lebih pendek dari {n} karakter",
    ),
    (
        r"the password is too easy to guess .*",
        "kata sandi terlalu mudah ditebak (memuat ID Anda atau berulang)",
    ),
    (r"no login waits for a one-time code", "tidak ada proses masuk yang menunggu kode"),
    (r"log in first", "silakan masuk terlebih dahulu"),
    (
        r"one-time codes are already set up for this account",
        "kode sekali pakai sudah diaktifkan untuk akun ini",
    ),
    (r"no one-time code set-up is under way", "tidak ada pengaktifan kode yang sedang berjalan"),
    # content and uploads
    (r"the request is incomplete", "permintaan belum lengkap"),
    (r"attachment refused", "lampiran ditolak"),
    (r"too many files", "terlalu banyak berkas"),
    (r"is empty", "belum diisi"),
    (r"the file is empty \(0 bytes\)", "berkas kosong (0 bita)"),
    (
        r"the file is (?P<size>[\d.]+) MB, over the limit of (?P<limit>[\d.]+) MB",
        "berkas berukuran {size} MB, melebihi batas {limit} MB",
    ),
    (
        r"unsupported file type .*",
        "jenis berkas tidak didukung (hanya foto JPEG/PNG atau PDF)",
    ),
    (r"not a photo, a screenshot or a PDF", "bukan foto, tangkapan layar, atau PDF"),
    (
        r"the content is (?P<mime>\S+) but the name has (?P<said>.+)",
        "isi berkas adalah {mime}, tetapi namanya berakhiran {said}",
    ),
    (r"the image cannot be decoded: .*", "gambar tidak dapat dibaca (rusak atau terpotong)"),
    (r"decompression bomb refused: .*", "gambar terlalu besar (bom dekompresi ditolak)"),
    (r".* pixels is over the limit of .*", "gambar melebihi batas jumlah piksel"),
    (r"the image is CMYK", "gambar berwarna CMYK"),
    (r"the image has an alpha channel \(transparency\)", "gambar memiliki transparansi"),
    (r"the image has 16 or more bits per channel .*", "gambar memakai 16 bit per kanal"),
    (r"the PDF is broken: .*", "PDF rusak"),
    (r"the PDF fails qpdf's check: .*", "PDF gagal diperiksa (rusak)"),
    (r"the PDF is encrypted .*", "PDF terkunci kata sandi"),
    (r"no such attachment", "lampiran tidak ditemukan"),
]

HINTS: list[tuple[str, str]] = [
    (
        r"ask someone with the role (?P<roles>.+?) \((?P<people>.*)\)",
        "mintalah kepada pemegang peran {roles} ({people})",
    ),
    (
        r"the next step is (?P<step>\w+) \(.*\); ask someone with the role (?P<roles>.+?) "
        r"\((?P<people>.*)\)",
        "langkah berikutnya {step} ({title}); mintalah kepada pemegang peran {roles} ({people})",
    ),
    (r"check both; .*", "periksa keduanya; setelah beberapa kegagalan, tunggu sebentar"),
    (r"wait (?P<n>\d+) minutes, or ask the IT unit", "tunggu {n} menit, atau hubungi unit TI"),
    (
        r"ask the IT unit for a new invitation .*",
        "mintalah undangan baru kepada unit TI",
    ),
    (r"type the 6 digits .*", "ketik 6 angka yang sedang tampil di aplikasi autentikator"),
    (r"choose a longer password", "pilih kata sandi yang lebih panjang"),
    (r"attach at most (?P<n>\d+)", "lampirkan paling banyak {n} berkas"),
    (r"fill it in", "isilah"),
    (r"attach JPEG, PNG or PDF", "lampirkan JPEG, PNG, atau PDF"),
    (r"rename it to end in \.(?P<ext>\w+).*", "ganti nama berkasnya menjadi .{ext}"),
    (r"pass --note .*", "isi catatan"),
    (r"pass --impact .*", "pilih dampak dan urgensi"),
    (r"answer each item .*", "jawab setiap butir daftar periksa"),
    (r"reject it with: .*", "tolak dengan alasannya"),
    (r"open your own requests .*", "buka permintaan Anda dari halaman utama meja layanan"),
    (r"ask the IT unit.*", "hubungi unit TI"),
    (r"look at it again .*", "buka tiket itu sekali lagi"),
    (r"open a new ticket .*", "ajukan permintaan baru"),
    (r"export it as PDF .*", "simpan sebagai PDF (dokumen) atau JPEG (foto)"),
    (r"split or compress it.*", "perkecil atau pisahkan berkasnya"),
]

_WHAT = {
    "see the situation dashboard": "melihat dasbor situasi",
    "open the monthly rounds": "membuka putaran bulanan",
    "read the monthly recap": "membaca rekap bulanan",
}


@dataclass(frozen=True)
class Shown:
    """A refusal as the page shows it."""

    message: str
    hints: list[str]
    known: bool


def _fill(template: str, match: re.Match[str], titles: Lookup) -> str:
    values: dict[str, str] = {k: v for k, v in match.groupdict().items() if v is not None}
    if "roles" in values:
        values["roles"] = _roles(values["roles"])
    if "people" in values:
        values["people"] = _people(values["people"])
    if "step" in values:
        values["title"] = titles(values["step"])
    if "status" in values:
        values["status_id"] = _STATUS.get(values["status"], values["status"])
    if "whom" in values:
        values["whom_id"] = _ACCOUNT[values["whom"]]
    if "what" in values:
        values["what_id"] = _WHAT[values["what"]]
    return template.format(**values)


def _translate(text: str, table: list[tuple[str, str]], titles: Lookup) -> str | None:
    for pattern, template in table:
        match = re.fullmatch(pattern, text.strip())
        if match:
            return _fill(template, match, titles)
    return None


def shown(error: WartaError, language: str, titles: Lookup) -> Shown:
    """The message and hints of ``error`` in ``language`` (``id`` or ``en``)."""
    problems: list[Problem] = list(error.problems)
    if language == "en":
        lines = [str(p) for p in problems] if len(problems) > 1 else []
        return Shown(error.message, lines + ([error.hint] if error.hint else []), True)
    message = _translate(error.message, MESSAGES, titles)
    hints: list[str] = []
    known = message is not None
    if len(problems) > 1 or (problems and problems[0].message != error.message):
        for problem in problems:
            text = _translate(problem.message, MESSAGES, titles)
            hint = _translate(problem.hint, HINTS, titles) if problem.hint else None
            known = known and text is not None
            if text is not None:
                where = f"{problem.where}: " if problem.where else ""
                hints.append(where + text + (f" — {hint}" if hint else ""))
    elif error.hint:
        hint = _translate(error.hint, HINTS, titles)
        if hint is not None:
            hints.append(hint)
    return Shown(message or "permintaan ini tidak dapat dijalankan", hints, known)


def step_titles(workflows: Mapping[str, object]) -> Lookup:
    """A lookup of Indonesian step titles from the site's workflows."""

    def lookup(step_id: str) -> str:
        workflow = workflows.get(step_id[:1])
        step = workflow.step(step_id) if workflow is not None else None  # type: ignore[attr-defined]
        return step.title.id if step is not None else step_id

    return lookup
