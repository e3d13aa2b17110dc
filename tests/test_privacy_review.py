"""Personal data wherever an item is published: every Markdown construct, every front
matter field, file names, the text of attachments; and publish refuses what leaks."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pikepdf
import pytest

from pipeline.commands.content import run_review
from pipeline.commands.publish import publish
from pipeline.content.attachment_text import attachment_text
from tests.conftest import APPROVED, Project

NIK = "3171011501900001"
NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)


def pdf_with_text(*pages: str, password: str | None = None) -> bytes:
    """A real PDF whose text layer holds ``pages`` (Helvetica, one line per text line)."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    for text in pages:
        page = pdf.add_blank_page(page_size=(595, 842))
        page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        lines = [line.replace("(", r"\(").replace(")", r"\)") for line in text.splitlines()]
        ops = "".join(f"({line}) Tj 0 -16 Td " for line in lines)
        page.Contents = pdf.make_stream(f"BT /F1 12 Tf 72 760 Td {ops}ET".encode("latin-1"))
    out = io.BytesIO()
    encryption = pikepdf.Encryption(user=password, owner=password) if password else False
    pdf.save(out, encryption=encryption)
    return out.getvalue()


def findings(project: Project, slug: str) -> list[tuple[str, int, str, str]]:
    report = run_review(project.config, [project.root / "drafts" / slug])
    return [
        (f.rule, int(f.where.rsplit(":", 1)[1]), f.severity.value, f.message)
        for f in report.findings
    ]


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_pdf_text_layer_is_read(tmp_path: Path) -> None:
    path = tmp_path / "dua-halaman.pdf"
    path.write_bytes(pdf_with_text("Halaman satu", "Halaman dua"))
    found = attachment_text(path)
    assert [page.strip() for page in found.pages] == ["Halaman satu", "Halaman dua"]
    assert found.problem is None


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        ("privacy.nik", f"Identitas Pemohon\nNIK {NIK}"),
        ("privacy.phone", "Hubungi Penggugat di 0812-3456-7890"),
        ("privacy.email", "Surel: budi.santoso@gmail.com"),
    ],
)
def test_personal_data_in_a_pdf_attachment(project: Project, rule: str, text: str) -> None:
    path = project.draft(
        "lampiran-bocor",
        files={"surat.pdf": pdf_with_text("Surat keterangan", text)},
        body="\n## A\n\n[Unduh](files/surat.pdf)\n",
    )
    found = findings(project, "lampiran-bocor")
    hit = next(f for f in found if f[0] == rule)
    assert hit[1] == line_of(path, "- path: files/surat.pdf")
    assert hit[2] == "error" and "'files/surat.pdf' (page 2, line" in hit[3]


def test_party_names_in_the_pdf_of_a_divorce_item(project: Project) -> None:
    project.draft(
        "putusan-cerai",
        title="Putusan perkara cerai gugat dibacakan",
        files={"putusan.pdf": pdf_with_text("Penggugat, Siti Aminah binti Abdullah, hadir.")},
        body="\n## A\n\n[Putusan](files/putusan.pdf)\n",
    )
    rules = {f[0] for f in findings(project, "putusan-cerai")}
    assert "privacy.party-name" in rules


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (pdf_with_text(""), "no text layer"),
        (pdf_with_text("NIK rahasia", password="kunci"), "cannot be read"),
        (b"%PDF-1.4 rusak\n", "cannot be read"),
    ],
    ids=["scan-without-ocr", "encrypted", "broken"],
)
def test_unreadable_pdf_is_a_warning_that_says_so(project: Project, data: bytes, said: str) -> None:
    path = project.draft(
        "pindaian", files={"scan.pdf": data}, body="\n## A\n\n[Unduh](files/scan.pdf)\n"
    )
    found = [f for f in findings(project, "pindaian") if f[0] == "privacy.attachment-unreadable"]
    assert len(found) == 1
    _rule, line, severity, message = found[0]
    assert severity == "warning" and said in message and "files/scan.pdf" in message
    assert line == line_of(path, "- path: files/scan.pdf")


