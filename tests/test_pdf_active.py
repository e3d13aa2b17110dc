"""PDFs without active content: convert removes it and says so, or refuses the PDF
where removing it would change the document; review refuses an attachment carrying any.

The hostile PDFs are made as an attacker would: a JavaScript open action, an embedded
executable, a launch action behind a link, page events, a dynamic XFA form.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from pipeline.commands.sources import collect, convert
from pipeline.content.collect import read_manifest
from pipeline.content.pdf_active import find_active
from pipeline.content.review import review
from pipeline.content.store import scan
from tests.conftest import APPROVED, Project
from tests.test_sources import LATER, NOW, SLUG, new_draft, no_ocr, pdf_file, scan_jpeg

EXE = b"MZ\x90\x00\x03\x00\x00\x00 this program cannot be run in DOS mode"


def hostile_pdf(path: Path) -> Path:
    """A JavaScript open action, an embedded .exe, a launch link and page events."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.docinfo["/Title"] = "Laporan dengan kejutan"
    pdf.Root.OpenAction = pdf.make_indirect(
        Dictionary(S=Name.JavaScript, JS=String("app.launchURL('http://evil.example/')"))
    )
    pdf.attachments["setup.exe"] = pikepdf.AttachedFileSpec(pdf, EXE, mime_type="application/x")
    page = pdf.pages[0].obj
    page.AA = Dictionary(O=Dictionary(S=Name.JavaScript, JS=String("this.exportDataObject()")))
    link = Dictionary(
        Type=Name.Annot,
        Subtype=Name.Link,
        Rect=Array([10, 10, 200, 40]),
        A=Dictionary(S=Name.Launch, F=String("cmd.exe"), P=String("/c calc")),
    )
    page.Annots = Array([pdf.make_indirect(link)])
    pdf.save(path)
    return path


def xfa_pdf(path: Path) -> Path:
    """A dynamic XFA form: no AcroForm fields, its pages drawn by the XFA scripts."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    xfa = pdf.make_stream(b"<xdp:xdp><script>xfa.host.messageBox('x')</script></xdp:xdp>")
    pdf.Root.AcroForm = Dictionary(Fields=Array([]), XFA=xfa)
    pdf.save(path)
    return path


def test_convert_removes_active_content_and_reports_it(project: Project, tmp_path: Path) -> None:
    folder = new_draft(project)
    source = hostile_pdf(tmp_path / "laporan.pdf")
    with pikepdf.open(source) as pdf:
        assert find_active(pdf)  # the attack is really there
    collect(project.config, SLUG, [source], by="rina", now=NOW)
    result = convert(project.config, SLUG, by="rina", now=LATER)
    assert [o.path for o in result.made] == ["files/laporan.pdf"] and not result.refused
    (note,) = [n for n in result.notes if "removed active content" in n]
    for kind in ("JavaScript", "open action", "embedded file", "launch action", "(/AA)"):
        assert kind in note
    output = folder / "files/laporan.pdf"
    assert EXE not in output.read_bytes() and b"evil.example" not in output.read_bytes()
    with pikepdf.open(output) as pdf:
        assert not find_active(pdf) and len(pdf.pages) == 1 and not pdf.attachments
        assert pdf.open_metadata()["dc:title"] == "Laporan dengan kejutan"  # otherwise kept


def test_convert_refuses_what_removal_would_change(project: Project, tmp_path: Path) -> None:
    folder = new_draft(project)
    collect(project.config, SLUG, [xfa_pdf(tmp_path / "formulir.pdf")], by="rina", now=NOW)
    result = convert(project.config, SLUG, by="rina", now=LATER)
    (problem,) = result.refused
    assert "dynamic XFA form" in problem.message and "print it to PDF" in problem.hint
    assert problem.where.endswith("sources/formulir.pdf")
    assert not (folder / "files").exists()


def test_convert_refuses_a_field_that_computes_its_value(project: Project, tmp_path: Path) -> None:
    new_draft(project)
    pdf = pikepdf.new()
    pdf.add_blank_page()
    field = pdf.make_indirect(
        Dictionary(
            FT=Name.Tx,
            T=String("jumlah"),
            AA=Dictionary(C=Dictionary(S=Name.JavaScript, JS=String("event.value = 1"))),
        )
    )
    pdf.Root.AcroForm = Dictionary(Fields=Array([field]))
    pdf.save(tmp_path / "hitung.pdf")
    collect(project.config, SLUG, [tmp_path / "hitung.pdf"], by="rina", now=NOW)
    (problem,) = convert(project.config, SLUG, by="rina", now=LATER).refused
    assert "computes the value it shows" in problem.message


def test_review_refuses_an_attachment_still_carrying_active_content(project: Project) -> None:
    folder = project.root / "drafts" / "lampiran-aktif"
    folder.mkdir(parents=True)
    data = hostile_pdf(folder.parent / "aktif.pdf").read_bytes()
    project.draft(
        "lampiran-aktif",
        files={"aktif.pdf": data},
        body="\n## Isi\n\n[Unduh](files/aktif.pdf)\n",
        **APPROVED,
    )
    index = folder / "index.md"
    report = review(project.config, scan(project.config), only=[index])
    found = [f for f in report.findings if f.rule == "attachments.active-content"]
    assert found and "JavaScript" in found[0].message and "warta convert" in found[0].hint
    assert not report.ok
    # A clean PDF passes the same rule.
    clean = pdf_file(folder / "files/aktif.pdf")
    index.write_text(
        index.read_text().replace(
            hashlib.sha256(data).hexdigest(), hashlib.sha256(clean.read_bytes()).hexdigest()
        )
    )
    report = review(project.config, scan(project.config), only=[index])
    assert not [f for f in report.findings if f.rule == "attachments.active-content"]


def test_collect_with_every_file_refused_creates_no_draft(project: Project, tmp_path: Path) -> None:
    junk = tmp_path / "bukan.pdf"
    junk.write_bytes(b"not a pdf at all")
    outcome = collect(
        project.config,
        "draf-kosong",
        [junk],
        by="rina",
        now=NOW,
        title="Rapat koordinasi bulanan",
        category="berita",
    )
    assert outcome.result.refused and not outcome.created
    assert not (project.root / "drafts/draf-kosong").exists()


def test_convert_with_every_source_refused_writes_nothing(project: Project, tmp_path: Path) -> None:
    folder = new_draft(project)
    collect(project.config, SLUG, [xfa_pdf(tmp_path / "formulir.pdf")], by="rina", now=NOW)
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert convert(project.config, SLUG, by="rina", now=LATER).refused
    after = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert after == before


def test_a_pdfa_made_by_warta_stays_pdfa_when_collected_again(
    project: Project, tmp_path: Path
) -> None:
    no_ocr(project)
    folder = new_draft(project)
    collect(project.config, SLUG, [scan_jpeg(tmp_path / "a.jpg")], by="rina", now=NOW)
    convert(project.config, SLUG, by="rina", now=LATER)
    made = tmp_path / "dibuat-warta.pdf"
    made.write_bytes((folder / "files/a.pdf").read_bytes())
    collect(project.config, SLUG, [made], by="rina", now=LATER)
    convert(project.config, SLUG, by="rina", now=LATER)
    (output,) = [o for o in read_manifest(folder).outputs if o.sources == ["dibuat-warta.pdf"]]
    assert output.pdfa and output.kind == "document"
    with pikepdf.open(folder / output.path) as pdf:
        assert pdf.pdf_version == "1.4" and pdf.open_metadata()["pdfaid:part"] == "1"
