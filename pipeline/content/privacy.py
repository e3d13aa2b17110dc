"""Personal data in a Markdown body (SOP 1, review step: data validity and ethics).

Four scanners, all pure functions over the body text:

* :func:`find_personal_data` – NIKs, phone numbers and e-mail addresses;
* :func:`anonymisation_reason` – whether an item is about a case whose parties
  must be anonymised (divorce, inheritance, child and sexual-offence cases …);
* :func:`find_party_names` – places where such a case names a party instead of
  using the role (``PENGGUGAT``);
* :func:`mask` – a shortened form of a personal datum for messages, so that a
  review report never repeats what it warns about.

Everything published is scanned: code spans, fenced code, tables, alt text, link
titles and footnotes alike (a NIK in a code span is as public as any other).  HTML
character references are decoded first (``nama&#64;gmail.com``) and obfuscated
addresses read back (``nama [at] gmail [dot] com``), line by line so that line numbers
stay right.  Only the anonymisation *keywords* skip code: a code sample that says
"cerai gugat" does not make an item a divorce case.  :func:`scan_text` runs every
scanner the way ``warta review`` does.  This module never prints and never reads the
environment: the caller decides what to do with the hits.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from stdnum.id import nik as stdnum_nik

from pipeline.config import ReviewSettings
from pipeline.content.findings import Hit, Severity

_BULLET: Final = "•"

# --------------------------------------------------------------------------- Markdown code

# An opening/closing code fence: three or more backticks or tildes.  Indentation
# is accepted freely because fences inside list items are indented.
_FENCE: Final = re.compile(r"^[ \t]*(`{3,}|~{3,})")

# An inline code span on one line: a run of N backticks, content, the same run
# of N backticks (CommonMark); unmatched backticks stay literal text.
_INLINE_CODE: Final = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")

# What code is replaced by: not a word character, not a digit separator, not
# whitespace, so a blanked span never joins the text around it into a match.
_BLANK: Final = "\x00"


def _prose(text: str) -> str:
    """``text`` with code blanked out; the same lines as ``str.splitlines``."""
    out: list[str] = []
    fence: str | None = None
    for line in text.splitlines():
        match = _FENCE.match(line)
        if fence is None:
            if match and not (match.group(1)[0] == "`" and "`" in line[match.end() :]):
                fence = match.group(1)
                out.append("")
                continue
            out.append(_INLINE_CODE.sub(lambda m: _BLANK * len(m.group(0)), line))
        else:
            closes = (
                match is not None
                and match.group(1)[0] == fence[0]
                and len(match.group(1)) >= len(fence)
                and not line[match.end() :].strip()
            )
            if closes:
                fence = None
            out.append("")
    return "\n".join(out)


def _visible(text: str) -> str:
    """``text`` as a reader sees it: character references decoded, line by line."""
    lines = []
    for line in text.split("\n"):
        if "&" in line:
            line = html.unescape(line).replace("\r", " ").replace("\n", " ")
        lines.append(line)
    return "\n".join(lines)


# Addresses written so that harvesters miss them: "nama [at] gmail [dot] com",
# "nama(at)yahoo.com", "nama @ gmail.com", "nama at gmail dot com".
_AT_BRACKETED: Final = re.compile(r"[ \t]*[\[({][ \t]*(?:at|et)[ \t]*[\])}][ \t]*", re.IGNORECASE)
_DOT_BRACKETED: Final = re.compile(
    r"[ \t]*[\[({][ \t]*(?:dot|titik)[ \t]*[\])}][ \t]*", re.IGNORECASE
)
_AT_SPACED: Final = re.compile(
    r"(?<=[A-Za-z0-9])[ \t]+@[ \t]*(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])@[ \t]+(?=[A-Za-z0-9])"
)
_AT_WORDS: Final = re.compile(
    r"\b(?P<local>[A-Za-z0-9][A-Za-z0-9._%+-]*)[ \t]+at[ \t]+(?P<host>[A-Za-z0-9-]+)"
    r"(?P<rest>(?:[ \t]+dot[ \t]+[A-Za-z0-9-]+)+)\b",
    re.IGNORECASE,
)


def _deobfuscated(text: str) -> str:
    """E-mail addresses written around harvesters, read back (same lines)."""
    text = _AT_BRACKETED.sub("@", text)
    text = _DOT_BRACKETED.sub(".", text)
    text = _AT_SPACED.sub("@", text)
    return _AT_WORDS.sub(
        lambda m: f"{m['local']}@{m['host']}" + re.sub(r"[ \t]+dot[ \t]+", ".", m["rest"]),
        text,
    )


class _Lines:
    """Offsets in a text to 1-based line numbers."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n"]

    def number(self, offset: int) -> int:
        return bisect_right(self.starts, offset)

    def line_at(self, offset: int) -> str:
        start = self.starts[self.number(offset) - 1]
        end = self.text.find("\n", start)
        return self.text[start : end if end >= 0 else len(self.text)]


# --------------------------------------------------------------------------- masking

# A single-letter initial, a title abbreviation or a particle: kept as written
# when a name is masked (they identify nobody).
_KEEP_WORD: Final = re.compile(r"^(?:[A-Z]\.|[A-Z][a-z]{0,3}\.|bin|binti|Bin|Binti|BIN|BINTI)$")


