"""Backup, restore, verify, drill and prune on a :class:`~pipeline.backup.repository.Repository`.

Change detection follows restic: a file whose size, mtime (ns) and inode equal those in
the parent snapshot is not read again; its blobs are reused from the parent. Changed
and new files are read in 4 MiB chunks by a few threads (hashing and file reads release
the GIL), new chunks go into 16 MiB packs. The manifest is written last: until then a
run adds only objects nothing refers to, so an interruption leaves the repository as it
was, and the next run reuses what was stored (see ``Repository.load_index``).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import stat
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from pipeline import __version__
from pipeline.backup.repository import (
    LockHolder,
    Packer,
    PackInfo,
    Repository,
    Snapshot,
    decode_blob,
    pack_key,
    parse_pack_header,
    sha256,
)
from pipeline.backup.storage import MissingObject
from pipeline.errors import IntegrityError, Problem, WorkflowError
from pipeline.fsutil import fsync_dir, staging_dir, sync_tree
from pipeline.progress import NoProgress, Progress

WORKERS = min(8, 2 * (os.cpu_count() or 2))

# Formats that are compressed already: zstd would spend time for nothing.
INCOMPRESSIBLE = frozenset(
    {
        *(".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".heic", ".jp2", ".pdf"),
        *(".zip", ".gz", ".tgz", ".bz2", ".xz", ".zst", ".7z", ".rar", ".woff", ".woff2"),
        *(".mp3", ".m4a", ".aac", ".ogg", ".opus", ".mp4", ".m4v", ".webm", ".mov", ".mkv"),
        *(".docx", ".xlsx", ".pptx", ".odt", ".ods"),
    }
)


@dataclass(frozen=True)
class Source:
    """One thing backed up: ``name`` is its path inside the snapshot."""

    name: str
    path: Path


# -- backup --------------------------------------------------------------------------


@dataclass
class BackupResult:
    snapshot: str
    files: int = 0
    bytes: int = 0
    read_files: list[str] = field(default_factory=list)
    read_bytes: int = 0
    new_blobs: int = 0
    stored_bytes: int = 0
    recovered_packs: int = 0
    skipped: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What the run found and worked around (damaged snapshots, missing packs…)."""


def _scan(
    source: Source,
    exclude: set[Path],
    entries: list[dict[str, Any]],
    skipped: list[Problem],
    links: dict[tuple[int, int], str],
) -> dict[str, Path]:
    """Add ``source``'s entries (lstat only); return snapshot path → real path of files.

    ``links`` maps (device, inode) to the first name of a file with several hard links.
    """
    files: dict[str, Path] = {}

    def add(name: str, path: Path, info: os.stat_result) -> None:
        mode = stat.S_IMODE(info.st_mode)
        if stat.S_ISREG(info.st_mode):
            entry = {
                "path": name,
                "type": "file",
                "mode": mode,
                "size": info.st_size,
                "mtime_ns": info.st_mtime_ns,
                "inode": info.st_ino,
            }
            if info.st_nlink > 1:
                # Another name of a file seen already: restored as a hard link to it.
                first = links.setdefault((info.st_dev, info.st_ino), name)
                if first != name:
                    entry["hardlink"] = first
            entries.append(entry)
            files[name] = path
        elif stat.S_ISLNK(info.st_mode):
            entries.append(
                {
                    "path": name,
                    "type": "symlink",
                    "target": os.readlink(path),
                    "mtime_ns": info.st_mtime_ns,
                }
            )
        elif stat.S_ISDIR(info.st_mode):
            entries.append(
                {"path": name, "type": "dir", "mode": mode, "mtime_ns": info.st_mtime_ns}
            )
            try:
                children = sorted(os.scandir(path), key=lambda e: e.name)
            except OSError as error:
                skipped.append(Problem(str(path), f"folder unreadable: {error.strerror}"))
                return
            for child in children:
                child_path = Path(child.path)
                if child_path in exclude:
                    continue
                try:
                    add(f"{name}/{child.name}", child_path, child.stat(follow_symlinks=False))
                except OSError as error:
                    skipped.append(Problem(child.path, f"unreadable: {error.strerror}"))
        # sockets, fifos and devices are not content: left out

    try:
        info = source.path.lstat()
    except FileNotFoundError:
        return files
    add(source.name, source.path, info)
    return files


