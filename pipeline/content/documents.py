"""What a "valid electronic document" is (SOP 1 step 2), and the checks that say so.

Rules (``docs/documents.md``):

- the type is read from the bytes, never from the name, and the name's extension must
  agree with it;
- an image decodes completely (no truncation), is 8-bit greyscale or RGB without
  transparency, and is not larger than the pixel limit (decompression bombs);
- a PDF is not encrypted and passes qpdf's structural check (``qpdf --check``, through
  pikepdf, which is built on libqpdf); a converted document also carries its title,
  author, date and source in its XMP metadata;
- no file is larger than its size limit.

Every check returns :class:`~pipeline.errors.Problem` values (what, where, what next)
and never raises for bad input, so that one bad file never stops the others.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import filetype
import pikepdf
from PIL import Image, ImageSequence

from pipeline.errors import Problem

SourceKind = Literal["scan", "photo", "pdf", "audio", "video"]

#: Canonical extension and accepted extensions of every supported type.
TYPES: dict[str, tuple[str, frozenset[str]]] = {
    "image/jpeg": ("jpg", frozenset({"jpg", "jpeg", "jpe"})),
    "image/png": ("png", frozenset({"png"})),
    "image/tiff": ("tif", frozenset({"tif", "tiff"})),
    "application/pdf": ("pdf", frozenset({"pdf"})),
    "audio/mpeg": ("mp3", frozenset({"mp3"})),
    "audio/mp4": ("m4a", frozenset({"m4a", "mp4", "aac"})),
    "audio/aac": ("aac", frozenset({"aac"})),
    "audio/ogg": ("ogg", frozenset({"ogg", "oga", "opus"})),
    "audio/x-flac": ("flac", frozenset({"flac"})),
    "audio/x-wav": ("wav", frozenset({"wav"})),
    "video/mp4": ("mp4", frozenset({"mp4", "m4v"})),
    "video/x-m4v": ("m4v", frozenset({"m4v", "mp4"})),
    "video/webm": ("webm", frozenset({"webm"})),
    "video/x-matroska": ("mkv", frozenset({"mkv"})),
    "video/quicktime": ("mov", frozenset({"mov", "qt"})),
    "video/3gpp": ("3gp", frozenset({"3gp"})),
}

#: Image modes a standard document may use: 1-bit, 8-bit greyscale, 8-bit RGB, palette.
_GOOD_MODES = {"1", "L", "RGB", "P"}
MB = 1024 * 1024


@dataclass(frozen=True)
class Detected:
    """The type of a file, read from its first bytes."""

    mime: str
    extension: str
    """Canonical extension (``jpg``, ``pdf``, …)."""

    @property
    def family(self) -> str:
        """``image``, ``pdf``, ``audio`` or ``video``."""
        return "pdf" if self.mime == "application/pdf" else self.mime.split("/", 1)[0]


def detect(path: Path) -> Detected | None:
    """The file's type from its content (magic numbers), or None if not supported.

    ``filetype`` reads the first 261 bytes only; decoding is checked separately.
    """
    kind = filetype.guess(str(path))
    if kind is None or kind.mime not in TYPES:
        return None
    return Detected(kind.mime, TYPES[kind.mime][0])


def extension_problem(name: str, detected: Detected, where: str) -> Problem | None:
    """A problem when the file name's extension does not match the content."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix in TYPES[detected.mime][1]:
        return None
    said = f"'.{suffix}'" if suffix else "no extension"
    return Problem(
        where,
        f"the content is {detected.mime} but the name has {said}",
        f"rename it to end in .{detected.extension} and collect it again",
    )


def size_problem(size: int, limit_mb: float, where: str, setting: str) -> Problem | None:
    """A problem for an empty file or one larger than ``limit_mb``."""
    if size == 0:
        return Problem(where, "the file is empty (0 bytes)", "scan or export it again")
    if size > limit_mb * MB:
        return Problem(
            where,
            f"the file is {size / MB:.1f} MB, over the limit of {limit_mb:g} MB",
            f"split or compress it, or raise {setting}",
        )
    return None


def image_problems(path: Path, where: str, *, max_pixels: int) -> list[Problem]:
    """Decode every frame of an image; report truncation, bombs and non-standard modes."""
    try:
        with warnings.catch_warnings():
            # Pillow warns (instead of failing) between MAX_IMAGE_PIXELS and twice it;
            # the explicit limit below decides.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                problems: list[Problem] = []
                for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
                    at = f"{where} (page {number})" if getattr(image, "n_frames", 1) > 1 else where
                    problem = _frame_problem(frame, at, max_pixels)
                    if problem is not None:
                        problems.append(problem)
                return problems
    except Image.DecompressionBombError as error:
        return [Problem(where, f"decompression bomb refused: {error}", _BOMB_HINT)]
    except (OSError, SyntaxError, ValueError) as error:
        return [Problem(where, f"the image cannot be decoded: {error}", _CORRUPT_HINT)]


_BOMB_HINT = "scan at 300 dpi (an A4 page is 8.7 million pixels) or raise convert.max_pixels"
_CORRUPT_HINT = "the file is truncated or corrupt: scan or copy it again"