def mask(value: str) -> str:
    """A shortened form of a personal datum, safe to show in a message.

    ``"3171011708450001"`` → ``"3171••••••••0001"``,
    ``"budi@gmail.com"`` → ``"b•••@gmail.com"``,
    ``"0812-3456-7890"`` → ``"0812••••••90"``,
    ``"Siti Aminah binti Abdullah"`` → ``"S••• A••• binti A•••"``.
    """
    value = value.strip()
    if "@" in value:
        local, _, domain = value.rpartition("@")
        return f"{local[:1]}{_BULLET * 3}@{domain}"
    digits = re.sub(r"\D", "", value)
    if digits and not re.search(r"[^\W\d_]", value):
        n = len(digits)
        head, tail = (4, 4) if n >= 16 else (4, 2) if n >= 8 else (1, 0)
        return digits[:head] + _BULLET * (n - head - tail) + digits[n - tail :]
    words = value.split()
    return " ".join(w if _KEEP_WORD.match(w) else w[:1] + _BULLET * 3 for w in words)


# --------------------------------------------------------------------------- NIK

# A 16-digit run, written plainly or in the 6-6-4 / 2-2-2-6-4 / 4-4-4-4 groupings with one
# kind of separator.  Not part of a longer number: no digit (or digit plus
# separator) directly before or after, so case registers, account numbers and
# decimals are not cut into a 16-digit piece.
_NIK: Final = re.compile(
    r"""
    (?<![\w])(?<!\d[.,/-])
    (?:
        \d{16}
      | \d{6}(?P<s1>[ .-])\d{6}(?P=s1)\d{4}
      | \d{2}(?P<s2>[ .-])\d{2}(?P=s2)\d{2}(?P=s2)\d{6}(?P=s2)\d{4}
      | \d{4}(?P<s3>[ .-])\d{4}(?P=s3)\d{4}(?P=s3)\d{4}
    )
    (?![\w])(?![.,/-]\d)
    """,
    re.VERBOSE,
)

# Words that label a number as an identity number; a 16-digit run failing the
# NIK check on a line with one of them is still suspicious (a typo, a fake).
_NIK_CONTEXT: Final = re.compile(
    r"\b(?:NIK|e-?KTP|KTP|Nomor\s+Induk\s+Kependudukan)\b", re.IGNORECASE
)

# --------------------------------------------------------------------------- phone

# Indonesian phone numbers: mobile 08xx / +62 8xx / 62 8xx and landlines with an
# area code (021, 0274 …; 01 and 08 are not area codes) written in parentheses
# or followed by a separator, or with +62.  The area code must have 3-4 digits
# starting with 0, which rules out dates and times (08.00, 01-02-2026); case
# numbers (0123/Pdt.G/…) stop at the slash.  Groups may be joined by a space, a dot,
# a hyphen or an en or em dash (word processors turn hyphens into dashes).  Length is
# checked afterwards.
_PHONE: Final = re.compile(
    r"""
    (?<![\w+@])(?<!\d[.,\-–—])
    (?:
        (?P<intl>\(\+?62\)|\+62|62)[ ]?[.\-–—]?[ ]?\(?8\d{1,3}\)?
      | \(?08\d{1,3}\)?
      | \+62[ ]?[.\-–—]?[ ]?\(?[2-79]\d{1,2}\)?
      | \(0[2-79]\d{1,2}\)
      | 0[2-79]\d{1,2}(?=[ ]?[.\-–—]?[ ]?\d)
    )
    (?:(?:[ ]?[.\-–—][ ]?|[ ])?\d{2,5}){1,4}
    (?![\w@/])(?![.,\-–—]\d)
    """,
    re.VERBOSE,
)

# A currency sign right before a number: it is an amount, not a phone number.
_MONEY_BEFORE: Final = re.compile(r"(?:Rp|IDR|USD|US\$|\$)\.?\s*$", re.IGNORECASE)

# Thousands written with dots (62.812.000.000): an amount when it does not start
# with 0 or +.
_DOTTED_THOUSANDS: Final = re.compile(r"^\d{1,3}(?:\.\d{3})+$")

# --------------------------------------------------------------------------- e-mail

# An e-mail address (RFC 5322 "dot-atom" subset, which is what people write).
_EMAIL: Final = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@"
    r"(?P<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,})(?![\w-])"
)