def _compressible(name: str) -> bool:
    return PurePosixPath(name).suffix.lower() not in INCOMPRESSIBLE


def _read_file(
    path: Path, entry: dict[str, Any], packer: Packer, chunk_size: int
) -> tuple[list[str], str, int]:
    """Chunk, hash and store one file; (chunk ids, file sha256, bytes read)."""
    compress = _compressible(entry["path"])
    chunks: list[str] = []
    whole = hashlib.sha256() if entry["size"] > chunk_size else None
    total = 0
    with path.open("rb", buffering=0) as handle:
        while True:
            data = handle.read(chunk_size)
            if not data:
                break
            if len(data) < chunk_size:  # a short read before EOF: fill the chunk
                while len(data) < chunk_size and (more := handle.read(chunk_size - len(data))):
                    data += more
            chunk = sha256(data)
            chunks.append(chunk)
            total += len(data)
            if whole is not None:
                whole.update(data)
            packer.add(chunk, data, compress=compress)
    if whole is not None and len(chunks) > 1:
        digest = whole.hexdigest()
    else:
        digest = chunks[0] if chunks else sha256(b"")
    return chunks, digest, total


def backup(
    repo: Repository,
    sources: list[Source],
    *,
    moment: datetime,
    host: str,
    exclude: Iterable[Path] = (),
    holder: LockHolder | None = None,
    progress: Progress | None = None,
    on_pack: Callable[[PackInfo], None] | None = None,
    workers: int = WORKERS,
) -> BackupResult:
    """Store a new snapshot of ``sources``; the caller holds the lock."""
    progress = progress or NoProgress()
    progress.start("scan")
    entries: list[dict[str, Any]] = []
    skipped: list[Problem] = []
    paths: dict[str, Path] = {}
    excluded = set(exclude)
    links: dict[tuple[int, int], str] = {}
    for source in sources:
        paths.update(_scan(source, excluded, entries, skipped, links))
    notes: list[str] = []
    removed = repo.backend.remove_temporaries()
    if removed:
        notes.append(f"removed {removed} temporary file(s) left by a killed run")
    repo.load_index(recover=True)
    if repo.missing_packs:
        notes.append(
            f"{len(repo.missing_packs)} pack(s) listed in the index are missing: their data "
            "is read again, never reused (older snapshots that need them fail verify)"
        )
    for problem in repo.damaged_indexes:
        notes.append(f"skipped a damaged index file: {problem}")
    snapshots = repo.snapshots()
    for problem in repo.damaged_snapshots:
        notes.append(f"skipped a damaged snapshot: {problem}")
    parent = snapshots[-1] if snapshots else None
    previous = {f["path"]: f for f in parent.file_entries()} if parent else {}

    todo: list[dict[str, Any]] = []
    for entry in entries:
        if entry["type"] != "file" or "hardlink" in entry:
            continue
        old = previous.get(entry["path"])
        if (
            old is not None
            and old["size"] == entry["size"]
            and old["mtime_ns"] == entry["mtime_ns"]
            and old["inode"] == entry["inode"]
            and all(c in repo.index for c in old["chunks"])
        ):
            entry["sha256"] = old["sha256"]
            entry["chunks"] = old["chunks"]
        else:
            todo.append(entry)

    result = BackupResult(snapshot="", recovered_packs=len(repo.recovered_packs), notes=notes)
    packer = Packer(repo, on_pack=on_pack)
    progress.start("backup", total=len(todo))
    gone: set[str] = set()
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="backup") as pool:
        futures: dict[Future[tuple[list[str], str, int]], dict[str, Any]] = {
            pool.submit(_read_file, paths[e["path"]], e, packer, repo.chunk_size): e for e in todo
        }
        try:
            for future in as_completed(futures):
                entry = futures[future]
                try:
                    chunks, digest, size = future.result()
                except OSError as error:  # the source file; the backend raises StorageError
                    skipped.append(
                        Problem(str(paths[entry["path"]]), f"not backed up: {error.strerror}")
                    )
                    gone.add(entry["path"])
                else:
                    entry.update(chunks=chunks, sha256=digest, size=size)
                    result.read_files.append(entry["path"])
                    result.read_bytes += size
                progress.advance()
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    packer.flush()
    # The index of this run's packs, then the manifest: the snapshot exists only once
    # everything it refers to is stored and indexed.
    # Packs recovered from an interrupted run are indexed now: the snapshot may use them.
    repo.write_index([repo.packs[p] for p in repo.recovered_packs] + packer.stored)
    by_path = {e["path"]: e for e in entries}
    for entry in entries:
        first = by_path.get(entry.get("hardlink", ""))
        if first is not None and "chunks" in first:
            entry.update(chunks=first["chunks"], sha256=first["sha256"], size=first["size"])
        elif "hardlink" in entry:
            gone.add(entry["path"])  # its first name could not be read
    entries = [e for e in entries if e["path"] not in gone]
    files = [e for e in entries if e["type"] == "file"]
    result.files = len(files)
    result.bytes = sum(e["size"] for e in files)
    result.new_blobs = sum(len(p.blobs) for p in packer.stored)
    result.stored_bytes = packer.stored_bytes
    result.skipped = skipped
    manifest = {
        "version": repo.version,
        "time": moment.isoformat(),
        "host": host,
        "warta": __version__,
        "parent": parent.id if parent else None,
        "sources": [s.name for s in sources],
        "summary": {
            "files": result.files,
            "bytes": result.bytes,
            "read_files": len(result.read_files),
            "read_bytes": result.read_bytes,
            "new_blobs": result.new_blobs,
            "stored_bytes": result.stored_bytes,
            "skipped": [str(p) for p in skipped],
        },
        "files": entries,
    }
    if holder is not None:
        holder.check()
    result.snapshot = repo.write_snapshot(manifest)
    return result


