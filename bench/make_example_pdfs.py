#!/usr/bin/env python3
"""(Re)generate the example PDF attachments of the invented court's website.

Every PDF is small (one or two A4 pages), written by hand with the standard
Helvetica Type 1 fonts, and byte-for-byte deterministic: no creation dates,
no random document IDs (the trailer /ID is a hash of the document's own
content).  Run from anywhere::

    python bench/make_example_pdfs.py

It writes each file into its item's ``files/`` folder and prints the path and
the SHA-256 to copy into the item's front matter (``attachments[].sha256``).
All names, numbers and amounts are invented (contoh fiktif).
"""

from __future__ import annotations

import hashlib
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PAGE_W, PAGE_H = 595, 842  # A4 in points
MARGIN = 56
FOOTER = "Pengadilan Agama Lembah Hijau - www.pa-lembahhijau.go.id - CONTOH FIKTIF"

# Line styles: (font resource, size, leading, wrap width in characters)
STYLES = {
    "h1": ("F2", 15, 22, 60),
    "h2": ("F2", 11.5, 17, 80),
    "p": ("F1", 10, 14, 95),
    "mono": ("F3", 9, 12.5, 88),
    "gap": ("F1", 10, 8, 95),
}


def _escape(text: str) -> bytes:
    data = text.encode("cp1252")
    return data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _lines(block: list[str]) -> list[tuple[str, str]]:
    """Markup: '# ' title, '## ' heading, '| ' preformatted (Courier), '' gap, else text."""
    out: list[tuple[str, str]] = []
    for raw in block:
        if raw.startswith("# "):
            style, text = "h1", raw[2:]
        elif raw.startswith("## "):
            style, text = "h2", raw[3:]
        elif raw.startswith("| "):
            out.append(("mono", raw[2:]))
            continue
        elif raw == "":
            out.append(("gap", ""))
            continue
        else:
            style, text = "p", raw
        for part in textwrap.wrap(text, STYLES[style][3]) or [""]:
            out.append((style, part))
    return out


def _show(font: str, size: float, y: str, text: str) -> bytes:
    """Operators drawing one line of text at the left margin, baseline ``y``."""
    return f"/{font} {size} Tf 1 0 0 1 {MARGIN} {y} Tm".encode() + b" (" + _escape(text) + b") Tj"


def _page_stream(block: list[str], number: int, total: int) -> bytes:
    ops = [b"BT"]
    y = PAGE_H - MARGIN
    for style, text in _lines(block):
        font, size, leading, _ = STYLES[style]
        y -= leading
        if y < MARGIN + 30:
            raise ValueError("page overflow: shorten the text")
        if text:
            ops.append(_show(font, size, f"{y:.1f}", text))
    footer = f"{FOOTER} - halaman {number}/{total}"
    ops.append(_show("F1", 7.5, str(MARGIN - 20), footer))
    ops.append(b"ET")
    # A thin rule above the footer line.
    ops.append(f"0.5 w {MARGIN} {MARGIN - 8} m {PAGE_W - MARGIN} {MARGIN - 8} l S".encode())
    return b"\n".join(ops) + b"\n"


def build_pdf(title: str, pages: list[list[str]]) -> bytes:
    """A valid PDF 1.4 with one page per block of lines."""
    objects: list[bytes] = []  # object n is objects[n - 1]
    n_pages = len(pages)
    first_page = 7
    kids = " ".join(f"{first_page + 2 * i} 0 R" for i in range(n_pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    for name in ("Helvetica", "Helvetica-Bold", "Courier"):
        objects.append(
            f"<< /Type /Font /Subtype /Type1 /BaseFont /{name}"
            " /Encoding /WinAnsiEncoding >>".encode()
        )
    objects.append(
        b"<< /Title (" + _escape(title) + b") /Author (Pengadilan Agama Lembah Hijau)"
        b" /Producer (warta bench/make_example_pdfs.py) >>"
    )
    for i, block in enumerate(pages):
        content_ref = first_page + 2 * i + 1
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}]"
            f" /Resources << /Font << /F1 3 0 R /F2 4 0 R /F3 5 0 R >> >>"
            f" /Contents {content_ref} 0 R >>".encode()
        )
        stream = _page_stream(block, i + 1, n_pages)
        objects.append(f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"endstream")

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n".encode()
    out += b"0000000000 65535 f \n"
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    doc_id = hashlib.md5(bytes(out)).hexdigest()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R"
        f" /ID [<{doc_id}> <{doc_id}>] >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


HEAD = ["PENGADILAN AGAMA LEMBAH HIJAU", "Jl. Pahlawan Hijau No. 12, Kota Lembah Hijau", ""]