# "logo@2x.png" and friends are file names, not addresses.
_FILE_SUFFIXES: Final = frozenset(
    {"png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "pdf", "css", "js", "ico"}
)


def find_personal_data(
    text: str,
    *,
    allowed_email_domains: Sequence[str],
    allowed_phone_numbers: Sequence[str],
) -> list[Hit]:
    """NIKs, phone numbers and e-mail addresses in a Markdown body, sorted by line.

    * ``privacy.nik``: 16 digits that pass the NIK check (region code, birth
      date); ``privacy.nik-like`` (warning): 16 digits that fail it on a line
      that calls them NIK/KTP.
    * ``privacy.phone``: Indonesian mobile and landline numbers, except
      ``allowed_phone_numbers`` (compared digits-only, +62 read as 0).
    * ``privacy.email``: addresses outside ``allowed_email_domains`` and their
      subdomains.
    """
    prose = _visible(text)
    lines = _Lines(prose)
    found: list[tuple[int, Hit]] = []

    nik_spans: list[tuple[int, int]] = []
    for match in _NIK.finditer(prose):
        nik_spans.append(match.span())
        number = re.sub(r"\D", "", match.group(0))
        line = lines.number(match.start())
        if stdnum_nik.is_valid(number):
            hit = Hit(
                line,
                "privacy.nik",
                f"NIK (identity number) {mask(number)} in the text",
                "remove it: a NIK is never published",
            )
        elif _NIK_CONTEXT.search(lines.line_at(match.start())):
            hit = Hit(
                line,
                "privacy.nik-like",
                f"16-digit number {mask(number)} labelled as a NIK",
                "check it: if it is an identity number, remove it",
                Severity.WARNING,
            )
        else:
            continue
        found.append((match.start(), hit))

    allowed_phones = {_normalise_phone(p) for p in allowed_phone_numbers}
    for match in _PHONE.finditer(prose):
        start, end = match.span()
        if any(start < e and s < end for s, e in nik_spans):
            continue
        phone = _phone_number(match)
        if phone is None or phone in allowed_phones:
            continue
        if _MONEY_BEFORE.search(prose[max(0, start - 6) : start]):
            continue
        hit = Hit(
            lines.number(start),
            "privacy.phone",
            f"phone number {mask(phone)} is not an allowed number",
            "remove it or use the court's official number (review.allowed_phone_numbers)",
        )
        found.append((start, hit))

    domains = [d.strip().lower().lstrip("@.") for d in allowed_email_domains if d.strip()]
    readable = _deobfuscated(prose)
    lines = _Lines(readable)
    for match in _EMAIL.finditer(readable):
        domain = match.group("domain").lower()
        if domain.rsplit(".", 1)[-1] in _FILE_SUFFIXES:
            continue
        if any(domain == d or domain.endswith("." + d) for d in domains):
            continue
        shown = ", ".join(domains) or "none configured"
        hit = Hit(
            lines.number(match.start()),
            "privacy.email",
            f"e-mail {mask(match.group(0))} looks like a private address",
            f"use the court's official address (allowed domains: {shown})",
        )
        found.append((match.start(), hit))

    return _sorted_unique(found)


def _normalise_phone(number: str) -> str:
    """Digits only, with the country code 62 read as the trunk prefix 0."""
    digits = re.sub(r"\D", "", number)
    return "0" + digits[2:] if digits.startswith("62") else digits


def _phone_number(match: re.Match[str]) -> str | None:
    """The normalised number of a phone candidate, or None if it is not one."""
    raw = match.group(0)
    if match.group("intl") == "62" and _DOTTED_THOUSANDS.match(raw):
        return None
    number = _normalise_phone(raw)
    if number.startswith("08"):
        return number if 10 <= len(number) <= 13 else None
    return number if 9 <= len(number) <= 12 else None


def _sorted_unique(found: list[tuple[int, Hit]]) -> list[Hit]:
    """Hits in text order, without repeats (an address in a link and its text)."""
    seen: set[Hit] = set()
    hits: list[Hit] = []
    for _, hit in sorted(found, key=lambda pair: (pair[1].line, pair[0])):
        if hit not in seen:
            seen.add(hit)
            hits.append(hit)
    return hits


# --------------------------------------------------------------------------- anonymisation

#: Indonesian keywords (matched case-insensitively, as whole words; a space also
#: matches a hyphen or a line break) → the case type they reveal.  An item whose
#: text mentions one of them is treated as that kind of case.
ANONYMISATION_KEYWORDS: Final[Mapping[str, str]] = {
    # divorce
    "perceraian": "perceraian",
    "gugatan cerai": "perceraian",
    "permohonan cerai": "perceraian",
    "bercerai": "perceraian",
    "nafkah iddah": "perceraian",
    "cerai gugat": "cerai-gugat",
    "cerai talak": "cerai-talak",
    "ikrar talak": "cerai-talak",
    "talak": "cerai-talak",
    # other marriage disputes (not isbat nikah, which is a routine registration)
    "pembatalan perkawinan": "perkawinan",
    "pembatalan nikah": "perkawinan",
    "harta bersama": "perkawinan",
    "harta gono gini": "perkawinan",
    "gono gini": "perkawinan",
    "izin poligami": "perkawinan",
    # child marriage: the parties are minors
    "dispensasi kawin": "perkawinan",
    "dispensasi nikah": "perkawinan",
    "dispensasi perkawinan": "perkawinan",
    # inheritance
    "waris": "waris",
    "warisan": "waris",
    "kewarisan": "waris",
    "ahli waris": "waris",
    "pewaris": "waris",
    "pewarisan": "waris",
    # custody
    "hak asuh anak": "hak-asuh-anak",
    "hak asuh": "hak-asuh-anak",
    "hadhanah": "hak-asuh-anak",
    "hadanah": "hak-asuh-anak",
    "hadlanah": "hak-asuh-anak",
    "pemeliharaan anak": "hak-asuh-anak",
    # adoption
    "pengangkatan anak": "pengangkatan-anak",
    "anak angkat": "pengangkatan-anak",
    "adopsi": "pengangkatan-anak",
    # juvenile cases
    "perkara anak": "perkara-anak",
    "anak berhadapan dengan hukum": "perkara-anak",
    "anak yang berhadapan dengan hukum": "perkara-anak",
    "anak berkonflik dengan hukum": "perkara-anak",
    "peradilan pidana anak": "perkara-anak",
    "diversi": "perkara-anak",
    # sexual offences
    "pencabulan": "kesusilaan",
    "perkosaan": "kesusilaan",
    "pemerkosaan": "kesusilaan",
    "kekerasan seksual": "kesusilaan",
    "pelecehan seksual": "kesusilaan",
    "persetubuhan": "kesusilaan",
    "asusila": "kesusilaan",
    "kesusilaan": "kesusilaan",
    # domestic violence
    "kdrt": "kdrt",
    "kekerasan dalam rumah tangga": "kdrt",
}

# All keywords in one alternation, longest first so that "ahli waris" wins over
# "waris"; a space in a keyword accepts any run of spaces, hyphens or newlines.
# Whole words only, and a hyphen continues a word ("bercerai-berai" = scattered).
_KEYWORDS: Final = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(
        r"[\s-]+".join(re.escape(word) for word in keyword.split())
        for keyword in sorted(ANONYMISATION_KEYWORDS, key=len, reverse=True)
    )
    + r")(?![\w-])",
    re.IGNORECASE,
)