# -- restore -------------------------------------------------------------------------


@dataclass
class RestoreResult:
    snapshot: str
    target: Path
    files: int = 0
    bytes: int = 0
    failed: list[Problem] = field(default_factory=list)
    """With ``partial``: the files that were not restored and why."""
    not_restored: list[str] = field(default_factory=list)


def _safe(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise IntegrityError(
            "a snapshot lists an unsafe path",
            [Problem(name, "absolute or with '..'", "this manifest was not written by warta")],
        )
    return path


def _group_problems(
    damaged: dict[str, str], snapshots: Iterable[Snapshot]
) -> tuple[list[Problem], set[str]]:
    """One problem per affected file (naming the snapshots), and the blobs that hit one."""
    affected: dict[str, list[str]] = defaultdict(list)
    reasons: dict[str, str] = {}
    hit: set[str] = set()
    for snapshot in snapshots:
        for entry in snapshot.file_entries():
            bad = [c for c in entry["chunks"] if c in damaged]
            if bad:
                affected[entry["path"]].append(snapshot.short)
                reasons.setdefault(entry["path"], damaged[bad[0]])
                hit.update(bad)
    problems = [
        Problem(path, f"{reasons[path]} (snapshot {', '.join(ids)})")
        for path, ids in sorted(affected.items())
    ]
    return problems, hit


def restore(
    repo: Repository,
    snapshot: Snapshot,
    target: Path,
    *,
    overwrite: bool = False,
    partial: bool = False,
    progress: Progress | None = None,
    workers: int = WORKERS,
) -> RestoreResult:
    """Write ``snapshot`` to ``target``, checking every blob's hash on the way.

    The files are assembled in a staging folder beside ``target`` and moved into place
    only when every hash matched: a failed restore leaves ``target`` as it was. With
    ``partial``, every intact file is restored and those with a missing or damaged part
    are left out and listed in :attr:`RestoreResult.failed`. A symlink already in
    ``target`` is never followed: it is replaced by what the snapshot holds.
    """
    progress = progress or NoProgress()
    if target.exists() and not target.is_dir():
        raise IntegrityError("restore target is a file", [Problem(str(target), "not a folder")])
    if target.is_dir() and any(target.iterdir()) and not overwrite:
        raise WorkflowError(
            "the restore target is not empty",
            where=str(target),
            hint="choose an empty or new folder, or pass --overwrite to write over it",
        )
    repo.load_index(recover=False)
    result = RestoreResult(snapshot.id, target)
    entries = list(snapshot.files)
    for entry in entries:
        _safe(entry["path"])
        if "hardlink" in entry:
            _safe(entry["hardlink"])
    missing: dict[str, str] = {}
    for entry in snapshot.file_entries():
        for chunk in entry["chunks"]:
            if chunk not in repo.index:
                missing[chunk] = "object missing from the repository's index"
    if missing and not partial:
        problems, _ = _group_problems(missing, [snapshot])
        raise IntegrityError(f"snapshot {snapshot.short} cannot be restored", problems)
    skipped = {e["path"] for e in snapshot.file_entries() if any(c in missing for c in e["chunks"])}
    by_pack: dict[str, dict[str, list[tuple[str, int]]]] = defaultdict(lambda: defaultdict(list))
    for entry in snapshot.file_entries():
        if entry["path"] in skipped or "hardlink" in entry:
            continue
        offset = 0
        for chunk in entry["chunks"]:
            location = repo.index[chunk]
            by_pack[location.pack][chunk].append((entry["path"], offset))
            offset += location.raw_length
    target.parent.mkdir(parents=True, exist_ok=True)
    with staging_dir(target, "restore") as staging:
        for entry in entries:  # folders and empty files first
            path = staging / entry["path"]
            if entry["type"] == "dir":
                path.mkdir(parents=True, exist_ok=True)
            elif entry["type"] == "file" and "hardlink" not in entry:
                if entry["path"] in skipped:
                    continue
                path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                try:
                    os.ftruncate(fd, entry["size"])
                finally:
                    os.close(fd)
        damaged: dict[str, str] = {}
        progress.start("restore", total=sum(len(b) for b in by_pack.values()))

        def fill(pack_id: str, wanted: dict[str, list[tuple[str, int]]]) -> None:
            try:
                blobs = list(repo.read_blobs(pack_id, list(wanted)))
            except MissingObject:
                for blob in wanted:
                    damaged[blob] = f"pack {pack_id[:12]} missing"
                return
            for blob, plain in blobs:
                if plain is None:
                    damaged[blob] = f"object {blob[:12]} damaged"
                    continue
                for name, offset in wanted[blob]:
                    fd = os.open(staging / name, os.O_WRONLY)
                    try:
                        os.pwrite(fd, plain, offset)
                    finally:
                        os.close(fd)
                progress.advance()

        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="restore") as pool:
            for done in [pool.submit(fill, p, w) for p, w in by_pack.items()]:
                done.result()
        for entry in snapshot.file_entries():
            if entry["path"] in skipped or "hardlink" in entry:
                continue
            if len(entry["chunks"]) > 1 and not any(c in damaged for c in entry["chunks"]):
                digest = _sha256_file(staging / entry["path"])  # one chunk: its hash is checked
                if digest != entry["sha256"]:
                    damaged[entry["chunks"][0]] = "whole-file hash differs"
        if damaged and not partial:
            problems, _ = _group_problems(damaged, [snapshot])
            raise IntegrityError(f"snapshot {snapshot.short} cannot be restored", problems)
        if missing or damaged:
            result.failed, _ = _group_problems({**missing, **damaged}, [snapshot])
            for entry in snapshot.file_entries():
                if "hardlink" not in entry and any(c in damaged for c in entry["chunks"]):
                    skipped.add(entry["path"])
                    (staging / entry["path"]).unlink(missing_ok=True)
        for entry in entries:
            path = staging / entry["path"]
            if entry["type"] == "symlink":
                path.parent.mkdir(parents=True, exist_ok=True)
                os.symlink(entry["target"], path)
                os.utime(path, ns=(entry["mtime_ns"], entry["mtime_ns"]), follow_symlinks=False)
            elif entry["type"] == "file" and "hardlink" in entry:
                first = staging / entry["hardlink"]
                if entry["hardlink"] in skipped or not first.is_file() or first.is_symlink():
                    skipped.add(entry["path"])
                    continue
                path.parent.mkdir(parents=True, exist_ok=True)
                os.link(first, path)
                result.files += 1
                result.bytes += entry["size"]
            elif entry["type"] == "file" and entry["path"] not in skipped:
                os.chmod(path, entry["mode"])
                os.utime(path, ns=(entry["mtime_ns"], entry["mtime_ns"]))
                result.files += 1
                result.bytes += entry["size"]
        result.not_restored = sorted(skipped)
        sync_tree(staging)
        if not target.exists() or not any(target.iterdir()):
            with contextlib.suppress(FileNotFoundError):
                target.rmdir()
            os.replace(staging, target)
        else:
            _merge(staging, target)
        fsync_dir(target.parent)
    for entry in sorted(
        (e for e in entries if e["type"] == "dir"), key=lambda e: -e["path"].count("/")
    ):  # deepest first: setting a folder's mtime after its children are in place
        path = target / entry["path"]
        if path.is_symlink():  # never follow: the merge made every snapshot folder real
            continue
        os.chmod(path, entry["mode"])
        os.utime(path, ns=(entry["mtime_ns"], entry["mtime_ns"]))
    return result