def _frame_problem(frame: Image.Image, where: str, max_pixels: int) -> Problem | None:
    width, height = frame.size
    if width * height > max_pixels:
        return Problem(
            where,
            f"{width}×{height} pixels is over the limit of {max_pixels:,} (decompression bomb?)",
            _BOMB_HINT,
        )
    if frame.mode == "CMYK":
        return Problem(where, "the image is CMYK", "scan or save it as RGB or greyscale")
    if frame.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F") or _bits(frame) > 8:
        return Problem(
            where, f"the image has 16 or more bits per channel ({frame.mode})", "save it as 8-bit"
        )
    if frame.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (
        frame.mode == "P" and "transparency" in frame.info
    ):
        return Problem(
            where,
            "the image has an alpha channel (transparency)",
            "flatten it onto a white background and save it without transparency",
        )
    if frame.mode not in _GOOD_MODES:
        return Problem(where, f"unsupported colour mode {frame.mode}", "save it as 8-bit RGB")
    if frame.format == "JPEG":
        # DCT scaling decodes every coefficient at 1/8 size: truncation is still found.
        frame.draft(frame.mode, (max(1, width // 8), max(1, height // 8)))
    frame.load()
    return None


def _bits(image: Image.Image) -> int:
    """Bits per sample as stored: Pillow reads 16-bit RGB PNG and TIFF as 8-bit RGB."""
    handle = getattr(image, "fp", None)
    if image.format == "PNG" and handle is not None:
        position = handle.tell()
        handle.seek(24)  # IHDR's bit depth: signature (8) + length, type (8) + 8
        depth = handle.read(1)
        handle.seek(position)
        return depth[0] if depth else 8
    if image.format == "TIFF":
        bits = getattr(image, "tag_v2", {}).get(258, (8,))
        return max(bits) if isinstance(bits, tuple) else int(bits)
    return 8


def pdf_problems(path: Path, where: str) -> list[Problem]:
    """Refuse an encrypted PDF or one that fails qpdf's check."""
    try:
        with pikepdf.open(path) as pdf:
            if pdf.is_encrypted:
                return [_encrypted(where)]
            found = pdf.check_pdf_syntax()
    except pikepdf.PasswordError:
        return [_encrypted(where)]
    except (pikepdf.PdfError, OSError, ValueError) as error:
        return [Problem(where, f"the PDF is broken: {error}", "export or scan it again")]
    return [
        Problem(where, f"the PDF fails qpdf's check: {message}", "export or scan it again")
        for message in found
    ]


def active_content_problems(path: Path, where: str) -> list[Problem]:
    """Refuse a PDF that still carries active content (JavaScript, actions, embedded
    files…): ``warta convert`` removes it, so an attachment that has any did not go
    through convert or was changed after."""
    from pipeline.content.pdf_active import describe, find_active

    try:
        with pikepdf.open(path) as pdf:
            found = find_active(pdf)
    except (pikepdf.PasswordError, pikepdf.PdfError, OSError, ValueError):
        return []  # encrypted or not readable as a PDF: the document and privacy rules say so
    if not found:
        return []
    return [
        Problem(
            where,
            f"the PDF carries active content: {describe(found)}",
            "collect it and run warta convert SLUG, which removes it",
        )
    ]


def _encrypted(where: str) -> Problem:
    return Problem(
        where,
        "the PDF is encrypted (password or permissions)",
        "save a copy without a password or restrictions and collect it again",
    )


#: XMP keys a converted document must carry (``docs/documents.md``).
REQUIRED_XMP = {
    "dc:title": "title",
    "dc:creator": "author",
    "xmp:CreateDate": "date",
    "dc:source": "source",
}


def metadata_problems(path: Path, where: str, *, pdfa: bool) -> list[Problem]:
    """A converted PDF must carry title, author, date and source (and PDF/A's marks)."""
    try:
        with pikepdf.open(path) as pdf:
            meta = pdf.open_metadata()
            missing = [label for key, label in REQUIRED_XMP.items() if not meta.get(key)]
            problems = [
                Problem(
                    where,
                    f"the {label} is missing from the XMP metadata",
                    "convert it again: warta convert SLUG --force",
                )
                for label in missing
            ]
            if pdfa:
                if not meta.get("pdfaid:part"):
                    problems.append(
                        Problem(
                            where,
                            "no PDF/A identification in the metadata",
                            "convert it again: warta convert SLUG --force",
                        )
                    )
                if "/OutputIntents" not in pdf.Root:
                    problems.append(
                        Problem(
                            where,
                            "no output intent (sRGB ICC profile)",
                            "convert it again: warta convert SLUG --force",
                        )
                    )
            return problems
    except (pikepdf.PdfError, OSError, ValueError) as error:
        return [Problem(where, f"the PDF is broken: {error}", "convert it again")]


def web_image_problems(path: Path, where: str, *, max_pixels: int) -> list[Problem]:
    """A web image decodes and carries no EXIF (so no GPS position)."""
    problems = image_problems(path, where, max_pixels=max_pixels)
    if problems:
        return problems
    with Image.open(path) as image:
        if image.getexif():
            return [
                Problem(
                    where,
                    "the image still carries EXIF metadata",
                    "convert it again: warta convert SLUG --force",
                )
            ]
    return []


def check_file(
    path: Path,
    where: str,
    *,
    limit_mb: float,
    limit_setting: str,
    max_pixels: int,
    name: str | None = None,
) -> tuple[Detected | None, list[Problem]]:
    """Type, name and size checks plus the content check of its family.

    ``name`` is the name whose extension must match (default: the path's name).
    """
    try:
        size = path.stat().st_size
    except OSError as error:
        return None, [Problem(where, f"cannot read the file: {error.strerror or error}")]
    problem = size_problem(size, limit_mb, where, limit_setting)
    if problem is not None:
        return None, [problem]
    detected = detect(path)
    if detected is None:
        return None, [
            Problem(
                where,
                "unsupported file type (not JPEG, PNG, TIFF, PDF, audio or video)",
                "export it as PDF (documents) or JPEG (photos) first",
            )
        ]
    problem = extension_problem(name or path.name, detected, where)
    if problem is not None:
        return detected, [problem]
    if detected.family == "image":
        return detected, image_problems(path, where, max_pixels=max_pixels)
    if detected.family == "pdf":
        return detected, pdf_problems(path, where)
    return detected, []
