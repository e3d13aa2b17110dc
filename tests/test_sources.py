"""warta collect / convert (SOP 1 steps 1–2) with real files made by the tests."""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import wave
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner, Result
from PIL import Image, ImageDraw, ImageFont

from pipeline.cli import cli
from pipeline.commands.sources import check, collect, convert, ocr_tool
from pipeline.content.collect import read_manifest
from pipeline.content.review import review
from pipeline.content.status import item_status
from pipeline.content.store import read_item, scan
from pipeline.errors import NotFoundError, WorkflowError
from pipeline.fsutil import sha256_file
from tests.conftest import Project

ROOT = Path(__file__).parent.parent
NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
LATER = datetime(2026, 11, 25, 1, 30, tzinfo=UTC)
SLUG = "surat-undangan-rapat"


# -- real files of each kind, made here ---------------------------------------------


def scan_jpeg(path: Path, text: str = "Halaman 1", size: tuple[int, int] = (310, 438)) -> Path:
    """A small A4-shaped greyscale-ish scan at 37.5 dpi (A4 at 300 dpi scaled by 1/8)."""
    image = Image.new("RGB", size, "white")
    ImageDraw.Draw(image).text((20, 20), text, fill="black")
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=90, dpi=(37.5, 37.5))
    return path


def png(path: Path, mode: str = "RGB", size: tuple[int, int] = (60, 80)) -> Path:
    colour: object = {"RGB": (200, 30, 30), "RGBA": (200, 30, 30, 128), "CMYK": (0, 0, 0, 0)}
    Image.new(mode, size, colour.get(mode, 128)).save(path, "PNG")  # type: ignore[attr-defined]
    return path


def photo_with_gps(path: Path, size: tuple[int, int] = (400, 200)) -> Path:
    """A camera photo: Make/Model, orientation 6 (rotate 90° clockwise), a GPS position."""
    image = Image.new("RGB", size, (20, 120, 200))
    ImageDraw.Draw(image).rectangle((0, 0, 40, 40), fill="yellow")  # marks the top-left
    exif = Image.Exif()
    exif[0x010F] = "KameraUji"
    exif[0x0110] = "Model 1"
    exif[0x0112] = 6
    exif[0x8825] = {1: "S", 2: (0.0, 47.0, 0.0), 3: "E", 4: (127.0, 22.0, 0.0)}
    image.save(path, "JPEG", exif=exif.tobytes())
    return path


def tiff_pages(path: Path, pages: int = 3) -> Path:
    frames = [Image.new("L", (100, 140), 255 - 40 * n) for n in range(pages)]
    frames[0].save(path, save_all=True, append_images=frames[1:], dpi=(75, 75))
    return path


def pdf_file(path: Path, title: str = "Laporan kinerja") -> Path:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.docinfo["/Title"] = title
    pdf.save(path)
    return path


def encrypted_pdf(path: Path) -> Path:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(path, encryption=pikepdf.Encryption(owner="rahasia", user="rahasia"))
    return path


def wav(path: Path) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\0\0" * 800)
    return path


def mp4_header(path: Path) -> Path:
    """The ISO-BMFF boxes that open an MP4 file (ftyp, then an empty free box)."""
    ftyp = b"ftypisom\0\0\x02\0isomiso2mp41"
    path.write_bytes(struct.pack(">I", 8 + len(ftyp) - 4) + ftyp + struct.pack(">I", 8) + b"free")
    return path