DOCUMENTS: dict[str, tuple[str, list[list[str]]]] = {
    "content/biaya-perkara/panjar-biaya-perkara/files/sk-panjar-biaya-perkara-2026.pdf": (
        "Panjar Biaya Perkara Tahun 2026",
        [
            [
                *HEAD,
                "# Panjar Biaya Perkara Tahun 2026",
                "Lampiran Keputusan Ketua Pengadilan Agama Lembah Hijau tentang Panjar Biaya Perkara,"
                " berlaku sejak 2 Januari 2026.",
                "",
                "## A. Komponen tetap (setiap perkara)",
                "| Pendaftaran (PNBP)                      Rp    30.000",
                "| Biaya proses / ATK perkara              Rp    75.000",
                "| PNBP panggilan pertama, per pihak       Rp    10.000",
                "| Redaksi                                 Rp    10.000",
                "| Meterai                                 Rp    10.000",
                "",
                "## B. Biaya panggilan per kali menurut radius",
                "| Radius I    Rp  75.000     Radius III   Rp 175.000",
                "| Radius II   Rp 125.000     Radius IV    Rp 250.000",
                "",
                "## C. Panjar tingkat pertama (Radius I / II / III / IV)",
                "| Cerai Gugat             595.000 /   895.000 / 1.195.000 / 1.645.000",
                "| Cerai Talak             745.000 / 1.145.000 / 1.545.000 / 2.145.000",
                "| Isbat Nikah             360.000 /   510.000 /   660.000 /   885.000",
                "| Dispensasi Kawin        360.000 /   510.000 /   660.000 /   885.000",
                "| Waris / Harta Bersama   895.000 / 1.395.000 / 1.895.000 / 2.645.000",
                "| Ahli Waris / P3HP       435.000 /   635.000 /   835.000 / 1.135.000",
                "| Gugatan Sederhana ES    595.000 /   895.000 / 1.195.000 / 1.645.000",
                "",
                "Panjar adalah perkiraan. Kelebihan panjar dikembalikan kepada pihak setelah perkara"
                " diputus; kekurangan wajib ditambah atas pemberitahuan kasir. Pembayaran melalui bank"
                " atau e-Payment, tidak melalui petugas.",
                "",
                "Ditetapkan di Kota Lembah Hijau.",
                "Ketua Pengadilan Agama Lembah Hijau,",
                "Dr. Ratna Dewi Anggraini, S.H.I., M.H.",
            ]
        ],
    ),
    "content/transparansi/dipa-2026/files/ringkasan-dipa-2026.pdf": (
        "Ringkasan DIPA Tahun Anggaran 2026",
        [
            [
                *HEAD,
                "# Ringkasan DIPA Tahun Anggaran 2026",
                "Daftar Isian Pelaksanaan Anggaran Pengadilan Agama Lembah Hijau (setelah revisi"
                " Juli 2026). Disajikan untuk keterbukaan informasi publik.",
                "",
                "## DIPA 01 - Badan Urusan Administrasi",
                "Program Dukungan Manajemen",
                "| Belanja Pegawai                         Rp 5.214.600.000",
                "| Belanja Barang (operasional)            Rp 1.127.710.000",
                "| Belanja Modal                           Rp   500.000.000",
                "| Jumlah DIPA 01                          Rp 6.842.310.000",
                "",
                "## DIPA 04 - Direktorat Jenderal Badan Peradilan Agama",
                "Program Penegakan dan Pelayanan Hukum",
                "| Pos Bantuan Hukum (Posbakum)            Rp    96.000.000",
                "| Pembebasan biaya perkara (prodeo)       Rp    22.500.000",
                "| Sidang di luar gedung (sidang keliling) Rp    68.000.000",
                "| Jumlah DIPA 04                          Rp   186.500.000",
                "",
                "## Jumlah pagu seluruhnya",
                "| DIPA 01 + DIPA 04                       Rp 7.028.810.000",
            ],
            [
                *HEAD,
                "## Rincian belanja modal",
                "| Perangkat pengolah data dan komunikasi  Rp   285.000.000",
                "| Renovasi ruang PTSP dan ruang tunggu",
                "| ramah disabilitas                       Rp   215.000.000",
                "",
                "## Catatan",
                "Rincian lengkap per akun dapat dimohonkan melalui layanan informasi publik"
                " (PPID Pengadilan Agama Lembah Hijau, ppid@pa-lembahhijau.go.id).",
                "",
                "Kuasa Pengguna Anggaran,",
                "Dr. Ratna Dewi Anggraini, S.H.I., M.H.",
            ],
        ],
    ),
    "content/transparansi/program-kerja-2026/files/program-kerja-2026.pdf": (
        "Program Kerja Tahun 2026",
        [
            [
                *HEAD,
                "# Program Kerja Tahun 2026",
                "Ringkasan program kerja kepaniteraan dan kesekretariatan (revisi tengah tahun).",
                "",
                "## Kepaniteraan",
                "1. Penyelesaian perkara tepat waktu: target rasio penyelesaian 90 persen.",
                "2. Minutasi dan pengiriman salinan putusan elektronik paling lama 14 hari.",
                "3. Perluasan e-Court: target 75 persen perkara gugatan didaftarkan secara elektronik.",
                "4. Sidang keliling di 4 lokasi, terutama isbat nikah terpadu.",
                "5. Mediasi: target keberhasilan (sebagian dan seluruhnya) 15 persen.",
                "",
                "## Kesekretariatan",
                "1. Pembangunan Zona Integritas menuju WBK.",
                "2. Renovasi ruang PTSP dan ruang tunggu ramah disabilitas.",
                "3. Penyerapan anggaran sesuai rencana penarikan dana.",
                "4. Pelatihan internal: mediator, layanan prima, keamanan informasi.",
                "5. Pemutakhiran situs web dan layanan informasi publik.",
                "",
                "## Pemantauan",
                "Capaian dievaluasi dalam rapat evaluasi kinerja setiap triwulan dan dilaporkan"
                " kepada pimpinan serta dipublikasikan di situs web.",
            ]
        ],
    ),
    "content/laporan-keuangan/laporan-keuangan-triwulan-iii-2026/files/"
    "laporan-keuangan-triwulan-iii-2026.pdf": (
        "Laporan Keuangan Triwulan III Tahun 2026",
        [
            [
                *HEAD,
                "# Laporan Keuangan Triwulan III Tahun 2026",
                "Periode 1 Januari s.d. 30 September 2026 (tidak diaudit).",
                "",
                "## 1. Laporan Realisasi Anggaran",
                "|                    Pagu              Realisasi          %",
                "| Belanja Pegawai    Rp 5.214.600.000  Rp 3.868.921.450   74,19",
                "| Belanja Barang     Rp 1.314.210.000  Rp   912.447.300   69,43",
                "| Belanja Modal      Rp   500.000.000  Rp   412.850.000   82,57",
                "| Jumlah             Rp 7.028.810.000  Rp 5.194.218.750   73,90",
                "",
                "## 2. Penerimaan Negara Bukan Pajak",
                "| PNBP fungsional (pendaftaran, redaksi, dll.)   Rp 48.730.000",
                "| PNBP umum                                      Rp  3.215.000",
                "",
                "## 3. Neraca ringkas per 30 September 2026",
                "| Aset lancar                      Rp    214.563.200",
                "| Aset tetap (neto)                Rp 18.942.117.500",
                "| Aset lainnya                     Rp     96.400.000",
                "| Jumlah aset                      Rp 19.253.080.700",
                "| Kewajiban jangka pendek          Rp     38.215.000",
                "| Ekuitas                          Rp 19.214.865.700",
            ],
            [
                *HEAD,
                "## 4. Laporan keuangan perkara (uang pihak ketiga)",
                "Juli s.d. September 2026",
                "| Saldo awal 1 Juli 2026                    Rp 182.450.000",
                "| Penerimaan panjar biaya perkara           Rp 396.780.000",
                "| Pengeluaran biaya proses dan pengembalian Rp 371.905.000",
                "| Saldo akhir 30 September 2026             Rp 207.325.000",
                "",
                "## Catatan",
                "Angka bersifat sementara dan dapat berubah setelah rekonsiliasi akhir tahun.",
                "",
                "Ketua Pengadilan Agama Lembah Hijau,",
                "Dr. Ratna Dewi Anggraini, S.H.I., M.H.",
            ],
        ],
    ),
    "content/berita/posts/sosialisasi-e-court-advokat/files/brosur-e-court.pdf": (
        "Brosur E-Court",
        [
            [
                *HEAD,
                "# Berperkara Lebih Mudah dengan e-Court",
                "Daftar, bayar, dipanggil, dan bersidang secara elektronik (PERMA 7 Tahun 2022).",
                "",
                "## Layanan e-Court",
                "e-Filing    : pendaftaran gugatan atau permohonan dari mana saja.",
                "e-Payment   : pembayaran panjar melalui rekening virtual bank.",
                "e-Summons   : panggilan dan pemberitahuan ke domisili elektronik.",
                "e-Litigation: replik, duplik, kesimpulan, dan putusan secara elektronik.",
                "",
                "## Langkah singkat",
                "1. Daftar akun di ecourt.mahkamahagung.go.id dengan e-mail aktif.",
                "2. Pilih Pengadilan Agama Lembah Hijau, unggah surat gugatan (PDF dan Word).",
                "3. Bayar panjar sesuai taksiran (e-SKUM) melalui rekening virtual.",
                "4. Tunggu nomor perkara dan jadwal sidang di akun Anda.",
                "",
                "## Butuh bantuan?",
                "Meja e-Court di PTSP, Senin-Jumat 08.00-15.00 WITA.",
                "Telepon (0411) 555-0100 - WhatsApp 0811-5550-1000",
                "info@pa-lembahhijau.go.id",
            ]
        ],
    ),
    "content/pengumuman/posts/hasil-seleksi-ppnpn-2026/files/"
    "pengumuman-hasil-seleksi-ppnpn-2026.pdf": (
        "Pengumuman Hasil Seleksi PPNPN Tahun 2026",
        [
            [
                *HEAD,
                "# Pengumuman Hasil Akhir Seleksi PPNPN 2026",
                "Berdasarkan hasil seleksi administrasi, tes tertulis, dan wawancara, panitia"
                " menetapkan nomor peserta berikut sebagai peserta yang lulus.",
                "",
                "## Formasi Pramubakti (2 orang)",
                "| PPNPN-2026-007    PPNPN-2026-031",
                "## Formasi Petugas Keamanan (2 orang)",
                "| PPNPN-2026-012    PPNPN-2026-044",
                "## Formasi Pengemudi (1 orang)",
                "| PPNPN-2026-026",
                "",
                "## Cadangan",
                "| PPNPN-2026-019    PPNPN-2026-038",
                "",
                "Peserta yang lulus melapor ke Subbagian Kepegawaian, Organisasi, dan Tata Laksana"
                " pada 14 September 2026 pukul 09.00 WITA. Keputusan panitia bersifat final.",
                "Seleksi tidak dipungut biaya apa pun.",
                "",
                "Ketua Panitia Seleksi,",
                "Sekretaris Pengadilan Agama Lembah Hijau",
            ]
        ],
    ),
    "content/pengumuman/posts/jadwal-sidang-keliling-desember-2026/files/"
    "jadwal-sidang-keliling-desember-2026.pdf": (
        "Jadwal Sidang Keliling Desember 2026",
        [
            [
                *HEAD,
                "# Jadwal Sidang Keliling Desember 2026",
                "Sidang di luar gedung pengadilan (PERMA 1 Tahun 2014).",
                "",
                "| Tanggal        Lokasi                               Pendaftaran s.d.",
                "| Rabu, 2 Des    Kantor Camat Pulau Seruni             20 November",
                "| Kamis, 3 Des   Kantor Camat Pulau Seruni             20 November",
                "| Rabu, 9 Des    Balai Desa Kampung Damar              27 November",
                "| Rabu, 16 Des   Kantor Camat Rawa Teratai             4 Desember",
                "",
                "## Perkara yang dapat didaftarkan",
                "Isbat nikah, cerai gugat, cerai talak, dispensasi kawin, dan penetapan ahli waris.",
                "",
                "## Informasi",
                "Pendaftaran melalui PTSP, Kantor Urusan Agama kecamatan setempat, atau e-Court.",
                "Telepon (0411) 555-0100 - WhatsApp 0811-5550-1000",
            ]
        ],
    ),
    "drafts/penandatanganan-kerja-sama-posbakum-2027/files/"
    "ringkasan-kerja-sama-posbakum-2027.pdf": (
        "Ringkasan Perjanjian Kerja Sama Posbakum 2027",
        [
            [
                *HEAD,
                "# Ringkasan Perjanjian Kerja Sama Posbakum 2027",
                "Antara Pengadilan Agama Lembah Hijau dan Lembaga Bantuan Hukum Cahaya Keadilan"
                " Lembah Hijau (lembaga fiktif).",
                "",
                "## Pokok-pokok kerja sama",
                "1. Jangka waktu: 4 Januari s.d. 30 Desember 2027.",
                "2. Layanan: informasi, konsultasi, advis hukum, dan pembuatan dokumen hukum.",
                "3. Petugas: 3 advokat dan 3 paralegal, bergiliran setiap hari kerja.",
                "4. Jam layanan: Senin-Kamis 08.00-16.00, Jumat 08.00-16.30 WITA.",
                "5. Layanan gratis bagi pencari keadilan; petugas dilarang menerima imbalan.",
                "6. Pembiayaan dari DIPA Pengadilan Agama Lembah Hijau Tahun 2027.",
                "7. Laporan layanan disampaikan setiap bulan kepada Ketua Pengadilan.",
                "",
                "Dasar: PERMA 1 Tahun 2014 tentang Pedoman Pemberian Layanan Hukum bagi"
                " Masyarakat Tidak Mampu di Pengadilan.",
            ]
        ],
    ),
}


def main() -> int:
    for rel, (title, pages) in DOCUMENTS.items():
        data = build_pdf(title, pages)
        if len(data) >= 50_000:
            raise SystemExit(f"{rel}: {len(data)} bytes, keep example PDFs under 50 KB")
        target = ROOT / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_bytes() != data:
            target.write_bytes(data)
        print(f"{rel}  sha256={hashlib.sha256(data).hexdigest()}  ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
