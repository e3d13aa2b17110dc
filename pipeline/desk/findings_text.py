"""Review findings in Indonesian for the desk's editor.

Review rules report in English (the command line's and CI's language; one rule, one
text). The desk shows each finding in the person's language: in Indonesian, the rule's
sentence below with the finding's line; in English, the rule's own message. A rule not
listed here is shown by a general sentence naming the rule, never half-translated.
"""

from __future__ import annotations

from pipeline.content.findings import Finding

RULES_ID: dict[str, str] = {
    "schema": "front matter tidak sesuai format (lihat isian formulir)",
    "slug.duplicate": "nama URL ini sudah dipakai item lain",
    "writing.summary-missing": "ringkasan belum diisi",
    "writing.summary-length": "ringkasan terlalu panjang atau terlalu pendek",
    "writing.title-length": "judul terlalu panjang atau terlalu pendek",
    "writing.heading-order": "urutan judul bagian melompat (misalnya dari ## ke ####)",
    "writing.image-alt": "gambar belum punya teks alternatif (alt) untuk pembaca layar",
    "writing.empty-link": "ada tautan tanpa teks",
    "links.internal": "tautan ke halaman situs yang tidak ada",
    "attachments.missing": "lampiran yang dicantumkan tidak ada berkasnya",
    "attachments.unlisted": "ada berkas di files/ yang tidak dicantumkan sebagai lampiran",
    "attachments.unreferenced": "lampiran belum ditautkan dari isi tulisan",
    "attachments.checksum": "isi berkas lampiran berubah sejak dicantumkan",
    "attachments.too-large": "berkas lampiran melebihi batas ukuran",
    "attachments.document": "lampiran bukan dokumen elektronik yang sah (PDF/A yang diperiksa)",
    "attachments.active-content": "PDF lampiran berisi konten aktif (skrip, berkas tersemat)",
    "files.link": "ada tautan sistem berkas (symlink) di draf; hanya berkas biasa yang diterima",
    "html.element": "unsur HTML yang tidak diizinkan akan dibuang dari halaman",
    "html.attribute": "atribut HTML yang tidak diizinkan akan dibuang dari halaman",
    "html.event-handler": "skrip pada atribut HTML (on…) tidak diizinkan",
    "html.url": "alamat tautan tidak diizinkan (hanya https, http, mailto, tel)",
    "html.style": "gaya (style) yang tidak diizinkan akan dibuang",
    "html.iframe-host": "sematan (iframe) dari situs yang tidak diizinkan",
    "html.external-image": "gambar dari situs lain tidak diizinkan (pelacak)",
    "html.front-matter": "ada kode HTML di isian front matter",
    "markdown.limits": "tulisan terlalu dalam bersarang atau terlalu besar untuk ditampilkan",
    "privacy.nik": "ada NIK (nomor induk kependudukan) yang tidak boleh terbit",
    "privacy.nik-like": "ada angka yang mirip NIK; periksa lagi",
    "privacy.phone": "ada nomor telepon yang bukan nomor resmi pengadilan",
    "privacy.email": "ada alamat e-mail yang bukan alamat resmi pengadilan",
    "privacy.party-name": "ada nama pihak berperkara yang harus disamarkan",
    "privacy.attachment-unreadable": "teks lampiran PDF tidak dapat dibaca untuk diperiksa",
}


def shown(finding: Finding, language: str) -> str:
    """The finding as the editor reads it in ``language``."""
    line = finding.where.rsplit(":", 1)[-1] if ":" in finding.where else ""
    if language == "en":
        text = finding.message + (f" — {finding.hint}" if finding.hint else "")
        return f"line {line}: {text}" if line.isdigit() else text
    text = RULES_ID.get(finding.rule, f"temuan pemeriksaan ({finding.rule})")
    return f"baris {line}: {text}" if line.isdigit() else text
