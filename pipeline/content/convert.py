"""SOP 1 step 2: collected sources become standard electronic documents in ``files/``.

- scans (JPEG, PNG, TIFF, multi-page TIFF) → one PDF/A-1b per document, made by img2pdf
  without re-encoding (JPEG data is embedded byte for byte), with an sRGB output intent
  and XMP metadata (title, author, date, source); searchable when an OCR tool is given;
- photos → JPEG web variants: orientation applied, EXIF (and so GPS) removed;
- PDFs → checked with qpdf's rules (through pikepdf), active content (JavaScript, open
  and event actions, launch actions, embedded files, rich media, XFA) removed and
  reported (or the PDF refused where removing it would change the document), metadata
  filled in, linearised; a PDF/A stays PDF/A;
- audio and video → validated and stored as they are; where ffmpeg is installed, a
  web copy is added beside the original (AAC in ``.m4a``; H.264 and AAC in ``.mp4``
  with the index at the front, so it plays while it downloads).

Every output is written to a temporary file beside its place, validated as a "valid
electronic document" (:mod:`pipeline.content.documents`), and only then renamed into
place: a refused or failed document leaves nothing behind.  One bad source refuses its
own document only.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import img2pdf
import pikepdf
from PIL import Image, ImageCms, ImageOps

from pipeline.config import ConvertSettings
from pipeline.content.collect import Manifest, OutputEntry, SourceEntry
from pipeline.content.documents import (
    active_content_problems,
    check_file,
    metadata_problems,
    pdf_problems,
    size_problem,
    web_image_problems,
)
from pipeline.content.pdf_active import ActiveContentRefused, describe, strip_active
from pipeline.errors import Problem
from pipeline.fsutil import FILE_MODE, fsync_dir, sha256_file
from pipeline.progress import NoProgress, Progress


@dataclass(frozen=True)
class OcrTool:
    """An installed OCR tool: the ``ocrmypdf`` program and a tesseract language."""

    program: str
    language: str


@dataclass(frozen=True)
class Limits:
    """Limits a converted output must respect."""

    max_output_mb: float
    """``review.max_attachment_mb``: what the review accepts."""
    settings: ConvertSettings


@dataclass(frozen=True)
class Labels:
    """Metadata shared by the documents of one item."""

    title: str
    author: str
    """The court (``site.name``): the author of its official documents."""


@dataclass
class Group:
    """Sources that make one output (a multi-page document, one photo, one file)."""

    kind: str
    document: str
    sources: list[SourceEntry] = field(default_factory=list)


@dataclass
class ConvertResult:
    """What ``warta convert`` did."""

    made: list[OutputEntry] = field(default_factory=list)
    unchanged: list[OutputEntry] = field(default_factory=list)
    refused: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Things worth knowing that are not errors (OCR skipped, transcoding not available)."""


def groups_of(manifest: Manifest) -> list[Group]:
    """Sources grouped into outputs, in manifest order: scans by document; others alone."""
    groups: dict[tuple[str, str], Group] = {}
    for entry in manifest.sources:
        key = (entry.kind, entry.document) if entry.kind == "scan" else (entry.kind, entry.name)
        groups.setdefault(key, Group(entry.kind, entry.document)).sources.append(entry)
    return list(groups.values())


def srgb_profile() -> bytes:
    """An sRGB ICC profile (Pillow's LittleCMS), the PDF/A output intent."""
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


@contextlib.contextmanager
def icc_file() -> Iterator[Path]:
    """img2pdf reads the output intent's profile from a file."""
    with tempfile.TemporaryDirectory(prefix="warta-icc-") as tmp:
        path = Path(tmp) / "sRGB.icc"
        path.write_bytes(srgb_profile())
        yield path


def _source_text(entries: list[SourceEntry]) -> str:
    return "; ".join(f"{e.original} sha256:{e.sha256}" for e in entries)