def png_bomb(path: Path, side: int = 100_000) -> Path:
    """A PNG header claiming side×side pixels: tiny on disk, 10 gigapixels decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\0" * 1000)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )
    return path


# -- helpers -------------------------------------------------------------------------


def run(project: Project, *args: str) -> Result:
    return CliRunner().invoke(
        cli, ["--config", str(project.root / "warta.yml"), *args], catch_exceptions=False
    )


def new_draft(project: Project) -> Path:
    project.draft(SLUG, history=[{"status": "draft", "at": NOW.isoformat(), "by": "rina"}])
    return project.root / "drafts" / SLUG


def set_config(project: Project, text: str) -> None:
    path = project.root / "warta.yml"
    path.write_text(path.read_text() + text)


def leftovers(folder: Path) -> list[str]:
    """Temporary files a write could leave behind."""
    return sorted(p.name for p in folder.rglob(".*") if p.name != ".gitkeep")


def no_ocr(project: Project) -> None:
    set_config(project, "convert:\n  ocr: 'off'\n")


# -- collect ---------------------------------------------------------------------------


def test_collect_records_manifest_and_is_idempotent(project: Project, tmp_path: Path) -> None:
    folder = new_draft(project)
    src = tmp_path / "masuk"
    scan_jpeg(src / "Surat Undangan 1.JPG")
    png(src / "bagan.png")
    result = collect(project.config, SLUG, [src], by="rina", now=NOW).result
    # A folder's files in sorted order (capitals first, as the file system sorts bytes).
    assert [e.name for e in result.collected] == ["surat-undangan-1.jpg", "bagan.png"]
    manifest = json.loads((folder / "sources/manifest.json").read_text())
    assert manifest["version"] == 1
    entry = manifest["sources"][0]
    assert entry["original"] == "Surat Undangan 1.JPG"
    assert entry["sha256"] == sha256_file(src / "Surat Undangan 1.JPG")
    assert entry["size"] == (src / "Surat Undangan 1.JPG").stat().st_size
    assert (entry["type"], entry["kind"], entry["collected_by"]) == ("image/jpeg", "scan", "rina")
    assert entry["collected_at"].startswith("2026-11-25T01:00:00")
    assert (folder / "sources/surat-undangan-1.jpg").read_bytes() == (
        src / "Surat Undangan 1.JPG"
    ).read_bytes()
    item = read_item(folder, project.config)
    assert item.front.history[-1].status == "collected"
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    again = collect(project.config, SLUG, [src], by="sari", now=LATER).result
    assert again.collected == [] and len(again.unchanged) == 2
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    row = item_status(project.config, read_item(folder, project.config), now=LATER, archived=set())
    assert (row.stage, row.holder, row.since) == ("convert", "operator", NOW)


def test_type_comes_from_the_bytes(project: Project, tmp_path: Path) -> None:
    new_draft(project)
    scan_jpeg(tmp_path / "foto.jpeg")  # a valid JPEG extension other than .jpg
    tiff_pages(tmp_path / "scan.tiff")
    result = collect(project.config, SLUG, [tmp_path], by="rina", now=NOW).result
    assert {(e.name, e.type, e.kind) for e in result.collected} == {
        ("foto.jpg", "image/jpeg", "scan"),
        ("scan.tif", "image/tiff", "scan"),
    }


def test_collect_creates_the_draft_only_when_asked(project: Project, tmp_path: Path) -> None:
    source = scan_jpeg(tmp_path / "a.jpg")
    with pytest.raises(NotFoundError) as missing:
        collect(project.config, "baru-sekali", [source], by="rina", now=NOW)
    assert "--title and --category" in str(missing.value)
    outcome = collect(
        project.config,
        "baru-sekali",
        [source],
        by="rina",
        now=NOW,
        title="Rapat koordinasi bulanan",
        category="berita",
    )
    assert outcome.created and len(outcome.result.collected) == 1
    item = read_item(project.root / "drafts/baru-sekali", project.config)
    assert [h.status for h in item.front.history] == ["draft", "collected"]


def test_collect_refuses_a_draft_that_is_not_a_draft(project: Project, tmp_path: Path) -> None:
    project.draft(SLUG, status="in-review")
    with pytest.raises(WorkflowError) as refused:
        collect(project.config, SLUG, [scan_jpeg(tmp_path / "a.jpg")], by="rina", now=NOW)
    assert "in-review" in str(refused.value) and "warta reject" in str(refused.value)


def _truncated(path: Path) -> Path:
    scan_jpeg(path, size=(400, 560))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _png16(path: Path) -> Path:
    Image.new("I;16", (30, 30), 40000).save(path)
    return path


def _cmyk(path: Path) -> Path:
    Image.new("CMYK", (30, 30), (0, 50, 50, 0)).save(path, "JPEG")
    return path


def _broken_pdf(path: Path) -> Path:
    pdf_file(path)
    path.write_bytes(path.read_bytes()[:200])
    return path


BAD_INPUTS = {
    "truncated.jpg": (_truncated, "cannot be decoded"),
    "rusak.png": (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 50) and p, "decoded"),
    "cmyk.jpg": (_cmyk, "CMYK"),
    "enambelas.png": (_png16, "16 or more bits"),
    "transparan.png": (lambda p: png(p, "RGBA"), "alpha channel"),
    "bom.png": (png_bomb, "decompression bomb"),
    "kosong.jpg": (lambda p: p.write_bytes(b"") or p, "empty (0 bytes)"),
    "bohong.pdf": (lambda p: png(p), "content is image/png but the name has '.pdf'"),
    "terkunci.pdf": (encrypted_pdf, "encrypted"),
    "rusak.pdf": (_broken_pdf, "PDF is broken"),
    "catatan.txt": (lambda p: p.write_text("bukan dokumen") and p, "unsupported file type"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_each_bad_input_is_refused_and_the_rest_collected(
    project: Project, tmp_path: Path, name: str
) -> None:
    folder = new_draft(project)
    make, message = BAD_INPUTS[name]
    bad = make(tmp_path / name)
    good = scan_jpeg(tmp_path / "baik.jpg")
    result = collect(project.config, SLUG, [bad, good], by="rina", now=NOW).result
    assert [e.original for e in result.collected] == ["baik.jpg"]
    [problem] = result.refused
    assert problem.where == str(bad) and message in problem.message and problem.hint
    assert sorted(p.name for p in (folder / "sources").iterdir()) == ["baik.jpg", "manifest.json"]
    assert leftovers(folder) == []


def test_sixteen_bit_rgb_png_is_refused(project: Project, tmp_path: Path) -> None:
    # Pillow reads a 16-bit RGB PNG as 8-bit RGB: the stored bit depth decides.
    new_draft(project)
    header = b"\x89PNG\r\n\x1a\n"
    raw = b"".join(b"\0" + b"\x12\x34" * 3 * 4 for _ in range(4))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    path = tmp_path / "rgb16.png"
    path.write_bytes(
        header
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 16, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    [problem] = collect(project.config, SLUG, [path], by="rina", now=NOW).result.refused
    assert "16 or more bits" in problem.message


def test_oversized_and_too_many_pixels_follow_the_config(project: Project, tmp_path: Path) -> None:
    set_config(project, "convert:\n  max_source_mb: 0.001\n  max_pixels: 10000\n")
    new_draft(project)
    big = tmp_path / "besar.wav"
    with wave.open(str(big), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\0\0" * 2000)
    wide = png(tmp_path / "lebar.png", size=(200, 100))
    refused = collect(project.config, SLUG, [big, wide], by="rina", now=NOW).result.refused
    messages = {Path(p.where).name: p for p in refused}
    assert "over the limit of 0.001 MB" in messages["besar.wav"].message
    assert "convert.max_source_mb" in messages["besar.wav"].hint
    assert "200×100 pixels is over the limit of 10,000" in messages["lebar.png"].message


# -- convert ---------------------------------------------------------------------------


def _raw_images(pdf_path: Path) -> list[bytes]:
    with pikepdf.open(pdf_path) as pdf:
        return [
            pikepdf.PdfImage(image).obj.read_raw_bytes()
            for page in pdf.pages
            for image in page.get_images().values()
        ]


def test_scans_become_one_lossless_pdfa_in_order(project: Project, tmp_path: Path) -> None:
    no_ocr(project)
    folder = new_draft(project)
    pages = [scan_jpeg(tmp_path / f"hal-{n}.jpg", f"Halaman {n}") for n in (2, 1, 3)]
    # Given in the order 2, 1, 3: that order is the document's.
    collect(project.config, SLUG, pages, by="rina", now=NOW, document="undangan")
    result = convert(project.config, SLUG, by="rina", now=LATER)
    assert [o.path for o in result.made] == ["files/undangan.pdf"] and not result.refused
    pdf_path = folder / "files/undangan.pdf"
    assert _raw_images(pdf_path) == [p.read_bytes() for p in pages]  # JPEG never re-encoded
    with pikepdf.open(pdf_path) as pdf:
        assert pdf.pdf_version == "1.4" and pdf.is_linearized and not pdf.is_encrypted
        assert pdf.check_pdf_syntax() == []
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFA1" and len(intent.DestOutputProfile.read_bytes()) > 400
        assert "/Filter" not in pdf.Root.Metadata  # PDF/A: metadata stream unfiltered
        meta = pdf.open_metadata()
        assert (meta["pdfaid:part"], meta["pdfaid:conformance"]) == ("1", "B")
        assert meta["dc:title"] == "Judul yang cukup panjang untuk surat-undangan-rapat — undangan"
        assert meta["dc:creator"] == ["Pengadilan Agama Uji"]
        assert meta["xmp:CreateDate"].startswith("2026-11-25T01:00:00")
        assert meta["dc:source"].startswith("hal-2.jpg sha256:" + sha256_file(pages[0]))
    if shutil.which("qpdf"):
        checked = subprocess.run(["qpdf", "--check", str(pdf_path)], capture_output=True)
        assert checked.returncode == 0, checked.stdout
    item = read_item(folder, project.config)
    [attachment] = item.front.attachments
    assert (attachment.path, attachment.sha256) == ("files/undangan.pdf", sha256_file(pdf_path))
    assert item.front.history[-1].status == "converted"
    row = item_status(project.config, item, now=LATER, archived=set())
    assert (row.stage, row.since) == ("draft", LATER)
    # Sizes: the PDF adds only its structure and the ICC profile to the JPEG bytes.
    total = sum(p.stat().st_size for p in pages)
    assert total < pdf_path.stat().st_size < total + 20_000
    # Converting again changes nothing.
    again = convert(project.config, SLUG, by="rina", now=LATER)
    assert again.made == [] and len(again.unchanged) == 1
    assert read_item(folder, project.config).front == item.front


def test_multipage_tiff_and_png_scans_are_lossless(project: Project, tmp_path: Path) -> None:
    no_ocr(project)
    folder = new_draft(project)
    tiff = tiff_pages(tmp_path / "berkas.tif", 3)
    chart = png(tmp_path / "bagan.png")
    collect(project.config, SLUG, [tiff, chart], by="rina", now=NOW)
    result = convert(project.config, SLUG, by="rina", now=LATER)
    assert sorted(o.path for o in result.made) == ["files/bagan.pdf", "files/berkas.pdf"]
    with pikepdf.open(folder / "files/berkas.pdf") as pdf:
        assert len(pdf.pages) == 3
        greys = [
            pikepdf.PdfImage(next(iter(page.get_images().values()))).as_pil_image().getpixel((5, 5))
            for page in pdf.pages
        ]
        assert greys == [255, 215, 175]
    with pikepdf.open(folder / "files/bagan.pdf") as pdf:
        image = pikepdf.PdfImage(next(iter(pdf.pages[0].get_images().values()))).as_pil_image()
        with Image.open(chart) as original:
            assert image.tobytes() == original.convert("RGB").tobytes()


def test_photos_become_web_images_without_exif(project: Project, tmp_path: Path) -> None:
    folder = new_draft(project)
    photo = photo_with_gps(tmp_path / "IMG_0001.JPG", (400, 200))
    collect(project.config, SLUG, [photo], by="rina", now=NOW)
    assert read_manifest(folder).sources[0].kind == "photo"  # camera EXIF
    set_config(project, "convert:\n  photo_widths: [1600, 100]\n")
    result = convert(project.config, SLUG, by="rina", now=LATER)
    # Never enlarged: 1600 becomes the original width, after rotation 200.
    assert [o.path for o in result.made] == ["files/img-0001-200.jpg", "files/img-0001-100.jpg"]
    for output, size in zip(result.made, [(200, 400), (100, 200)], strict=True):
        with Image.open(folder / output.path) as image:
            assert image.size == size  # orientation 6 applied: portrait now
            assert not image.getexif() and "exif" not in image.info
            # The yellow mark, top-left before rotation, is now top-right.
            r, g, b = image.convert("RGB").getpixel((image.width - 3, 3))
            assert r > 200 and g > 200 and b < 80
    assert b"KameraUji" not in (folder / result.made[0].path).read_bytes()


def test_pdf_sources_are_normalised_and_refused_with_reason(
    project: Project, tmp_path: Path
) -> None:
    folder = new_draft(project)
    source = pdf_file(tmp_path / "laporan.pdf", title="Laporan Kinerja 2026")
    collect(project.config, SLUG, [source], by="rina", now=NOW)
    result = convert(project.config, SLUG, by="rina", now=LATER)
    assert [o.path for o in result.made] == ["files/laporan.pdf"]
    with pikepdf.open(folder / "files/laporan.pdf") as pdf:
        assert pdf.is_linearized
        meta = pdf.open_metadata()
        assert meta["dc:title"] == "Laporan Kinerja 2026"  # the document's own title is kept
        assert meta["dc:creator"] == ["Pengadilan Agama Uji"] and meta["dc:source"]
    # A source that became encrypted after it was collected is refused at conversion.
    encrypted_pdf(folder / "sources/laporan.pdf")
    refused = convert(project.config, SLUG, by="rina", now=LATER, force=True).refused
    assert any("changed since it was collected" in p.message for p in refused)


def test_audio_and_video_are_validated_and_stored(project: Project, tmp_path: Path) -> None:
    no_ocr(project)
    config_file = project.root / "warta.yml"
    config_file.write_text(
        config_file.read_text().replace("convert:\n", "convert:\n  transcode: 'off'\n", 1)
    )
    assert project.config.convert.transcode == "off"
    folder = new_draft(project)
    sound, film = wav(tmp_path / "sambutan.wav"), mp4_header(tmp_path / "liputan.mp4")
    collected = collect(project.config, SLUG, [sound, film], by="rina", now=NOW).result
    assert {(e.type, e.kind) for e in collected.collected} == {
        ("audio/x-wav", "audio"),
        ("video/mp4", "video"),
    }
    result = convert(project.config, SLUG, by="rina", now=LATER)
    assert sorted(o.path for o in result.made) == ["files/liputan.mp4", "files/sambutan.wav"]
    assert (folder / "files/sambutan.wav").read_bytes() == sound.read_bytes()
    assert any("no transcoding" in note for note in result.notes)


def test_audio_and_video_get_web_copies_where_ffmpeg_is_installed(
    project: Project, tmp_path: Path
) -> None:
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        if os.environ.get("CI"):
            pytest.fail("ffmpeg is missing: .ci/run must install it")
        pytest.skip("ffmpeg is not installed (apt-get install ffmpeg)")
    no_ocr(project)
    folder = new_draft(project)
    film = tmp_path / "sidang-keliling.mkv"  # a real one-second video with sound
    subprocess.run(
        [
            ffmpeg,
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=160x120:rate=10",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440",
            "-t",
            "1",
            "-c:v",
            "mpeg4",
            "-c:a",
            "pcm_s16le",
            str(film),
        ],
        check=True,
    )
    sound = wav(tmp_path / "sambutan.wav")
    broken = mp4_header(tmp_path / "rusak.mp4")  # a valid header, nothing playable
    collect(project.config, SLUG, [film, sound, broken], by="rina", now=NOW)
    result = convert(project.config, SLUG, by="rina", now=LATER)
    made = sorted(o.path for o in result.made)
    assert made == [
        "files/rusak.mp4",
        "files/sambutan-web.m4a",
        "files/sambutan.wav",
        "files/sidang-keliling-web.mp4",
        "files/sidang-keliling.mkv",
    ]
    web = (folder / "files/sidang-keliling-web.mp4").read_bytes()
    assert web.index(b"moov") < web.index(b"mdat")  # faststart: playable while loading
    assert (folder / "files/sidang-keliling.mkv").read_bytes() == film.read_bytes()
    assert b"ftyp" in (folder / "files/sambutan-web.m4a").read_bytes()[:64]
    assert any("rusak" in n and "transcoding failed" in n for n in result.notes)


def test_one_bad_source_refuses_its_document_only(project: Project, tmp_path: Path) -> None:
    no_ocr(project)
    folder = new_draft(project)
    pages = [scan_jpeg(tmp_path / f"p{n}.jpg", f"Halaman {n}") for n in (1, 2)]
    collect(project.config, SLUG, pages, by="rina", now=NOW, document="surat")
    collect(project.config, SLUG, [pdf_file(tmp_path / "lampiran.pdf")], by="rina", now=NOW)
    # A page damaged in sources/ after collection (disk error, careless edit).
    damaged = folder / "sources/p2.jpg"
    damaged.write_bytes(damaged.read_bytes()[:300])
    result = convert(project.config, SLUG, by="rina", now=LATER)
    assert [o.path for o in result.made] == ["files/lampiran.pdf"]
    [problem] = result.refused
    assert problem.where.endswith("sources/p2.jpg") and "sha256 differs" in problem.message
    assert not (folder / "files/surat.pdf").exists() and leftovers(folder) == []
    item = read_item(folder, project.config)
    assert "converted" not in [h.status for h in item.front.history]  # still in convert
    assert [a.path for a in item.front.attachments] == ["files/lampiran.pdf"]


def test_output_over_the_attachment_limit_leaves_nothing(project: Project, tmp_path: Path) -> None:
    set_config(project, "convert:\n  ocr: 'off'\n")
    (project.root / "warta.yml").write_text(
        (project.root / "warta.yml")
        .read_text()
        .replace("review:\n", "review:\n  max_attachment_mb: 0.004\n")
    )
    folder = new_draft(project)
    collect(
        project.config, SLUG, [scan_jpeg(tmp_path / "a.jpg", size=(600, 850))], by="rina", now=NOW
    )
    [problem] = convert(project.config, SLUG, by="rina", now=LATER).refused
    assert "review.max_attachment_mb" in problem.hint
    assert not (folder / "files").exists() or list((folder / "files").iterdir()) == []


def test_convert_needs_sources_and_a_draft(project: Project) -> None:
    new_draft(project)
    with pytest.raises(NotFoundError, match="no collected sources"):
        convert(project.config, SLUG, by="rina", now=NOW)
    with pytest.raises(NotFoundError, match="no draft 'kegiatan-pertama'"):
        convert(project.config, "kegiatan-pertama", by="rina", now=NOW)  # published
    project.draft("sudah-diperiksa", status="in-review")
    with pytest.raises(WorkflowError, match="it is in-review"):
        convert(project.config, "sudah-diperiksa", by="rina", now=NOW)


# -- validation: convert --check and the review ------------------------------------------


def test_review_refuses_a_collected_draft_with_an_invalid_attachment(
    project: Project, tmp_path: Path
) -> None:
    no_ocr(project)
    folder = new_draft(project)
    collect(project.config, SLUG, [scan_jpeg(tmp_path / "a.jpg")], by="rina", now=NOW)
    convert(project.config, SLUG, by="rina", now=LATER)
    index = folder / "index.md"
    index.write_text(index.read_text().replace("Isi berita", "[Unduh](files/a.pdf) Isi berita"))
    assert check(project.config, SLUG).problems == []
    assert review(project.config, scan(project.config), only=[index]).ok
    # The PDF is replaced by one without metadata; its sha256 is recorded so only the
    # document rule can object.
    pdf_file(folder / "files/a.pdf")
    index.write_text(
        index.read_text().replace(
            read_item(folder, project.config).front.attachments[0].sha256,
            sha256_file(folder / "files/a.pdf"),
        )
    )
    report = review(project.config, scan(project.config), only=[index])
    rules = {(f.rule, f.message) for f in report.findings}
    assert ("attachments.document", "'files/a.pdf': no PDF/A identification in the metadata") in (
        rules
    )
    assert not report.ok
    problems = check(project.config, SLUG).problems
    assert any(p.where.endswith("files/a.pdf") and "missing" in p.message for p in problems)


def test_check_holds_hand_placed_attachments_to_the_standard(project: Project) -> None:
    project.draft(
        "lampiran-tangan",
        files={"surat.pdf": png(Path(project.root / "x.png")).read_bytes()},
        body="\n## A\n\n[Unduh](files/surat.pdf)\n",
    )
    # Not collected: the review leaves it to the other rules ...
    found = review(project.config, scan(project.config), only=[]).findings
    assert not any(f.rule == "attachments.document" for f in found)
    # ... and convert --check holds it to the standard.
    [problem] = check(project.config, "lampiran-tangan").problems
    assert "content is image/png but the name has '.pdf'" in problem.message


# -- OCR -----------------------------------------------------------------------------------


def _ocr_installed(project: Project) -> bool:
    return ocr_tool(project.config) is not None


def test_scans_become_searchable_where_ocr_is_installed(project: Project, tmp_path: Path) -> None:
    if not _ocr_installed(project):
        pytest.skip("ocrmypdf or tesseract-ocr-ind is not installed (.ci/run installs them)")
    folder = new_draft(project)
    image = Image.new("RGB", (1200, 300), "white")
    font = ImageFont.load_default(size=72)
    ImageDraw.Draw(image).text((40, 100), "PENGADILAN AGAMA", fill="black", font=font)
    source = tmp_path / "surat.jpg"
    image.save(source, "JPEG", quality=95, dpi=(300, 300))
    collect(project.config, SLUG, [source], by="rina", now=NOW)
    result = convert(project.config, SLUG, by="rina", now=LATER)
    [made] = result.made
    assert made.ocr and made.pdfa
    assert any("OCR (ind)" in note for note in result.notes)
    pdf_path = folder / made.path
    assert _raw_images(pdf_path) == [source.read_bytes()]  # OCR adds text, keeps the image
    with pikepdf.open(pdf_path) as pdf:
        fonts = pdf.pages[0].Resources.Font
        assert any("GlyphLessFont" in str(fonts[name].get("/BaseFont", "")) for name in fonts)
        assert pdf.open_metadata()["pdfaid:part"] == "1" and pdf.pdf_version == "1.4"
    assert check(project.config, SLUG).problems == []


# -- the CLI --------------------------------------------------------------------------------


def test_cli_collect_convert_and_check(project: Project, tmp_path: Path) -> None:
    no_ocr(project)
    good = scan_jpeg(tmp_path / "surat.jpg")
    bad = png(tmp_path / "bohong.pdf")
    missing = run(project, "collect", str(good), "--into", "rapat-baru", "--as", "rina")
    assert missing.exit_code == 6 and "--title and --category" in missing.output
    collected = run(
        project,
        "collect",
        str(good),
        str(bad),
        "--into",
        "rapat-baru",
        "--title",
        "Rapat koordinasi bulanan",
        "--category",
        "berita",
        "--as",
        "rina",
    )
    assert collected.exit_code == 4, collected.output
    assert "created drafts/rapat-baru/index.md" in collected.output
    assert "1 collected, 0 unchanged, 1 refused" in collected.output
    assert "bohong.pdf: the content is image/png but the name has '.pdf'" in collected.output
    converted = run(project, "convert", "rapat-baru", "--as", "rina")
    assert converted.exit_code == 0, converted.output
    assert "made files/surat.pdf from surat.jpg" in converted.output
    checked = run(project, "convert", "--check", "rapat-baru")
    assert checked.exit_code == 0 and "1 source(s), 1 attachment(s): 0 problem(s)" in (
        checked.output
    )
    (project.root / "drafts/rapat-baru/files/surat.pdf").write_bytes(b"%PDF-1.4 rusak")
    broken = run(project, "convert", "--check", "rapat-baru")
    assert broken.exit_code == 4 and "invalid: drafts/rapat-baru/files/surat.pdf" in broken.output


def test_sources_are_never_published(project: Project, tmp_path: Path) -> None:
    from pipeline.commands.publish import publish

    folder = project.root / "content/berita/posts/kegiatan-pertama"
    (folder / "sources").mkdir()
    photo_with_gps(folder / "sources/img-0001.jpg")
    (folder / "sources/manifest.json").write_text('{"version": 1}\n')
    publish(project.config, by="dimas", now=NOW)
    built = project.root / "site/berita"
    assert list(built.rglob("surat.pdf")) and not list(built.rglob("img-0001.jpg"))
    assert not list((project.root / "site").rglob("manifest.json"))