def _case_type_key(value: str) -> str:
    return re.sub(r"[\s_]+", "-", value.strip().lower())


def anonymisation_reason(*, case_type: str, text: str, case_types: Sequence[str]) -> str | None:
    """Why an item must be anonymised, or None if it need not be.

    It must when its front matter ``case_type`` is one of ``case_types`` (the
    configured list), or when ``text`` mentions a keyword of
    :data:`ANONYMISATION_KEYWORDS` whose case type is in that list.
    """
    wanted = {_case_type_key(c) for c in case_types}
    if case_type.strip() and _case_type_key(case_type) in wanted:
        return f"case type '{_case_type_key(case_type)}'"
    for match in _KEYWORDS.finditer(_prose(text)):
        said = " ".join(re.split(r"[\s-]+", match.group(0).lower()))
        kind = ANONYMISATION_KEYWORDS.get(said)
        if kind is not None and kind in wanted:
            return f"text mentions '{said}'"
    return None


# --------------------------------------------------------------------------- party names

#: Party roles, as court writing uses them instead of names (lower case).
PARTY_ROLES: Final = (
    "penggugat",
    "tergugat",
    "pemohon",
    "termohon",
    "pelawan",
    "terlawan",
    "pembanding",
    "terbanding",
    "terdakwa",
    "anak",
    "korban",
    "saksi",
    "pewaris",
    "ahli waris",
    "para pihak",
    "turut tergugat",
)


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


#: Words that may be capitalised (titles, headings) but are never part of a name.
STOP_WORDS: Final = (
    # function words, pronouns
    _word_set(
        """
        yang dan atau serta di ke dari pada dalam untuk dengan oleh melalui terhadap kepada
        bagi tentang antara atas bahwa karena sebagai selaku adalah ialah ini itu tersebut juga
        tidak bukan belum sudah telah akan masih dapat bisa harus wajib agar supaya jika apabila
        namun tetapi sedangkan sehingga setelah sebelum sejak hingga sampai selama saat ketika
        kemudian lalu pun para pihak turut seorang sang si dia ia beliau saya kami kita mereka
        anda secara tanpa sesuai menurut kata ujar bawah sdr sdri saudara saudari tn ny nn
        """
    )
    # verbs and nouns of court news, often capitalised in titles
    | _word_set(
        """
        hadir mengajukan menggugat memohon menolak menerima mengabulkan dikabulkan ditolak
        diterima menyatakan menetapkan menghukum membayar memberikan mendapat mendapatkan meminta
        menjatuhkan memutus memutuskan diputus mencabut dicabut berdamai damai sepakat mediasi
        sidang persidangan perkara gugatan permohonan putusan penetapan banding kasasi peninjauan
        kembali eksepsi replik duplik pembuktian kesimpulan jawaban rekonvensi konvensi
        intervensi verstek ghaib gaib prinsipal dihadiri kehadiran berhak tetap menang kalah
        menimbang mengingat mengadili amar dalil bukti alat keterangan biaya jumlah sebesar
        berita informasi pengumuman jadwal hasil agenda terima bantuan kegiatan sosialisasi
        elektronik online tertutup terbuka umum ruang utama layanan pelayanan terpadu ptsp
        posbakum selanjutnya disebut mahkota ditunda lengkap tim
        """
    )
    # offices and occupations named beside a person (never the person's name)
    | _word_set(
        """
        bupati walikota wali gubernur camat lurah kades kapolres kapolsek kapolda danramil
        dandim kajari menteri dirjen direktur bidan dokter perawat kader ustaz ustadz ustadzah
        kyai tokoh pendamping konselor psikolog narasumber pembina penyuluh staf pegawai
        """
    )
    # people in court other than the parties, and their titles
    | _word_set(
        """
        kuasa kuasanya hukum advokat pengacara penasihat jaksa penuntut hakim ketua wakil
        anggota majelis panitera pengganti jurusita juru sita mediator sekretaris kepala bagian
        humas
        """
    )
    # case types and family words
    | _word_set(
        """
        dispensasi kawin nikah isbat itsbat cerai gugat talak ikrar perceraian perkawinan
        pembatalan poligami izin waris kewarisan warisan ahli harta bersama hak asuh hadhanah
        pengangkatan adopsi nafkah iddah mut'ah madliyah istri suami ibu bapak ayah orang tua
        keluarga kandung almarhum almarhumah alm almh
        """
    )
    # dates, numbers, law, religion, state
    | _word_set(
        """
        nomor no tahun tanggal bulan hari pukul jam wib wita wit senin selasa rabu kamis jumat
        jum'at sabtu minggu januari februari maret april mei juni juli agustus september oktober
        november desember rp rupiah pasal ayat undang uu peraturan perma sema kompilasi khi islam
        indonesia republik negara allah swt saw tuhan maha esa berdasarkan demi keadilan
        ketuhanan pertama kedua ketiga
        """
    )
    # identity-paragraph words (occupation, address, documents)
    | _word_set(
        """
        pegawai sipil swasta wiraswasta petani nelayan buruh guru pedagang karyawan pensiunan tni
        polri pns asn warga penduduk beralamat bertempat tinggal alamat pekerjaan umur usia lahir
        tempat kartu akta buku surat kutipan salinan formulir dokumen berkas sertifikat
        """
    )
    | frozenset(word for role in PARTY_ROLES for word in role.split())
)