def set_metadata(
    pdf: pikepdf.Pdf,
    *,
    title: str,
    author: str,
    created: datetime,
    source: str,
    now: datetime,
    pdfa: bool,
    keep_existing: bool = False,
) -> None:
    """Write title, author, date and source into the XMP (and the info dictionary)."""
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        if keep_existing and not meta.get("dc:title"):
            meta.load_from_docinfo(pdf.docinfo)  # a PDF with an info dictionary only
        if not (keep_existing and meta.get("dc:title")):
            meta["dc:title"] = title
        if not (keep_existing and meta.get("dc:creator")):
            meta["dc:creator"] = [author]
        if not (keep_existing and meta.get("xmp:CreateDate")):
            meta["xmp:CreateDate"] = created.isoformat()
        meta["xmp:ModifyDate"] = now.isoformat()
        meta["dc:source"] = source
        meta["xmp:CreatorTool"] = "warta"
        if pdfa and not meta.get("pdfaid:part"):
            meta["pdfaid:part"] = "1"
            meta["pdfaid:conformance"] = "B"


def _save(pdf: pikepdf.Pdf, *, pdfa: bool = False) -> bytes:
    out = io.BytesIO()
    # Linearised ("fast web view"); qpdf keeps image streams as they are.  PDF/A-1 is
    # PDF 1.4 without object streams (ocrmypdf writes 1.5 with them).
    if pdfa:
        pdf.save(
            out,
            linearize=True,
            deterministic_id=True,
            force_version="1.4",
            object_stream_mode=pikepdf.ObjectStreamMode.disable,
        )
    else:
        pdf.save(out, linearize=True, deterministic_id=True)
    return out.getvalue()


def scans_to_pdfa(
    pages: list[Path],
    *,
    icc: Path,
    title: str,
    author: str,
    created: datetime,
    source: str,
    now: datetime,
) -> bytes:
    """Scans → one PDF/A-1b, losslessly (img2pdf embeds JPEG data unchanged)."""
    raw = img2pdf.convert(
        [str(p) for p in pages],
        pdfa=str(icc),
        title=title,
        author=author,
        creationdate=created,
        moddate=now,
        creator="warta",
        producer="img2pdf",
    )
    with pikepdf.open(io.BytesIO(raw)) as pdf:
        set_metadata(
            pdf, title=title, author=author, created=created, source=source, now=now, pdfa=True
        )
        return _save(pdf, pdfa=True)