def _real_dir(path: Path) -> None:
    """Make ``path`` a real folder: a symlink or a file there is replaced, never followed
    (a link planted in the target must not send the restore's files elsewhere)."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        path.mkdir()
        return
    if stat.S_ISDIR(info.st_mode):
        return
    path.unlink()
    path.mkdir()


def _merge(staging: Path, target: Path) -> None:
    """Move every file of ``staging`` over ``target`` (``--overwrite``), never following
    a symlink that is in ``target``."""
    for folder, dirs, files in os.walk(staging):
        relative = Path(folder).relative_to(staging)
        if relative != Path("."):
            _real_dir(target / relative)  # parents were made real one level up
        for name in files + [d for d in dirs if (Path(folder) / d).is_symlink()]:
            destination = target / relative / name
            if destination.is_dir() and not destination.is_symlink():
                shutil.rmtree(destination)
            os.replace(Path(folder) / name, destination)  # replaces a symlink, not its target


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb", buffering=0) as handle:
        while block := handle.read(1 << 22):
            digest.update(block)
    return digest.hexdigest()


# -- verify --------------------------------------------------------------------------


def _unsafe_paths(snapshot: Snapshot, location: str) -> list[Problem]:
    """Paths restore would refuse (absolute, ``..``), and hard links to no earlier file."""
    problems: list[Problem] = []
    files: set[str] = set()
    for entry in snapshot.files:
        names = [entry.get("path", "")]
        if "hardlink" in entry:
            names.append(entry["hardlink"])
            if entry["hardlink"] not in files:
                problems.append(
                    Problem(
                        f"{location}/snapshots/{snapshot.id}",
                        f"{entry['path']!r} is a hard link to {entry['hardlink']!r}, which is "
                        "not a file listed before it",
                        "this manifest was not written by warta: restore another snapshot",
                    )
                )
        for name in names:
            try:
                _safe(str(name))
            except IntegrityError:
                problems.append(
                    Problem(
                        f"{location}/snapshots/{snapshot.id}",
                        f"unsafe path {name!r} (absolute or with '..'): restore refuses it",
                        "this manifest was not written by warta: restore another snapshot",
                    )
                )
        if entry.get("type") == "file":
            files.add(str(entry.get("path")))
    return problems


@dataclass
class VerifyResult:
    snapshots: int = 0
    packs: int = 0
    packs_read: int = 0
    bytes_read: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def in_subset(pack_id: str, subset: tuple[int, int] | None) -> bool:
    """Whether a pack belongs to slice ``n`` of ``t`` (``None``: every pack)."""
    if subset is None:
        return True
    n, t = subset
    return int(pack_id[:8], 16) % t == n - 1


def _check_pack(repo: Repository, pack: PackInfo) -> tuple[dict[str, str], int]:
    """Read a whole pack: its header must hash to its name and every blob to its id."""
    try:
        body = repo.backend.read(pack_key(pack.id))
    except MissingObject:
        return {b: f"pack {pack.id[:12]} missing" for b in pack.blobs}, 0
    damaged: dict[str, str] = {}
    try:
        parse_pack_header(pack.id, body, len(body), repo.crypto)
    except (ValueError, KeyError, TypeError):
        damaged.update({b: f"pack {pack.id[:12]} header damaged" for b in pack.blobs})
    for blob, location in pack.blobs.items():
        raw = body[location.offset : location.offset + location.length]
        try:
            good = sha256(decode_blob(raw, location, repo.crypto)) == blob
        except Exception:  # zstd refuses damaged frames with various errors
            good = False
        if not good:
            damaged[blob] = f"object {blob[:12]} damaged (in pack {pack.id[:12]})"
    return damaged, len(body)


def verify(
    repo: Repository,
    *,
    read_data: bool = False,
    subset: tuple[int, int] | None = None,
    progress: Progress | None = None,
    workers: int = WORKERS,
) -> VerifyResult:
    """Check the structure (every object a snapshot needs exists); with ``read_data`` or
    ``subset``, also re-hash the packs (all, or slice n of t). Problems name the files."""
    progress = progress or NoProgress()
    result = VerifyResult()
    problems: list[Problem] = []
    progress.start("verify")
    snapshots = repo.snapshots(problems)
    repo.load_index(recover=False, problems=problems)
    result.snapshots = len(snapshots)
    for snapshot in snapshots:
        problems += _unsafe_paths(snapshot, repo.location)
    leftovers = repo.backend.temporaries()
    if leftovers:
        result.notes.append(
            f"{len(leftovers)} temporary file(s) left by a killed run (the next run or "
            "prune removes them): " + ", ".join(leftovers[:3])
        )
    existing = repo.list_packs()
    result.packs = len(existing)
    damaged: dict[str, str] = {}
    for pack in repo.packs.values():
        size = existing.get(pack.id)
        if size is None:
            damaged.update({b: f"pack {pack.id[:12]} missing" for b in pack.blobs})
        elif size != pack.size:
            damaged.update(
                {b: f"pack {pack.id[:12]} has {size} bytes, not {pack.size}" for b in pack.blobs}
            )
    for snapshot in snapshots:
        for entry in snapshot.file_entries():
            for chunk in entry["chunks"]:
                if chunk not in repo.index:
                    damaged[chunk] = f"object {chunk[:12]} missing from the index"
    orphans = [p for p in existing if p not in repo.packs]
    if orphans:
        result.notes.append(
            f"{len(orphans)} pack(s) no index lists (left by an interrupted run): the next "
            "backup reuses them, prune removes the unused"
        )
    if read_data or subset is not None:
        chosen = [p for p in repo.packs.values() if p.id in existing and in_subset(p.id, subset)]
        progress.start("read", total=len(chosen))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="verify") as pool:
            for future in as_completed([pool.submit(_check_pack, repo, p) for p in chosen]):
                bad, size = future.result()
                damaged.update(bad)
                result.packs_read += 1
                result.bytes_read += size
                progress.advance()
    found, hit = _group_problems(damaged, snapshots)
    problems.extend(found)
    unused = {b for b in damaged if b not in hit}
    if unused:
        result.notes.append(
            f"{len(unused)} damaged or missing object(s) no snapshot needs (prune removes them)"
        )
    result.problems = problems
    return result


# -- drill ---------------------------------------------------------------------------


@dataclass
class DrillResult:
    snapshot: str
    files: int
    bytes: int
    checked: int


def drill(
    repo: Repository, snapshot: Snapshot, workdir: Path, *, progress: Progress | None = None
) -> DrillResult:
    """Restore ``snapshot`` into ``workdir`` and re-read every file against its hash."""
    progress = progress or NoProgress()
    target = workdir / "restore"
    restored = restore(repo, snapshot, target, progress=progress)
    problems = []
    checked = 0
    files = list(snapshot.file_entries())
    progress.start("check", total=len(files))
    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="drill") as pool:
        digests = pool.map(lambda e: _sha256_file(target / e["path"]), files)
        for entry, digest in zip(files, digests, strict=True):
            size = (target / entry["path"]).stat().st_size
            if digest != entry["sha256"] or size != entry["size"]:
                problems.append(Problem(entry["path"], "restored file differs from the snapshot"))
            checked += 1
            progress.advance()
    for entry in snapshot.files:
        if entry["type"] == "symlink" and os.readlink(target / entry["path"]) != entry["target"]:
            problems.append(Problem(entry["path"], "restored link differs from the snapshot"))
    if problems:
        raise IntegrityError(f"restore drill of snapshot {snapshot.short} failed", problems)
    return DrillResult(snapshot.id, restored.files, restored.bytes, checked)


# -- prune ---------------------------------------------------------------------------


@dataclass
class PruneResult:
    kept: list[Snapshot] = field(default_factory=list)
    forgotten: list[Snapshot] = field(default_factory=list)
    packs_deleted: int = 0
    bytes_freed: int = 0
    packs_kept: int = 0


def prune(repo: Repository, keep: set[str], *, dry_run: bool = False) -> PruneResult:
    """Forget the snapshots not in ``keep``, then delete the packs nothing needs any more.

    Order: the forgotten manifests go first; then one new index of the packs that stay;
    then the old index files; then the unused packs. An interruption at any point leaves
    every kept snapshot whole (an unused pack is removed by the next prune)."""
    if not dry_run:
        repo.backend.remove_temporaries()  # under the lock: what killed runs left
    snapshots = repo.snapshots()
    result = PruneResult(
        kept=[s for s in snapshots if s.id in keep],
        forgotten=[s for s in snapshots if s.id not in keep],
    )
    repo.load_index(recover=True)
    used = {c for s in result.kept for e in s.file_entries() for c in e["chunks"]}
    existing = repo.list_packs()
    stay = [p for p in repo.packs.values() if any(b in used for b in p.blobs)]
    stay_ids = {p.id for p in stay}
    unused = [pid for pid in existing if pid not in stay_ids]
    result.packs_kept = len(stay)
    result.packs_deleted = len(unused)
    result.bytes_freed = sum(existing[p] for p in unused)
    if dry_run:
        return result
    for snapshot in result.forgotten:
        repo.backend.delete(f"snapshots/{snapshot.id}")
    old_indexes = list(repo.index_files)
    new_index = repo.write_index(stay)
    for key in old_indexes:
        if new_index is None or not key.endswith(new_index):
            repo.backend.delete(key)
    for pack_id in unused:
        repo.backend.delete(pack_key(pack_id))
    return result
