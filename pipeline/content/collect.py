"""SOP 1 step 1: source material gathered into ``drafts/<slug>/sources/`` with a manifest.

The manifest (``sources/manifest.json``, format in ``docs/documents.md``) records, for
every source, its original name, SHA-256, size, the type read from its bytes, its kind
(scan, photo, pdf, audio, video), the document it belongs to, and when and by whom it
was collected.  ``warta convert`` adds the outputs it made.  A file whose bytes are
already in the manifest is skipped, so collecting the same file twice changes nothing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from PIL import Image
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pipeline.config import ConvertSettings
from pipeline.content.documents import Detected, SourceKind, check_file
from pipeline.content.links import link_reason
from pipeline.errors import ContentError, Problem
from pipeline.fsutil import FILE_MODE, atomic_write_text, fsync_dir, sha256_file

MANIFEST_VERSION = 1
MANIFEST = "manifest.json"
_NAME = r"^[a-z0-9][a-z0-9._-]*$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceEntry(_Model):
    """One collected source file."""

    name: str = Field(pattern=_NAME)
    """File name under ``sources/``."""
    original: str
    """Name of the file as it was collected."""
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=1)
    type: str
    """MIME type read from the content."""
    kind: SourceKind
    document: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    """Name of the output document; scans sharing it become one PDF, in manifest order."""
    collected_at: datetime
    collected_by: str


class OutputEntry(_Model):
    """One file ``warta convert`` made in ``files/``."""

    path: str = Field(pattern=r"^files/[a-z0-9][a-z0-9._-]*$")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    kind: Literal["document", "web-image", "pdf", "audio", "video"]
    sources: list[str]
    """Names of the sources it was made from, in order."""
    source_sha256: list[str]
    """Their SHA-256, so that a changed source is converted again."""
    pdfa: bool = False
    ocr: bool = False
    converted_at: datetime


class Manifest(_Model):
    """``sources/manifest.json``."""

    version: int = Field(default=MANIFEST_VERSION, ge=1, le=MANIFEST_VERSION)
    sources: list[SourceEntry] = []
    outputs: list[OutputEntry] = []

    def by_sha(self) -> dict[str, SourceEntry]:
        return {entry.sha256: entry for entry in self.sources}


def manifest_path(folder: Path) -> Path:
    """``<item>/sources/manifest.json``."""
    return folder / "sources" / MANIFEST


def read_manifest(folder: Path, shown: str = "") -> Manifest:
    """The item's manifest (empty when there is none); ContentError if unreadable."""
    path = manifest_path(folder)
    where = f"{shown or folder}/sources/{MANIFEST}"
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Manifest()
    try:
        return Manifest.model_validate(json.loads(raw))
    except (ValueError, ValidationError) as error:
        first = str(error).splitlines()[0]
        raise ContentError(
            "the sources manifest is invalid",
            [Problem(where, first, "restore it from git; it is written only by warta")],
        ) from None


def write_manifest(folder: Path, manifest: Manifest) -> None:
    """Write the manifest atomically."""
    text = json.dumps(manifest.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
    atomic_write_text(manifest_path(folder), text)


def safe_stem(text: str) -> str:
    """An ASCII, lowercase, hyphenated name (at most 60 characters)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return stem[:60].rstrip("-") or "berkas"


def guess_kind(path: Path, detected: Detected) -> SourceKind:
    """Scan or photo for an image; the family otherwise.

    TIFF is what scanners write; an image whose EXIF names a camera or a position
    is a photo; any other image is treated as a scan (documents are the default).
    """
    family = detected.family
    if family in ("pdf", "audio", "video"):
        return family  # type: ignore[return-value]
    if detected.mime == "image/tiff":
        return "scan"
    with Image.open(path) as image:
        exif = image.getexif()
    camera = exif.get(0x010F) or exif.get(0x0110)  # Make, Model
    return "photo" if camera or 0x8825 in exif else "scan"  # 0x8825: GPS IFD


@dataclass
class CollectResult:
    """What ``warta collect`` did, file by file."""

    collected: list[SourceEntry] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    """Given files whose bytes were already collected."""
    refused: list[Problem] = field(default_factory=list)


def expand(paths: list[Path]) -> list[Path]:
    """Files given, with folders replaced by their files (sorted, hidden ones skipped)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            # os.walk without followlinks: a linked folder is never entered, and a linked
            # file is listed so that collect_files refuses it by name.
            inside = []
            for top, dirs, files in os.walk(path, followlinks=False):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                inside += [Path(top, f) for f in files if not f.startswith(".")]
                inside += [Path(top, d) for d in dirs if Path(top, d).is_symlink()]
            found += sorted(inside)
        else:
            found.append(path)
    return found


def collect_files(
    folder: Path,
    paths: list[Path],
    *,
    settings: ConvertSettings,
    by: str,
    now: datetime,
    kind: SourceKind | None = None,
    document: str | None = None,
    shown: str = "",
) -> CollectResult:
    """Copy ``paths`` into ``folder/sources/`` and record them in the manifest.

    Each file is checked first (type from its bytes, extension, size, decoding);
    a refused file is reported and the others are still collected.  Each copy is
    written to a temporary file and renamed; the manifest is written last.
    """
    sources = folder / "sources"
    manifest = read_manifest(folder, shown)
    known = manifest.by_sha()
    taken = {entry.name for entry in manifest.sources}
    result = CollectResult()
    for path in expand(paths):
        where = str(path)
        reason = link_reason(path, hard_links=False) if os.path.lexists(path) else ""
        if reason:
            result.refused.append(
                Problem(where, f"{reason}: warta follows no link", "collect the file itself")
            )
            continue
        if not path.is_file():
            result.refused.append(Problem(where, "no such file", "check the path"))
            continue
        detected, problems = check_file(
            path,
            where,
            limit_mb=settings.max_source_mb,
            limit_setting="convert.max_source_mb",
            max_pixels=settings.max_pixels,
        )
        if problems or detected is None:
            result.refused += problems
            continue
        digest = sha256_file(path)
        if digest in known:
            result.unchanged.append(where)
            continue
        source_kind = kind or guess_kind(path, detected)
        if kind in ("scan", "photo") and detected.family != "image":
            result.refused.append(
                Problem(
                    where,
                    f"--kind {kind} given for a {detected.mime} file",
                    "collect it without --kind",
                )
            )
            continue
        stem = safe_stem(path.stem)
        name = _free_name(stem, detected.extension, taken)
        _copy_atomic(path, sources / name)
        entry = SourceEntry(
            name=name,
            original=path.name,
            sha256=digest,
            size=path.stat().st_size,
            type=detected.mime,
            kind=source_kind,
            document=document or stem,
            collected_at=now,
            collected_by=by,
        )
        manifest.sources.append(entry)
        known[digest] = entry
        taken.add(name)
        result.collected.append(entry)
    if result.collected:
        write_manifest(folder, manifest)
    return result


def _free_name(stem: str, extension: str, taken: set[str]) -> str:
    name, number = f"{stem}.{extension}", 2
    while name in taken or name == MANIFEST:
        name, number = f"{stem}-{number}.{extension}", number + 1
    return name


def _copy_atomic(source: Path, target: Path) -> None:
    """Copy a (possibly large) file: temp file beside the target, fsync, rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as out, source.open("rb") as data:
            shutil.copyfileobj(data, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)