def run_ocr(pdf_data: bytes, tool: OcrTool) -> tuple[bytes, str]:
    """Add a text layer with ocrmypdf; images are left as they are (``--optimize 0``).

    Returns the new PDF and the recognised text.
    """
    with tempfile.TemporaryDirectory(prefix="warta-ocr-") as tmp:
        given, made, text = Path(tmp) / "in.pdf", Path(tmp) / "out.pdf", Path(tmp) / "text.txt"
        given.write_bytes(pdf_data)
        done = subprocess.run(
            [
                tool.program,
                "--output-type",
                "pdf",
                "--optimize",
                "0",
                "--jobs",
                "1",
                "--quiet",
                "-l",
                tool.language,
                "--sidecar",
                str(text),
                str(given),
                str(made),
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        if done.returncode != 0:
            lines = (done.stderr or done.stdout).strip().splitlines()
            raise OSError(f"ocrmypdf failed ({done.returncode}): {lines[-1] if lines else ''}")
        return made.read_bytes(), text.read_text(encoding="utf-8", errors="replace")


class TranscodeError(Exception):
    """ffmpeg could not make the web copy (the original is kept all the same)."""


#: ffmpeg arguments of the web copies: AAC audio plays in every browser; H.264 video
#: with its index at the front (faststart) plays while it downloads.
TRANSCODE = {
    "audio": ["-vn", "-c:a", "aac", "-b:a", "128k"],
    "video": [
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-crf",
        "23",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-b:a",
        "128k",
        "-movflags",
        "+faststart",
    ],
}


def transcode(source: Path, kind: str, ffmpeg: str, extension: str, timeout: float = 600) -> bytes:
    """The web copy of an audio or video source, made by ffmpeg."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"web.{extension}"
        try:
            done = subprocess.run(
                [
                    ffmpeg,
                    "-nostdin",
                    "-v",
                    "error",
                    "-y",
                    "-i",
                    str(source),
                    *TRANSCODE[kind],
                    str(out),
                ],
                capture_output=True,
                text=True,
                check=False,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            raise TranscodeError(f"ffmpeg took longer than {timeout:.0f} s") from None
        if done.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise TranscodeError(last)
        return out.read_bytes()


def photo_variants(path: Path, widths: list[int], quality: int) -> list[tuple[int, bytes]]:
    """JPEG variants of a photo: EXIF orientation applied, then every EXIF tag dropped."""
    with Image.open(path) as image:
        upright = ImageOps.exif_transpose(image).convert("RGB")
    variants: list[tuple[int, bytes]] = []
    for width in sorted(set(widths), reverse=True):
        width = min(width, upright.width)  # never enlarged
        if any(w == width for w, _ in variants):
            continue
        height = max(1, round(upright.height * width / upright.width))
        resized = (
            upright
            if width == upright.width
            else upright.resize((width, height), Image.Resampling.LANCZOS)
        )
        out = io.BytesIO()
        # No exif=…, no xmp=…: Pillow writes neither unless asked, so GPS is gone.
        resized.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
        variants.append((width, out.getvalue()))
    return variants


@dataclass
class NormalisedPdf:
    """A source PDF as convert stores it."""

    data: bytes
    removed: Counter[str]
    """The active content removed (see :mod:`pipeline.content.pdf_active`)."""
    pdfa: bool
    """The source declared PDF/A (XMP ``pdfaid`` and an output intent) and stays so."""


def is_pdfa(pdf: pikepdf.Pdf) -> bool:
    """Whether a PDF declares PDF/A: its XMP identification and an output intent."""
    return bool(pdf.open_metadata().get("pdfaid:part")) and "/OutputIntents" in pdf.Root


def normalise_pdf(
    path: Path,
    *,
    title: str,
    author: str,
    created: datetime,
    source: str,
    now: datetime,
) -> NormalisedPdf:
    """A source PDF without active content, its metadata completed (existing title and
    author kept), linearised; a PDF/A (one warta made, collected again) stays PDF/A.

    Raises :class:`ActiveContentRefused` when removing the active content would
    change the document.
    """
    with pikepdf.open(path) as pdf:
        removed = strip_active(pdf)
        pdfa = is_pdfa(pdf)
        set_metadata(
            pdf,
            title=title,
            author=author,
            created=created,
            source=source,
            now=now,
            pdfa=pdfa,
            keep_existing=True,
        )
        return NormalisedPdf(_save(pdf, pdfa=pdfa), removed, pdfa)


def place(data: bytes, target: Path, validate: Callable[[Path], list[Problem]]) -> list[Problem]:
    """Write ``data`` beside ``target``, validate it, then rename it into place.

    On any problem the temporary file is removed and ``target`` is untouched.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(name)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        problems = validate(tmp)
        if problems:
            tmp.unlink(missing_ok=True)
            return problems
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)
    return []


def _output_name(group: Group, extension: str, planned: set[str], suffix: str = "") -> str:
    stem, number = f"{group.document}{suffix}", 2
    name = f"files/{stem}.{extension}"
    while name in planned:
        name, number = f"files/{stem}-{number}.{extension}", number + 1
    planned.add(name)
    return name


def convert_sources(
    folder: Path,
    manifest: Manifest,
    *,
    labels: Labels,
    limits: Limits,
    now: datetime,
    ocr: OcrTool | None = None,
    ffmpeg: str | None = None,
    force: bool = False,
    check_only: bool = False,
    shown: str = "",
    progress: Progress | None = None,
) -> ConvertResult:
    """Convert every group of sources; return the outputs made and the problems found.

    ``manifest.outputs`` is updated in place (the caller writes it).  With
    ``check_only`` nothing is written: the sources are checked as convert would.
    """
    progress = progress or NoProgress()
    result = ConvertResult()
    groups = groups_of(manifest)
    progress.start("convert", len(groups))
    kept: list[OutputEntry] = []
    planned: set[str] = set()
    shown = shown or str(folder)
    with icc_file() as icc:
        for group in groups:
            names = [s.name for s in group.sources]
            problems = _check_group(folder, group, limits, shown)
            if problems:
                result.refused += problems
                # A refused group keeps its earlier outputs: nothing is removed.
                kept += [o for o in manifest.outputs if o.sources == names]
                progress.advance()
                continue
            if check_only:
                progress.advance()
                continue
            old = [o for o in manifest.outputs if o.sources == names]
            if old and not force and _up_to_date(folder, old, group):
                result.unchanged += old
                kept += old
                for o in old:
                    planned.add(o.path)
                progress.advance()
                continue
            try:
                made, problems, notes = _convert_group(
                    folder,
                    group,
                    labels=labels,
                    limits=limits,
                    now=now,
                    ocr=ocr,
                    ffmpeg=ffmpeg,
                    icc=icc,
                    planned=planned,
                    shown=shown,
                )
            except (
                OSError,
                ValueError,
                pikepdf.PdfError,
                img2pdf.ImageOpenError,
                subprocess.TimeoutExpired,
            ) as error:
                where = f"{shown}/sources/{names[0]}"
                made, problems, notes = (
                    [],
                    [
                        Problem(
                            where, f"conversion failed: {error}", "check the file; collect it again"
                        )
                    ],
                    [],
                )
            result.refused += problems
            result.notes += notes
            result.made += made
            kept += made or old
            progress.advance()
    if not check_only:
        manifest.outputs = kept
    return result


def _check_group(folder: Path, group: Group, limits: Limits, shown: str) -> list[Problem]:
    problems: list[Problem] = []
    for entry in group.sources:
        path = folder / "sources" / entry.name
        where = f"{shown}/sources/{entry.name}"
        if not path.is_file():
            problems.append(
                Problem(
                    where,
                    "listed in the manifest but missing",
                    "restore it from git, or collect the original again",
                )
            )
            continue
        if sha256_file(path) != entry.sha256:
            problems.append(
                Problem(
                    where,
                    "changed since it was collected (sha256 differs)",
                    "restore the original from git; sources are never edited",
                )
            )
            continue
        _detected, found = check_file(
            path,
            where,
            limit_mb=limits.settings.max_source_mb,
            limit_setting="convert.max_source_mb",
            max_pixels=limits.settings.max_pixels,
        )
        problems += found
    return problems


def _up_to_date(folder: Path, outputs: list[OutputEntry], group: Group) -> bool:
    shas = [s.sha256 for s in group.sources]
    return all(
        o.source_sha256 == shas
        and (folder / o.path).is_file()
        and sha256_file(folder / o.path) == o.sha256
        for o in outputs
    )


def _convert_group(
    folder: Path,
    group: Group,
    *,
    labels: Labels,
    limits: Limits,
    now: datetime,
    ocr: OcrTool | None,
    ffmpeg: str | None = None,
    icc: Path,
    planned: set[str],
    shown: str,
) -> tuple[list[OutputEntry], list[Problem], list[str]]:
    paths = [folder / "sources" / s.name for s in group.sources]
    names = [s.name for s in group.sources]
    shas = [s.sha256 for s in group.sources]
    first = group.sources[0]
    created = (
        first.collected_at if first.collected_at.tzinfo else first.collected_at.replace(tzinfo=UTC)
    )
    title = f"{labels.title} — {group.document}"
    source = _source_text(group.sources)
    max_mb, max_pixels = limits.max_output_mb, limits.settings.max_pixels
    notes: list[str] = []

    def entry(path: str, data: bytes, kind: str, **extra: bool) -> OutputEntry:
        return OutputEntry(
            path=path,
            sha256=hashlib.sha256(data).hexdigest(),
            kind=kind,  # type: ignore[arg-type]
            sources=names,
            source_sha256=shas,
            converted_at=now,
            **extra,
        )

    def size_check(tmp: Path, where: str) -> list[Problem]:
        found = size_problem(tmp.stat().st_size, max_mb, where, "review.max_attachment_mb")
        return [found] if found else []

    def valid_pdf(where: str, *, pdfa: bool) -> Callable[[Path], list[Problem]]:
        """The checks of a converted PDF (first failure wins): size, qpdf, metadata."""
        return lambda tmp: (
            size_check(tmp, where)
            or pdf_problems(tmp, where)
            or metadata_problems(tmp, where, pdfa=pdfa)
        )

    if group.kind == "scan":
        data = scans_to_pdfa(
            paths,
            icc=icc,
            title=title,
            author=labels.author,
            created=created,
            source=source,
            now=now,
        )
        searchable = False
        if ocr is not None:
            data, text = run_ocr(data, ocr)
            with pikepdf.open(io.BytesIO(data)) as pdf:
                set_metadata(
                    pdf,
                    title=title,
                    author=labels.author,
                    created=created,
                    source=source,
                    now=now,
                    pdfa=True,
                )
                data = _save(pdf, pdfa=True)
            searchable = True
            notes.append(
                f"{group.document}: OCR ({ocr.language}) found {len(text.split())} word(s)"
            )
        name = _output_name(group, "pdf", planned)
        where = f"{shown}/{name}"
        problems = place(data, folder / name, valid_pdf(where, pdfa=True))
        return (
            [] if problems else [entry(name, data, "document", pdfa=True, ocr=searchable)],
            problems,
            notes,
        )
    if group.kind == "photo":
        made: list[OutputEntry] = []
        variants = photo_variants(
            paths[0], limits.settings.photo_widths, limits.settings.photo_quality
        )
        staged: list[tuple[str, bytes]] = [
            (_output_name(group, "jpg", planned, f"-{width}"), data) for width, data in variants
        ]
        for name, data in staged:
            where = f"{shown}/{name}"

            def valid_image(tmp: Path, where: str = where) -> list[Problem]:
                return size_check(tmp, where) or web_image_problems(
                    tmp, where, max_pixels=max_pixels
                )

            problems = place(data, folder / name, valid_image)
            if problems:
                for done in made:  # all variants or none
                    (folder / done.path).unlink(missing_ok=True)
                return [], problems, notes
            made.append(entry(name, data, "web-image"))
        return made, [], notes
    if group.kind == "pdf":
        try:
            normalised = normalise_pdf(
                paths[0], title=title, author=labels.author, created=created, source=source, now=now
            )
        except ActiveContentRefused as error:
            return (
                [],
                [
                    Problem(
                        f"{shown}/sources/{names[0]}",
                        f"the PDF has active content that cannot be removed: {error}",
                        "ask for a flattened copy (print it to PDF) and collect that instead",
                    )
                ],
                notes,
            )
        name = _output_name(group, "pdf", planned)
        where = f"{shown}/{name}"

        def valid(tmp: Path) -> list[Problem]:
            return valid_pdf(where, pdfa=normalised.pdfa)(tmp) or active_content_problems(
                tmp, where
            )

        problems = place(normalised.data, folder / name, valid)
        if normalised.removed and not problems:
            removed = describe(normalised.removed)
            notes.append(f"{group.document}: removed active content: {removed}")
        kind = "document" if normalised.pdfa else "pdf"
        made = [] if problems else [entry(name, normalised.data, kind, pdfa=normalised.pdfa)]
        return made, problems, notes
    # Audio and video: validated on collect and again above; stored as they are, and
    # transcoded for the web beside the original where ffmpeg is installed.
    extension = first.name.rsplit(".", 1)[-1]
    data = paths[0].read_bytes()
    name = _output_name(group, extension, planned)
    where = f"{shown}/{name}"
    problems = place(data, folder / name, lambda tmp: size_check(tmp, where))
    made = [] if problems else [entry(name, data, group.kind)]
    if ffmpeg is None:
        notes.append(
            f"{group.document}: {group.kind} stored as it is ({first.type}); "
            "no transcoding (ffmpeg is not installed)"
        )
        return made, problems, notes
    web_extension = "m4a" if group.kind == "audio" else "mp4"
    try:
        web = transcode(paths[0], group.kind, ffmpeg, web_extension)
    except TranscodeError as error:
        notes.append(f"{group.document}: stored as it is; transcoding failed: {error}")
        return made, problems, notes
    web_name = _output_name(group, web_extension, planned, "-web")
    web_where = f"{shown}/{web_name}"
    web_problems = place(web, folder / web_name, lambda tmp: size_check(tmp, web_where))
    if not web_problems:
        made.append(entry(web_name, web, group.kind))
    return made, problems + web_problems, notes