#: Words of institution and place names (and titles of historical figures): a
#: capitalised word right after one of them is a place ("Pengadilan Agama
#: Lhokseumawe") or a public figure, not a party.
INSTITUTION_WORDS: Final = _word_set(
    """
    pengadilan agama negeri tinggi mahkamah agung syar'iyah syariyah konstitusi militer kota
    kabupaten kab provinsi prov kecamatan kec kelurahan kel desa gampong dusun kampung jalan jl
    lorong gang kantor urusan kua dinas badan kementerian kemenag lembaga pemerintah pemkot pemkab
    bank pt cv yayasan universitas institut sekolah madrasah pesantren pondok masjid rumah sakit
    rs rsud puskesmas polres polresta polsek polda kepolisian kejaksaan kejari lapas rutan bapas
    lpka komisi kpai koperasi bumdes perusahaan perum persero nabi rasul rasulullah sayyidina
    sahabat khalifah syekh syaikh
    """
)

_STOP: Final = STOP_WORDS | INSTITUTION_WORDS

#: Patronymics of historical figures quoted in religious texts (lower case).
HISTORICAL_NAMES: Final = frozenset(
    {
        "ali bin abi thalib",
        "umar bin khattab",
        "umar bin khaththab",
        "umar bin abdul aziz",
        "utsman bin affan",
        "abdullah bin abbas",
        "abdullah bin umar",
        "abdullah bin mas'ud",
        "anas bin malik",
        "muadz bin jabal",
        "zaid bin tsabit",
        "khalid bin walid",
        "muhammad bin abdullah",
    }
)

# One word of a personal name: a capitalised word (Ma'ruf, McDonald), an initial
# (M.) or a title abbreviation (Dr., Hj., Muh.).  Every alternative starts with
# a distinct character class, so no backtracking blow-up.
_NAME_TOKEN: Final = (
    r"(?:(?:Dr|Drs|Dra|Ir|Prof|Hj|H|KH|Muh|Moh|Mhd|Moch|Muhd)\.|[A-Z]\."
    r"|[A-Z][a-z]+(?:['’][A-Za-z]+|[A-Z][a-z]+)*)(?![\w'’])"
)
_NAME_TOKEN_RE: Final = re.compile(_NAME_TOKEN)

# Between the words of a name: spaces, or one line break (Markdown soft wrap).
_GAP: Final = r"(?:[ \t]+|[ \t]*\n[ \t]*)"

# Up to eight capitalised words in a row; the scanners trim it to the name.
_RUN: Final = rf"(?<![\w'’])(?:{_NAME_TOKEN})(?:{_GAP}(?:{_NAME_TOKEN})){{0,7}}"

# A role, in any case ("Penggugat", "PENGGUGAT", "penggugat"), possibly plural
# ("Para Tergugat"), compound ("Anak Korban") or numbered ("Tergugat II").
_ROLE_WORD: Final = (
    r"(?i:(?:para[ \t]+)?(?:turut[ \t]+)?"
    r"(?:penggugat|tergugat|pemohon|termohon|pelawan|terlawan|pembanding|terbanding"
    r"|terdakwa|anak|korban|saksi|pewaris|ahli[ \t]+waris)|para[ \t]+pihak)"
)
# What may follow a role before the name: a number, the side of a counterclaim, an
# ordinal ("Saksi pertama"), or the kind of case ("Korban KDRT", "Pemohon dispensasi
# kawin", "Anak yang berhadapan dengan hukum").
_ROLE_QUALIFIER: Final = (
    r"(?i:konvensi|rekonvensi|intervensi|prinsipal|pertama|kedua|ketiga|keempat|kelima"
    r"|kdrt|almarhum|almarhumah|angkat|kandung|pencabulan|perkosaan|pemerkosaan"
    r"|(?:dispensasi|cerai|kekerasan|pelecehan)[ \t]+(?:kawin|nikah|talak|gugat|seksual)"
    r"|(?:yang[ \t]+)?(?:berhadapan|berkonflik)[ \t]+dengan[ \t]+hukum)"
)
_ROLE: Final = (
    rf"\b{_ROLE_WORD}(?:[ \t]+(?:{_ROLE_WORD}|I{{1,3}}|IV|V|VI|[1-9]|{_ROLE_QUALIFIER}))*"
    r"(?![\w'’])"
)

# Role, then a connector that introduces a name, then the name:
# "Penggugat: Siti", "Penggugat bernama Siti", "Tergugat, Ahmad", "Pemohon (Budi".
# A lower-case role ("anak", "saksi") counts only with an explicit connector.
_ROLE_THEN_NAME: Final = re.compile(
    rf"(?P<role>{_ROLE})"
    r"(?P<conn>[ \t]*[:–—][ \t]*\n?[ \t]*|[ \t]+-[ \t]+|[ \t]*,[ \t]*\n?[ \t]*|[ \t]*\([ \t]*"
    r"|[ \t]*,?[ \t]+(?i:yang[ \t]+bernama|bernama|atas[ \t]+nama|a\.n\.|yaitu|yakni|adalah|ialah)"
    r"[ \t]*\n?[ \t]*)"
    rf"(?P<run>{_RUN})"
)