def test_every_front_matter_field_and_file_name(project: Project) -> None:
    path = project.draft(
        f"ktp-{NIK}",
        tags=["sidang", f"NIK {NIK}"],
        files={f"berkas-{NIK}.pdf": pdf_with_text("Tidak ada data pribadi.")},
        body=f"\n## A\n\n[Unduh](files/berkas-{NIK}.pdf)\n",
    )
    text = path.read_text()
    text = text.replace("title: berkas-", "title: Surat 0812-3456-7890 berkas-")
    path.write_text(text)
    found = [(f[0], f[1], f[3]) for f in findings(project, f"ktp-{NIK}")]
    lines = path.read_text().splitlines()
    slug_line = next(i for i, t in enumerate(lines, 1) if t.startswith("slug:"))
    tag_line = next(i for i, t in enumerate(lines, 1) if f"NIK {NIK}" in t)
    title_line = next(i for i, t in enumerate(lines, 1) if "title: Surat 0812" in t)
    attachment_line = next(i for i, t in enumerate(lines, 1) if t.startswith("- path: files/"))
    assert ("privacy.nik", slug_line) in {(r, line) for r, line, _m in found}
    assert ("privacy.nik", tag_line) in {(r, line) for r, line, _m in found}
    assert ("privacy.phone", title_line) in {(r, line) for r, line, _m in found}
    assert any(
        r == "privacy.nik" and line == attachment_line and m.startswith("file name")
        for r, line, m in found
    )


BODY_CONSTRUCTS = f"""
## A

| No | Identitas |
|----|-----------|
| 1  | {NIK} |

Kode `{NIK}` di sini.

![foto KTP {NIK}](foto.png)

Lihat [berkas](https://mahkamahagung.go.id "NIK {NIK}").

Catatan kaki[^1].

[^1]: NIK {NIK}

```text
{NIK}
```
"""


def test_every_markdown_construct_is_scanned(project: Project) -> None:
    path = project.draft("konstruksi", body=BODY_CONSTRUCTS)
    found = {
        line for rule, line, _s, _m in findings(project, "konstruksi") if rule == "privacy.nik"
    }
    expected = {i for i, line in enumerate(path.read_text().splitlines(), 1) if NIK in line}
    assert len(expected) == 6 and found == expected


def test_publish_refuses_an_item_whose_attachment_carries_personal_data(project: Project) -> None:
    project.draft(
        "pengumuman-ghaib",
        **APPROVED,
        files={"relaas.pdf": pdf_with_text("Relaas panggilan", f"Termohon NIK {NIK}")},
        body="\n## Isi\n\n[Relaas](files/relaas.pdf)\n",
    )
    result = publish(project.config, by="dimas", now=NOW)
    assert result.promoted == []
    refused = " ".join(str(p) for p in result.refused)
    assert "privacy.nik" in refused and "files/relaas.pdf" in refused
    assert (project.root / "drafts/pengumuman-ghaib/index.md").is_file()
    assert not (project.root / "content/berita/posts/pengumuman-ghaib").exists()


def test_publish_accepts_the_same_item_once_the_attachment_is_clean(project: Project) -> None:
    project.draft(
        "pengumuman-bersih",
        **APPROVED,
        files={"relaas.pdf": pdf_with_text("Relaas panggilan", "Termohon: TERMOHON")},
        body="\n## Isi\n\n[Relaas](files/relaas.pdf)\n",
    )
    result = publish(project.config, by="dimas", now=NOW)
    assert result.promoted == ["pengumuman-bersih"], result.refused


def test_the_ocr_text_warta_convert_makes_is_scanned(project: Project, tmp_path: Path) -> None:
    """A scanned letter with a NIK: warta convert adds the OCR layer, review reads it."""
    from PIL import Image, ImageDraw, ImageFont

    from pipeline.commands.sources import collect, convert, ocr_tool
    from tests.test_sources import LATER, SLUG, new_draft
    from tests.test_sources import NOW as COLLECTED

    if ocr_tool(project.config) is None:
        pytest.skip("ocrmypdf or tesseract-ocr-ind is not installed (.ci/run installs them)")
    folder = new_draft(project)
    image = Image.new("RGB", (1700, 400), "white")
    font = ImageFont.load_default(size=72)
    ImageDraw.Draw(image).text((40, 140), f"NIK {NIK}", fill="black", font=font)
    source = tmp_path / "ktp.jpg"
    image.save(source, "JPEG", quality=95, dpi=(300, 300))
    collect(project.config, SLUG, [source], by="rina", now=COLLECTED)
    [made] = convert(project.config, SLUG, by="rina", now=LATER).made
    assert made.ocr
    index = folder / "index.md"
    index.write_text(index.read_text() + f"\n[Surat]({made.path})\n")
    hits = [f for f in findings(project, SLUG) if f[0] == "privacy.nik"]
    assert hits and made.path in hits[0][3], findings(project, SLUG)
