"""Files received by the desk (its pages and its API): streamed to disk under a name the
desk chooses, refused past the size limit, named by their detected type."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from pathlib import Path

from starlette.datastructures import UploadFile

from pipeline.commands.desk import Upload
from pipeline.content.documents import detect


async def receive(
    values: Iterable[object],
    folder: Path,
    *,
    limit: int,
    too_big: Callable[[str], Exception],
) -> list[Upload]:
    """Write each uploaded file of ``values`` into ``folder``; ``too_big(name)`` is
    raised for the first file over ``limit`` bytes (what is written stays in ``folder``,
    which the caller removes)."""
    saved = []
    for value in values:
        if not isinstance(value, UploadFile) or not value.filename:
            continue
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / secrets.token_hex(8)  # the sender's name never names a file
        size = 0
        with target.open("wb") as out:
            while chunk := await value.read(256 * 1024):
                size += len(chunk)
                if size > limit:
                    raise too_big(value.filename)
                out.write(chunk)
        detected = detect(target)
        if detected is not None:
            named = target.with_suffix(f".{detected.extension}")
            target.rename(named)
            target = named
        saved.append(Upload(target, Path(value.filename).name[:120] or "berkas"))
    return saved