# Role directly followed by capitalised words: "Tergugat Ahmad Fauzi".  Weak
# evidence (headings are written in Title Case), so every word must pass, and
# the role must be written as a designation (capitalised), not "anak".
_ROLE_NAME: Final = re.compile(rf"(?P<role>{_ROLE})[ \t]+(?P<run>{_RUN})")

# More names after the first in a list: "Ahli Waris: Budi, Siti dan Ahmad".
_LIST_NEXT: Final = re.compile(
    rf"(?:[ \t]*,[ \t]*(?:dan[ \t]+)?|[ \t]+(?:dan|serta)[ \t]+)(?P<run>{_RUN})"
)

# Name, then the role: "Siti Aminah sebagai Penggugat", "Budi Santoso (Pemohon)".
_NAME_THEN_ROLE: Final = re.compile(
    rf"(?P<run>{_RUN})(?:{_GAP}(?i:sebagai|selaku){_GAP}(?P<role>{_ROLE})"
    rf"|[ \t]*\([ \t]*(?P<prole>{_ROLE})[ \t]*\))"
)

# Patronymic identification used by religious courts: "Ahmad bin Yusuf".
_PATRONYMIC: Final = re.compile(
    rf"(?P<run>{_RUN}){_GAP}(?P<bin>bin|binti|Bin|Binti|BIN|BINTI){_GAP}(?P<father>{_RUN})"
)

# Forms of address followed by a name: "Sdr. Ahmad", "Ny. Siti", "Saudari Rina".
_ADDRESSED: Final = re.compile(
    r"(?<![\w])(?P<form>(?i:sdri|sdr|tn|ny|nn)\.[ \t]*|(?:Sdri|Sdr|Tn|Ny|Nn)[ \t]+"
    rf"|(?i:saudari|saudara)[ \t]+)(?P<run>{_RUN})"
)

# The role belongs to someone else named next: "kuasa hukum Penggugat, Andi
# Wijaya" names the lawyer, whose name is public.
_OTHER_PERSON_BEFORE: Final = re.compile(
    r"(?i:\b(?:kuasa(?:\s+hukum)?|kuasanya|pengacara|advokat|penasihat\s+hukum"
    r"|jaksa(?:\s+penuntut\s+umum)?|hakim|mediator|panitera)\s+)$"
)


# A family relation, then the relative's name: "suaminya, Budi Santoso", "mantan
# istri, Dewi Lestari", "ibunya Sumarni", "ayah kandung anak, Doni Prasetyo",
# "almarhum Haji Abdul Karim".  In a case to be anonymised, a relative is a party or
# identifies one.
_RELATION: Final = re.compile(
    r"(?<![\w'’])(?P<rel>(?i:(?:mantan[ \t]+)?(?:suami|istri|isteri)(?:nya)?"
    r"|(?:ibu|ayah|bapak)(?:nya|[ \t]+kandung(?:nya)?)"
    r"|(?:anak|kakak|adik|saudara|saudari|keponakan|cucu|mertua|menantu|paman|bibi)"
    r"(?:[ \t]+kandung)?nya|saudara[ \t]+kandung|calon[ \t]+(?:suami|istri|isteri|mempelai)(?:nya)?"
    r"|almarhum(?:ah)?|alm\.|almh\.)"
    r"(?:[ \t]+(?i:anak|penggugat|tergugat|pemohon|termohon|terdakwa|korban|pemohon))?)"
    r"(?P<conn>[ \t]*,[ \t]*|[ \t]+(?i:bernama|yaitu|yakni)[ \t]+|[ \t]+)"
    rf"(?P<run>{_RUN})"
)

# The two sides of a case: "antara Rina dan Joko", "pasangan Yusuf dan Maryam",
# "Siti Aminah lawan Ahmad Fauzi", "Budi Santoso vs Rina Marlina".
_BETWEEN: Final = re.compile(
    rf"(?<![\w])(?i:antara|pasangan)[ \t]+(?P<a>{_RUN})"
    rf"(?:[ \t]+(?:dan|dengan)[ \t]+(?P<b>{_RUN}))?"
)
_VERSUS: Final = re.compile(
    rf"(?P<a>{_RUN})[ \t]+(?i:lawan|melawan|vs\.?|versus)(?![\w])(?:[ \t]+(?P<b>{_RUN}))?"
)

# Who brought the case: "diajukan oleh Siti Aminah", "yang diajukan Nurul",
# "diucapkan oleh Rudi Hartono", "oleh Ibu Suryani terhadap Bapak Darmawan".
_HONORIFIC: Final = r"(?:(?:Ibu|Bapak|Bpk\.?|Hj?\.)[ \t]+)?"
_FILED_BY: Final = re.compile(
    r"(?<![\w])(?i:diajukan|dilayangkan|diucapkan|didaftarkan|dimohonkan)"
    rf"(?:[ \t]+(?i:oleh))?[ \t]+{_HONORIFIC}(?P<a>{_RUN})"
)
_AGAINST: Final = re.compile(
    rf"(?<![\w])(?i:oleh)[ \t]+{_HONORIFIC}(?P<a>{_RUN})[ \t]*,?[ \t]+(?i:terhadap)[ \t]+"
    rf"{_HONORIFIC}(?P<b>{_RUN})"
)

