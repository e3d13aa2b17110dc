"""The review's ``attachments.document`` rule: a draft's attachments are valid documents.

Applies to drafts that went through ``warta collect`` (they have a sources manifest),
or to every draft when ``convert.check_all_attachments`` is set.  An output recorded
in the manifest is held to its full standard (PDF/A marks and metadata, no EXIF); any
other attachment must at least be what its name says and open cleanly.
"""

from __future__ import annotations

from pipeline.config import Config
from pipeline.content.collect import manifest_path, read_manifest
from pipeline.content.documents import (
    active_content_problems,
    check_file,
    detect,
    metadata_problems,
    pdf_problems,
    web_image_problems,
)
from pipeline.content.store import Item
from pipeline.errors import ContentError, Problem


def attachment_problems(config: Config, item: Item) -> list[tuple[int, Problem]]:
    """(index in ``attachments``, problem) for every attachment that is not valid."""
    settings = config.convert
    if item.location != "draft":
        return []
    collected = manifest_path(item.folder).is_file()
    if not (collected or settings.check_all_attachments):
        return []
    try:
        outputs = {o.path: o for o in read_manifest(item.folder, item.shown).outputs}
    except ContentError as error:
        return [(-1, problem) for problem in error.problems]
    found: list[tuple[int, Problem]] = []
    for index, attachment in enumerate(item.front.attachments):
        path = item.folder / attachment.path
        if not path.is_file():
            continue  # attachments.missing says so
        where = attachment.path
        output = outputs.get(attachment.path)
        problems: list[Problem]
        if output is not None and output.kind in ("document", "pdf"):
            problems = pdf_problems(path, where) or metadata_problems(
                path, where, pdfa=output.kind == "document"
            )
        elif output is not None and output.kind == "web-image":
            problems = web_image_problems(path, where, max_pixels=settings.max_pixels)
        elif detect(path) is None:
            problems = []  # not a type warta converts (a spreadsheet, say): other rules apply
        else:
            _detected, problems = check_file(
                path,
                where,
                limit_mb=float("inf"),
                limit_setting="review.max_attachment_mb",
                max_pixels=settings.max_pixels,
            )
        found += [(index, problem) for problem in problems]
    return found


def active_content(item: Item) -> list[tuple[int, Problem]]:
    """(index in ``attachments``, problem) for every PDF attachment of a draft that still
    carries active content (JavaScript, actions, embedded files…), collected or not."""
    if item.location != "draft":
        return []
    found: list[tuple[int, Problem]] = []
    for index, attachment in enumerate(item.front.attachments):
        path = item.folder / attachment.path
        if not path.is_file():
            continue
        with path.open("rb") as handle:
            if b"%PDF-" not in handle.read(1024):
                continue
        found += [(index, p) for p in active_content_problems(path, attachment.path)]
    return found
