"""The text of an attachment, for the personal-data scan of ``warta review``.

A PDF's text is its text layer, read with ``pdftotext`` (poppler): what a reader (or a
search engine) copies out of it, including the OCR layer ``warta convert`` adds to
scans.  A PDF whose text cannot be read — no text layer, encrypted, broken, or no
``pdftotext`` installed — comes back with a ``problem`` saying so: the review turns it
into a warning, never a silent pass.  Plain-text attachments are read as they are;
other kinds (photos, audio) carry no text to scan.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.fsutil import sha256_file

#: Suffixes read as plain text.
TEXT_SUFFIXES = frozenset({".txt", ".csv", ".md", ".tsv", ".json", ".xml", ".html", ".htm"})
#: Seconds pdftotext may take on one file.
TIMEOUT = 60

_CACHE: dict[str, AttachmentText] = {}


@dataclass(frozen=True)
class AttachmentText:
    """The pages of text of one attachment (one page for a text file)."""

    pages: list[str] = field(default_factory=list)
    problem: str | None = None
    """Why the text could not be read; ``None`` when it was (or there is none to read)."""


def attachment_text(path: Path, *, pdftotext: str | None = None) -> AttachmentText:
    """The text of ``path``; cached by content for the life of the process."""
    suffix = path.suffix.lower()
    if suffix != ".pdf" and suffix not in TEXT_SUFFIXES:
        return AttachmentText()
    key = f"{sha256_file(path)}{suffix}"
    if key not in _CACHE:
        _CACHE[key] = _pdf_text(path, pdftotext) if suffix == ".pdf" else _plain(path)
    return _CACHE[key]


def _plain(path: Path) -> AttachmentText:
    try:
        return AttachmentText([path.read_bytes().decode("utf-8", errors="replace")])
    except OSError as error:
        return AttachmentText(problem=f"the file cannot be read ({error.strerror or error})")


def _pdf_text(path: Path, pdftotext: str | None) -> AttachmentText:
    binary = pdftotext or shutil.which("pdftotext")
    if binary is None:
        return AttachmentText(
            problem="pdftotext (poppler-utils) is not installed: the PDF's text was not checked"
        )
    try:
        done = subprocess.run(
            [binary, "-enc", "UTF-8", "-q", str(path), "-"],
            capture_output=True,
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return AttachmentText(problem=f"reading the PDF's text took over {TIMEOUT}s")
    except OSError as error:
        return AttachmentText(problem=f"pdftotext cannot run ({error.strerror or error})")
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
        reason = said[-1] if said else f"pdftotext exit status {done.returncode}"
        return AttachmentText(problem=f"the PDF's text cannot be read ({reason})")
    pages = done.stdout.decode("utf-8", errors="replace").split("\f")
    if pages and not pages[-1].strip():
        pages = pages[:-1]  # pdftotext ends every page with a form feed
    if not any(page.strip() for page in pages):
        return AttachmentText(
            pages,
            problem="the PDF has no text layer (a scan without OCR?): its text was not checked",
        )
    return AttachmentText(pages)