# A name written in lower case after an explicit "bernama" / "atas nama" / "a.n."
# ("Penggugat bernama siti aminah"): up to four words, cut at the first stop word.
_NAMED_AS: Final = re.compile(
    r"(?<![\w])(?i:bernama|atas[ \t]+nama|a\.n\.)[ \t]+"
    r"(?P<run>[A-Za-z][A-Za-z'’]+(?:[ \t]+[A-Za-z][A-Za-z'’]+){0,3})"
)


@dataclass
class _Mention:
    """A name found in the text: where, as written, and the role it stands for."""

    start: int
    end: int
    shown: str
    role: str | None
    form: str = ""
    """A form of address before the name (``Ny.``), shown unmasked."""


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    text: str

    @property
    def stop(self) -> bool:
        return self.text.lower().rstrip(".") in _STOP

    @property
    def institution(self) -> bool:
        return self.text.lower().rstrip(".") in INSTITUTION_WORDS

    @property
    def word(self) -> bool:
        """A whole word, not an initial or an abbreviation."""
        return not self.text.endswith(".")


def _tokens(match: re.Match[str], group: str) -> list[_Token]:
    offset = match.start(group)
    return [
        _Token(offset + t.start(), offset + t.end(), t.group(0))
        for t in _NAME_TOKEN_RE.finditer(match.group(group))
    ]


# A name has at most this many words; longer capitalised runs are cut (names
# after a role) or, for the weak role-name form, taken for a title.
_MAX_NAME_WORDS: Final = 4


def _leading_name(tokens: list[_Token]) -> list[_Token]:
    """The name at the start of a run: the words before the first stop word."""
    kept: list[_Token] = []
    for token in tokens:
        if token.stop:
            break
        kept.append(token)
    kept = kept[:_MAX_NAME_WORDS]
    return kept if any(t.word for t in kept) else []


def _trailing_name(tokens: list[_Token]) -> list[_Token]:
    """The name at the end of a run: the words after the last stop word.

    Nothing when that stop word names an institution or place: the words after
    it are its name ("Pengadilan Agama Lhokseumawe").
    """
    kept: list[_Token] = []
    for index in range(len(tokens) - 1, -1, -1):
        if tokens[index].stop:
            if tokens[index].institution:
                return []
            break
        kept.insert(0, tokens[index])
    kept = kept[-_MAX_NAME_WORDS:]
    return kept if any(t.word for t in kept) else []


def _whole_name(tokens: list[_Token]) -> list[_Token]:
    """The run if no word of it is a stop word (and it is short), else nothing."""
    if any(t.stop for t in tokens) or len(tokens) > _MAX_NAME_WORDS:
        return []
    return tokens if any(t.word for t in tokens) else []


def _is_title_case(line: str) -> bool:
    """A heading-style line where most longer words are capitalised."""
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'’]*", line) if len(w) > 3]
    return len(words) >= 4 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


def _role_label(role: str) -> str:
    return " ".join(role.split()).upper()


def _overlapping(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Every match of ``pattern``, including those starting inside an earlier one."""
    position = 0
    while (match := pattern.search(text, position)) is not None:
        yield match
        position = match.start() + 1


def _mention(tokens: list[_Token], role: str | None, text: str) -> _Mention:
    start, end = tokens[0].start, tokens[-1].end
    return _Mention(start, end, text[start:end], role)


def _role_mentions(prose: str, lines: _Lines) -> Iterator[_Mention]:
    for match in _overlapping(_ROLE_THEN_NAME, prose):
        if _OTHER_PERSON_BEFORE.search(prose[max(0, match.start() - 40) : match.start()]):
            continue
        role = match.group("role")
        name = _leading_name(_tokens(match, "run"))
        if not name:
            continue
        closed = prose[name[-1].end :].lstrip(" \t").startswith((",", "("))
        if role.islower() and "," in match.group("conn") and not closed:
            continue  # "akta kelahiran anak, Kartu Keluarga": a list, not a designation
        yield _mention(name, role, prose)
        if "," in match.group("conn") or name[-1].end != match.end("run"):
            continue
        end = name[-1].end
        while (more := _LIST_NEXT.match(prose, end)) is not None:
            following = _leading_name(_tokens(more, "run"))
            if not following:
                break
            yield _mention(following, role, prose)
            if following[-1].end != more.end("run"):
                break
            end = following[-1].end

    for match in _overlapping(_ROLE_NAME, prose):
        if match.group("role").islower() or _is_title_case(lines.line_at(match.start())):
            continue
        if _OTHER_PERSON_BEFORE.search(prose[max(0, match.start() - 40) : match.start()]):
            continue
        name = _whole_name(_tokens(match, "run"))
        if name:
            yield _mention(name, match.group("role"), prose)

    # Not overlapping: the run must start at the first capitalised word, so that
    # "Pengadilan Agama Lhokseumawe selaku Termohon" is seen whole.
    for match in _NAME_THEN_ROLE.finditer(prose):
        name = _trailing_name(_tokens(match, "run"))
        if name:
            yield _mention(name, match.group("role") or match.group("prole"), prose)


def lines_of(text: str, offset: int) -> str:
    """The line of ``text`` around ``offset``."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return text[start : end if end >= 0 else len(text)]


def _other_mentions(prose: str) -> Iterator[_Mention]:
    for match in _PATRONYMIC.finditer(prose):  # whole runs, as above
        own = _trailing_name(_tokens(match, "run"))
        father = _leading_name(_tokens(match, "father"))
        if not own or not father:
            continue
        shown = prose[own[0].start : father[-1].end]
        said = " ".join(shown.lower().replace("’", "'").split())
        if any(said.endswith(name) for name in HISTORICAL_NAMES):
            continue
        yield _Mention(own[0].start, father[-1].end, shown, None)

    for match in _overlapping(_ADDRESSED, prose):
        name = _leading_name(_tokens(match, "run"))
        if name:
            mention = _mention(name, None, prose)
            mention.start = match.start()
            mention.form = match.group("form").strip()
            yield mention

    for match in _overlapping(_RELATION, prose):
        if not match.group("conn").strip() and _is_title_case(lines_of(prose, match.start())):
            continue
        name = _leading_name(_tokens(match, "run"))
        if name:
            yield _mention(name, None, prose)

    for pattern in (_BETWEEN, _FILED_BY, _AGAINST):
        for match in _overlapping(pattern, prose):
            for group in ("a", "b"):
                if group in pattern.groupindex and match.group(group):
                    name = _leading_name(_tokens(match, group))
                    if name:
                        yield _mention(name, None, prose)

    for match in _VERSUS.finditer(prose):
        for group, pick in (("a", _trailing_name), ("b", _leading_name)):
            if match.group(group) is None:
                continue
            name = pick(_tokens(match, group))
            if name:
                yield _mention(name, None, prose)

    for match in _overlapping(_NAMED_AS, prose):
        words = list(re.finditer(r"[A-Za-z][A-Za-z'’]+", match.group("run")))
        kept = []
        for word in words:
            if word.group(0).lower() in _STOP:
                break
            kept.append(word)
        if kept and any(len(w.group(0)) >= 3 for w in kept):
            offset = match.start("run")
            start, end = offset + kept[0].start(), offset + kept[-1].end()
            yield _Mention(start, end, prose[start:end], None)


def find_party_names(text: str, *, reason: str | None = None) -> list[Hit]:
    """Places where a party is named instead of referred to by role (``privacy.party-name``).

    Call it only for items that must be anonymised (see :func:`anonymisation_reason`);
    pass that reason to have it in the message.  Caught forms:

    * role, connector, name: ``Penggugat: Siti Aminah``, ``Penggugat bernama …``,
      ``Tergugat, Ahmad Fauzi,``, ``Pemohon (Budi Santoso)``, and lists such as
      ``Ahli Waris: Budi, Siti dan Ahmad``;
    * role directly followed by a name: ``Tergugat Ahmad Fauzi`` (not on Title
      Case lines, and only if no word is a stop word);
    * name, then role: ``Siti Aminah sebagai Penggugat``, ``Budi Santoso (Pemohon)``;
    * patronymics anywhere: ``Ahmad bin Yusuf``, ``Siti Aminah binti Abdullah``;
    * forms of address: ``Sdr.``, ``Sdri.``, ``Saudara``, ``Saudari``, ``Tn.``, ``Ny.``.

    A name is 1-4 capitalised words (initials and titles allowed) none of which
    is in :data:`STOP_WORDS`; capitals-only role labels (``PENGGUGAT``) are the
    anonymised form and never match.  Words after an institution or place word
    (``Pengadilan Agama Lembah Hijau``) are not a name.  A role after "kuasa
    hukum" and the like introduces the lawyer, not the party, and is skipped.
    """
    prose = _visible(text)
    lines = _Lines(prose)
    mentions = sorted(
        [*_role_mentions(prose, lines), *_other_mentions(prose)],
        key=lambda m: (m.start, -m.end),
    )
    kept: list[_Mention] = []
    for mention in mentions:
        if kept and mention.start < kept[-1].end:
            if kept[-1].role is None:
                kept[-1].role = mention.role
            continue
        kept.append(mention)

    prefix = "party named in a case that must be anonymised"
    prefix += f" ({reason})" if reason else ""
    hits: list[Hit] = []
    for mention in kept:
        shown = f"{mention.form} {mask(mention.shown)}".strip()
        if mention.role:
            shown += f" as {' '.join(mention.role.split())}"
        label = _role_label(mention.role) if mention.role else "PENGGUGAT"
        hits.append(
            Hit(
                lines.number(mention.start),
                "privacy.party-name",
                f"{prefix}: {shown}",
                f"replace the name with the role in capitals, e.g. {label}",
            )
        )
    return hits


# --------------------------------------------------------------------------- everything


def scan_text(text: str, settings: ReviewSettings, *, case_type: str = "") -> list[Hit]:
    """Every scanner over one published text, as ``warta review`` runs them.

    Personal data always; party names when the item must be anonymised (its
    ``case_type``, or a keyword of ``text``).  Hits are sorted by line.
    """
    reason = anonymisation_reason(
        case_type=case_type, text=text, case_types=settings.anonymise_case_types
    )
    return personal_data_hits(text, settings, reason=reason)


def personal_data_hits(text: str, settings: ReviewSettings, *, reason: str | None) -> list[Hit]:
    """Personal data in ``text``, and party names when ``reason`` says the item must be
    anonymised (see :func:`anonymisation_reason`); sorted by line."""
    hits = find_personal_data(
        text,
        allowed_email_domains=settings.allowed_email_domains,
        allowed_phone_numbers=settings.allowed_phone_numbers,
    )
    if reason is not None:
        hits += find_party_names(text, reason=reason)
    return sorted(hits, key=lambda hit: hit.line)
